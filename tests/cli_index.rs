//! Integration tests of `index`, `search`, `show`, `agencies` and `check` on a temporary corpus.

mod common;
use common::Env;

fn stats(v: &serde_json::Value) -> (u64, u64, u64, u64, usize) {
    (
        v["added"].as_u64().unwrap(),
        v["updated"].as_u64().unwrap(),
        v["removed"].as_u64().unwrap(),
        v["unchanged"].as_u64().unwrap(),
        v["failed"].as_array().unwrap().len(),
    )
}

#[test]
fn index_then_incremental_add_change_delete() {
    let e = Env::new();
    let v = e.json(&["index", "--json"]);
    assert_eq!(stats(&v), (7, 0, 0, 0, 0));
    assert_eq!(v["skipped"], 1, "SOURCES.md is skipped");
    let v = e.json(&["index", "--json"]);
    assert_eq!(stats(&v), (0, 0, 0, 7, 0));
    // Add one, change one, delete one.
    let sample = std::fs::read(e.corpus().join("中卫市工业和信息化局/2024.txt")).unwrap();
    e.write("新增市统计局/2024.txt", &sample);
    let mut changed = sample.clone();
    changed.extend_from_slice("\n独一无二的补充说明。\n".as_bytes());
    e.write("中卫市工业和信息化局/2024.txt", &changed);
    std::fs::remove_file(e.corpus().join("石嘴山市公共资源交易中心/2022.txt")).unwrap();
    let v = e.json(&["index", "--json"]);
    assert_eq!(stats(&v), (1, 1, 1, 5, 0));
    assert_eq!(e.total(&["独一无二"]), 1);
    assert!(!e
        .run(&["search", "--agency", "石嘴山", "的"])
        .status
        .success());
    // Touching a file without changing it: the content hash says unchanged, and its new
    // time is recorded, so the next run does not read it again.
    e.write("中卫市工业和信息化局/2024.txt", &changed);
    let v = e.json(&["index", "--json"]);
    assert_eq!(stats(&v), (0, 0, 0, 7, 0));
    assert_eq!(v["touched"], 1);
    let v = e.json(&["index", "--json"]);
    assert_eq!(stats(&v), (0, 0, 0, 7, 0));
    assert_eq!(v["touched"], 0, "the touched file is not hashed again");
    // Touched again, then really changed: hashed, then re-indexed.
    let f = std::fs::File::options()
        .write(true)
        .open(e.corpus().join("中卫市工业和信息化局/2024.txt"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    drop(f);
    let v = e.json(&["index", "--json"]);
    assert_eq!(
        (stats(&v), v["touched"].as_u64()),
        ((0, 0, 0, 7, 0), Some(1))
    );
    let mut again = changed.clone();
    again.extend_from_slice(
        "
再次修改。
"
        .as_bytes(),
    );
    e.write("中卫市工业和信息化局/2024.txt", &again);
    let v = e.json(&["index", "--json"]);
    assert_eq!(
        (stats(&v), v["touched"].as_u64()),
        ((0, 1, 0, 6, 0), Some(0))
    );
    assert_eq!(e.total(&["再次修改"]), 1);
    let v = e.json(&["index", "--json"]);
    assert_eq!(
        (stats(&v), v["touched"].as_u64()),
        ((0, 0, 0, 7, 0), Some(0))
    );
    // Text summary.
    let out = e.ok(&["index"]);
    assert!(out.contains("7 reports: 0 added"), "{out}");
}

#[test]
fn gbk_empty_and_binary_files() {
    let e = Env::new();
    let text = std::fs::read_to_string(e.corpus().join("中卫市工业和信息化局/2024.txt")).unwrap();
    let text = text.replace("中卫市工业和信息化局", "编码县工业和信息化局");
    e.write(
        "编码县工业和信息化局/2024.txt",
        &encoding_rs::GBK.encode(&text).0,
    );
    e.write("空/2024.txt", b"");
    e.write(
        "二进制/2024.txt",
        &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254],
    );
    // Files that fail: the others are indexed, and the status says not all were (as `parse`).
    let o = e.run(&["index", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["added"], 8);
    let failed: Vec<String> = v["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["path"], f["reason"]))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed
        .iter()
        .any(|f| f.contains("空") && f.contains("empty")));
    assert!(failed
        .iter()
        .any(|f| f.contains("二进制") && f.contains("binary")));
    assert_eq!(e.total(&["编码县"]), 1, "the GBK report is searchable");
    let o = e.run(&["index"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("failed: ") && out.contains("empty file"),
        "{out}"
    );
}

#[test]
fn search_filters_and_output() {
    let e = Env::new();
    e.ok(&["index"]);
    let all = e.total(&["行政复议"]);
    assert!(all >= 5);
    assert_eq!(e.total(&["卫"]), e.total(&["--year", "2017..2024", "卫"]));
    // Each filter gives exactly the unfiltered hits that pass it.
    let all_hits = e.json(&["search", "--json", "--limit", "100", "行政复议"]);
    let hits = all_hits["hits"].as_array().unwrap();
    let count =
        |f: &dyn Fn(&serde_json::Value) -> bool| hits.iter().filter(|h| f(h)).count() as u64;
    assert_eq!(
        e.total(&["--year", "2024", "行政复议"]),
        count(&|h| h["year"] == 2024)
    );
    let in_range = |h: &serde_json::Value| (2022..=2023).contains(&h["year"].as_i64().unwrap_or(0));
    assert_eq!(
        e.total(&["--year", "2022..2023", "行政复议"]),
        count(&in_range)
    );
    let zw = |h: &serde_json::Value| h["agency"] == "中卫市公共资源交易中心";
    assert_eq!(e.total(&["--agency", "zwsggzy", "行政复议"]), count(&zw));
    assert_eq!(e.total(&["--agency", "中卫 交易", "行政复议"]), count(&zw));
    assert_eq!(
        e.total(&["--template", "free", "行政复议"]),
        count(&|h| h["template"] == "free")
    );
    assert_eq!(
        e.total(&["--template", "2019", "行政复议"]),
        count(&|h| h["template"] == "2019")
    );
    assert!(count(&zw) == 2 && count(&|h| h["template"] == "2019") == 1);
    // A region as agencies' names write it, at its level; several of one level: any of them.
    let starts = |p: &'static str| {
        move |h: &serde_json::Value| h["agency"].as_str().unwrap_or("").starts_with(p)
    };
    assert_eq!(
        e.total(&["--region", "中卫市", "行政复议"]),
        count(&starts("中卫市"))
    );
    assert_eq!(
        e.total(&["--region", "中卫市", "--region", "石嘴山市", "行政复议"]),
        count(&starts("中卫市")) + count(&starts("石嘴山市"))
    );
    assert!(count(&starts("中卫市")) >= 2 && count(&starts("石嘴山市")) >= 1);
    let err = e.run(&["search", "--region", "中卫", "x"]);
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("--region \"中卫\""));
    // Only reports with a failed check: the fixture with two wrong totals, nothing else.
    let failed = e.json(&["search", "--json", "--failed", "--limit", "100", "的"]);
    let paths: Vec<&str> = failed["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["path"].as_str())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("测试县审计局/2021.txt"), "{paths:?}");
    // Syntax: AND, phrase, exclude, spaces inside words, mixed digits.
    assert_eq!(
        e.total(&["--", "交易中心", "-石嘴山"]),
        e.total(&["交易中心"]) - 1
    );
    assert_eq!(e.total(&["\"交易中 心\""]), e.total(&["交易中心"]));
    assert!(e.total(&["2024年"]) >= 2);
    assert_eq!(e.total(&["不存在的词语组合"]), 0);
    let v = e.json(&["search", "--json", "--limit", "1", "交易中心"]);
    let h = &v["hits"][0];
    for k in ["path", "agency", "year", "title", "score", "snippet"] {
        assert!(!h[k].is_null(), "{k} in {h}");
    }
    assert!(
        h["agency"].as_str().unwrap().contains("交易"),
        "agency matches rank first: {h}"
    );
    let out = e.ok(&["search", "行政复议", "--limit", "2"]);
    assert!(out.contains("【行政复议】"), "{out}");
    // Errors: unknown agency, bad year, bad template.
    assert!(!e.run(&["search", "--agency", "火星", "x"]).status.success());
    assert!(!e.run(&["search", "--year", "abc", "x"]).status.success());
    assert!(!e
        .run(&["search", "--template", "1999", "x"])
        .status
        .success());
}

#[test]
fn show_agencies_check() {
    let e = Env::new();
    // show builds the index on demand.
    let out = e.ok(&["show", "中卫市公共资源交易中心", "2024"]);
    assert!(
        out.contains("2021") && out.contains("中卫市公共资源交易中心"),
        "{out}"
    );
    let o = e.run(&["show", "zhongwei", "2024"]);
    assert_eq!(o.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&o.stdout);
    assert!(listed.contains("中卫市工业和信息化局") && listed.contains("中卫市公共资源交易中心"));
    let tsv = e.ok(&["show", "zwsggzy", "2024", "--table", "3", "--format", "tsv"]);
    assert!(tsv.lines().next().unwrap().contains("自然人\t"));
    assert_eq!(tsv.lines().count(), 26);
    let csv = e.ok(&["show", "zwsggzy", "2024", "--table", "3", "--format", "csv"]);
    assert!(csv.contains(",自然人,"));
    let md = e.ok(&["show", "zwsggzy", "2024", "--table", "4", "--format", "md"]);
    assert!(md.starts_with("| "));
    let js = e.json(&[
        "show", "zwsggzy", "2024", "--table", "3", "--format", "json",
    ]);
    assert_eq!(js["id"], "3");
    let whole = e.json(&["show", "zwsggzy", "2024", "--format", "json"]);
    assert_eq!(whole["year"], 2024);
    let text = e.ok(&["show", "zwsggzy", "2024", "--table", "3"]);
    assert!(text.contains("自然人"));
    let path = e.corpus().join("石嘴山市公共资源交易中心/2022.txt");
    let by_path = e.ok(&["show", path.to_str().unwrap()]);
    assert!(by_path.contains("石嘴山市"));
    assert!(!e
        .run(&["show", "zwsggzy", "2024", "--table", "9"])
        .status
        .success());
    assert!(!e.run(&["show", "火星局"]).status.success());

    let ag = e.json(&["agencies", "--json"]);
    let names: Vec<&str> = ag
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"中卫市公共资源交易中心"));
    let zw = ag
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "中卫市公共资源交易中心")
        .unwrap();
    assert_eq!(zw["years"], serde_json::json!([2017, 2024]));
    assert!(e.ok(&["agencies"]).contains("2017, 2024"));

    // check: the real corpus passes; a broken figure and a cross-year mismatch are reported.
    let check = |args: &[&str]| -> serde_json::Value {
        serde_json::from_slice(&e.run(args).stdout).unwrap()
    };
    let c = check(&["check", "--json"]);
    let before = c
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["ok"] == false)
        .count();
    let y24 = std::fs::read_to_string(e.corpus().join("中卫市公共资源交易中心/2024.txt")).unwrap();
    e.write(
        "中卫市公共资源交易中心/2023.txt",
        y24.replace("2024年", "2023年").as_bytes(),
    );
    let (base, _) = (e.ok(&["index"]), ());
    assert!(base.contains("1 added"));
    let c = check(&["check", "--json", "--agency", "中卫市公共资源交易中心"]);
    let _ = before;
    for f in c.as_array().unwrap() {
        assert!(f["rule"].is_string() && f.get("ok").is_some());
        if f["ok"] == false {
            assert!(!f["left"].is_null() && !f["right"].is_null(), "{f}");
        }
    }
    let text = e.run(&["check"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("failed"));
}

