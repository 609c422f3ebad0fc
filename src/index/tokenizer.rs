//! The Chinese tokenizer: character trigrams, bigrams and single characters, Latin/digit runs as words.
//!
//! Why this design (see shared/notes/chinese-search.md): a dictionary segmenter (jieba) loses
//! matches across its word boundaries, and tantivy's n-gram tokenizer gives every token position
//! 0 so phrases break. Here every CJK character gets its own position and emits there its single
//! character, the bigram and the trigram it starts when the next characters follow (only
//! whitespace between them). A query of CJK characters is then the phrase of a few n-grams at
//! their positions that together pin every character ([`query_terms`]), which matches exactly
//! where the characters stand together. So every CJK substring of the text is found (recall
//! 100%). Trigrams cost half as much index again as bigrams alone, but a phrase of them reads
//! a fraction of the positions: 公开 stands ~70 times in a report, 息公开 ~30.
//!
//! Normalisation, applied the same way to texts and queries: full-width ASCII → ASCII, Latin
//! lowercased, whitespace between CJK characters ignored (PDF text writes `交易中 心`),
//! punctuation ends a run and leaves a one-position gap so phrases do not bridge it.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under in the index.
pub const NAME: &str = "nianbao_cjk";

/// Words longer than this (in bytes) are dropped: base64 blobs or runs of digits from
/// flattened tables, never something a user types, and tantivy caps term length.
const MAX_WORD_BYTES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One CJK character.
    Unigram,
    /// Two CJK characters standing together.
    Bigram,
    /// Three CJK characters standing together.
    Trigram,
    /// A run of letters and digits, lowercased.
    Word,
}

/// One token with its kind, position and byte range in the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub kind: Kind,
    pub text: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

/// A token as [`analyze_into`] hands it over: its text borrowed, so that indexing a report
/// allocates nothing per token (a report has ~10,000 of them).
#[derive(Debug, Clone, Copy)]
pub struct TokRef<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

impl TokRef<'_> {
    fn owned(self) -> Tok {
        Tok {
            kind: self.kind,
            text: self.text.to_string(),
            position: self.position,
            from: self.from,
            to: self.to,
        }
    }
}

pub use crate::text::{fold_width, is_cjk};

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Cjk,
    Word,
    Space,
    Punct,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Punct
    }
}

/// The last CJK characters of the current run (only whitespace between them) whose n-grams
/// are not all known yet: (char, byte start, position). A character's n-grams are complete
/// once two more characters have come, or the run has ended.
#[derive(Default)]
struct Run {
    chars: Vec<(char, usize, usize)>,
    /// The n-gram being handed over, reused.
    text: String,
}

impl Run {
    /// Emits the unigram, bigram and trigram starting at the run's `i`-th character, as far
    /// as the run goes.
    fn emit_at(&mut self, i: usize, sink: &mut dyn FnMut(TokRef)) {
        let (_, from, position) = self.chars[i];
        self.text.clear();
        for (n, kind) in [Kind::Unigram, Kind::Bigram, Kind::Trigram]
            .into_iter()
            .enumerate()
        {
            let Some(&(c, b, _)) = self.chars.get(i + n) else {
                break;
            };
            self.text.push(c);
            sink(TokRef {
                kind,
                text: &self.text,
                position,
                from,
                to: b + c.len_utf8(),
            });
        }
    }

    fn push(&mut self, c: (char, usize, usize), sink: &mut dyn FnMut(TokRef)) {
        self.chars.push(c);
        if self.chars.len() == 3 {
            self.emit_at(0, sink);
            self.chars.remove(0);
        }
    }

    fn end(&mut self, sink: &mut dyn FnMut(TokRef)) {
        for i in 0..self.chars.len() {
            self.emit_at(i, sink);
        }
        self.chars.clear();
    }
}

