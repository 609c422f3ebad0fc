//! The search index of a corpus: public API (open, build, search, agencies) and its one error type.
//!
//! The index is a cache of the corpus: anything wrong with it (damage, an old format) is
//! repaired by rebuilding it from the corpus. Nothing here prints; progress goes to a callback.
//!
//! Threading: [`Index`] is a cheap `Clone` (an `Arc`) and `Send + Sync`, so the browser can
//! hand clones to a worker thread and search there while the UI thread keeps drawing.

mod abbrev;
pub mod agency;
pub mod build;
mod catalog;
mod collect;
mod figures;
mod files;
mod filter;
mod first;
pub mod folder;
pub mod fresh;
mod hitdoc;
mod memory;
mod merges;
mod preload;
pub mod schema;
mod search;
mod snippet;
pub mod stamps;
mod stored;
mod syntax;
pub mod tokenizer;
pub mod vouch;

use crate::report::{Report, Template};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use build::{build, ensure_with, open_or_build, update_options};
pub use figures::Figures;
pub(crate) use files::key_of;
pub(crate) use folder::writable;
pub use memory::MemoryIndex;
pub use preload::{default_budget as default_preload_budget, Preloaded};
pub use snippet::match_ranges;
pub use stored::StoredReport;
pub use syntax::{parse_query, Clause};

/// Everything that can go wrong in the index layer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the index is being updated by another process ({0}); try again when it has finished")]
    Locked(PathBuf),
    #[error("the index at {dir} is damaged or out of date: {reason}")]
    Damaged { dir: PathBuf, reason: String },
    #[error("the corpus folder {0} does not exist or is not a folder")]
    NoCorpus(PathBuf),
    #[error("no index at {0}; run `nianbao index` first")]
    NoIndex(PathBuf),
    #[error("the index at {0} was never completely built (a first build was interrupted or is still running); run `nianbao index`")]
    Incomplete(PathBuf),
    #[error("{0} is not empty and is not a nianbao index (it has no nianbao-format.json); nianbao will not write into it or delete from it: give --index an empty or new folder")]
    NotNianbao(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no report with path {0} in the index")]
    NoSuchReport(String),
    #[error("the query could not be run: {0}")]
    Query(String),
    #[error("cannot find a cache folder for the index; pass --index DIR")]
    NoCacheDir,
    #[error("index error: {0}")]
    Tantivy(String),
}

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        IndexError::Tantivy(e.to_string())
    }
}

/// What a user asked for: the query text in the syntax users know, and filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Terms are ANDed, `"quoted phrases"`, `-exclude`. Empty: every report (filters still apply).
    pub text: String,
    /// Exact agency names (from [`Index::resolve_agency`]); empty = any agency.
    pub agencies: Vec<String>,
    /// Inclusive year range.
    pub years: Option<(i32, i32)>,
    pub template: Option<Template>,
    /// Places the agency's name states; within a level any of them, across levels all.
    pub regions: Vec<Region>,
    /// Only reports where an arithmetic check of FORMAT.md §4 fails.
    pub failed_only: bool,
    /// How many hits to return (after `offset`).
    pub limit: usize,
    pub offset: usize,
    /// The region facets are not wanted (a command that prints no facets): the table of every
    /// agency's place is then not made for this query (about 100 ms at 100,000 reports, once
    /// per open index). Region filters work either way.
    pub without_region_facets: bool,
}

impl Query {
    /// Whether a filter (agency, year, template, region, failed checks) narrows the query.
    pub fn has_filters(&self) -> bool {
        !self.agencies.is_empty()
            || self.years.is_some()
            || self.template.is_some()
            || !self.regions.is_empty()
            || self.failed_only
    }
}

/// A place at one level (province, city or county), as an agency's name states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    pub level: crate::report::place::Level,
    pub name: String,
}

/// One matching report.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The report's path as indexed (relative to the corpus folder's parent, as walked).
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub title: String,
    pub template: Template,
    pub score: f32,
    /// A short passage around the best match, on one line.
    pub snippet: Passage,
    /// A longer passage around the best match for a preview pane: paragraphs kept, the
    /// line breaks of PDF extraction joined as the report view joins them.
    pub preview: Passage,
}

