//! Running a user's query: its syntax, filters, ranking, snippets and facet counts.
//!
//! Matching is on the report's text only (so a hit always contains what was typed); the title
//! and agency fields add to the score, so reports whose title or agency match rank first.
//! Filters and facets are evaluated in one pass by [`FacetTop`] from per-document arrays read
//! once from fast fields (the [`Catalog`]), not by tantivy queries: one scan gives the top hits
//! and the chip counts of every dimension.

use super::agency::AgencyMatcher;
use super::collect::{self, FacetTop, Filter, Scored};
use super::filter::{template_code, FacetRule, TEMPLATES};
use super::schema::{self, Fields};
use super::tokenizer;
use super::{
    AgencyCounts, AgencyYears, Facets, Hit, Index, IndexError, Passage, Query, ReportRef,
    SearchResults,
};
use crate::report::{Report, Template};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocId, IndexReader, ReloadPolicy, Score, Searcher, TantivyDocument, Term};

/// How much a match in the title or the agency name adds, relative to the text's BM25.
const TITLE_BOOST: f32 = 4.0;
const AGENCY_BOOST: f32 = 4.0;
/// Characters of context before a match in a snippet, and the snippet's length in characters.
const SNIPPET_BEFORE: usize = 24;
const SNIPPET_CHARS: usize = 110;
const PREVIEW_BEFORE: usize = 240;
const PREVIEW_CHARS: usize = 900;

/// What an open [`Index`] shares between its clones.
pub struct Inner {
    pub(crate) dir: PathBuf,
    index: tantivy::Index,
    // Kept so the searcher's segments stay open.
    _reader: IndexReader,
    pub(super) searcher: Searcher,
    pub(super) fields: Fields,
    pub(super) catalog: Catalog,
    pub(crate) agency_years: Vec<AgencyYears>,
    pub(crate) agency_matcher: AgencyMatcher,
    pub(crate) reports: Vec<ReportRef>,
    /// The search threads: documents are collected in this many ranges or more.
    threads: usize,
}

/// Per-document facts for filtering and facets, by segment ordinal then doc id.
pub(super) struct Catalog {
    /// In name order, shared with every search's facet counts.
    pub(super) agencies: Arc<[String]>,
    pub(super) segs: Vec<Arc<SegFacts>>,
    /// The smallest year in the index and the number of years up to the largest: facet
    /// counts are arrays indexed by `year - first_year`, not hash maps.
    pub(super) first_year: i32,
    pub(super) year_span: usize,
}

#[derive(Default)]
pub(super) struct SegFacts {
    /// Index into `Catalog::agencies`.
    pub(super) agency: Vec<u32>,
    /// `schema::NO_YEAR` when unknown.
    pub(super) year: Vec<i32>,
    pub(super) template: Vec<u8>,
}

fn terr(e: impl std::fmt::Display) -> IndexError {
    IndexError::Tantivy(e.to_string())
}

