//! The recall property: every 1–6 character CJK string finds exactly the reports whose text
//! contains it (after the index's normalisation), compared with a plain substring scan.

use nianbao::index::{self, tokenizer, Query};
use proptest::prelude::*;
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    index: index::Index,
    /// (path, normalised text, raw text)
    docs: Vec<(String, String, String)>,
    chars: Vec<char>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = dir.path().join("corpus");
        // The real reports, plus variants with spaces inside words and full-width digits.
        let mut n = 0;
        for e in walkdir::WalkDir::new(root.join("corpus"))
            .into_iter()
            .flatten()
        {
            if e.path().extension().is_some_and(|x| x == "txt") {
                let t = std::fs::read_to_string(e.path()).unwrap();
                for (k, v) in [t.clone(), t.replace("中心", "中 心").replace('2', "２")]
                    .into_iter()
                    .enumerate()
                {
                    let p = corpus.join(format!("r{n}_{k}/2024.txt"));
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, v).unwrap();
                }
                n += 1;
            }
        }
        let (index, _) =
            index::open_or_build(&corpus, &dir.path().join("index"), &mut |_| {}).unwrap();
        let docs: Vec<(String, String, String)> = index
            .reports()
            .into_iter()
            .map(|r| {
                let rep = index.report(&r.path).unwrap();
                (r.path, tokenizer::normalize(&rep.text), rep.text)
            })
            .collect();
        let mut chars: Vec<char> = docs
            .iter()
            .flat_map(|d| d.1.chars())
            .filter(|c| tokenizer::is_cjk(*c))
            .collect();
        chars.sort();
        chars.dedup();
        Fixture {
            _dir: dir,
            index,
            docs,
            chars,
        }
    })
}

fn check(q: &str) {
    let f = fixture();
    let res = f
        .index
        .search(&Query {
            text: format!("\"{q}\""),
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    let mut got: Vec<&str> = res.hits.iter().map(|h| h.path.as_str()).collect();
    got.sort();
    let mut want: Vec<&str> = f
        .docs
        .iter()
        .filter(|d| d.1.contains(q))
        .map(|d| d.0.as_str())
        .collect();
    want.sort();
    assert_eq!(got, want, "query {q}");
    // Every report whose raw text contains it is found (spaces inside words aside).
    for d in &f.docs {
        if d.2.contains(q) {
            assert!(got.contains(&d.0.as_str()), "{q} in {}", d.0);
        }
    }
    // The first hits (what a keystroke draws before the complete search): as many as asked
    // for, all of them matches; all of the matches when the engine says it found them all.
    for limit in [1, 5, 1000] {
        let first = f
            .index
            .first_hits(&Query {
                text: format!("\"{q}\""),
                limit,
                ..Default::default()
            })
            .unwrap();
        let mut paths: Vec<&str> = first.hits.iter().map(|h| h.path.as_str()).collect();
        paths.sort();
        assert!(paths.iter().all(|p| want.contains(p)), "first hits of {q}");
        assert_eq!(paths.len(), want.len().min(limit), "first hits of {q}");
        match first.stage {
            index::Stage::First { all_found: true } => assert_eq!(paths, want, "{q}"),
            index::Stage::First { all_found: false } => assert!(want.len() > limit, "{q}"),
            index::Stage::Complete => panic!("{q}: not a first-hits answer"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn substrings_of_the_corpus_are_found(doc in 0usize..1000, at in 0usize..100_000, len in 1usize..=6) {
        let f = fixture();
        let text = &f.docs[doc % f.docs.len()].1;
        let cjk: Vec<char> = text.chars().collect();
        // Take the CJK run around `at`, then a substring of it.
        let start = at % cjk.len();
        let run: String = cjk[start..].iter().take_while(|c| tokenizer::is_cjk(**c)).take(len).collect();
        if !run.is_empty() {
            check(&run);
        }
    }

    #[test]
    fn random_cjk_strings_match_the_scan(picks in proptest::collection::vec(0usize..10_000, 1..=6)) {
        let f = fixture();
        let q: String = picks.iter().map(|i| f.chars[i % f.chars.len()]).collect();
        check(&q);
    }
}