#[test]
fn cross_year_rule_fails_when_figures_differ() {
    let e = Env::new();
    // The 2021-template fixture (某某市生态环境局, 2022, nonzero figures) again as 2023: its
    // 上年结转 then faces its own 结转下年度, so the rule fails on every column where they differ.
    let fx = e.corpus().join("测试县审计局");
    let t = std::fs::read_to_string(fx.join("2021.txt")).unwrap();
    std::fs::write(fx.join("2023.txt"), t.replace("2022年", "2023年")).unwrap();
    e.ok(&["index"]);
    let o = e.run(&[
        "check",
        "--json",
        "--agency",
        "某某市生态环境局",
        "--year",
        "2023",
    ]);
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cross: Vec<&serde_json::Value> = c
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("跨年"))
        .collect();
    let out = e.ok(&[
        "show",
        "某某市生态环境局",
        "2022",
        "--table",
        "3",
        "--format",
        "json",
    ]);
    let t3: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = |label: &str| {
        t3["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"].as_str().unwrap().starts_with(label))
            .unwrap()["values"]
            .clone()
    };
    let (cin, cout) = (row("二、"), row("四、"));
    let differing = cin
        .as_array()
        .unwrap()
        .iter()
        .zip(cout.as_array().unwrap())
        .filter(|(a, b)| a != b)
        .count();
    assert!(differing > 0);
    assert_eq!(cross.len(), differing, "{cross:?}");
    for f in cross {
        assert_eq!(f["ok"], false);
        assert!(f["left"].is_number() && f["right"].is_number());
    }
    assert!(
        !o.status.success(),
        "check exits non-zero when a rule fails"
    );
}