fn build_catalog(searcher: &Searcher) -> Result<(Catalog, Vec<ReportRef>), IndexError> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut agencies = Vec::new();
    let mut segs = Vec::new();
    let mut reports = Vec::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let n = seg.max_doc() as usize;
        let mut facts = SegFacts {
            agency: vec![0; n],
            year: vec![schema::NO_YEAR as i32; n],
            template: vec![template_code(Template::Free); n],
        };
        let agency = ff.str("agency").map_err(terr)?;
        let template = ff.str("template").map_err(terr)?;
        let path = ff.str("path").map_err(terr)?;
        let title = ff.str("title_raw").map_err(terr)?;
        let year = ff.i64("year").map_err(terr)?;
        // Each column's dictionary is read once, in order (ordinal = position): looking terms up
        // one document at a time decompresses a dictionary block per call (seconds at 100k).
        let agency_terms = all_terms(&agency);
        let template_terms = all_terms(&template);
        let path_terms = all_terms(&path);
        let title_terms = all_terms(&title);
        let term =
            |col: &Option<tantivy::columnar::StrColumn>, terms: &[String], doc: DocId| -> String {
                col.as_ref()
                    .and_then(|c| c.ords().first(doc))
                    .and_then(|o| terms.get(o as usize))
                    .cloned()
                    .unwrap_or_default()
            };
        let mut agency_ids: HashMap<u64, u32> = HashMap::new();
        for doc in seg.doc_ids_alive() {
            let d = doc as usize;
            let aid = match agency.as_ref().and_then(|c| c.ords().first(doc)) {
                Some(o) => match agency_ids.get(&o) {
                    Some(&id) => id,
                    None => {
                        let s = agency_terms.get(o as usize).cloned().unwrap_or_default();
                        let id = *ids.entry(s.clone()).or_insert_with(|| {
                            agencies.push(s.clone());
                            (agencies.len() - 1) as u32
                        });
                        agency_ids.insert(o, id);
                        id
                    }
                },
                None => *ids.entry(String::new()).or_insert_with(|| {
                    agencies.push(String::new());
                    (agencies.len() - 1) as u32
                }),
            };
            facts.agency[d] = aid;
            let y = year.first(doc).unwrap_or(schema::NO_YEAR) as i32;
            facts.year[d] = y;
            let t =
                Template::parse(&term(&template, &template_terms, doc)).unwrap_or(Template::Free);
            facts.template[d] = template_code(t);
            let p = term(&path, &path_terms, doc);
            let ti = term(&title, &title_terms, doc);
            reports.push(ReportRef {
                path: p,
                agency: agencies[aid as usize].clone(),
                year: (y != schema::NO_YEAR as i32).then_some(y),
                title: ti,
                template: t,
            });
        }
        segs.push(facts);
    }
    // Agency ids in name order, so that facet counts sort by count alone (a stable sort keeps
    // equal counts in name order) without comparing thousands of names on every keystroke.
    let mut order: Vec<u32> = (0..agencies.len() as u32).collect();
    order.sort_by(|&a, &b| agencies[a as usize].cmp(&agencies[b as usize]));
    let mut new_id = vec![0u32; agencies.len()];
    for (new, &old) in order.iter().enumerate() {
        new_id[old as usize] = new as u32;
    }
    let agencies: Arc<[String]> = order
        .iter()
        .map(|&old| agencies[old as usize].clone())
        .collect();
    let segs: Vec<Arc<SegFacts>> = segs
        .into_iter()
        .map(|mut f| {
            for a in &mut f.agency {
                *a = new_id.get(*a as usize).copied().unwrap_or(*a);
            }
            Arc::new(f)
        })
        .collect();
    let years = || reports.iter().filter_map(|r| r.year);
    let first_year = years().min().unwrap_or(0);
    let year_span = years().max().map_or(0, |y| (y - first_year) as usize + 1);
    reports.sort_by(|a, b| {
        (a.agency.as_str(), a.year, a.path.as_str()).cmp(&(
            b.agency.as_str(),
            b.year,
            b.path.as_str(),
        ))
    });
    Ok((
        Catalog {
            agencies,
            segs,
            first_year,
            year_span,
        },
        reports,
    ))
}

