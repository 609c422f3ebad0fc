//! `nianbao parse FILE... [--json]`: the report contract, or a readable summary, per file.

use crate::output::summary;
use crate::report;
use std::io::Write;
use std::path::PathBuf;

/// Parses each file; a file that cannot be read is reported on `err` and the others go on.
/// Returns whether every file was read.
pub fn run(
    files: &[PathBuf],
    json: bool,
    sections: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let mut all_ok = true;
    for (i, f) in files.iter().enumerate() {
        match report::parse_file(f) {
            Ok(r) => {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&r)?)?;
                } else {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    write!(out, "{}", summary::report(&r, sections))?;
                }
            }
            Err(e) => {
                all_ok = false;
                writeln!(err, "nianbao: {e}")?;
            }
        }
    }
    Ok(all_ok)
}
