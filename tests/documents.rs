//! Published documents (DOCX, web pages, PDF) against contracts written by hand: every cell of
//! every standard table, with its status (read / blank / na), and the source format.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn parse_json(path: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["parse", path, "--json"])
        .output()
        .expect("run nianbao");
    assert!(
        out.status.success(),
        "{path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn expected(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/documents")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Compares every cell: a number must be that number with status `read`; `"blank"` / `"na"`
/// must be null with that status.
fn compare_tables(path: &str, got: &Value, want: &Value) {
    let tables = want["tables"].as_object().unwrap();
    let got_tables = got["tables"].as_array().unwrap();
    assert_eq!(got_tables.len(), tables.len(), "{path}: number of tables");
    for (id, rows) in tables {
        let t = got_tables
            .iter()
            .find(|t| t["id"] == *id)
            .unwrap_or_else(|| panic!("{path}: table {id} missing"));
        let want_rows = rows.as_array().unwrap();
        let got_rows = t["rows"].as_array().unwrap();
        assert_eq!(
            got_rows.len(),
            want_rows.len(),
            "{path}: rows of table {id}"
        );
        for (ri, (g, w)) in got_rows.iter().zip(want_rows).enumerate() {
            let label = g["label"].as_str().unwrap_or("");
            let gv = g["values"].as_array().unwrap();
            let none = Vec::new();
            let gs = g["status"].as_array().unwrap_or(&none);
            let w = w.as_array().unwrap();
            assert_eq!(gv.len(), w.len(), "{path}: table {id} row {ri} {label}");
            for (ci, want_cell) in w.iter().enumerate() {
                let at = format!("{path}: table {id} row {ri} {label} column {ci}");
                if let Some(v) = want_cell.get("inferred") {
                    assert_eq!(gv[ci].as_f64(), v.as_f64(), "{at}: figure");
                    assert_eq!(gs[ci], "inferred", "{at}");
                    continue;
                }
                match want_cell.as_str() {
                    Some("none") => {
                        assert!(gv[ci].is_null(), "{at}: {} is not null", gv[ci]);
                        // Not in the document: no figure, and never marked as read.
                        let st = gs.get(ci).and_then(|s| s.as_str()).unwrap_or("");
                        assert!(!matches!(st, "read" | "inferred"), "{at}: status {st}");
                    }
                    Some(status) => {
                        assert!(gv[ci].is_null(), "{at}: {} is not null", gv[ci]);
                        assert_eq!(gs[ci], status, "{at}");
                    }
                    None => {
                        assert_eq!(gv[ci].as_f64(), want_cell.as_f64(), "{at}: figure");
                        assert_eq!(gs[ci], "read", "{at}");
                    }
                }
            }
        }
    }
}

fn compare(path: &str, format: &str, want: &Value) -> Value {
    let got = parse_json(path);
    for field in ["agency", "year", "title", "template"] {
        assert_eq!(got[field], want[field], "{path}: {field}");
    }
    assert_eq!(got["source"]["format"], format, "{path}: source.format");
    compare_tables(path, &got, want);
    // Every check of FORMAT.md §4 that can be assessed holds: the figures are consistent.
    for c in got["checks"].as_array().unwrap() {
        assert_ne!(c["ok"], Value::Bool(false), "{path}: {c}");
    }
    got
}

#[test]
fn filled_docx_template() {
    let want = expected("示例县统计局-2023.expected.json");
    let got = compare("tests/documents/示例县统计局-2023.docx", "docx", &want);
    assert_eq!(got["warnings"], serde_json::json!([]));
}