/// Splits `text` into tokens, calling `sink` for each, in non-decreasing position order.
pub fn analyze_into(text: &str, sink: &mut dyn FnMut(TokRef)) {
    let mut next_pos = 0usize;
    let mut run = Run::default();
    // The word being read: (start byte, lowercased text).
    let mut word: Option<(usize, String)> = None;
    let flush_word = |word: &mut Option<(usize, String)>,
                      end: usize,
                      next_pos: &mut usize,
                      sink: &mut dyn FnMut(TokRef)| {
        if let Some((start, w)) = word.take() {
            if w.len() <= MAX_WORD_BYTES {
                sink(TokRef {
                    kind: Kind::Word,
                    text: &w,
                    position: *next_pos,
                    from: start,
                    to: end,
                });
            }
            *next_pos += 1;
        }
    };
    for (b, raw) in text.char_indices() {
        let c = fold_width(raw);
        match class(c) {
            Class::Cjk => {
                flush_word(&mut word, b, &mut next_pos, sink);
                run.push((c, b, next_pos), sink);
                next_pos += 1;
            }
            Class::Word => {
                run.end(sink);
                match &mut word {
                    Some((_, w)) => w.extend(c.to_lowercase()),
                    None => word = Some((b, c.to_lowercase().collect())),
                }
            }
            Class::Space => {
                flush_word(&mut word, b, &mut next_pos, sink);
            }
            Class::Punct => {
                flush_word(&mut word, b, &mut next_pos, sink);
                run.end(sink);
                if next_pos > 0 {
                    // A gap, so that a phrase does not match across punctuation.
                    next_pos += 1;
                }
            }
        }
    }
    run.end(sink);
    flush_word(&mut word, text.len(), &mut next_pos, sink);
}

/// All tokens of `text`.
pub fn analyze(text: &str) -> Vec<Tok> {
    let mut v = Vec::new();
    analyze_into(text, &mut |t| v.push(t.owned()));
    v
}

/// The terms a query needs to match `text` exactly, as (position relative to the first, term
/// text): words as they are; for each CJK run, the fewest and longest n-grams that still pin
/// every character (行政复议 → 行政复 at 0, 政复议 at 1; a lone character is its unigram).
/// Longer n-grams are rarer, so a phrase of them reads fewer positions. Empty when the text
/// has nothing searchable (only punctuation).
pub fn query_terms(text: &str) -> Vec<(usize, String)> {
    let toks = analyze(text);
    let cjk_len = |t: &Tok| match t.kind {
        Kind::Unigram => 1,
        Kind::Bigram => 2,
        Kind::Trigram => 3,
        Kind::Word => 0,
    };
    let mut out: Vec<(usize, String)> = Vec::new();
    // Positions below this are pinned by an n-gram already chosen.
    let mut covered_to = 0usize;
    for t in &toks {
        if t.kind == Kind::Word {
            out.push((t.position, t.text.clone()));
            continue;
        }
        let p = t.position;
        if p < covered_to {
            continue;
        }
        // The first character not yet pinned: of the n-grams over it, the one that reaches
        // furthest, the longest on a tie (it starts earlier, overlapping what is pinned).
        let best = toks
            .iter()
            .filter(|o| o.kind != Kind::Word && o.position <= p && p < o.position + cjk_len(o))
            .max_by_key(|o| (o.position + cjk_len(o), cjk_len(o)));
        if let Some(b) = best {
            covered_to = b.position + cjk_len(b);
            out.push((b.position, b.text.clone()));
        }
    }
    out.sort();
    out.dedup();
    if let Some(first) = out.first().map(|(p, _)| *p) {
        for (p, _) in &mut out {
            *p -= first;
        }
    }
    out
}

