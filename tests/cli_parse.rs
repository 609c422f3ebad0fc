//! `nianbao parse` as a user runs it: several files, bad ones among them, JSON or summary.

use std::process::Command;

fn nianbao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run nianbao")
}

#[test]
fn bad_files_are_reported_and_the_others_still_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    let binary = dir.path().join("binary.txt");
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&empty, b"").unwrap();
    std::fs::write(&binary, b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0").unwrap();
    std::fs::write(&latin1, [0x81u8, 0x20, 0xff, 0xfe, 0x81, 0x30]).unwrap();
    let missing = dir.path().join("gone.txt");
    let good = "corpus/中卫市工业和信息化局/2024.txt";
    let out = nianbao(&[
        "parse",
        empty.to_str().unwrap(),
        good,
        binary.to_str().unwrap(),
        missing.to_str().unwrap(),
        latin1.to_str().unwrap(),
        "tests/fixtures/template2019.txt",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one JSON object per readable file, one per line"
    );
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["agency"], "中卫市工业和信息化局");
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["template"], "2019");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("empty.txt: the file is empty"), "{stderr}");
    assert!(
        stderr.contains("binary.txt: the file looks binary"),
        "{stderr}"
    );
    assert!(stderr.contains("gone.txt: cannot read"), "{stderr}");
    assert!(
        stderr.contains("latin1.txt: the file is neither UTF-8"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn summary_shows_aligned_tables_and_failed_checks() {
    let out = nianbao(&["parse", "tests/fixtures/nonzero2021.txt"]);
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("agency:   某某市生态环境局"), "{s}");
    assert!(s.contains("template: 2021"));
    assert!(
        s.contains("FAILED 3: 总计 = 自然人+法人或其他组织 (（一）予以公开): 29 ≠ 28"),
        "{s}"
    );
    // Every line of table 3's grid has the same display width up to its last figure.
    let widths: Vec<usize> = s
        .lines()
        .skip_while(|l| !l.starts_with("table 3"))
        .skip(2)
        .take(29)
        .filter(|l| l.ends_with(char::is_numeric))
        .map(nianbao::output::grid::width)
        .collect();
    assert_eq!(widths.len(), 25, "{s}");
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{widths:?}\n{s}");
    assert!(s.contains("  （三）不予公开\n    1.属于国家秘密"), "{s}");
}

#[test]
fn path_in_the_contract_is_the_path_given() {
    let out = nianbao(&[
        "parse",
        "--json",
        "./corpus/中卫市公共资源交易中心/2017.txt",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], "./corpus/中卫市公共资源交易中心/2017.txt");
    assert_eq!(v["template"], "free");
    assert_eq!(v["year"], 2017);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["parse", "--sections"])
        .args(std::iter::repeat_n(
            "corpus/中卫市工业和信息化局/2024.txt",
            200,
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?} {err}");
    assert!(!err.contains("panicked"), "{err}");
}