/// A passage of text and the byte ranges in it that match the query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Passage {
    pub text: String,
    /// Byte ranges into `text`, sorted, not overlapping, on char boundaries.
    pub highlights: Vec<Range<usize>>,
}

/// Counts of matching reports per value, for filter chips. Each dimension is counted with the
/// other filters applied but not its own, so a chip shows what choosing it would give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub agencies: AgencyCounts,
    /// Sorted by year, descending. Reports without a year are not counted here.
    pub years: Vec<(i32, u64)>,
    pub templates: Vec<(Template, u64)>,
    /// Provinces, then cities, then counties, each by hits (most first) then name.
    pub regions: Vec<(Region, u64)>,
    /// Reports with a failed check (counted with the other filters applied).
    pub failed: u64,
}

/// Hits per agency: every agency of the index (shared with it, in name order) and a count for
/// each. Nothing is copied or sorted until asked for: a corpus can have tens of thousands of
/// agencies and a keystroke should not pay for all of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyCounts {
    names: Arc<[String]>,
    counts: Vec<u32>,
}

impl AgencyCounts {
    /// `names` in sorted order, `counts[i]` the hits of `names[i]` (missing counts are 0).
    pub(crate) fn new(names: Arc<[String]>, mut counts: Vec<u32>) -> AgencyCounts {
        counts.resize(names.len(), 0);
        AgencyCounts { names, counts }
    }

    /// From (name, hits) pairs in any order; a name given twice adds up.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, u64)>) -> AgencyCounts {
        let mut map: std::collections::BTreeMap<String, u64> = Default::default();
        for (name, n) in pairs {
            *map.entry(name).or_default() += n;
        }
        let (names, counts): (Vec<String>, Vec<u32>) = map
            .into_iter()
            .map(|(name, n)| (name, u32::try_from(n).unwrap_or(u32::MAX)))
            .unzip();
        AgencyCounts {
            names: names.into(),
            counts,
        }
    }

    /// The hits of the agency called `name` (0 for an agency the index does not know).
    pub fn count(&self, name: &str) -> u64 {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .map_or(0, |i| u64::from(self.counts[i]))
    }

    /// How many agencies have hits.
    pub fn len(&self) -> usize {
        self.counts.iter().filter(|&&n| n > 0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|&n| n == 0)
    }

    /// The `n` agencies with the most hits, most first, equal counts in name order.
    pub fn top(&self, n: usize) -> Vec<(&str, u64)> {
        let mut ids: Vec<usize> = (0..self.counts.len())
            .filter(|&i| self.counts[i] > 0)
            .collect();
        let order = |a: &usize, b: &usize| self.counts[*b].cmp(&self.counts[*a]).then(a.cmp(b));
        if ids.len() > n {
            if n == 0 {
                return Vec::new();
            }
            ids.select_nth_unstable_by(n - 1, order);
            ids.truncate(n);
        }
        ids.sort_unstable_by(order);
        ids.into_iter()
            .map(|i| (self.names[i].as_str(), u64::from(self.counts[i])))
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Every matching report, not only the returned hits.
    pub total: usize,
    pub facets: Facets,
    pub elapsed: Duration,
    /// The query's text as the engine read it: a report opened from these hits marks what
    /// found it with these, not with a query typed since.
    pub clauses: Vec<Clause>,
    /// Whether every match was counted or the engine stopped at the first hits.
    pub stage: Stage,
}

/// How far a search went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stage {
    /// Every match was counted: the hits are the best of all of them, `total` and the facets
    /// are exact.
    #[default]
    Complete,
    /// The engine stopped once it had the first hits in index order ([`Index::first_hits`]):
    /// the hits are ranked among themselves only, the facets are not counted (empty), and
    /// `total` is exact only when `all_found` (no match was left unread), else a lower bound.
    First { all_found: bool },
}

impl SearchResults {
    /// `total` is the exact number of matches (not a lower bound).
    pub fn total_is_exact(&self) -> bool {
        !matches!(self.stage, Stage::First { all_found: false })
    }
}

/// One agency and the years it has reports for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyYears {
    pub name: String,
    /// Ascending, no duplicates.
    pub years: Vec<i32>,
    /// Number of reports (a year may have more than one file).
    pub reports: usize,
}

/// A report as listed in the index, without its text.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRef {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub title: String,
    pub template: Template,
}

