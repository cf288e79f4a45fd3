//! A progress bar on stderr for long runs. Drawn only when stderr is a terminal, the user
//! did not turn it off, and the run has enough files to be worth watching.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::settings::Settings;

/// Fewer files than this finish before a bar would be useful.
const MIN_FILES: usize = 2_000;

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(settings: &Settings, files: usize) -> Progress {
        let wanted = settings.progress && files >= MIN_FILES && std::io::stderr().is_terminal();
        if !wanted {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} files {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("reading");
        Progress { bar: Some(bar) }
    }

    pub fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub fn phase(&self, name: &'static str, len: usize) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(name);
            bar.set_length(len as u64);
            bar.set_position(0);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
