//! Golden tests: `nianbao parse --json` on each shipped report and fixture matches the contract
//! written by hand under tests/golden/ (every table cell included).

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
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn squeeze(v: &Value) -> String {
    v.as_str()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn compare(golden_file: &Path) {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(golden_file).unwrap()).unwrap();
    let path = expected["path"].as_str().unwrap();
    let got = parse_json(path);
    let name = golden_file.display();
    // The contract gives every cell a status beside its value (FORMAT.md §7).
    for t in expected["tables"].as_array().unwrap() {
        for r in t["rows"].as_array().unwrap() {
            assert_eq!(
                r["status"].as_array().map(Vec::len),
                r["values"].as_array().map(Vec::len),
                "{name}: table {} row {}: a status per cell",
                t["id"],
                r["label"]
            );
        }
    }
    for field in [
        "path", "agency", "year", "title", "template", "tables", "checks", "warnings",
    ] {
        assert_eq!(got[field], expected[field], "{name}: field {field}");
    }
    let (gs, es) = (
        got["sections"].as_array().unwrap(),
        expected["sections"].as_array().unwrap(),
    );
    let titles = |v: &Vec<Value>| {
        v.iter()
            .map(|s| {
                format!(
                    "{}、{}",
                    s["number"].as_str().unwrap(),
                    s["title"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(gs), titles(es), "{name}: section headings");
    for (g, e) in gs.iter().zip(es) {
        assert_eq!(
            squeeze(&g["text"]),
            squeeze(&e["text"]),
            "{name}: text of section {}",
            e["number"]
        );
    }
}

#[test]
fn every_golden_file_matches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "json") {
            compare(&p);
            n += 1;
        }
    }
    assert!(
        n >= 7,
        "expected the 5 shipped reports and 2 fixtures, found {n} golden files"
    );
}

#[test]
fn gbk_copy_parses_like_the_utf8_original() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = "corpus/中卫市工业和信息化局/2024.txt";
    let text = std::fs::read_to_string(root.join(src)).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("gbk.txt");
    std::fs::write(&copy, &gbk).unwrap();
    let mut a = parse_json(src);
    let mut b = parse_json(copy.to_str().unwrap());
    a["path"] = Value::Null;
    b["path"] = Value::Null;
    assert_eq!(a, b);
}
