//! A terminal progress bar (on standard error) for the application's long work.

use std::sync::Mutex;

use digindex::Units;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar per piece of work, drawn on standard error (nothing when
/// quiet), and warnings on standard error.
pub struct Bar {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    pub fn new(quiet: bool) -> Bar {
        Bar { quiet, bar: Mutex::new(None) }
    }

    fn with(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.bar.lock() {
            if let Some(bar) = guard.as_ref() {
                f(bar);
            }
        }
    }
}

impl digindex::Progress for Bar {
    fn start(&self, label: &str, units: Units, total: u64) {
        let bar = if self.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
        };
        let template = match units {
            Units::Runs => "{prefix} [{bar:30}] {pos}/{len} runs, {elapsed} elapsed, ETA {eta}",
            Units::Responses => "{prefix} {spinner} {pos} pages, {elapsed} {wide_msg}",
            Units::Bytes => {
                "{prefix} [{bar:30}] {bytes}/{total_bytes} ({binary_bytes_per_sec}) {msg}, {elapsed}, ETA {eta}"
            }
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
        if let Ok(mut guard) = self.bar.lock() {
            *guard = Some(bar);
        }
    }
    fn advance(&self, n: u64) {
        self.with(|b| b.inc(n));
    }
    fn note(&self, message: String) {
        self.with(|b| b.set_message(message));
    }
    fn finish(&self) {
        if let Ok(mut guard) = self.bar.lock() {
            if let Some(bar) = guard.take() {
                bar.finish_and_clear();
            }
        }
    }
    /// Said even when quiet: it changes what the output means.
    fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }
}
