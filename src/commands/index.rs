//! `nianbao index [--rebuild] [--json]`: builds or updates the index and says what it did.

use super::index_dir;
use crate::cli::Config;
use crate::index::{self as idx, BuildOptions, BuildStats, Progress};
use crate::output::sanitize;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};

/// One line: what the build did.
pub fn summary(s: &BuildStats) -> String {
    format!(
        "{} reports: {} added, {} updated, {} removed, {} unchanged, {} failed, {} skipped ({:.1} s)",
        s.reports,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        s.failed.len(),
        s.skipped,
        s.elapsed_ms as f64 / 1000.0
    )
}

/// The bar's rate, whole files a second (indicatif's own `{per_sec}` prints `990.3752/s`).
fn rate_key(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = w.write_str(&rate(state.per_sec()));
}

/// `990/s`; below ten a second, one decimal (`2.5/s`).
pub fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        "–/s".to_string()
    } else if per_sec < 10.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.0}/s")
    }
}

/// Builds or updates the index. `Ok(false)` (exit status 1) when some files could not be
/// indexed, as `parse` does for files it cannot read; the index holds all the others.
pub fn run(
    config: &Config,
    rebuild: bool,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let dir = index_dir(config)?;
    let tty = std::io::stderr().is_terminal() && !json;
    let bar = if tty {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} files  {rate}  ETA {eta}  {wide_msg}",
            )
            .map(|s| s.with_key("rate", rate_key))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let mut messages = Vec::new();
    let result = idx::build(
        &config.corpus,
        &dir,
        &BuildOptions {
            rebuild,
            ..config.build_options()
        },
        &mut |p| {
            match p {
            Progress::Rebuilding { reason } => messages.push(format!(
                "nianbao: the index at {} is damaged or out of date ({reason}); rebuilding it from the corpus",
                dir.display()
            )),
            Progress::Indexing { done, total, path } => {
                if let Some(b) = &bar {
                    b.set_length(*total as u64);
                    b.set_position(*done as u64);
                    // indicatif writes to the terminal itself: the path is cleaned here.
                    b.set_message(sanitize::clean(path).into_owned());
                }
            }
            Progress::Committing => {
                if let Some(b) = &bar {
                    b.set_message("writing the index…");
                }
            }
            Progress::Scanning { .. } => {}
        }
        },
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for m in &messages {
        writeln!(err, "{m}")?;
    }
    let stats = result?;
    if json {
        writeln!(out, "{}", serde_json::to_string(&stats)?)?;
    } else {
        writeln!(out, "{}", summary(&stats))?;
        for f in &stats.failed {
            writeln!(out, "  failed: {}: {}", f.path, f.reason)?;
        }
    }
    Ok(stats.failed.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rate_is_whole_files_a_second() {
        assert_eq!(super::rate(990.3752), "990/s");
        assert_eq!(super::rate(2.54), "2.5/s");
        assert_eq!(super::rate(0.0), "–/s");
    }
}