#[test]
fn open_lists_the_candidates_of_an_ambiguous_agency() {
    let e = Env::new();
    e.ok(&["index"]);
    let o = e.run(&["open", "zhongwei", "2024"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("matches 2 agencies")
            && err.contains("中卫市工业和信息化局")
            && err.contains("中卫市公共资源交易中心"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "nothing drawn on the terminal");
    let o = e.run(&["open", "不存在的机关"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no agency matches"));
    let o = e.run(&["open", "zwsggzy", "2020"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("has no report for 2020") && err.contains("2024"),
        "{err}"
    );
    // One match: on to the browser, which (no terminal here) says it needs one.
    let o = e.run(&["open", "zwsggzy", "2024"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn the_browser_refuses_a_missing_corpus_with_a_failing_status() {
    let e = Env::new();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("--corpus")
        .arg(e.dir.path().join("nowhere"))
        .arg("--index")
        .arg(e.index())
        .env_remove("NIANBAO_CORPUS")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn table_4_is_printed_turned_without_a_legend_line() {
    let e = Env::new();
    let out = e.ok(&["show", "中卫市工业和信息化局", "2024", "--table", "4"]);
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 60, "a line of {longest} characters:\n{out}");
    // Fifteen figures, each under its two header levels.
    assert!(out.contains("行政诉讼 · 复议后起诉"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains("总计")).count(),
        3,
        "{out}"
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    let e = Env::new();
    let bash = e.ok(&["completions", "bash"]);
    for sub in ["search", "show", "agencies", "completions", "--corpus"] {
        assert!(
            bash.contains(sub),
            "{sub} missing from the bash completions"
        );
    }
    assert!(e
        .ok(&["completions", "zsh"])
        .starts_with("#compdef nianbao"));
    let man = e.ok(&["man"]);
    assert!(
        man.contains(".TH nianbao 1") && man.contains("completions"),
        "{man}"
    );
}

/// `rank` (and so `totals` and `export`, which share its selection) works over exactly the
/// reports `search` finds for the same query and filters: every hit, nothing else.
#[test]
fn rank_selects_exactly_the_reports_search_finds() {
    let e = Env::new();
    e.ok(&["index"]);
    let paths = |v: &serde_json::Value, keys: &[&str]| {
        let mut out: Vec<String> = keys
            .iter()
            .flat_map(|k| v[*k].as_array().cloned().unwrap_or_default())
            .map(|h| h["path"].as_str().unwrap_or("").to_string())
            .collect();
        out.sort();
        out
    };
    let all = paths(
        &e.json(&["rank", "--json", "--by", "表3 新收 总计"]),
        &["ranked", "not_ranked"],
    )
    .len() as u64;
    let mut narrowed = 0;
    for args in [
        vec!["行政复议"],
        vec!["--", "公开", "-诉讼"],
        vec!["\"政府信息公开\""],
        vec!["--year", "2022..2023", "公开"],
        vec!["--region", "中卫市", "行政复议"],
        vec!["--failed", "的"],
        vec!["--agency", "zwsggzy", "的"],
        vec!["--template", "2019", "的"],
    ] {
        let mut s = vec!["search", "--json", "--limit", "1000"];
        s.extend(&args);
        let found = e.json(&s);
        let want = paths(&found, &["hits"]);
        assert_eq!(
            want.len() as u64,
            found["total"].as_u64().unwrap(),
            "{args:?}"
        );
        let mut r = vec!["rank", "--json", "--by", "表3 新收 总计"];
        r.extend(&args);
        let got = paths(&e.json(&r), &["ranked", "not_ranked"]);
        assert_eq!(got, want, "{args:?}");
        narrowed += usize::from(!want.is_empty() && (want.len() as u64) < all);
    }
    assert!(narrowed >= 5, "the queries narrow the corpus: {narrowed}");
}

/// `search` runs its query while it compares the corpus with the index: an answer from before
/// a change is never printed, whether the change adds, edits in place or removes what is
/// searched for.
#[test]
fn search_never_answers_from_an_index_older_than_the_corpus() {
    let e = Env::new();
    e.json(&["index", "--json"]);
    let rel = "中卫市工业和信息化局/2024.txt";
    let sample = std::fs::read(e.corpus().join(rel)).unwrap();
    assert_eq!(e.total(&["独一无二"]), 0);
    // In place, same folder: only the file's own time and size say it changed.
    let mut changed = sample.clone();
    changed.extend_from_slice("\n独一无二的补充说明。\n".as_bytes());
    e.write(rel, &changed);
    assert_eq!(e.total(&["独一无二"]), 1);
    // A new report in a new folder.
    e.write("新增市统计局/2024.txt", &changed);
    assert_eq!(e.total(&["独一无二"]), 2);
    // Both gone again.
    e.write(rel, &sample);
    std::fs::remove_dir_all(e.corpus().join("新增市统计局")).unwrap();
    assert_eq!(e.total(&["独一无二"]), 0);
    // And the printed list, not only the count.
    let out = e.ok(&["search", "中卫市工业和信息化局"]);
    assert!(!out.contains("独一无二"), "{out}");
}
