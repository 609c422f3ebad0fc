//! Work across reports on a generated corpus whose true figures are known: totals, metrics and
//! rankings equal those computed here from the truth; the exported long table holds every cell
//! of every report and nothing else; compare marks exactly the changed cells.

mod common;

use common::synth::{t3_rows, Rng, Truth, T3_COLUMNS};
use common::Env;
use serde_json::Value as J;
use std::collections::BTreeMap;

const FINANCE: &str = "宁夏回族自治区中卫市财政局";
const CENTRE: &str = "中卫市公共资源交易中心";
const COUNTY: &str = "河南省焦作市修武县人民政府";
const OFFICE: &str = "石嘴山市大武口区人民政府办公室";
const SMALL: &str = "银川市发展和改革委员会";
const ONE_YEAR: &str = "沙坡头区文昌镇人民政府";
const ZERO: &str = "永宁县审计局";

struct Corpus {
    env: Env,
    truths: Vec<Truth>,
    /// The report with an empty cell (`/`): (agency, year, row, column).
    hole: (String, i32, usize, usize),
}

fn t4_cols() -> Vec<String> {
    let mut v = Vec::new();
    for g in [
        "行政复议",
        "行政诉讼 未经复议直接起诉",
        "行政诉讼 复议后起诉",
    ] {
        for c in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] {
            v.push(format!("{g} {c}"));
        }
    }
    v
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("corpus")).unwrap();
    let env = Env { dir };
    let mut rng = Rng(0x5eed_1234);
    let plan: [(&str, std::ops::RangeInclusive<i32>, u64); 7] = [
        (FINANCE, 2019..=2023, 12),
        (CENTRE, 2020..=2023, 8),
        (COUNTY, 2021..=2023, 20),
        (OFFICE, 2019..=2022, 6),
        (SMALL, 2022..=2023, 1),
        (ONE_YEAR, 2023..=2023, 5),
        (ZERO, 2022..=2022, 0),
    ];
    let mut truths: Vec<Truth> = Vec::new();
    for (agency, years, scale) in plan {
        let mut last: Option<Truth> = None;
        for y in years {
            // The cross-year rule holds for the finance bureau except into 2022.
            let carried_in = match &last {
                Some(l) if agency == FINANCE && y != 2022 => {
                    let out = &l.t3[l.t3.len() - 1];
                    Some(std::array::from_fn(|c| out[c].unwrap()))
                }
                _ => None,
            };
            let t = Truth::generate(&mut rng, agency, y, carried_in, scale);
            last = Some(t.clone());
            truths.push(t);
        }
    }
    // One cell that cannot be read.
    let hole = (CENTRE.to_string(), 2021, 3, 1);
    for t in &mut truths {
        if t.agency == hole.0 && t.year == hole.1 {
            t.t3[hole.2][hole.3] = None;
        }
        if t.agency == ZERO {
            for row in t.t3.iter_mut() {
                for v in row.iter_mut() {
                    *v = Some(0);
                }
            }
        }
    }
    for t in &truths {
        env.write(&format!("{}/{}.txt", t.agency, t.year), t.text().as_bytes());
    }
    // A report without the standard tables.
    env.write(
        "某某市档案馆/2022.txt",
        "某某市档案馆2022年政府信息公开工作年度报告\n\n一、总体情况\n\n本馆依法公开档案信息。\n"
            .as_bytes(),
    );
    Corpus { env, truths, hole }
}

fn t3_index(t: &Truth, label: &str, group: Option<&str>) -> Option<usize> {
    t3_rows(t.template2019)
        .iter()
        .position(|(l, g)| *l == label && *g == group)
}

fn whole(t: &Truth) -> bool {
    t.t3.iter().all(|r| r.iter().all(Option::is_some))
}

fn num(v: &J) -> Option<f64> {
    v.as_f64()
}

