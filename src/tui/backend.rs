//! What the browser needs from a search engine, and an in-memory engine over parsed reports.
//!
//! The browser talks only to [`Backend`], so the same screens run over the tantivy index
//! (see `index_backend.rs`) and over [`MemoryBackend`], which tests and the bench use.

use crate::report::{self, Report, Template};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Filters that combine with the query text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Exact agency names; empty = any agency.
    pub agencies: Vec<String>,
    /// Inclusive year range.
    pub years: Option<(i32, i32)>,
    pub template: Option<Template>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.agencies.is_empty() && self.years.is_none() && self.template.is_none()
    }
}

/// A passage of text and the byte ranges in it that match the query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Passage {
    pub text: String,
    /// Byte ranges into `text`, sorted, not overlapping, on char boundaries.
    pub highlights: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub title: String,
    pub template: Template,
    /// One line around the best match.
    pub snippet: Passage,
    /// A longer passage (line breaks kept) for the preview pane.
    pub preview: Passage,
}

/// Counts of matching reports per value; each dimension ignores its own filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub agencies: Vec<(String, u64)>,
    pub years: Vec<(i32, u64)>,
    pub templates: Vec<(Template, u64)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: usize,
    pub facets: Facets,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyYears {
    pub name: String,
    pub years: Vec<i32>,
}

/// The engine behind the browser. Shared with the search worker, hence `Send + Sync`.
pub trait Backend: Send + Sync {
    fn search(&self, text: &str, filters: &Filters, limit: usize) -> anyhow::Result<Results>;
    /// Agencies meant by `input`: full name, parts, pinyin or initials.
    fn resolve_agency(&self, input: &str) -> Vec<String>;
    fn agencies(&self) -> Vec<AgencyYears>;
    /// Paths of the reports of `agency` (exact name) for `year` (any year when `None`).
    fn find(&self, agency: &str, year: Option<i32>) -> Vec<String>;
    fn report(&self, path: &str) -> anyhow::Result<Report>;
}

/// Query words: whitespace separated, `"quoted phrases"` kept whole, `-word` excluded.
pub fn query_terms(text: &str) -> (Vec<String>, Vec<String>) {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let neg = rest.starts_with('-');
        let body = if neg { &rest[1..] } else { rest };
        let (word, tail) = if let Some(q) = body.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (&q[..end], &q[end + 1..]),
                None => (q, ""),
            }
        } else {
            match body.find(char::is_whitespace) {
                Some(end) => (&body[..end], &body[end..]),
                None => (body, ""),
            }
        };
        if !word.is_empty() {
            if neg {
                exclude.push(word.to_lowercase());
            } else {
                include.push(word.to_lowercase());
            }
        }
        rest = tail.trim_start();
    }
    (include, exclude)
}