/// Every term of a string column's dictionary, indexed by ordinal.
pub(crate) fn all_terms(col: &Option<tantivy::columnar::StrColumn>) -> Vec<String> {
    let Some(c) = col else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(c.num_terms());
    if let Ok(mut stream) = c.dictionary().stream() {
        while stream.advance() {
            out.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
    }
    out
}

fn agency_years(reports: &[ReportRef]) -> Vec<AgencyYears> {
    let mut m: BTreeMap<&str, (Vec<i32>, usize)> = BTreeMap::new();
    for r in reports {
        let e = m.entry(r.agency.as_str()).or_default();
        e.1 += 1;
        if let Some(y) = r.year {
            if !e.0.contains(&y) {
                e.0.push(y);
            }
        }
    }
    m.into_iter()
        .map(|(name, (mut years, n))| {
            years.sort_unstable();
            AgencyYears {
                name: name.to_string(),
                years,
                reports: n,
            }
        })
        .collect()
}

/// Search threads at most: collection and hits are split in ranges across them
/// (`collect::run`); the machines this runs on have few cores.
const SEARCH_THREADS: usize = 4;

pub(crate) fn open(dir: &Path) -> Result<Index, IndexError> {
    use super::build::Health;
    let mut index = match super::build::health(dir, false) {
        Ok(Health::Sound {
            index,
            complete: true,
        }) => index,
        // Never answer from an index that was never completely built: it would say "0".
        Ok(Health::Sound { .. }) => return Err(IndexError::Incomplete(dir.to_path_buf())),
        Ok(Health::Missing) => return Err(IndexError::NoIndex(dir.to_path_buf())),
        Err(Err(e)) => return Err(e),
        Err(Ok(reason)) => {
            return Err(IndexError::Damaged {
                dir: dir.to_path_buf(),
                reason,
            })
        }
    };
    // Searches run on every core: a long phrase reads the positions of every matching
    // report, and a second core nearly halves the time a keystroke waits for it.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(SEARCH_THREADS));
    if threads > 1 {
        index
            .set_multithread_executor(threads)
            .map_err(|e| IndexError::Tantivy(format!("search threads: {e}")))?;
    }
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| IndexError::Damaged {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    let searcher = reader.searcher();
    let (catalog, reports) = build_catalog(&searcher)?;
    let years = agency_years(&reports);
    let matcher = AgencyMatcher::new(years.iter().map(|a| a.name.clone()).collect());
    let (_, fields) = schema::build();
    Ok(Index {
        inner: std::sync::Arc::new(Inner {
            dir: dir.to_path_buf(),
            index,
            _reader: reader,
            searcher,
            fields,
            catalog,
            agency_years: years,
            agency_matcher: matcher,
            reports,
            threads,
        }),
    })
}

/// One part of a user's query: a word or phrase, to find or to exclude.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub exclude: bool,
    /// Terms with positions relative to the first, as [`tokenizer::query_terms`] gives them.
    pub terms: Vec<(usize, String)>,
    /// What to highlight: the clause's text as [`snippet_chars`] sees it, split at
    /// punctuation (the index does not match across it either).
    pub pieces: Vec<Vec<char>>,
}

/// Splits the user's syntax: whitespace separates terms (ANDed), `"…"` makes a phrase, a
/// leading `-` excludes. Full-width quotes and minus count too. Parts with nothing
/// searchable (punctuation alone) are dropped.
pub fn parse_query(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().map(tokenizer::fold_width).collect();
    let is_quote = |c: char| matches!(c, '"' | '“' | '”');
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut exclude = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            exclude = true;
            i += 1;
        }
        let part: String;
        if is_quote(chars[i]) {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && !is_quote(chars[j]) {
                j += 1;
            }
            part = chars[start..j].iter().collect();
            i = j + 1;
        } else {
            let start = i;
            let mut j = i;
            while j < chars.len() && !chars[j].is_whitespace() && !is_quote(chars[j]) {
                j += 1;
            }
            part = chars[start..j].iter().collect();
            i = j;
        }
        let terms = tokenizer::query_terms(&part);
        if !terms.is_empty() {
            out.push(Clause {
                exclude,
                terms,
                pieces: pieces(&part),
            });
        }
    }
    out
}

fn clause_query(field: tantivy::schema::Field, c: &Clause) -> Box<dyn TQuery> {
    let terms = &c.terms;
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0].1),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|(p, t)| (*p, Term::from_field_text(field, t)))
                .collect(),
        ))
    }
}

/// A title or agency clause whose every term stands in more than this share of the reports'
/// titles (or agency names) is left out of the ranking: its BM25 weight is next to nothing (its
/// IDF is ~0, as for 政府信息公开 in titles), but it costs a read per matching report.
const UBIQUITOUS: f64 = 0.95;

/// Whether matching `c` in `field` says anything about a report, as far as ranking goes.
fn informative(searcher: &Searcher, field: tantivy::schema::Field, c: &Clause) -> bool {
    let docs = searcher.num_docs() as f64;
    let rarest = c
        .terms
        .iter()
        .map(|(_, t)| {
            searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0)
        })
        .min()
        .unwrap_or(0);
    (rarest as f64) <= UBIQUITOUS * docs
}

pub(super) fn tantivy_query(
    searcher: &Searcher,
    f: &Fields,
    clauses: &[Clause],
) -> Box<dyn TQuery> {
    let mut parts: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let mut positive = false;
    for c in clauses {
        // Exclusions are not MustNot clauses: tantivy 0.27's exclusion seeks a phrase scorer
        // backwards (a debug assertion fires); `search` collects them separately instead.
        if c.exclude {
            continue;
        }
        positive = true;
        parts.push((Occur::Must, clause_query(f.body, c)));
        for (field, boost) in [(f.title, TITLE_BOOST), (f.agency_text, AGENCY_BOOST)] {
            if informative(searcher, field, c) {
                parts.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(clause_query(field, c), boost)),
                ));
            }
        }
    }
    if !positive {
        parts.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(parts))
}

const SEARCH_CRASHED: &str = "a search failed inside the index";

/// Runs a tantivy call that can panic on a damaged segment (a phrase query over corrupt
/// positions). The checksums at open should have caught the damage; this is the last line of
/// defence, so that a search never takes the program down.
fn guarded<T>(
    dir: &Path,
    reason: &str,
    f: impl FnOnce() -> tantivy::Result<T>,
) -> Result<T, IndexError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| super::build::crashed(dir, reason))?
        // The query is sound (built here): an error reading the files is damage too.
        .map_err(|e| super::build::crashed(dir, &format!("{reason} ({e})")))
}

