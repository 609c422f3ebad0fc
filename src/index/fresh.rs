//! Whether the index still pictures the corpus: each report file's size and modification time
//! against what the index holds for it, without opening a single report.
//!
//! A build compares the same way before it reads anything (see `build::examine`), so a check
//! that finds nothing means a build would change nothing; it costs one `stat` per file and a
//! pass over the index's key, size and time columns, with no lock and no write.

use super::build::{self, FailedRecord};
use super::{BuildOptions, Index, IndexError};
use std::path::Path;

/// What changed in the corpus since the index was built, by key (path below the corpus).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Report files the index does not know.
    pub added: Vec<String>,
    /// Report files whose size or time differ from the indexed ones.
    pub changed: Vec<String>,
    /// Indexed reports whose file is gone.
    pub removed: Vec<String>,
}

impl Staleness {
    pub fn is_fresh(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// How many files differ.
    pub fn len(&self) -> usize {
        self.added.len() + self.changed.len() + self.removed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.is_fresh()
    }

    /// `2 added, 1 changed, 0 removed`.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} changed, {} removed",
            self.added.len(),
            self.changed.len(),
            self.removed.len()
        )
    }
}

/// Compares the corpus with `index` as a build with `opts` would see it.
pub fn check(corpus: &Path, index: &Index, opts: &BuildOptions) -> Result<Staleness, IndexError> {
    if !corpus.is_dir() {
        return Err(IndexError::NoCorpus(corpus.to_path_buf()));
    }
    let dir = index.dir();
    let recorded = build::read_recorded(dir);
    let mut known = build::guard(|| build::known_in(&index.inner.searcher, !recorded.is_empty()))
        .map_err(|_| build::crashed(dir, "listing the indexed files crashed"))??;
    build::apply_recorded(&mut known, &recorded);
    let cap = opts
        .max_report_bytes
        .unwrap_or(super::DEFAULT_MAX_REPORT_BYTES);
    let failed = build::read_failed(dir);
    let failed = if failed.cap == cap {
        failed
    } else {
        FailedRecord::default()
    };
    let mut out = Staleness::default();
    let mut compare = |key: String, meta: Option<std::fs::Metadata>| {
        // A file that cannot be looked at now is one a build would fail on: changed.
        let stamp = meta.map(|m| (m.len(), build::mtime_nanos(&m)));
        // Removed from `known` when found: what is left at the end is gone from the corpus.
        match known.remove(&key) {
            Some(k) if stamp == Some((k.size, k.mtime)) => {}
            Some(_) => out.changed.push(key),
            None if stamp.is_some() && failed.files.get(&key).copied() == stamp => {}
            None => out.added.push(key),
        }
    };
    if opts.follow_links {
        build::walk(corpus, opts, false, &mut |e, key| {
            compare(key, e.metadata().ok())
        })?;
    } else {
        walk_plain(corpus, corpus, Some(String::new()), &mut compare);
    }
    out.removed = known.into_keys().collect();
    out.added.sort();
    out.changed.sort();
    out.removed.sort();
    Ok(out)
}

/// The walk of [`build::walk`] without following links, cheaper: `stat` relative to each open
/// folder (no path lookup from the root per file), keys built as the folders are entered.
/// Gives the same files and keys; folders that cannot be read are left out, as the build
/// leaves them out (and names them).
fn walk_plain(
    corpus: &Path,
    folder: &Path,
    prefix: Option<String>,
    file: &mut dyn FnMut(String, Option<std::fs::Metadata>),
) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(kind) = e.file_type() else { continue };
        let name = e.file_name();
        // A name that is not UTF-8 gets its key as the build makes it.
        let key = match (&prefix, name.to_str()) {
            (Some(p), Some(n)) if p.is_empty() => Some(n.to_string()),
            (Some(p), Some(n)) => Some(format!("{p}/{n}")),
            _ => None,
        };
        if kind.is_dir() {
            walk_plain(corpus, &e.path(), key, file);
        } else if kind.is_file() && crate::source::is_report_file(Path::new(&name)) {
            let key = key.unwrap_or_else(|| build::key_of(corpus, &e.path()));
            file(key, e.metadata().ok());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheap walk finds the files the build's walk finds, under the same keys: otherwise
    /// every command would find the index stale, or miss a change.
    #[test]
    fn the_cheap_walk_gives_the_builds_files_and_keys() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("corpus");
        for f in [
            "甲局/2023.txt",
            "甲局/2024.html",
            "甲局/notes.md",
            "乙/丙/深层/2022.docx",
            "2021.txt",
            ".hidden/2020.txt",
            "甲局/photo.jpg",
        ] {
            let p = corpus.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"\xb6\xfe\xc1\xe3");
            std::fs::create_dir_all(corpus.join(name)).unwrap();
            std::fs::write(corpus.join(name).join("2019.txt"), b"x").unwrap();
            std::fs::write(corpus.join("乙").join(name).with_extension("txt"), b"x").unwrap();
            std::os::unix::fs::symlink(corpus.join("甲局"), corpus.join("链接")).unwrap();
        }
        for given in [corpus.clone(), corpus.join(""), t.path().join("./corpus")] {
            let mut built = Vec::new();
            build::walk(&given, &BuildOptions::default(), true, &mut |_, k| {
                built.push(k)
            })
            .unwrap();
            let mut cheap = Vec::new();
            walk_plain(&given, &given, Some(String::new()), &mut |k, m| {
                assert!(m.is_some(), "{k}");
                cheap.push(k)
            });
            built.sort();
            cheap.sort();
            assert_eq!(cheap, built, "{}", given.display());
            assert!(built.len() >= 6, "{built:?}");
        }
    }
}
