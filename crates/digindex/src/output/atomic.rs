//! Writing outputs whole or not at all: a folder replaced in one step
//! ([`write_atomically`]), one file or a group of files put in place
//! together ([`FileGroup`], [`write_file_atomically`]), and the litter of
//! killed runs cleaned up (see the [`super`] module docs for the guarantee).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes one file whole or not at all: `fill` writes a temporary file
/// beside `path` (its folder created if needed), which is then renamed.
pub fn write_file_atomically(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<&fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut one = FileGroup::new();
    one.stage(path, fill)?;
    one.commit()
}

/// Gives a file (`dir = false`) or directory the mode an ordinary
/// `create` would have under the process's umask (`0644`/`0755` under the
/// usual `022`), on Unix. Temporary files and directories are created
/// private; an output must not stay so.
fn ordinary_mode(path: &Path, dir: bool) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = file_mode();
        // directories: x wherever r
        let mode = if dir { file | ((file & 0o444) >> 2) } else { file };
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, dir);
    Ok(())
}

/// The mode of a file `File::create` makes (0666 less the umask), probed
/// once per process; 0644 if the probe fails.
#[cfg(unix)]
fn file_mode() -> u32 {
    use std::os::unix::fs::PermissionsExt;
    static MODE: std::sync::LazyLock<u32> = std::sync::LazyLock::new(|| {
        let probe = std::env::temp_dir().join(format!(".digindex-umask-{}", std::process::id()));
        let mode = fs::File::create(&probe).and_then(|f| f.metadata()).map(|m| m.permissions().mode() & 0o666);
        let _ = fs::remove_file(&probe);
        mode.unwrap_or(0o644)
    });
    *MODE
}

const BUILD_PREFIX: &str = ".digindex-build-";
const OLD_PREFIX: &str = ".digindex-old-";
const PART_PREFIX: &str = ".digindex-part-";

/// Removes what killed runs left in `parent`: temporary output folders and
/// files whose process (the pid in their name) is gone. Those of running
/// processes, or whose owner cannot be told (no `/proc`), are left alone
/// unless a day old.
fn clean_litter(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let proc_known = Path::new("/proc/self").exists();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let (rest, dir) = if let Some(r) = name.strip_prefix(BUILD_PREFIX).or_else(|| name.strip_prefix(OLD_PREFIX)) {
            (r, true)
        } else if let Some(r) = name.strip_prefix(PART_PREFIX) {
            (r, false)
        } else {
            continue;
        };
        if !e.file_type().is_ok_and(|t| if dir { t.is_dir() } else { t.is_file() }) {
            continue;
        }
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let gone = match pid {
            Some(pid) if proc_known => pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists(),
            _ => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600),
        };
        if gone {
            let _ = if dir { fs::remove_dir_all(e.path()) } else { fs::remove_file(e.path()) };
        }
    }
}

/// The file every output directory carries: only a directory holding it
/// (or empty) is replaced by the next run.
pub const MARKER: &str = ".digindex-output";

/// Whether `dir` is a digindex output: it holds the [`MARKER`], or (written
/// before the marker existed) a `manifest.json` that digindex wrote.
pub fn is_digindex_output(dir: &Path) -> bool {
    if dir.join(MARKER).is_file() {
        return true;
    }
    let Ok(text) = digindex_input::read_text(&dir.join("manifest.json")) else { return false };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("digindex_version") || o.contains_key("report")))
        .unwrap_or(false)
}

