//! The stored fields a hit shows, read from the document store without the report's JSON.
//!
//! A hit needs the path, agency, title, text, year and template; the stored document also
//! holds the report's JSON (its tables). tantivy's own document type copies every stored
//! value into a `String` and checks its UTF-8 with std's check: at 100,000 reports that was a
//! third of the first hits' time. Here a document's bytes are read in place ([`Stores`],
//! [`parse`]): the wanted strings are borrowed from the decompressed block and checked with
//! `simdutf8`, the JSON is stepped over by its length. The document store keeps a document's
//! values in the order they were added (`build::make_doc`), the JSON last, so reading stops
//! before it. A document this reader does not understand (another value type) is read by
//! tantivy's deserializer instead ([`HitDoc`]), which reads the same fields.

use std::sync::OnceLock;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};
use tantivy::store::StoreReader;
use tantivy::{DocAddress, Searcher};

/// One document store reader per segment, opened on first use, each with its own cache of
/// decompressed blocks (the searcher's are not reachable from outside tantivy).
pub(super) struct Stores {
    segs: Vec<OnceLock<Option<StoreReader>>>,
    cache_blocks: usize,
}

impl Stores {
    pub(super) fn new(segments: usize, cache_blocks: usize) -> Stores {
        Stores {
            segs: (0..segments).map(|_| OnceLock::new()).collect(),
            cache_blocks,
        }
    }

    /// `make` of the fields a hit shows of the document at `addr`, borrowed where they lie.
    pub(super) fn with_hit<T>(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        make: impl FnOnce(HitRef<'_>) -> T,
    ) -> tantivy::Result<T> {
        let ord = addr.segment_ord as usize;
        let store = self.segs.get(ord).and_then(|s| {
            s.get_or_init(|| {
                let seg = searcher.segment_readers().get(ord)?;
                seg.get_store_reader(self.cache_blocks).ok()
            })
            .as_ref()
        });
        if let Some(store) = store {
            let bytes = store.get_document_bytes(addr.doc_id)?;
            if let Some(hit) = parse(&bytes) {
                return Ok(make(hit));
            }
        }
        Ok(make(searcher.doc::<HitDoc>(addr)?.as_ref()))
    }
}

/// [`HitDoc`] borrowed from a stored document's bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct HitRef<'a> {
    pub path: &'a str,
    pub agency: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub year: Option<i64>,
    pub template: &'a str,
}

impl HitDoc {
    fn as_ref(&self) -> HitRef<'_> {
        HitRef {
            path: &self.path,
            agency: &self.agency,
            title: &self.title,
            body: &self.body,
            year: self.year,
            template: &self.template,
        }
    }
}

/// tantivy 0.27's stored document (`schema/document/se.rs`): a variable-length count, then
/// per value its field id (u32, little-endian), a type code and the value; a string is a
/// variable-length byte count and the bytes. `None` for anything else: a truncated or
/// damaged document, a value type these fields never have, a string that is not UTF-8.
pub(super) fn parse(bytes: &[u8]) -> Option<HitRef<'_>> {
    const TEXT: u8 = 0;
    const I64: u8 = 2;
    let mut at = 0usize;
    let vint = |at: &mut usize| -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *bytes.get(*at)?;
            *at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 != 0 {
                return Some(v);
            }
        }
        None
    };
    let count = vint(&mut at)?;
    let all = (1u8 << WANTED.len()) - 1;
    let (mut doc, mut seen) = (HitRef::default(), 0u8);
    for _ in 0..count {
        if seen == all {
            break;
        }
        let id = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
        let code = *bytes.get(at + 4)?;
        at += 5;
        let bit = HitDoc::bit(Field::from_field_id(id));
        let first = seen & bit == 0;
        seen |= bit;
        match code {
            TEXT => {
                let len = usize::try_from(vint(&mut at)?).ok()?;
                let end = at.checked_add(len)?;
                let raw = bytes.get(at..end)?;
                at = end;
                if bit == 0 || !first {
                    continue;
                }
                let s = simdutf8::basic::from_utf8(raw).ok()?;
                match id {
                    PATH => doc.path = s,
                    AGENCY => doc.agency = s,
                    TITLE => doc.title = s,
                    BODY => doc.body = s,
                    TEMPLATE => doc.template = s,
                    _ => {}
                }
            }
            I64 => {
                let v = i64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?);
                at += 8;
                if id == YEAR && first {
                    doc.year = Some(v);
                }
            }
            _ => return None,
        }
    }
    Some(doc)
}

/// The stored fields of one report that a hit shows.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct HitDoc {
    pub path: String,
    pub agency: String,
    pub title: String,
    pub body: String,
    pub year: Option<i64>,
    pub template: String,
}

/// The fields' ids, as `schema::build` gives them (a test holds the two together):
/// `DocumentDeserialize` is called without the schema.
const PATH: u32 = 1;
const AGENCY: u32 = 2;
const TITLE: u32 = 4;
const BODY: u32 = 6;
const YEAR: u32 = 7;
const TEMPLATE: u32 = 8;
const WANTED: [u32; 6] = [PATH, AGENCY, TITLE, BODY, YEAR, TEMPLATE];

