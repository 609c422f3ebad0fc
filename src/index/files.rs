//! The corpus's report files as the index names them: their keys, their stamps (size and
//! modification time), the cheap walk that lists them, and what changed since a build.
//!
//! The build, the freshness check and the record beside the index (`stamps.rs`) all name and
//! stamp files this one way; keeping it here, below all three, keeps them from importing
//! each other.

use std::path::Path;
use std::time::UNIX_EPOCH;

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

/// A file's key in the index: its path below the corpus folder.
pub(crate) fn key_of(corpus: &Path, p: &Path) -> String {
    readable(p.strip_prefix(corpus).unwrap_or(p)).replace('\\', "/")
}

/// A path as text, one to one: a name that is not UTF-8 (an old GBK archive) is shown made
/// readable and followed by its bytes in hex, so that two such names that read the same once
/// made readable (`\u{FFFD}`) never share a key or a shown path.
pub(crate) fn readable(p: &Path) -> String {
    let shown = p.to_string_lossy();
    if p.to_str().is_some() {
        return shown.into_owned();
    }
    let hex: String = p
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{shown} [name bytes {hex}]")
}

pub(crate) fn mtime_nanos(m: &std::fs::Metadata) -> i64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// Every report file below `folder` (a folder inside the corpus), with its key, as the build's
/// walk finds them.
pub(crate) fn walk_new(
    corpus: &Path,
    folder: &Path,
    file: &mut dyn FnMut(String, Option<std::fs::Metadata>),
) {
    walk_plain(corpus, folder, None, file)
}

/// The walk of [`build::walk`] without following links, cheaper: `stat` relative to each open
/// folder (no path lookup from the root per file), keys built as the folders are entered.
/// Gives the same files and keys; folders that cannot be read are left out, as the build
/// leaves them out (and names them).
pub(crate) fn walk_plain(
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
            let key = key.unwrap_or_else(|| key_of(corpus, &e.path()));
            file(key, e.metadata().ok());
        }
    }
}