pub(crate) fn search(index: &Index, q: &Query) -> Result<SearchResults, IndexError> {
    let start = Instant::now();
    let inner = &index.inner;
    let catalog = &inner.catalog;
    let clauses = parse_query(&q.text);
    let query = tantivy_query(&inner.searcher, &inner.fields, &clauses);
    let excludes: Vec<(Occur, Box<dyn TQuery>)> = clauses
        .iter()
        .filter(|c| c.exclude)
        .map(|c| (Occur::Should, clause_query(inner.fields.body, c)))
        .collect();
    let excluded = if excludes.is_empty() {
        Default::default()
    } else {
        let q = BooleanQuery::new(excludes);
        let set = guarded(&inner.dir, SEARCH_CRASHED, || {
            inner
                .searcher
                .search(&q, &tantivy::collector::DocSetCollector)
        })?;
        let mut v: Vec<Vec<bool>> = catalog
            .segs
            .iter()
            .map(|s| vec![false; s.year.len()])
            .collect();
        for a in set {
            if let Some(x) = v
                .get_mut(a.segment_ord as usize)
                .and_then(|s| s.get_mut(a.doc_id as usize))
            {
                *x = true;
            }
        }
        v
    };
    let collector = FacetTop {
        catalog,
        filter: Arc::new(Filter {
            rule: FacetRule::new(q, &catalog.agencies),
            excluded,
        }),
        keep: q.offset + q.limit,
    };
    let searcher = &inner.searcher;
    let fruit = guarded(&inner.dir, SEARCH_CRASHED, || {
        collect::run(searcher, query.as_ref(), &collector, inner.threads)
    })?;
    // Reading a stored report and cutting its snippet is the rest of a keystroke's cost:
    // the hits are built side by side on the search threads, in rank order.
    let hits = guarded(&inner.dir, "reading a stored report crashed", || {
        inner.index.search_executor().map(
            |s: &Scored| {
                let doc: TantivyDocument = searcher.doc(s.addr)?;
                Ok(make_hit(&inner.fields, &doc, s.score, &clauses))
            },
            fruit.top.iter().skip(q.offset),
        )
    })?;
    // Counts by agency id, not (name, count) pairs: a corpus can have tens of thousands of
    // agencies, and copying and sorting their names cost more than the search itself.
    let agencies = AgencyCounts::new(catalog.agencies.clone(), fruit.agency);
    let years: Vec<(i32, u64)> = fruit
        .year
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| (catalog.first_year + i as i32, *n))
        .collect();
    let templates = TEMPLATES
        .iter()
        .map(|&t| (t, fruit.template[template_code(t) as usize]))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(SearchResults {
        hits,
        total: fruit.total,
        facets: Facets {
            agencies,
            years,
            templates,
        },
        elapsed: start.elapsed(),
    })
}

fn text_of(doc: &TantivyDocument, f: tantivy::schema::Field) -> &str {
    doc.get_first(f).and_then(|v| v.as_str()).unwrap_or("")
}

fn make_hit(f: &Fields, doc: &TantivyDocument, score: Score, clauses: &[Clause]) -> Hit {
    let body = text_of(doc, f.body);
    let year = doc
        .get_first(f.year)
        .and_then(|v| v.as_i64())
        .filter(|&y| y != schema::NO_YEAR)
        .map(|y| y as i32);
    let (snippet, preview) = passages(body, clauses);
    Hit {
        path: text_of(doc, f.path).to_string(),
        agency: text_of(doc, f.agency).to_string(),
        year,
        title: text_of(doc, f.title).to_string(),
        template: Template::parse(text_of(doc, f.template)).unwrap_or(Template::Free),
        score,
        snippet,
        preview,
    }
}

/// The characters of `text` as a highlight search sees them, with the byte range each comes
/// from: widths folded, letters lowercased, whitespace dropped (the index ignores whitespace
/// between CJK characters, and words are whole tokens on both sides of a space anyway).
pub fn snippet_chars(text: &str) -> Vec<(char, Range<usize>)> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for (b, raw) in text.char_indices() {
        let c = tokenizer::fold_width(raw);
        let r = b..b + raw.len_utf8();
        if c.is_whitespace() {
            continue;
        }
        // Cheapest tests first: most characters are CJK, and `is_alphabetic` is a slow lookup.
        if tokenizer::is_cjk(c) {
            out.push((c, r));
        } else if c.is_ascii() {
            out.push((c.to_ascii_lowercase(), r));
        } else if c.is_alphabetic() {
            for l in c.to_lowercase() {
                out.push((l, r.clone()));
            }
        } else {
            out.push((c, r));
        }
    }
    out
}