/// `text` as the index sees it, for tests and substring oracles: widths folded, Latin
/// lowercased, whitespace between two CJK characters removed.
pub fn normalize(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(fold_width)
        .flat_map(|c| c.to_lowercase())
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let before = out.chars().last().is_some_and(is_cjk);
            let after = chars.get(j).copied().is_some_and(is_cjk);
            if !(before && after) {
                out.extend(&chars[i..j]);
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The tantivy tokenizer: [`analyze`] behind tantivy's `Tokenizer` trait. Its tokens are
/// kept from one text to the next and overwritten, so that their strings are reused.
#[derive(Debug, Clone, Default)]
pub struct CjkTokenizer {
    tokens: Vec<Token>,
    /// Bytes of text tokenized so far, shared by the clones tantivy makes for its indexing
    /// threads: how the build knows how far those threads have come (see `build.rs`).
    progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl CjkTokenizer {
    /// A tokenizer that adds the length of every text it tokenizes to `progress`.
    pub fn counting(progress: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        CjkTokenizer {
            tokens: Vec::new(),
            progress: Some(progress),
        }
    }
}

pub struct CjkTokenStream<'a> {
    tokens: &'a mut [Token],
    /// Index of the current token plus one (0 = before the first).
    next: usize,
}

impl Tokenizer for CjkTokenizer {
    type TokenStream<'a> = CjkTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkTokenStream<'a> {
        if let Some(p) = &self.progress {
            p.fetch_add(text.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
        let tokens = &mut self.tokens;
        let mut n = 0;
        analyze_into(text, &mut |t| {
            if let Some(old) = tokens.get_mut(n) {
                old.text.clear();
                old.text.push_str(t.text);
                old.offset_from = t.from;
                old.offset_to = t.to;
                old.position = t.position;
            } else {
                tokens.push(Token {
                    offset_from: t.from,
                    offset_to: t.to,
                    position: t.position,
                    text: t.text.to_string(),
                    position_length: 1,
                });
            }
            n += 1;
        });
        CjkTokenStream {
            tokens: &mut self.tokens[..n],
            next: 0,
        }
    }
}

impl TokenStream for CjkTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    // tantivy calls these only after `advance` returned true, so `next >= 1` here.
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(Kind, String, usize, usize, usize)> {
        analyze(s)
            .into_iter()
            .map(|t| (t.kind, t.text, t.position, t.from, t.to))
            .collect()
    }

    #[test]
    fn ngrams_and_byte_offsets() {
        use Kind::*;
        // Each Chinese character is 3 bytes.
        assert_eq!(
            toks("中卫市 局"),
            vec![
                (Unigram, "中".into(), 0, 0, 3),
                (Bigram, "中卫".into(), 0, 0, 6),
                (Trigram, "中卫市".into(), 0, 0, 9),
                (Unigram, "卫".into(), 1, 3, 6),
                (Bigram, "卫市".into(), 1, 3, 9),
                (Trigram, "卫市局".into(), 1, 3, 13),
                (Unigram, "市".into(), 2, 6, 9),
                (Bigram, "市局".into(), 2, 6, 13),
                (Unigram, "局".into(), 3, 10, 13),
            ]
        );
    }

    #[test]
    fn whitespace_inside_words_is_ignored_and_punctuation_breaks() {
        let t = toks("交易中 心");
        assert!(t.contains(&(Kind::Bigram, "中心".into(), 2, 6, 13)));
        let t = toks("中，心");
        assert!(!t.iter().any(|x| x.1 == "中心"));
        assert_eq!(t[1].2, 2, "punctuation leaves a gap");
    }

    #[test]
    fn words_fullwidth_and_mixed() {
        let t = toks("２０２４年ABC热线 12345");
        assert_eq!(t[0], (Kind::Word, "2024".into(), 0, 0, 12));
        assert!(t.contains(&(Kind::Unigram, "年".into(), 1, 12, 15)));
        assert!(t.contains(&(Kind::Word, "abc".into(), 2, 15, 18)));
        assert!(t.contains(&(Kind::Word, "12345".into(), 5, 25, 30)));
        assert_eq!(
            query_terms("2024年"),
            vec![(0, "2024".into()), (1, "年".into())]
        );
        assert_eq!(
            query_terms("行政复议"),
            vec![(0, "行政复".into()), (1, "政复议".into())]
        );
        assert_eq!(query_terms("卫"), vec![(0, "卫".into())]);
        assert!(query_terms("，。").is_empty());
    }

    #[test]
    fn queries_use_the_fewest_longest_ngrams_that_pin_every_character() {
        let terms = |q: &str| {
            query_terms(q)
                .into_iter()
                .map(|(p, t)| format!("{p}{t}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(terms("卫"), ["0卫"]);
        assert_eq!(terms("行政"), ["0行政"]);
        assert_eq!(terms("行政复"), ["0行政复"]);
        assert_eq!(terms("依申请公开"), ["0依申请", "2请公开"]);
        assert_eq!(terms("政府信息公开"), ["0政府信", "3息公开"]);
        assert_eq!(terms("政府信息公开工作"), ["0政府信", "3息公开", "5开工作"]);
        assert_eq!(terms("交易中 心"), ["0交易中", "1易中心"]);
        assert_eq!(terms("2024年"), ["02024", "1年"]);
        assert_eq!(terms("12345热线"), ["012345", "1热线"]);
        assert_eq!(terms("中，心"), ["0中", "2心"]);
    }

    #[test]
    fn the_tantivy_stream_reuses_its_tokens_without_leaking_the_last_text() {
        let mut tok = CjkTokenizer::default();
        let stream_of = |tok: &mut CjkTokenizer, text: &str| {
            let mut stream = tok.token_stream(text);
            let mut v = Vec::new();
            while stream.advance() {
                let t = stream.token();
                v.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
            }
            v
        };
        let expected = |text: &str| {
            analyze(text)
                .into_iter()
                .map(|t| (t.text, t.position, t.from, t.to))
                .collect::<Vec<_>>()
        };
        for text in ["政府信息公开工作年度报告 2024", "卫市", "", "行政复议"] {
            assert_eq!(stream_of(&mut tok, text), expected(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn an_ngram_is_its_source_span_without_whitespace(
            text in "[中卫市局 \\n　ａ1，]{0,16}"
        ) {
            let mut n = 0;
            analyze_into(&text, &mut |t| {
                if t.kind != Kind::Word {
                    let span: String =
                        text[t.from..t.to].chars().filter(|c| !c.is_whitespace()).collect();
                    assert_eq!(t.text, span, "{t:?} in {text:?}");
                    n += 1;
                }
            });
            let cjk = text.chars().filter(|&c| is_cjk(c)).count();
            proptest::prop_assert!(n >= cjk);
        }
    }

    #[test]
    fn normalize_matches_tokenizer() {
        assert_eq!(normalize("交易中 \n心 ＡＢ c"), "交易中心 ab c");
    }

    #[test]
    fn in_ram_index_phrases_and_single_chars() {
        use tantivy::collector::Count;
        use tantivy::query::{PhraseQuery, TermQuery};
        use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
        let mut sb = Schema::builder();
        let body = sb.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = tantivy::Index::create_in_ram(sb.build());
        index.tokenizers().register(
            NAME,
            tantivy::tokenizer::TextAnalyzer::from(CjkTokenizer::default()),
        );
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for t in ["行政复议情况", "行政诉讼 复议", "交易中 心", "12345热线"] {
            let mut d = tantivy::TantivyDocument::default();
            d.add_text(body, t);
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        let s = index.reader().unwrap().searcher();
        let count = |q: &str| {
            let terms = query_terms(q);
            let n = if terms.len() == 1 {
                s.search(
                    &TermQuery::new(
                        tantivy::Term::from_field_text(body, &terms[0].1),
                        IndexRecordOption::Basic,
                    ),
                    &Count,
                )
            } else {
                s.search(
                    &PhraseQuery::new_with_offset(
                        terms
                            .iter()
                            .map(|(p, t)| (*p, tantivy::Term::from_field_text(body, t)))
                            .collect(),
                    ),
                    &Count,
                )
            };
            n.unwrap()
        };
        assert_eq!(count("行政复议"), 1);
        assert_eq!(count("行政"), 2);
        assert_eq!(count("复议"), 2);
        assert_eq!(count("复"), 2);
        assert_eq!(count("交易中心"), 1);
        assert_eq!(count("12345热线"), 1);
        assert_eq!(count("政诉讼复"), 1, "whitespace between CJK is ignored");
        assert_eq!(count("议情况行"), 0);
    }
}