/// Progress of a build, for a progress bar.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Why the existing index is being thrown away (damage, old format).
    Rebuilding { reason: String },
    /// Walking the corpus; `found` report files so far.
    Scanning { found: usize },
    /// `done` of `total` files looked at (changed or not).
    Indexing {
        done: usize,
        total: usize,
        path: String,
    },
    /// Writing the index to disk.
    Committing,
}

/// What a build did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BuildStats {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Of the unchanged files, those whose size or time had changed but not their content:
    /// read and hashed this time, recorded so that later runs do not read them again.
    pub touched: usize,
    /// Files that could not be read or parsed, with the reason; they are not in the index.
    pub failed: Vec<FailedFile>,
    /// Files that are not `.txt` reports.
    pub skipped: usize,
    /// Set when the old index was thrown away and built again, and why.
    pub rebuilt: Option<String>,
    pub reports: usize,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FailedFile {
    pub path: String,
    pub reason: String,
}

/// Options of [`build`].
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Re-read every file, replacing the whole index in one commit.
    pub rebuild: bool,
    /// Follow symbolic links in the corpus (never to anything outside the corpus folder).
    /// Off by default: a link to `/etc` or a home folder would index files nobody chose.
    pub follow_links: bool,
    /// The size cap of one report in bytes (`None`: [`DEFAULT_MAX_REPORT_BYTES`]): a larger
    /// file is a named failure, never read; a report whose text is larger is not indexed.
    pub max_report_bytes: Option<u64>,
}

/// The default size cap of a report: far above any real report (the largest text reports
/// seen are under 200 KB), low enough that indexing one cannot exhaust memory.
pub const DEFAULT_MAX_REPORT_BYTES: u64 = 5 * 1024 * 1024;

/// PDF and DOCX files carry fonts and images: their cap is this many times the text cap.
pub const DOCUMENT_CAP_FACTOR: u64 = 8;

/// An open index: cheap to clone, safe to share between threads. A snapshot: it sees the
/// index as it was when opened; open again (or [`Index::reload`]) after a build.
#[derive(Clone)]
pub struct Index {
    pub(crate) inner: Arc<catalog::Inner>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.inner.dir)
            .finish()
    }
}

impl Index {
    /// Makes now what opening leaves to first use (the report list, the agency matcher, each
    /// agency's place): a long-lived process calls it on a worker thread, so that the first
    /// go-to keystroke or region chip does not wait a second for them at 100,000 reports.
    pub fn prepare(&self) {
        self.inner.reports();
        self.inner.agency_matcher();
        self.inner.catalog.places();
    }