/// Byte ranges of every occurrence of any of `terms` in `text` (ASCII case folded), merged.
pub fn find_all(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let folded;
    let hay = if text.bytes().any(|b| b.is_ascii_uppercase()) {
        // ASCII lowercasing keeps byte offsets; full Unicode lowercasing might not.
        folded = text.to_ascii_lowercase();
        folded.as_str()
    } else {
        text
    };
    let mut out: Vec<Range<usize>> = Vec::new();
    for t in terms.iter().filter(|t| !t.is_empty()) {
        let mut from = 0;
        while let Some(i) = hay[from..].find(t.as_str()) {
            let s = from + i;
            out.push(s..s + t.len());
            from = s + t.len();
        }
    }
    out.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text[start..end]` widened to char boundaries.
fn window(text: &str, center: usize, before: usize, after: usize) -> (usize, usize) {
    let mut s = center.saturating_sub(before);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (center + after).min(text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
}

/// A passage of `text` around its first match, highlights relative to the passage.
pub fn passage(
    text: &str,
    terms: &[String],
    before: usize,
    after: usize,
    one_line: bool,
) -> Passage {
    let all = find_all(text, terms);
    let center = all.first().map_or(0, |r| r.start);
    let (mut s, mut e) = window(text, center, before, after);
    if all.is_empty() {
        s = 0;
    }
    if one_line {
        // Keep the passage on the match's line so a list row shows it whole.
        if let Some(nl) = text[s..center].rfind('\n') {
            s += nl + 1;
        }
        if let Some(nl) = text[center..e].find('\n') {
            e = center + nl;
        }
    }
    let slice = &text[s..e];
    let highlights = all
        .iter()
        .filter(|r| r.start >= s && r.end <= e)
        .map(|r| r.start - s..r.end - s)
        .collect();
    let mut text = slice.to_string();
    if one_line {
        text = text.replace(['\r', '\n'], " ");
    }
    Passage { text, highlights }
}

/// Pinyin spellings of a name: full syllables joined, and initials.
fn pinyin_of(name: &str) -> (String, String) {
    use pinyin::ToPinyin;
    let mut full = String::new();
    let mut initials = String::new();
    for (c, p) in name.chars().zip(name.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None => {
                let l = c.to_lowercase().to_string();
                full.push_str(&l);
                initials.push_str(&l);
            }
        }
    }
    (full, initials)
}

/// Matches user input to agency names: Chinese parts, pinyin or initials (every part must match).
#[derive(Debug, Clone, Default)]
pub struct AgencyMatcher {
    names: Vec<(String, String, String)>,
}

impl AgencyMatcher {
    pub fn new(names: impl IntoIterator<Item = String>) -> AgencyMatcher {
        let names = names
            .into_iter()
            .map(|n| {
                let (f, i) = pinyin_of(&n);
                (n, f, i)
            })
            .collect();
        AgencyMatcher { names }
    }

    pub fn resolve(&self, input: &str) -> Vec<String> {
        let input = input.trim();
        if input.is_empty() {
            return self.names.iter().map(|n| n.0.clone()).collect();
        }
        if let Some(exact) = self.names.iter().find(|n| n.0 == input) {
            return vec![exact.0.clone()];
        }
        let parts: Vec<String> = input.split_whitespace().map(str::to_lowercase).collect();
        self.names
            .iter()
            .filter(|(name, full, ini)| {
                parts.iter().all(|p| {
                    name.contains(p.as_str())
                        || full.contains(p.as_str())
                        || ini.contains(p.as_str())
                })
            })
            .map(|n| n.0.clone())
            .collect()
    }
}

/// Every parsed report held in memory, searched by scanning. Enough for tests, the shipped
/// corpus, and as a stand-in while the index is not available.
pub struct MemoryBackend {
    reports: Vec<Report>,
    matcher: AgencyMatcher,
    by_path: HashMap<String, usize>,
}

/// Loading progress: files done of total.
pub type ProgressFn<'a> = &'a mut dyn FnMut(usize, usize);

impl MemoryBackend {
    pub fn new(mut reports: Vec<Report>) -> MemoryBackend {
        reports.sort_by(|a, b| (a.agency.as_deref(), b.year).cmp(&(b.agency.as_deref(), a.year)));
        let mut names: Vec<String> = reports.iter().filter_map(|r| r.agency.clone()).collect();
        names.sort();
        names.dedup();
        let by_path = reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.path.clone(), i))
            .collect();
        MemoryBackend {
            reports,
            matcher: AgencyMatcher::new(names),
            by_path,
        }
    }

    /// Parses every `.txt` under `corpus`. Unreadable files are skipped, not fatal.
    pub fn load(corpus: &Path, progress: ProgressFn) -> anyhow::Result<MemoryBackend> {
        if !corpus.is_dir() {
            anyhow::bail!(
                "the corpus folder {} does not exist; pass --corpus DIR or set NIANBAO_CORPUS",
                corpus.display()
            );
        }
        let files: Vec<PathBuf> = walkdir::WalkDir::new(corpus)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        let total = files.len();
        let mut reports = Vec::with_capacity(total);
        for (i, f) in files.iter().enumerate() {
            if let Ok(r) = report::parse_file(f) {
                reports.push(r);
            }
            progress(i + 1, total);
        }
        Ok(MemoryBackend::new(reports))
    }

    fn matches(r: &Report, include: &[String], exclude: &[String]) -> bool {
        let lower;
        let text = if r.text.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = r.text.to_ascii_lowercase();
            lower.as_str()
        } else {
            r.text.as_str()
        };
        include.iter().all(|t| text.contains(t.as_str()))
            && !exclude.iter().any(|t| text.contains(t.as_str()))
    }
}

impl Backend for MemoryBackend {
    fn search(&self, text: &str, f: &Filters, limit: usize) -> anyhow::Result<Results> {
        let start = Instant::now();
        let (include, exclude) = query_terms(text);
        let matched: Vec<&Report> = self
            .reports
            .iter()
            .filter(|r| Self::matches(r, &include, &exclude))
            .collect();
        let agency_ok = |r: &Report| {
            f.agencies.is_empty() || r.agency.as_ref().is_some_and(|a| f.agencies.contains(a))
        };
        let year_ok = |r: &Report| match (f.years, r.year) {
            (None, _) => true,
            (Some((a, b)), Some(y)) => a <= y && y <= b,
            (Some(_), None) => false,
        };
        let tpl_ok = |r: &Report| f.template.is_none_or(|t| t == r.template);
        let mut agencies: BTreeMap<String, u64> = BTreeMap::new();
        let mut years: BTreeMap<i32, u64> = BTreeMap::new();
        let mut templates: BTreeMap<Template, u64> = BTreeMap::new();
        let mut hits = Vec::new();
        let mut total = 0;
        for r in &matched {
            let (a, y, t) = (agency_ok(r), year_ok(r), tpl_ok(r));
            if y && t {
                if let Some(name) = &r.agency {
                    *agencies.entry(name.clone()).or_default() += 1;
                }
            }
            if a && t {
                if let Some(year) = r.year {
                    *years.entry(year).or_default() += 1;
                }
            }
            if a && y {
                *templates.entry(r.template).or_default() += 1;
            }
            if a && y && t {
                total += 1;
                if hits.len() < limit {
                    hits.push(hit(r, &include));
                }
            }
        }
        let mut agencies: Vec<(String, u64)> = agencies.into_iter().collect();
        agencies.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        Ok(Results {
            hits,
            total,
            facets: Facets {
                agencies,
                years: years.into_iter().rev().collect(),
                templates: templates.into_iter().collect(),
            },
            elapsed: start.elapsed(),
        })
    }

    fn resolve_agency(&self, input: &str) -> Vec<String> {
        self.matcher.resolve(input)
    }

    fn agencies(&self) -> Vec<AgencyYears> {
        let mut map: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for r in &self.reports {
            if let Some(a) = &r.agency {
                let e = map.entry(a.clone()).or_default();
                if let Some(y) = r.year {
                    e.push(y);
                }
            }
        }
        map.into_iter()
            .map(|(name, mut years)| {
                years.sort_unstable();
                years.dedup();
                AgencyYears { name, years }
            })
            .collect()
    }

    fn find(&self, agency: &str, year: Option<i32>) -> Vec<String> {
        self.reports
            .iter()
            .filter(|r| r.agency.as_deref() == Some(agency) && (year.is_none() || r.year == year))
            .map(|r| r.path.clone())
            .collect()
    }

    fn report(&self, path: &str) -> anyhow::Result<Report> {
        self.by_path
            .get(path)
            .and_then(|&i| self.reports.get(i))
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no report with path {path}"))
    }
}

fn hit(r: &Report, include: &[String]) -> Hit {
    let snippet = if include.is_empty() {
        let first = r
            .sections
            .first()
            .map_or(r.text.as_str(), |s| s.text.as_str());
        passage(first, &[], 0, 120, true)
    } else {
        // The body's first match, not the title's: the title is shown already.
        let body = r
            .sections
            .iter()
            .map(|s| s.text.as_str())
            .find(|t| !find_all(t, include).is_empty())
            .unwrap_or(&r.text);
        passage(body, include, 60, 120, true)
    };
    // The preview is the matching passage inside its section, headed by the section's title.
    let sec = r
        .sections
        .iter()
        .find(|s| include.is_empty() || !find_all(&s.text, include).is_empty());
    let preview = match sec {
        Some(s) => {
            let head = format!("{}、{}\n", s.number, s.title);
            let body = passage(&s.text, include, 150, 450, false);
            Passage {
                highlights: body
                    .highlights
                    .iter()
                    .map(|h| h.start + head.len()..h.end + head.len())
                    .collect(),
                text: head + &body.text,
            }
        }
        None => passage(&r.text, include, 150, 450, false),
    };
    Hit {
        path: r.path.clone(),
        agency: r.agency.clone().unwrap_or_else(|| "（机构不详）".into()),
        year: r.year,
        title: r.title.clone().unwrap_or_default(),
        template: r.template,
        snippet,
        preview,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_quotes_and_excludes() {
        let (i, e) = query_terms(r#"公开 "行政 复议" -诉讼 ABC"#);
        assert_eq!(i, vec!["公开", "行政 复议", "abc"]);
        assert_eq!(e, vec!["诉讼"]);
    }

    #[test]
    fn agency_by_pinyin_and_initials() {
        let m = AgencyMatcher::new(vec![
            "中卫市工业和信息化局".to_string(),
            "石嘴山市公共资源交易中心".to_string(),
        ]);
        assert_eq!(m.resolve("zhongwei"), vec!["中卫市工业和信息化局"]);
        assert_eq!(m.resolve("szs"), vec!["石嘴山市公共资源交易中心"]);
        assert_eq!(m.resolve("中卫 工业"), vec!["中卫市工业和信息化局"]);
        assert_eq!(m.resolve("市").len(), 2);
    }

    #[test]
    fn passage_highlights_stay_on_char_boundaries() {
        let p = passage("一二三四五六七八九十", &["五".to_string()], 4, 4, true);
        for h in &p.highlights {
            assert_eq!(&p.text[h.clone()], "五");
        }
    }
}
