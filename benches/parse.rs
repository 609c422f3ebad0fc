//! How long parsing takes: every report of corpus/ and the fixtures, one by one and all together;
//! the index's tokenizer over their text; and each kind of published document (PDF, DOCX, HTML)
//! from its bytes to the report.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn reports() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("corpus"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.push(root.join("tests/fixtures/nonzero2021.txt"));
    files.push(root.join("tests/fixtures/template2019.txt"));
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).expect("read report");
            (p, b)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = reports();
    c.bench_function("parse corpus/ (all shipped reports, from bytes)", |b| {
        b.iter(|| {
            for (p, bytes) in &docs {
                black_box(nianbao::report::parse_bytes(&p.to_string_lossy(), bytes).ok());
            }
        })
    });
    let (p, bytes) = docs
        .iter()
        .find(|(p, _)| p.ends_with("中卫市工业和信息化局/2024.txt"))
        .expect("sample");
    c.bench_function(
        "parse one report (中卫市工业和信息化局 2024)",
        |b| b.iter(|| black_box(nianbao::report::parse_bytes(&p.to_string_lossy(), bytes).ok())),
    );
    let flat: String = String::from_utf8_lossy(bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    c.bench_function("parse one report flattened onto one line", |b| {
        b.iter(|| black_box(nianbao::report::parse_text("flat.txt", &flat)))
    });
}

/// The index's tokenizer over the text of every shipped report, as tantivy's indexing threads
/// run it on a report's body (most of a build's CPU besides tantivy's own).
fn tokenize(c: &mut Criterion) {
    let texts: Vec<String> = reports()
        .iter()
        .filter_map(|(p, b)| nianbao::report::parse_bytes(&p.to_string_lossy(), b).ok())
        .map(|r| r.text)
        .collect();
    c.bench_function("tokenize corpus/ (every shipped report's text)", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &texts {
                nianbao::index::tokenizer::analyze_into(t, &mut |tok| n += tok.text.len());
            }
            black_box(n)
        })
    });
}

/// Each test document as published, from bytes to the report (the source layer and the parser).
fn documents(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/documents");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/documents")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "pdf" || e == "docx" || e == "html")
                // The scan is read by OCR (seconds): not a parser's speed.
                && !p.to_string_lossy().contains("-scan.")
        })
        .collect();
    files.sort();
    let mut g = c.benchmark_group("documents");
    g.sample_size(20);
    for p in files {
        let bytes = std::fs::read(&p).expect("read document");
        let name = p
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let shown = p.to_string_lossy().into_owned();
        g.bench_function(name, |b| {
            b.iter(|| black_box(nianbao::report::parse_bytes(&shown, &bytes).ok()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench, tokenize, documents);
criterion_main!(benches);
