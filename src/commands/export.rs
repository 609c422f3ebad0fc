//! `nianbao export [QUERY] [filters] --format csv|jsonl|xlsx [--bom] [--wide] -o PATH`.

use super::open_index;
use super::select::select;
use crate::cli::{Config, DatasetFormat, ExportArgs};
use crate::output::dataset::{self, write_atomic};
use std::io::Write;
use std::path::PathBuf;

pub fn run(
    config: &Config,
    args: &ExportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let path = &args.output;
    if path.is_dir() {
        anyhow::bail!("{} is a folder; give a file name", path.display());
    }
    let index = open_index(config, err)?;
    let selected = select(&index, &args.select)?;
    let entries = &selected.entries;
    let mut written: Vec<PathBuf> = Vec::new();
    match args.format {
        DatasetFormat::Xlsx => {
            dataset::xlsx(entries, path)?;
            written.push(path.clone());
        }
        DatasetFormat::Csv if args.wide => {
            for w in dataset::wide(entries) {
                let p = dataset::sibling(path, w.table.as_str());
                write_atomic(&p, |f| dataset::wide_csv(&w, args.bom, f))?;
                written.push(p);
            }
        }
        DatasetFormat::Csv => {
            write_atomic(path, |f| dataset::long_csv(entries, args.bom, f))?;
            written.push(path.clone());
        }
        DatasetFormat::Jsonl => {
            if args.wide {
                let tables = dataset::wide(entries);
                write_atomic(path, |f| dataset::wide_jsonl(&tables, f))?;
            } else {
                write_atomic(path, |f| dataset::long_jsonl(entries, f))?;
            }
            written.push(path.clone());
        }
    }
    if args.format != DatasetFormat::Xlsx {
        let d = dataset::dictionary_path(path);
        write_atomic(&d, |f| dataset::dictionary_csv(args.bom, f))?;
        written.push(d);
    }
    writeln!(
        err,
        "nianbao: exported {} reports ({} left out by --where) to {}",
        entries.len(),
        selected.filtered_out,
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    let _ = out;
    Ok(true)
}