#[test]
fn word_style_web_page_with_navigation_gbk_and_merged_cells() {
    let want = expected("示例县统计局-2023.expected.json");
    let got = compare("tests/documents/示例县统计局-2023-word.html", "html", &want);
    assert_eq!(got["warnings"], serde_json::json!([]));
    let text: String = got["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap_or(""))
        .collect();
    for chrome in ["首页", "版权所有", "网站地图", "document.write", "浏览次数"] {
        assert!(
            !text.contains(chrome),
            "navigation left in the text: {chrome}"
        );
    }
}

#[test]
fn libreoffice_web_page_of_the_docx() {
    let want = expected("示例县统计局-2023.expected.json");
    compare("tests/documents/示例县统计局-2023.html", "html", &want);
}

#[path = "common/mod.rs"]
mod common;

#[test]
fn one_mixed_corpus_indexes_every_format_and_names_each_bad_file() {
    let e = common::Env::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/documents");
    let doc = |name: &str| std::fs::read(root.join(name)).unwrap();
    e.write("示例县统计局/2023.docx", &doc("示例县统计局-2023.docx"));
    e.write(
        "示例县统计局网页/2023.htm",
        &doc("示例县统计局-2023-word.html"),
    );
    e.write(
        "坏文件/不是压缩包.docx",
        "某某局2023年政府信息公开工作年度报告".as_bytes(),
    );
    e.write("坏文件/空的.html", b"");
    e.write("洪泽区人民政府/2023.pdf", &doc("洪泽区人民政府-2023.pdf"));
    e.write(
        "坏文件/假的.pdf",
        b"<!DOCTYPE html><html><body>404</body></html>",
    );
    e.write("坏文件/截断.pdf", &doc("洪泽区人民政府-2023.pdf")[..3000]);
    e.write("坏文件/截断.docx", &doc("示例县统计局-2023.docx")[..5000]);
    e.write("其他/说明.xlsx", b"PK\x03\x04");
    let o = e.run(&["index", "--json"]);
    assert_eq!(o.status.code(), Some(1), "index exits 1 when files failed");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let failed: Vec<String> = v["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["path"], f["reason"]))
        .collect();
    assert_eq!(failed.len(), 5, "{failed:?}");
    for (file, why) in [
        ("不是压缩包.docx", "plain text"),
        ("假的.pdf", "is a web page"),
        ("截断.pdf", "PDF"),
        ("空的.html", "empty"),
        ("截断.docx", "zip"),
    ] {
        assert!(
            failed.iter().any(|f| f.contains(file) && f.contains(why)),
            "{file}: {failed:?}"
        );
    }
    assert_eq!(
        v["skipped"], 2,
        "corpus/SOURCES.md and the .xlsx are skipped and counted"
    );
    // Both documents are searchable and show their figures.
    assert_eq!(e.total(&["示例县统计局"]), 2);
    assert_eq!(e.total(&["洪泽区人民政府"]), 1, "the PDF is searchable");
    // Two reports of one agency and year: listed until one is picked (issue 11).
    let listed = e.run(&["show", "示例县统计局", "2023"]);
    assert!(!listed.status.success());
    for pick in ["1", "2"] {
        let shown = e.ok(&[
            "show",
            "示例县统计局",
            "2023",
            "--pick",
            pick,
            "--table",
            "2-5",
            "--format",
            "tsv",
        ]);
        assert!(shown.contains("1520"), "{shown}");
    }
}

#[test]
fn libreoffice_pdf_of_the_docx() {
    let want = expected("示例县统计局-2023.expected.json");
    let got = compare("tests/documents/示例县统计局-2023.pdf", "pdf", &want);
    assert_eq!(got["source"]["pages"], 3);
    assert_eq!(got["warnings"], serde_json::json!([]));
}

/// The real WPS PDF (Identity-H CID fonts): every figure as read by hand from its pages.
#[test]
fn real_wps_pdf_tables_from_ruling_lines() {
    let path = "tests/documents/洪泽区人民政府-2023.pdf";
    let want = expected("洪泽区人民政府-2023.expected.json");
    let got = parse_json(path);
    for field in ["agency", "year", "title", "template"] {
        assert_eq!(got[field], want[field], "{path}: {field}");
    }
    assert_eq!(got["source"]["format"], "pdf");
    assert_eq!(got["source"]["pages"], want["pages"]);
    compare_tables(path, &got, &want);
    for t in got["tables"].as_array().unwrap() {
        assert_eq!(
            t["page"],
            want["table_pages"][t["id"].as_str().unwrap()],
            "page of {}",
            t["id"]
        );
    }
    // The document's own inconsistency is reported, not fixed.
    let failed: Vec<&str> = got["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed.iter().all(|r| r.starts_with("4:")), "{failed:?}");
    // Characters: the text reads as written (no stray spaces between Chinese characters).
    let s1 = got["sections"][0]["text"].as_str().unwrap();
    let s1: String = s1.chars().filter(|c| *c != '\n').collect();
    assert!(
        s1.contains("2023年，我区在政府网站平台主动公开政府信息1136条"),
        "{s1}"
    );
}

fn run_parse(path: &str, ocr: Option<&str>) -> Value {
    run_parse_with(path, ocr, None)
}

fn run_parse_with(path: &str, ocr: Option<&str>, search_path: Option<&str>) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["parse", path, "--json"]);
    if let Some(p) = search_path {
        cmd.env("PATH", p);
    }
    match ocr {
        Some(v) => cmd.env("NIANBAO_OCR", v),
        None => cmd.env_remove("NIANBAO_OCR"),
    };
    let out = cmd.output().expect("run nianbao");
    assert!(
        out.status.success(),
        "{path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

const SCAN: &str = "tests/documents/示例县统计局-2023-scan.pdf";

/// The LibreOffice PDF's pages as images only (`make_scan.py`), read by OCR: every figure kept
/// is marked `ocr`, equals the figure the contract (written by hand) gives, and stands in a
/// rule of the table's arithmetic that holds; tables without rules keep no OCR figure.
#[test]
fn a_scanned_pdf_is_read_by_ocr_keeping_only_figures_the_arithmetic_confirms() {
    if let Err(why) = nianbao::source::ocr::available() {
        // CI installs the programs (.ci/run): there the test must run.
        assert!(
            std::env::var_os("CI").is_none(),
            "OCR not available in CI: {why}"
        );
        eprintln!("OCR not tested here: {why}");
        return;
    }
    let got = run_parse(SCAN, None);
    let want = expected("示例县统计局-2023.expected.json");
    assert_eq!(got["source"]["format"], "pdf");
    let warnings = got["warnings"].to_string();
    assert!(warnings.contains("read by OCR"), "{warnings}");
    // The title and agency are read from the first page's image.
    assert_eq!(got["agency"], want["agency"]);
    assert_eq!(got["year"], want["year"]);
    let mut kept = 0;
    for t in got["tables"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let want_rows = want["tables"][id].as_array().unwrap();
        for (ri, row) in t["rows"].as_array().unwrap().iter().enumerate() {
            let label = row["label"].as_str().unwrap_or("");
            let values = row["values"].as_array().unwrap();
            for (ci, v) in values.iter().enumerate() {
                if v.is_null() {
                    continue;
                }
                let at = format!("table {id} row {ri} {label} column {ci}");
                assert!(!id.starts_with('2'), "{at}: a table without rules kept {v}");
                assert_eq!(row["status"][ci], "ocr", "{at}");
                assert_eq!(v.as_f64(), want_rows[ri][ci].as_f64(), "{at}: {v}");
                kept += 1;
            }
        }
    }
    assert!(kept > 0, "no OCR figure was kept");
    let checks = got["checks"].as_array().unwrap();
    assert!(
        checks.iter().all(|c| c["ok"] != false),
        "a rule fails on kept OCR figures: {checks:?}"
    );
}

/// `NIANBAO_OCR=off`, or the OCR programs missing: the scan is indexed by its file name, as
/// without OCR, and the warning says why.
#[test]
fn without_ocr_a_scan_is_known_by_its_file_name() {
    let empty = std::env::temp_dir().join("nianbao-test-no-programs");
    std::fs::create_dir_all(&empty).unwrap();
    for (got, why) in [
        (run_parse(SCAN, Some("off")), "turned off"),
        (
            run_parse_with(SCAN, None, Some(empty.to_str().unwrap())),
            "needs tesseract",
        ),
    ] {
        let warnings = got["warnings"].to_string();
        assert!(
            warnings.contains("scanned: no text layer") && warnings.contains(why),
            "{warnings}"
        );
        for t in got["tables"].as_array().unwrap() {
            for row in t["rows"].as_array().unwrap() {
                assert!(row["values"].as_array().unwrap().iter().all(Value::is_null));
            }
        }
    }
}
