//! The index's fields and on-disk format version, in one place.

use super::tokenizer::{CjkTokenizer, NAME};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;

/// Bumped whenever the schema, the tokenizer or what is stored changes: an index with another
/// version is rebuilt from the corpus.
pub const FORMAT_VERSION: u32 = 6;
/// The file in the index folder that records [`FORMAT_VERSION`].
pub const VERSION_FILE: &str = "nianbao-format.json";

/// Bytes of stored documents compressed together. 64 KiB, not tantivy's 16: LZ4 finds
/// repeats only within 64 KiB, and reports repeat the template's wording from one to the
/// next, so a block of several reports compresses to two thirds of what 16 KiB blocks did
/// (10,000 reports: document store 49.5 → 34.3 MB, index 160.0 → 144.8 MB). Reading
/// reports in index order, as the first hits do, got cheaper (29–31 → 21 µs a report); a
/// report picked at random dearer (37–40 → 42–45 µs; `examples/store_bench.rs`).
pub const DOCSTORE_BLOCK: usize = 64 << 10;

/// Decompressed blocks of stored documents a searcher keeps per segment: as many bytes as
/// tantivy's default (100 blocks of 16 KiB), whatever the block size an index was made with.
pub fn docstore_cache_blocks(block: usize) -> usize {
    ((100 * (16 << 10)) / block.max(1)).clamp(16, 100)
}

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The file's path relative to the corpus folder: the document's key for incremental updates.
    pub key: Field,
    /// The report's path as shown to users (the corpus folder as given, joined with `key`).
    pub path: Field,
    pub agency: Field,
    /// The agency name, tokenized, for ranking agency matches first.
    pub agency_text: Field,
    pub title: Field,
    /// The title again as a fast column, to list reports without reading stored documents.
    pub title_raw: Field,
    pub body: Field,
    pub year: Field,
    pub template: Field,
    /// The report as its JSON contract without sections and checks, which follow from the
    /// body and the tables (`report::restore`): half the bytes a hit reads. Text, not bytes:
    /// tantivy 0.27 reads a stored bytes value one byte at a time, far slower than a string.
    pub json: Field,
    /// The tables, source and failed-check count in the compact form of `figures.rs`, as a
    /// fast column: work across reports reads them without the document store.
    pub figures: Field,
    pub size: Field,
    pub mtime: Field,
    /// blake3 of the file's bytes, hex.
    pub hash: Field,
    /// How many arithmetic checks fail (a fast column, for the "has failed checks" filter).
    pub failed: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let cjk = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(NAME)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let fields = Fields {
        key: b.add_text_field("key", STRING | FAST),
        path: b.add_text_field("path", STRING | STORED | FAST),
        agency: b.add_text_field("agency", STRING | STORED | FAST),
        agency_text: b.add_text_field("agency_text", cjk(false)),
        title: b.add_text_field("title", cjk(true)),
        title_raw: b.add_text_field("title_raw", FAST),
        body: b.add_text_field("body", cjk(true)),
        year: b.add_i64_field("year", INDEXED | STORED | FAST),
        template: b.add_text_field("template", STRING | STORED | FAST),
        json: b.add_text_field("json", STORED),
        figures: b.add_bytes_field("figures", FAST),
        size: b.add_u64_field("size", FAST),
        mtime: b.add_i64_field("mtime", FAST),
        failed: b.add_u64_field("failed", FAST),
        hash: b.add_text_field("hash", STRING | FAST),
    };
    (b.build(), fields)
}

/// Registers nianbao's tokenizer; needed on every open, tantivy does not store tokenizers.
pub fn register(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(NAME, TextAnalyzer::from(CjkTokenizer::default()));
}

/// The year field's value for a report without a year: kept out of year filters and facets.
pub const NO_YEAR: i64 = 0;

/// Every value of a bytes column's dictionary, indexed by ordinal.
pub(crate) fn all_bytes(col: &Option<tantivy::columnar::BytesColumn>) -> PackedTerms {
    let mut out = PackedTerms::default();
    let Some(c) = col else {
        return out;
    };
    out.ends.reserve(c.num_terms());
    if let Ok(mut stream) = c.dictionary().stream() {
        while stream.advance() {
            out.data.extend_from_slice(stream.key());
            out.ends.push(out.data.len());
        }
    }
    out
}

/// A dictionary's terms end to end in one buffer: reading every report's figures must not make
/// one allocation per term.
#[derive(Default)]
pub(crate) struct PackedTerms {
    data: Vec<u8>,
    /// Where each term ends in `data`, by ordinal.
    ends: Vec<usize>,
}

impl PackedTerms {
    pub(crate) fn get(&self, ord: usize) -> Option<&[u8]> {
        let end = *self.ends.get(ord)?;
        let start = ord.checked_sub(1).map_or(0, |p| self.ends[p]);
        self.data.get(start..end)
    }
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