/// Fills a fresh temporary directory with `fill` and renames it to `out`
/// (see the module docs). An existing `out` is replaced only if it is
/// empty or a digindex output ([`is_digindex_output`]): a folder that
/// merely holds a file called `manifest.json` is not.
pub fn write_atomically(out: &Path, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            return Err(io::Error::other(format!("{} exists and is not a directory", out.display())));
        }
        let empty = fs::read_dir(out)?.next().is_none();
        if !empty && !is_digindex_output(out) {
            return Err(io::Error::other(format!(
                "{} exists, is not empty and is not a digindex output (no {MARKER} file); choose another --out",
                out.display()
            )));
        }
    }
    let parent = folder_of(out);
    fs::create_dir_all(parent)?;
    clean_litter(parent);
    let tmp = tempfile::Builder::new().prefix(&format!("{BUILD_PREFIX}{}-", std::process::id())).tempdir_in(parent)?;
    fill(tmp.path())?;
    // a temporary directory is created private; the output is an ordinary one
    ordinary_mode(tmp.path(), true)?;
    fs::write(
        tmp.path().join(MARKER),
        format!(
            "Written by digindex {}. This folder is replaced whole by the next run that writes here.\n",
            env!("CARGO_PKG_VERSION")
        ),
    )?;
    // Into place. The temporary directories stay guarded (removed on drop)
    // until the end, so no failure leaves them behind. Another build may
    // put its output at `out` at any moment: each step that finds it there
    // starts again (a few times).
    for _ in 0..8 {
        if fs::symlink_metadata(out).is_err() {
            match fs::rename(tmp.path(), out) {
                Ok(()) => return Ok(()),
                // another build's output arrived in between
                Err(e) if is_not_empty(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        // one step: `tmp` now holds the previous output, removed on drop
        match exchange(tmp.path(), out) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) if !exchange_unsupported(&e) => return Err(e),
            Err(_) => {}
        }
        // two steps; rename() replaces an empty directory, so the guard's
        // own directory can receive the old output
        let old =
            tempfile::Builder::new().prefix(&format!("{OLD_PREFIX}{}-", std::process::id())).tempdir_in(parent)?;
        match fs::rename(out, old.path()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
        match fs::rename(tmp.path(), out) {
            Ok(()) => return Ok(()),
            Err(e) if is_not_empty(&e) => continue,
            Err(e) => {
                let _ = fs::rename(old.path(), out);
                return Err(e);
            }
        }
    }
    Err(io::Error::other(format!(
        "{}: other runs kept replacing it while this one tried to; run one build at a time here",
        out.display()
    )))
}

/// A rename found a non-empty directory in its way (ENOTEMPTY, EEXIST).
fn is_not_empty(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::DirectoryNotEmpty | io::ErrorKind::AlreadyExists)
}

/// The folder `path` is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Swaps two paths in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The system or file system cannot swap in one step (ENOSYS and
/// EOPNOTSUPP are `Unsupported`, EINVAL `InvalidInput`): fall back to two
/// renames.
fn exchange_unsupported(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::Unsupported | io::ErrorKind::InvalidInput)
}

/// Files written as one unit (e.g. a table and its summary): each is staged
/// in a temporary file beside its path, and [`FileGroup::commit`] first
/// removes every old file, then renames the new ones in. A run killed
/// midway leaves files missing, never a new file beside an old one.
#[derive(Default)]
pub struct FileGroup {
    staged: Vec<(tempfile::NamedTempFile, std::path::PathBuf)>,
}

impl FileGroup {
    pub fn new() -> FileGroup {
        FileGroup::default()
    }

    /// Writes `path`'s new content (not yet in place) with `fill`, into a
    /// temporary file beside it (its folder created if needed), whose path
    /// it returns.
    pub fn stage(
        &mut self,
        path: &Path,
        fill: impl FnOnce(&mut BufWriter<&fs::File>) -> io::Result<()>,
    ) -> io::Result<&Path> {
        let dir = folder_of(path);
        fs::create_dir_all(dir)?;
        // a killed run's part files are cleaned once per folder
        if !self.staged.iter().any(|(_, p)| folder_of(p) == dir) {
            clean_litter(dir);
        }
        let tmp = tempfile::Builder::new().prefix(&format!("{PART_PREFIX}{}-", std::process::id())).tempfile_in(dir)?;
        {
            let mut w = BufWriter::new(tmp.as_file());
            fill(&mut w)?;
            w.flush()?;
        }
        // a temporary file is created readable by its owner only; the
        // result is an ordinary file
        ordinary_mode(tmp.path(), false)?;
        self.staged.push((tmp, path.to_path_buf()));
        Ok(self.staged[self.staged.len() - 1].0.path())
    }