#[test]
fn totals_and_pooled_metrics_equal_the_truth() {
    let c = corpus();
    let j = c.env.json(&["totals", "--json", "--table", "3"]);
    let groups = j["groups"].as_array().unwrap();
    let years: Vec<i32> = groups
        .iter()
        .map(|g| g["year"].as_i64().unwrap() as i32)
        .collect();
    assert_eq!(years, vec![2019, 2020, 2021, 2022, 2023]);
    for g in groups {
        let y = g["year"].as_i64().unwrap() as i32;
        let counted: Vec<&Truth> = c
            .truths
            .iter()
            .filter(|t| t.year == y && whole(t))
            .collect();
        assert_eq!(g["n"].as_u64().unwrap() as usize, counted.len(), "{y}");
        let cols: Vec<&str> = g["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(cols, T3_COLUMNS);
        let rows = g["rows"].as_array().unwrap();
        let mut seen = 0;
        for r in rows {
            let label = r["label"].as_str().unwrap();
            let group = r["group"].as_str();
            for (ci, v) in r["values"].as_array().unwrap().iter().enumerate() {
                // The truth: the row where the template has it; the combined （六） row is
                // 2019's row or the sum of 2021's three sub-rows.
                let want: i64 = counted
                    .iter()
                    .filter_map(|t| {
                        if label == "（六）其他处理" && group.is_none() && !t.template2019 {
                            let sub: Vec<usize> = t3_rows(false)
                                .iter()
                                .enumerate()
                                .filter(|(_, (_, g))| *g == Some("（六）其他处理"))
                                .map(|(i, _)| i)
                                .collect();
                            return Some(sub.iter().map(|&i| t.t3[i][ci].unwrap()).sum());
                        }
                        t3_index(t, label, group).map(|i| t.t3[i][ci].unwrap())
                    })
                    .sum();
                assert_eq!(v.as_i64(), Some(want), "{y} {label} {ci}");
                seen += 1;
            }
        }
        // Every row of either template, plus the combined row where 2021 reports count.
        assert!(seen >= 23 * 7, "{y}: {seen} cells");
        // Pooled metrics from the truth, over the reports counted in the total.
        let with_tables = &counted;
        let metric = |key: &str| {
            g["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["key"] == key)
                .unwrap()
                .clone()
        };
        let sum_row = |label: &str| -> i64 {
            with_tables
                .iter()
                .map(|t| t.t3[t3_index(t, label, None).unwrap()][6].unwrap())
                .sum()
        };
        let (num_, den) = (sum_row("（一）予以公开"), sum_row("（七）总计"));
        let m = metric("disclosed");
        assert_eq!(
            m["reports"].as_u64().unwrap() as usize,
            with_tables.len(),
            "{y} {m}"
        );
        if den == 0 {
            assert!(m["value"].is_null());
        } else {
            let want = num_ as f64 / den as f64 * 100.0;
            assert!((num(&m["value"]).unwrap() - want).abs() < 1e-9, "{y}");
        }
        // 复议纠错率 = 结果纠正 / (总计 − 尚未审结), table 4.
        let (n4, d4) = with_tables
            .iter()
            .fold((0, 0), |(a, b), t| (a + t.t4[1], b + t.t4[4] - t.t4[3]));
        let m = metric("review-corrected");
        if d4 == 0 {
            assert!(m["value"].is_null());
        } else {
            let want = n4 as f64 / d4 as f64 * 100.0;
            assert!((num(&m["value"]).unwrap() - want).abs() < 1e-9, "{y}");
        }
    }
    // Left out: the report with an empty cell (named, with the cell) and the one without tables.
    let left: Vec<(String, String)> = j["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["agency"].as_str().unwrap().to_string(),
                l["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left
        .iter()
        .any(|(a, r)| *a == c.hole.0 && r.contains("商业企业") && r.contains("部分公开")));
    assert!(left.iter().any(|(_, r)| r == "no table 3"));
}

#[test]
fn totals_by_place_and_kind_count_each_group() {
    let c = corpus();
    let j = c
        .env
        .json(&["totals", "--json", "--by", "province", "--year", "2022"]);
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for g in j["groups"].as_array().unwrap() {
        got.insert(
            g["group"].as_str().unwrap().to_string(),
            g["n"].as_u64().unwrap(),
        );
    }
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for t in c.truths.iter().filter(|t| t.year == 2022 && whole(t)) {
        let p = if t.agency.starts_with("宁夏回族自治区") {
            "宁夏回族自治区"
        } else if t.agency.starts_with("河南省") {
            "河南省"
        } else {
            "(unknown)"
        };
        *want.entry(p.to_string()).or_default() += 1;
    }
    assert_eq!(got, want);
    // A mapping file gives the place a name lacks.
    std::fs::write(
        c.env.dir.path().join("places.txt"),
        "石嘴山市 = 宁夏回族自治区/石嘴山市\n",
    )
    .unwrap();
    let places = c.env.dir.path().join("places.txt");
    let j = c.env.json(&[
        "totals",
        "--json",
        "--by",
        "province",
        "--year",
        "2022",
        "--places",
        places.to_str().unwrap(),
    ]);
    let ningxia = j["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "宁夏回族自治区")
        .unwrap();
    assert_eq!(ningxia["n"].as_u64(), Some(want["宁夏回族自治区"] + 1));
    let j = c
        .env
        .json(&["totals", "--json", "--by", "kind", "--year", "2023"]);
    let kinds: Vec<&str> = j["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["中心", "人民政府", "委员会", "局", "街道/乡镇"]);
}

#[test]
fn rankings_follow_the_truth_and_leave_small_samples_out() {
    let c = corpus();
    let j = c.env.json(&["rank", "--json", "--by", "予以公开率"]);
    let mut want_ranked: Vec<(String, i32, f64)> = Vec::new();
    let mut want_not: Vec<(String, i32)> = Vec::new();
    for t in &c.truths {
        let d = t.t3[t3_index(t, "（七）总计", None).unwrap()][6].unwrap();
        let n = t.t3[2][6].unwrap();
        if d >= 30 {
            want_ranked.push((t.agency.clone(), t.year, n as f64 / d as f64 * 100.0));
        } else {
            want_not.push((t.agency.clone(), t.year));
        }
    }
    want_ranked.sort_by(|a, b| b.2.total_cmp(&a.2));
    let ranked = j["ranked"].as_array().unwrap();
    assert_eq!(ranked.len(), want_ranked.len());
    for (r, w) in ranked.iter().zip(&want_ranked) {
        assert!((r["value"].as_f64().unwrap() - w.2).abs() < 1e-9);
        assert!(r["cases"].as_f64().unwrap() >= 30.0);
    }
    let not: Vec<&J> = j["not_ranked"].as_array().unwrap().iter().collect();
    // The small ones, the all-zero one ("no cases", no value) and the report without tables.
    assert_eq!(not.len(), want_not.len() + 1);
    let zero = not.iter().find(|x| x["agency"] == ZERO).unwrap();
    assert!(zero["value"].is_null());
    assert!(zero["reason"].as_str().unwrap().contains("no cases"));
    assert!(want_not.iter().any(|(a, _)| a == SMALL));
    for (a, y) in want_not.iter().filter(|(a, _)| a != ZERO) {
        let x = not
            .iter()
            .find(|x| x["agency"] == a.as_str() && x["year"] == *y)
            .unwrap();
        assert!(
            x["reason"].as_str().unwrap().contains("fewer than 30"),
            "{x}"
        );
        assert!(
            x["value"].is_number(),
            "a small sample keeps its value: {x}"
        );
    }
    // A lower threshold ranks more; a figure ranks ascending.
    let j = c
        .env
        .json(&["rank", "--json", "--by", "予以公开率", "--min-cases", "1"]);
    assert_eq!(
        j["ranked"].as_array().unwrap().len(),
        c.truths.len() - 1,
        "all but the all-zero report"
    );
    let j = c
        .env
        .json(&["rank", "--json", "--by", "表3 新收 总计", "--asc"]);
    let vals: Vec<f64> = j["ranked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .collect();
    let mut want: Vec<f64> = c
        .truths
        .iter()
        .map(|t| t.t3[0][6].unwrap() as f64)
        .collect();
    want.sort_by(f64::total_cmp);
    assert_eq!(vals, want);
    // Filters: figures and checks.
    let j = c.env.json(&[
        "rank",
        "--json",
        "--by",
        "表3 新收 总计",
        "--where",
        "表3 新收 总计 >= 100",
    ]);
    let n = c
        .truths
        .iter()
        .filter(|t| t.t3[0][6].unwrap() >= 100)
        .count();
    assert_eq!(j["ranked"].as_array().unwrap().len(), n);
}

/// Parses CSV with quoted fields (RFC 4180), CRLF line ends.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn the_long_export_holds_every_cell_and_nothing_else() {
    let c = corpus();
    let out = c.env.dir.path().join("out/cells.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    c.env.ok(&[
        "export",
        "--format",
        "csv",
        "--bom",
        "-o",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let rows = parse_csv(text.trim_start_matches('\u{feff}'));
    let head = &rows[0];
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (ag, yr, tb, rw, gr, cl, vl) = (
        col("agency"),
        col("year"),
        col("table"),
        col("row"),
        col("group"),
        col("column"),
        col("value"),
    );
    let mut got: Vec<(String, String, String, String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[ag].clone(),
                r[yr].clone(),
                r[tb].clone(),
                r[gr].clone(),
                r[rw].clone(),
                r[cl].clone(),
                r[vl].clone(),
            )
        })
        .collect();
    let mut want = Vec::new();
    let t4 = t4_cols();
    for t in &c.truths {
        let (a, y) = (t.agency.clone(), t.year.to_string());
        for (i, (label, group)) in t3_rows(t.template2019).iter().enumerate() {
            for (ci, cname) in T3_COLUMNS.iter().enumerate() {
                want.push((
                    a.clone(),
                    y.clone(),
                    "3".to_string(),
                    group.unwrap_or("").to_string(),
                    label.to_string(),
                    cname.to_string(),
                    t.t3[i][ci].map_or(String::new(), |v| v.to_string()),
                ));
            }
        }
        for (ci, cname) in t4.iter().enumerate() {
            want.push((
                a.clone(),
                y.clone(),
                "4".into(),
                String::new(),
                String::new(),
                cname.clone(),
                t.t4[ci].to_string(),
            ));
        }
        for (table, row, vals) in &t.s2 {
            let cols: &[&str] = match (*table, t.template2019) {
                ("2-1", true) => &["本年新制作数量", "本年新公开数量", "对外公开总数量"],
                ("2-1", false) => &["本年制发件数", "本年废止件数", "现行有效件数"],
                _ => &["本年处理决定数量"],
            };
            for (v, cname) in vals.iter().zip(cols) {
                want.push((
                    a.clone(),
                    y.clone(),
                    table.to_string(),
                    String::new(),
                    row.to_string(),
                    cname.to_string(),
                    v.to_string(),
                ));
            }
        }
    }
    got.sort();
    want.sort();
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    // The dictionary goes with it, metrics' formulas included.
    let dict = std::fs::read_to_string(c.env.dir.path().join("out/cells.dictionary.csv")).unwrap();
    assert!(dict.contains("予以公开率") && dict.contains("（一）予以公开 / （七）总计"));
    // JSON Lines: one object per cell too; XLSX: a zip with one sheet per table.
    let jl = c.env.dir.path().join("out/cells.jsonl");
    c.env
        .ok(&["export", "--format", "jsonl", "-o", jl.to_str().unwrap()]);
    let lines = std::fs::read_to_string(&jl).unwrap();
    assert_eq!(lines.lines().count(), want.len());
    let xl = c.env.dir.path().join("out/cells.xlsx");
    c.env
        .ok(&["export", "--format", "xlsx", "-o", xl.to_str().unwrap()]);
    assert!(std::fs::read(&xl).unwrap().starts_with(b"PK"));
    // Wide CSV: one file per table, one line per report having it.
    let wide = c.env.dir.path().join("out/wide.csv");
    c.env
        .ok(&["export", "--wide", "-o", wide.to_str().unwrap()]);
    let t3 = std::fs::read_to_string(c.env.dir.path().join("out/wide.3.csv")).unwrap();
    assert_eq!(parse_csv(&t3).len(), c.truths.len() + 1);
    // Nothing temporary is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(c.env.dir.path().join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn an_export_that_cannot_be_written_is_a_clear_error_and_leaves_nothing() {
    let c = corpus();
    let blocker = c.env.dir.path().join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let target = blocker.join("cells.csv");
    let o = c.env.run(&["export", "-o", target.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot write"), "{err}");
    let o = c
        .env
        .run(&["export", "-o", c.env.dir.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a folder"));
    // An existing file is replaced whole or not at all: a failed XLSX into a missing folder
    // leaves the folder untouched.
    let missing = c.env.dir.path().join("no/such/dir/x.xlsx");
    let o = c.env.run(&[
        "export",
        "--format",
        "xlsx",
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(!c.env.dir.path().join("no").exists());
}

#[test]
fn compare_marks_exactly_the_changed_cells_and_the_cross_year_rule() {
    let c = corpus();
    let j = c.env.json(&["compare", "中卫市财政局", "--json"]);
    let years: Vec<i32> = j["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap() as i32)
        .collect();
    assert_eq!(years, vec![2019, 2020, 2021, 2022, 2023]);
    let truths: Vec<&Truth> = c.truths.iter().filter(|t| t.agency == FINANCE).collect();
    let mut changed = 0;
    for cell in j["cells"].as_array().unwrap() {
        let label = cell["row"].as_str().unwrap();
        let group = cell["group"].as_str();
        let ci = T3_COLUMNS
            .iter()
            .position(|x| *x == cell["column"].as_str().unwrap())
            .unwrap();
        let vals: Vec<Option<i64>> = truths
            .iter()
            .map(|t| t3_index(t, label, group).map(|i| t.t3[i][ci].unwrap()))
            .collect();
        for i in 0..truths.len() {
            let want =
                i > 0 && vals[i].is_some() && vals[i - 1].is_some() && vals[i] != vals[i - 1];
            assert_eq!(cell["changed"][i].as_bool(), Some(want), "{label} {ci} {i}");
            changed += usize::from(want);
            assert_eq!(cell["present"][i].as_bool(), Some(vals[i].is_some()));
            let cross = &cell["cross"][i];
            if label == "二、上年结转政府信息公开申请数量" && i > 0 {
                let last = &truths[i - 1].t3[truths[i - 1].t3.len() - 1];
                let ok = vals[i] == last[ci];
                assert_eq!(cross["ok"].as_bool(), Some(ok), "{i} {ci}");
                // The rule was kept on purpose every year but into 2022.
                if years[i] != 2022 {
                    assert!(ok);
                }
            } else {
                assert!(cross.is_null());
            }
        }
    }
    assert!(changed > 50, "the generator changes figures year on year");
    // The text view marks the 2022 break.
    let text = c.env.ok(&["compare", "中卫市财政局"]);
    assert!(text.contains('✗') && text.contains('✓'), "{text}");
    // One year: a clear empty state.
    let one = c.env.ok(&["compare", ONE_YEAR]);
    assert!(
        one.contains("has one year (2023): nothing to compare"),
        "{one}"
    );
    let j = c.env.json(&["compare", ONE_YEAR, "--json"]);
    assert_eq!(j["years"].as_array().unwrap().len(), 1);
    assert!(j["cells"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["changed"][0] == false));
}