impl HitDoc {
    /// Which of [`WANTED`] `field` is, as a bit.
    fn bit(field: Field) -> u8 {
        WANTED
            .iter()
            .position(|&w| w == field.field_id())
            .map_or(0, |i| 1 << i)
    }
}

impl DocumentDeserialize for HitDoc {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(mut de: D) -> Result<Self, DeserializeError> {
        let all = (1u8 << WANTED.len()) - 1;
        let (mut doc, mut seen) = (HitDoc::default(), 0u8);
        while seen != all {
            let Some((field, value)) = de.next_field::<OwnedValue>()? else {
                break;
            };
            let bit = HitDoc::bit(field);
            if seen & bit != 0 {
                // A second value of a field: as `get_first`, the first one counts.
                continue;
            }
            seen |= bit;
            let text = |v: OwnedValue| match v {
                OwnedValue::Str(s) => s,
                _ => String::new(),
            };
            match field.field_id() {
                PATH => doc.path = text(value),
                AGENCY => doc.agency = text(value),
                TITLE => doc.title = text(value),
                BODY => doc.body = text(value),
                TEMPLATE => doc.template = text(value),
                YEAR => {
                    doc.year = match value {
                        OwnedValue::I64(y) => Some(y),
                        _ => None,
                    }
                }
                _ => {}
            }
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::Fields;
    use tantivy::schema::Value;
    use tantivy::TantivyDocument;

    /// The ids above are the schema's (the index's schema is always this one: its format
    /// version says so).
    #[test]
    fn the_ids_are_the_schemas() {
        let f = crate::index::schema::build().1;
        let ids = [f.path, f.agency, f.title, f.body, f.year, f.template].map(|x| x.field_id());
        assert_eq!(ids, WANTED);
    }

    /// The same fields from tantivy's own document, which reads every stored value.
    fn from_full(doc: &TantivyDocument, f: &Fields) -> HitDoc {
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        HitDoc {
            path: s(f.path),
            agency: s(f.agency),
            title: s(f.title),
            body: s(f.body),
            year: doc.get_first(f.year).and_then(|v| v.as_i64()),
            template: s(f.template),
        }
    }

    /// Every document of the sample index: the same fields as tantivy's own document gives,
    /// and the JSON is the last value stored (so a hit never reads it).
    #[test]
    fn a_hit_reads_what_the_full_document_holds_and_the_json_comes_last() {
        let (_dir, index) = crate::index::testing::sample_index();
        let f = index.inner.fields;
        let searcher = &index.inner.searcher;
        let mut n = 0;
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            for d in 0..seg.max_doc() {
                let addr = tantivy::DocAddress::new(ord as u32, d);
                let full: TantivyDocument = searcher.doc(addr).unwrap();
                let hit: HitDoc = searcher.doc(addr).unwrap();
                assert_eq!(hit, from_full(&full, &f));
                let fast = index.inner.stores.with_hit(searcher, addr, |h| {
                    assert_eq!(h, hit.as_ref());
                });
                assert!(fast.is_ok());
                assert_eq!(hit.year, full.get_first(f.year).and_then(|v| v.as_i64()));
                assert!(!hit.body.is_empty() && !hit.path.is_empty());
                let last = full.field_values().last().map(|(field, _)| field);
                assert_eq!(last, Some(f.json), "{}", hit.path);
                n += 1;
            }
        }
        assert!(n >= 5, "{n}");
    }

    /// Bytes of every kind a damaged store could hold: never a panic, and what is returned
    /// holds only strings found whole in the input.
    #[test]
    fn parse_never_panics_and_borrows_only_whole_strings() {
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(5000), |(bytes in prop::collection::vec(any::<u8>(), 0..200))| {
            if let Some(h) = parse(&bytes) {
                for s in [h.path, h.agency, h.title, h.body, h.template] {
                    let hay = std::str::from_utf8(&bytes).ok();
                    prop_assert!(s.is_empty() || bytes.windows(s.len()).any(|w| w == s.as_bytes()), "{:?}", hay);
                }
            }
        });
    }

    /// A document cut anywhere before the JSON is refused; cut inside the JSON, it reads as
    /// the whole one (the JSON is never read).
    #[test]
    fn a_truncated_document_is_refused_until_the_json() {
        let (_dir, index) = crate::index::testing::sample_index();
        let seg = &index.inner.searcher.segment_readers()[0];
        let store = seg.get_store_reader(1).unwrap();
        let bytes = store.get_document_bytes(0).unwrap();
        let whole = parse(&bytes).unwrap();
        assert!(!whole.body.is_empty());
        let template_end =
            whole.template.as_ptr() as usize - bytes.as_ptr() as usize + whole.template.len();
        for cut in 0..bytes.len() {
            match parse(&bytes[..cut]) {
                Some(h) => {
                    assert!(cut >= template_end, "cut at {cut} read as {h:?}");
                    assert_eq!(h, whole);
                }
                None => assert!(cut < template_end, "cut at {cut}"),
            }
        }
        assert!(template_end < bytes.len());
    }
}