    /// Reads into the page cache what is not there of this commit's files, at most `budget`
    /// bytes, the parts every search reads first (`preload.rs`): for a long-lived process,
    /// on a thread of its own, so that the first searches after a reboot do not wait on the
    /// disk.
    pub fn preload(&self, budget: u64) -> Preloaded {
        let segments: Vec<String> = self
            .inner
            .searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id().uuid_string())
            .collect();
        preload::preload(&self.inner.dir, &segments, budget)
    }

    /// Opens an existing index, checking its format version and file checksums.
    /// A damaged or outdated index gives [`IndexError::Damaged`]; [`open_or_build`] repairs it.
    pub fn open(index_dir: &Path) -> Result<Index, IndexError> {
        // Loading the catalog reads every segment's fast fields: damage there panics inside
        // tantivy, which must not take the program down.
        match build::guard(|| catalog::open(index_dir)) {
            Err(_) => Err(build::crashed(index_dir, "opening it crashed")),
            // The files passed the checks of `health`: what tantivy cannot read now is damage.
            Ok(Err(IndexError::Tantivy(m))) => Err(build::crashed(
                index_dir,
                &format!("reading its catalog failed ({m})"),
            )),
            Ok(r) => r,
        }
    }

    /// The same index, seeing the latest commit.
    pub fn reload(&self) -> Result<Index, IndexError> {
        Index::open(&self.inner.dir)
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Whether `other` is this very snapshot of the index (a clone of it), not another
    /// opening that may see another commit.
    pub fn is_same_snapshot(&self, other: &Index) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Runs a query. Never panics, whatever the query or the state of the files.
    pub fn search(&self, q: &Query) -> Result<SearchResults, IndexError> {
        build::guard(|| search::search(self, q))
            .map_err(|_| build::crashed(self.dir(), "a search crashed inside the index"))?
    }

    /// The first hits of a query, found in index order with as little reading as possible:
    /// what the browser draws within a keystroke, before [`Index::search`] has ranked and
    /// counted every match (see [`Stage::First`]). The hits are true matches of the query and
    /// its filters, with snippets, ranked among themselves; the first `offset + limit` of them.
    pub fn first_hits(&self, q: &Query) -> Result<SearchResults, IndexError> {
        build::guard(|| first::first_hits(self, q))
            .map_err(|_| build::crashed(self.dir(), "a search crashed inside the index"))?
    }

    /// Every agency, sorted by name, with its years.
    pub fn agencies(&self) -> Vec<AgencyYears> {
        self.inner.agency_years().to_vec()
    }

    /// The agencies a user means by `input`: the full name, parts (`中卫 交易`), full pinyin
    /// (`zhongwei`) or initials (`zwsggzy`). An exact full name gives only that agency.
    pub fn resolve_agency(&self, input: &str) -> Vec<String> {
        self.inner.agency_matcher().resolve(input)
    }

    /// Every report in the index, sorted by agency then year.
    pub fn reports(&self) -> Vec<ReportRef> {
        self.inner.reports().to_vec()
    }

    /// The reports of one agency (exact name) and, if given, one year.
    pub fn find(&self, agency: &str, year: Option<i32>) -> Vec<ReportRef> {
        self.inner
            .reports()
            .iter()
            .filter(|r| r.agency == agency && (year.is_none() || r.year == year))
            .cloned()
            .collect()
    }

    /// The full parsed report (sections, tables, checks, text) as it was indexed.
    pub fn report(&self, path: &str) -> Result<Report, IndexError> {
        match build::guard(|| search::load_report(self, path)) {
            Err(_) => Err(build::crashed(
                self.dir(),
                "reading a stored report crashed",
            )),
            // Listed in the catalog yet not found by its path: the term dictionary is damaged.
            Ok(Err(IndexError::NoSuchReport(p)))
                if self.inner.reports().iter().any(|r| r.path == p) =>
            {
                Err(build::crashed(
                    self.dir(),
                    &format!("{p} is listed in it but cannot be looked up"),
                ))
            }
            Ok(r) => r,
        }
    }

    /// The figures of every report whose path `want` accepts (tables, source, failed-check
    /// count; no text or sections), read from fast columns: for totals, rankings and export.
    pub fn stored_reports(
        &self,
        want: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<StoredReport>, IndexError> {
        stored::stored_reports(self, want)
    }

    /// The paths of every report `q` selects (text, exclusions and filters; `limit` and
    /// `offset` are not read): the reports a search counts in its total, without ranking,
    /// snippets or the document store.
    pub fn select_paths(&self, q: &Query) -> Result<Vec<String>, IndexError> {
        self.guarded_select(q, stored::doc_paths)
    }

    /// The figures of every report `q` selects (as [`Index::select_paths`]), read from fast
    /// columns as [`Index::stored_reports`] reads them.
    pub fn selected_reports(&self, q: &Query) -> Result<Vec<StoredReport>, IndexError> {
        self.guarded_select(q, stored::stored_docs)
    }

    fn guarded_select<T>(
        &self,
        q: &Query,
        read: fn(&Index, &[tantivy::DocAddress]) -> Result<Vec<T>, IndexError>,
    ) -> Result<Vec<T>, IndexError> {
        build::guard(|| read(self, &search::select(self, q)?))
            .map_err(|_| build::crashed(self.dir(), "a selection crashed inside the index"))?
    }

    pub fn num_reports(&self) -> usize {
        self.inner.searcher.num_docs() as usize
    }
}

/// A searchable corpus: the tantivy [`Index`], or a [`MemoryIndex`] of parsed reports (tests,
/// `NIANBAO_MEMORY=1`). The browser searches through this trait only; `Send + Sync` so that
/// its search thread can share it.
pub trait Backend: Send + Sync {
    fn search(&self, q: &Query) -> Result<SearchResults, IndexError>;
    /// The first hits, fast, before the complete search (see [`Index::first_hits`]); an
    /// engine fast enough to count everything at once answers with its complete search.
    fn first_hits(&self, q: &Query) -> Result<SearchResults, IndexError> {
        self.search(q)
    }
    /// Agencies meant by `input`: full name, parts, pinyin or initials, best first; nothing
    /// for empty input.
    fn resolve_agency(&self, input: &str) -> Vec<String>;
    /// Every agency, sorted by name, with its years.
    fn agencies(&self) -> Vec<AgencyYears>;
    /// The reports of `agency` (exact name) for `year` (any year when `None`).
    fn find(&self, agency: &str, year: Option<i32>) -> Vec<ReportRef>;
    /// The full parsed report.
    fn report(&self, path: &str) -> Result<Report, IndexError>;
    /// The figures of every report `q` selects (its text and filters; `limit` and `offset`
    /// are not read): what totals and rankings over a search read. Exactly the reports a
    /// search with `q` counts in its total.
    fn selected_reports(&self, q: &Query) -> Result<Vec<StoredReport>, IndexError>;
}

impl Backend for Index {
    fn search(&self, q: &Query) -> Result<SearchResults, IndexError> {
        Index::search(self, q)
    }

    fn first_hits(&self, q: &Query) -> Result<SearchResults, IndexError> {
        Index::first_hits(self, q)
    }

    fn resolve_agency(&self, input: &str) -> Vec<String> {
        Index::resolve_agency(self, input)
    }

    fn agencies(&self) -> Vec<AgencyYears> {
        Index::agencies(self)
    }

    fn find(&self, agency: &str, year: Option<i32>) -> Vec<ReportRef> {
        Index::find(self, agency, year)
    }

    fn report(&self, path: &str) -> Result<Report, IndexError> {
        Index::report(self, path)
    }

    fn selected_reports(&self, q: &Query) -> Result<Vec<StoredReport>, IndexError> {
        Index::selected_reports(self, q)
    }
}

/// The default index folder for a corpus: `<cache dir>/nianbao/<hash of the canonical corpus path>`.
pub fn default_index_dir(corpus: &Path) -> Result<PathBuf, IndexError> {
    let canon = corpus
        .canonicalize()
        .map_err(|_| IndexError::NoCorpus(corpus.to_path_buf()))?;
    let dirs = directories::ProjectDirs::from("", "", "nianbao").ok_or(IndexError::NoCacheDir)?;
    let hash = blake3::hash(canon.to_string_lossy().as_bytes()).to_hex();
    Ok(dirs.cache_dir().join(format!("index-{}", &hash[..16])))
}

/// An index for unit tests: 40 reports cut from the shipped samples at different lengths, in
/// 7 agency folders.
#[cfg(test)]
pub(crate) mod testing {
    pub(crate) fn sample_index() -> (tempfile::TempDir, super::Index) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let samples: Vec<String> = walkdir::WalkDir::new(root.join("corpus"))
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        for i in 0..40 {
            let p = corpus.join(format!("机构{}/{}.txt", i % 7, 2018 + i % 6));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            // Cut the samples at different places so that scores differ.
            let t = &samples[i % samples.len()];
            let cut = t
                .char_indices()
                .nth(200 + 37 * i)
                .map_or(t.len(), |(b, _)| b);
            std::fs::write(&p, &t[..cut]).unwrap();
        }
        let (index, _) =
            crate::index::open_or_build(&corpus, &dir.path().join("index"), &mut |_| {}).unwrap();
        (dir, index)
    }
}

#[cfg(test)]
mod agency_counts_tests {
    use super::AgencyCounts;

    #[test]
    fn top_is_most_hits_first_then_name_and_count_finds_by_name() {
        let c = AgencyCounts::from_pairs([
            ("乙局".to_string(), 3),
            ("甲局".to_string(), 5),
            ("丙局".to_string(), 3),
            ("丁局".to_string(), 0),
            ("乙局".to_string(), 2),
        ]);
        assert_eq!(c.top(10), [("乙局", 5), ("甲局", 5), ("丙局", 3)]);
        assert_eq!(c.top(2), [("乙局", 5), ("甲局", 5)]);
        assert!(c.top(0).is_empty());
        assert_eq!(
            (c.count("丙局"), c.count("丁局"), c.count("戊局")),
            (3, 0, 0)
        );
        assert_eq!(c.len(), 3);
        assert!(!c.is_empty() && AgencyCounts::default().is_empty());
    }
}