    /// Puts every staged file in place (one file: replaced in one rename).
    pub fn commit(self) -> io::Result<()> {
        // several files: the old ones go first (one file is replaced by
        // its rename alone, never missing)
        if self.staged.len() > 1 {
            for (_, path) in &self.staged {
                match fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        for (tmp, path) in self.staged {
            tmp.persist(&path).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod mode_tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn outputs_get_ordinary_modes() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("a.csv");
        write_file_atomically(&file, |w| w.write_all(b"x\n")).expect("writes");
        // the mode a plain create gives here (0644 under the usual umask), not 0600
        let plain = dir.path().join("plain");
        fs::write(&plain, "").expect("write");
        let want = fs::metadata(&plain).expect("meta").permissions().mode() & 0o777;
        assert_eq!(fs::metadata(&file).expect("meta").permissions().mode() & 0o777, want);
        let out = dir.path().join("out");
        write_atomically(&out, |d| fs::write(d.join("b.csv"), "y\n")).expect("writes");
        let want_dir = want | ((want & 0o444) >> 2);
        assert_eq!(fs::metadata(&out).expect("meta").permissions().mode() & 0o777, want_dir);
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn litter_of_killed_runs_is_cleaned_at_the_next_run() {
        let dir = tempfile::tempdir().expect("tmp");
        // a process id that cannot be running (above the kernel's maximum), and our own
        let dead = dir.path().join(format!("{BUILD_PREFIX}4294967295-abc"));
        let old = dir.path().join(format!("{OLD_PREFIX}4294967295-xyz"));
        let alive = dir.path().join(format!("{BUILD_PREFIX}{}-def", std::process::id()));
        for d in [&dead, &old, &alive] {
            fs::create_dir(d).expect("mkdir");
            fs::write(d.join("scores.csv"), "x").expect("write");
        }
        // a half-written file of a killed run (e.g. openalex's CSV)
        let part = dir.path().join(format!("{PART_PREFIX}4294967295-q1w2"));
        let user = dir.path().join(".tmp-a-users-own-file");
        fs::write(&part, "half").expect("write");
        fs::write(&user, "mine").expect("write");
        write_atomically(&dir.path().join("out"), |d| fs::write(d.join("a"), "y")).expect("writes");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists() && !old.exists(), "a dead run's folders are removed");
        }
        assert!(alive.exists(), "a running process's folder is left alone");
        write_file_atomically(&dir.path().join("x.csv"), |w| w.write_all(b"z")).expect("writes");
        if Path::new("/proc/self").exists() {
            assert!(!part.exists(), "a dead run's part file is removed");
        }
        assert!(user.exists(), "other files are left alone");
    }

    #[test]
    fn concurrent_writers_to_one_output_all_succeed_and_one_wins() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("out");
        std::thread::scope(|scope| {
            for k in 0..6 {
                let out = &out;
                scope.spawn(move || {
                    for round in 0..5 {
                        write_atomically(out, |d| {
                            fs::write(d.join("who"), format!("{k}"))?;
                            fs::write(d.join(format!("from-{k}-{round}")), "")
                        })
                        .unwrap_or_else(|e| panic!("writer {k}, round {round}: {e}"));
                    }
                });
            }
        });
        // one writer's complete output, nothing of the others', no litter
        let who = fs::read_to_string(out.join("who")).expect("who");
        let names: Vec<String> =
            fs::read_dir(&out).expect("out").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.iter().any(|n| n.starts_with(&format!("from-{who}-"))), "{names:?}");
        let left: Vec<_> = fs::read_dir(dir.path()).expect("dir").filter_map(Result::ok).collect();
        assert_eq!(left.len(), 1, "only the output remains");
    }

    #[test]
    fn replacing_an_output_never_leaves_the_path_empty() {
        // a reader polling the path during many replacements always finds
        // a complete output (with the swap in one step; on other systems
        // the two renames leave a moment without one)
        if !cfg!(target_os = "linux") {
            return;
        }
        let dir = tempfile::tempdir().expect("tmp");
        // a file system without RENAME_EXCHANGE (NFS…) falls back to two renames
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).expect("a");
        fs::create_dir(&b).expect("b");
        if exchange(&a, &b).is_err() {
            return;
        }
        let out = dir.path().join("out");
        write_atomically(&out, |d| fs::write(d.join("scores.csv"), "0")).expect("first");
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for k in 1..200 {
                    write_atomically(&out, |d| fs::write(d.join("scores.csv"), k.to_string())).expect("writes");
                }
                done.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            let mut looks = 0;
            let _ = (fs::remove_dir(&a), fs::remove_dir(&b));
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                assert!(out.join(MARKER).is_file() && out.join("scores.csv").is_file(), "a moment without output");
                looks += 1;
            }
            assert!(looks > 0);
        });
    }

    #[test]
    fn a_file_group_replaces_its_files_together() {
        let dir = tempfile::tempdir().expect("tmp");
        let (csv, json) = (dir.path().join("x.csv"), dir.path().join("x.csv.json"));
        fs::write(&csv, "old").expect("w");
        fs::write(&json, "old").expect("w");
        let mut g = FileGroup::new();
        let staged = g.stage(&csv, |w| w.write_all(b"new")).expect("stage");
        let hash = digindex_input::sha256_hex(&fs::read(staged).expect("staged"));
        g.stage(&json, |w| w.write_all(b"{}")).expect("stage");
        // nothing in place before the commit
        assert_eq!(fs::read_to_string(&csv).expect("r"), "old");
        g.commit().expect("commit");
        assert_eq!(fs::read_to_string(&csv).expect("r"), "new");
        assert_eq!(fs::read_to_string(&json).expect("r"), "{}");
        assert_eq!(hash, digindex_input::sha256_hex(b"new"));
        // a group dropped without commit leaves the old files and no litter
        let mut g = FileGroup::new();
        g.stage(&csv, |w| w.write_all(b"newer")).expect("stage");
        drop(g);
        assert_eq!(fs::read_to_string(&csv).expect("r"), "new");
        assert_eq!(fs::read_dir(dir.path()).expect("d").count(), 2);
    }
}