/// A query part's highlight pieces: its searchable runs between punctuation marks.
fn pieces(part: &str) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = Vec::new();
    let mut cur = Vec::new();
    for (c, _) in snippet_chars(part) {
        if tokenizer::is_cjk(c) || c.is_alphanumeric() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Byte ranges of `text` where the query's clauses (not the excluded ones) occur, found by a
/// plain substring search of each clause's pieces over [`snippet_chars`]: far cheaper than
/// re-tokenising the report, and it marks the same characters the index matched (a word may
/// also be marked inside a longer word). Sorted by start. Each range comes with the clause's
/// index.
pub fn match_ranges(text: &str, clauses: &[Clause]) -> Vec<(Range<usize>, usize)> {
    if clauses.iter().all(|c| c.exclude) {
        return Vec::new();
    }
    // Fast path: most reports contain what was typed exactly as typed; `match_indices` finds
    // it without building the normalised copy. Only a clause with no exact occurrence (case,
    // full-width digits, spaces inside words) needs the slower search below.
    let mut out = Vec::new();
    let mut slow = Vec::new();
    for (ci, c) in clauses.iter().enumerate() {
        if c.exclude {
            continue;
        }
        let before = out.len();
        for piece in &c.pieces {
            let needle: String = piece.iter().collect();
            out.extend(
                text.match_indices(&needle)
                    .map(|(i, m)| (i..i + m.len(), ci)),
            );
        }
        if out.len() == before {
            slow.push(ci);
        }
    }
    if slow.is_empty() {
        out.sort_by_key(|(r, _)| (r.start, r.end));
        return out;
    }
    let hay = snippet_chars(text);
    for (ci, c) in clauses.iter().enumerate() {
        if !slow.contains(&ci) {
            continue;
        }
        for piece in &c.pieces {
            let Some(&first) = piece.first() else {
                continue;
            };
            let n = piece.len();
            let mut i = 0;
            while i + n <= hay.len() {
                if hay[i].0 == first && hay[i..i + n].iter().map(|h| h.0).eq(piece.iter().copied())
                {
                    out.push((hay[i].1.start..hay[i + n - 1].1.end, ci));
                    i += n;
                } else {
                    i += 1;
                }
            }
        }
    }
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A window of `text` around `center` (byte), `before` chars before and `len` chars long,
/// with the match ranges falling in it. `one_line` folds whitespace runs into one space.
fn window(
    text: &str,
    center: usize,
    before: usize,
    len: usize,
    ranges: &[Range<usize>],
    one_line: bool,
) -> Passage {
    let center = floor_boundary(text, center);
    let start = text[..center]
        .char_indices()
        .rev()
        .nth(before.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let end = text[start..]
        .char_indices()
        .nth(len)
        .map_or(text.len(), |(i, _)| start + i);
    // Copy the window, mapping source byte offsets to output offsets for the highlights.
    let mut out = String::with_capacity(end - start);
    let mut map: Vec<(usize, usize)> = Vec::new();
    let mut in_space = false;
    for (i, c) in text[start..end].char_indices() {
        let src = start + i;
        map.push((src, out.len()));
        if c.is_whitespace() && (one_line || c != '\n') {
            if !in_space && !out.is_empty() {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    map.push((end, out.len()));
    let to_out = |b: usize| -> usize {
        match map.binary_search_by_key(&b, |&(s, _)| s) {
            Ok(i) => map[i].1,
            Err(i) => map.get(i).map_or(out.len(), |m| m.1),
        }
    };
    let mut highlights: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        if r.end <= start || r.start >= end {
            continue;
        }
        let a = to_out(r.start.max(start));
        let b = to_out(r.end.min(end));
        if a >= b {
            continue;
        }
        match highlights.last_mut() {
            Some(last) if a <= last.end => last.end = last.end.max(b),
            _ => highlights.push(a..b),
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    for h in &mut highlights {
        h.end = h.end.min(trimmed);
    }
    highlights.retain(|h| h.start < h.end);
    Passage {
        text: out,
        highlights,
    }
}

/// The snippet (one line) and the preview (lines kept) around the best match: the place where
/// the most different clauses match close together, the first such place on a tie.
pub fn passages(text: &str, clauses: &[Clause]) -> (Passage, Passage) {
    let found = match_ranges(text, clauses);
    let ranges: Vec<Range<usize>> = found.iter().map(|(r, _)| r.clone()).collect();
    let mut best = (0usize, 0usize);
    for (i, (r, _)) in found.iter().enumerate() {
        let limit = r.start + SNIPPET_CHARS * 3;
        let mut seen: Vec<usize> = found[i..]
            .iter()
            .take_while(|(x, _)| x.start < limit)
            .map(|(_, c)| *c)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() > best.0 {
            best = (seen.len(), r.start);
        }
    }
    let center = best.1;
    let before_snip = if found.is_empty() { 0 } else { SNIPPET_BEFORE };
    let before_prev = if found.is_empty() { 0 } else { PREVIEW_BEFORE };
    (
        window(text, center, before_snip, SNIPPET_CHARS, &ranges, true),
        window(text, center, before_prev, PREVIEW_CHARS, &ranges, false),
    )
}

pub(crate) fn load_report(index: &Index, path: &str) -> Result<Report, IndexError> {
    let inner = &index.inner;
    let q = TermQuery::new(
        Term::from_field_text(inner.fields.path, path),
        IndexRecordOption::Basic,
    );
    let top = guarded(&inner.dir, "looking a report up failed", || {
        inner.searcher.search(
            &q,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )
    })?;
    let Some((_, addr)) = top.first() else {
        return Err(IndexError::NoSuchReport(path.to_string()));
    };
    let doc: TantivyDocument = guarded(&inner.dir, "reading a stored report failed", || {
        inner.searcher.doc(*addr)
    })?;
    let stored: Report = serde_json::from_str(text_of(&doc, inner.fields.json))
        .map_err(|e| IndexError::Tantivy(format!("stored report for {path}: {e}")))?;
    Ok(crate::report::restore(
        stored,
        text_of(&doc, inner.fields.body).to_string(),
    ))
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync + Clone>() {}
    f::<Index>();
}

impl Inner {
    /// The underlying tantivy index (for tests and benchmarks).
    pub fn tantivy(&self) -> &tantivy::Index {
        &self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> Vec<String> {
        match_ranges(text, &parse_query(query))
            .into_iter()
            .map(|(r, _)| text[r].to_string())
            .collect()
    }

    #[test]
    fn highlights_follow_the_index_normalisation() {
        assert_eq!(marked("本机关行政复议两件", "行政复议"), ["行政复议"]);
        // Spaces inside words (PDF text), full-width digits, upper case.
        assert_eq!(marked("交易中 心负责", "交易中心"), ["交易中 心"]);
        assert_eq!(marked("２０２４年度", "2024年"), ["２０２４年"]);
        assert_eq!(marked("拨打12345热线", "12345热线"), ["12345热线"]);
        assert_eq!(marked("PDF 文件", "pdf"), ["PDF"]);
        // Every clause, not the excluded one; a phrase across punctuation is two pieces.
        assert_eq!(
            marked("中卫市行政复议", "中卫 行政复议 -市"),
            ["中卫", "行政复议"]
        );
        assert_eq!(marked("行政，复议", "\"行政,复议\""), ["行政", "复议"]);
        assert!(marked("行政复议", "-行政").is_empty());
    }

    #[test]
    fn a_clause_in_nearly_every_title_is_left_out_of_the_ranking() {
        let (_dir, index) = crate::index::testing::sample_index();
        let inner = &index.inner;
        let clause = |q: &str| parse_query(q).remove(0);
        let (s, f) = (&inner.searcher, &inner.fields);
        // Every report's title has 政府信息公开 (an IDF of ~0); some agencies are in 中卫.
        assert!(!informative(s, f.title, &clause("政府信息公开")));
        assert!(informative(s, f.agency_text, &clause("中卫")));
        assert!(informative(s, f.title, &clause("中卫")));
    }

    #[test]
    fn snippet_is_centred_on_the_match() {
        let text = format!("{}行政复议{}", "甲".repeat(500), "乙".repeat(500));
        let (snip, preview) = passages(&text, &parse_query("行政复议"));
        assert_eq!(snip.highlights.len(), 1);
        assert_eq!(&snip.text[snip.highlights[0].clone()], "行政复议");
        assert!(snip.text.starts_with('甲'));
        assert_eq!(&preview.text[preview.highlights[0].clone()], "行政复议");
    }
}
