//! The OpenAlex input walk: every file read once, no loops, nothing that
//! blocks, and a clear word for what is not a file.

#![cfg(unix)]

use std::fs;
use std::path::PathBuf;

use digindex_openalex::input_files;

#[test]
fn symlinked_folders_and_repeated_names_count_each_file_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let works = dir.path().join("works");
    let part = works.join("updated_date=2024-01-01");
    fs::create_dir_all(&part).expect("mkdir");
    fs::write(part.join("part_000.jsonl"), "{}\n").expect("write");
    // a link back up: a loop
    std::os::unix::fs::symlink(&works, part.join("loop")).expect("symlink");
    // a second name for the same file
    std::os::unix::fs::symlink(part.join("part_000.jsonl"), part.join("again.jsonl")).expect("symlink");
    let files = input_files(std::slice::from_ref(&works)).expect("walks");
    assert_eq!(files.len(), 1, "{files:?}");
    // the same file named twice on the command line
    let f = part.join("part_000.jsonl");
    assert_eq!(input_files(&[f.clone(), f.clone(), works]).expect("walks").len(), 1);
}

#[test]
fn pipes_and_devices_are_not_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("works.jsonl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    if made {
        // in a folder: skipped, not opened (opening would block)
        assert!(input_files(&[dir.path().to_path_buf()]).expect("walks").is_empty());
        let e = input_files(&[fifo]).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
    let e = input_files(&[PathBuf::from("/dev/zero")]).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let e = input_files(&[PathBuf::from("/no/such/works.jsonl")]).unwrap_err().to_string();
    assert!(e.contains("no such file"), "{e}");
}
