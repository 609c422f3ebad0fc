//! Issue 11, "never a wrong, stale or unmarked figure": one regression test per point, each on
//! a short text written for the test.

use nianbao::report::parse_text;
use nianbao::report::TableId;

const HEADER: &str = "标题：某某区卫生健康委员会2023年政府信息公开工作年度报告
发布时间：2024-01-20 15:22
文号：
发布机构：某某区卫生健康委员会
原文链接：https://www.example.gov.cn/zwgk/t20240120_1.htm
栏目：年度报告
==================== 正文 ====================
";

const BODY: &str = "# **某某区卫生健康委员会2023年政府信息公开工作年度报告**
本报告统计数据从2023年1月1日至12月31日。
## 一、总体情况
2023年，**某某区卫生健康委员会**全面推进政务公开。
二、主动公开政府信息情况
全年主动公开信息 12条。
";

#[test]
fn a_scraped_header_block_is_metadata_not_text() {
    for sep in [
        "==================== 正文 ====================\n",
        "正文\n",
        "",
    ] {
        let head = HEADER.replace("==================== 正文 ====================\n", sep);
        // Half-width colons too.
        for head in [head.clone(), head.replace('：', ": ")] {
            let r = parse_text("x/2023.txt", &format!("{head}{BODY}"));
            assert_eq!(r.agency.as_deref(), Some("某某区卫生健康委员会"), "{head}");
            assert_eq!(
                r.title.as_deref(),
                Some("某某区卫生健康委员会2023年政府信息公开工作年度报告")
            );
            assert_eq!(r.year, Some(2023));
            assert_eq!(r.source.published.as_deref(), Some("2024-01-20"));
            assert_eq!(r.source.publisher.as_deref(), Some("某某区卫生健康委员会"));
            assert_eq!(
                r.source.url.as_deref(),
                Some("https://www.example.gov.cn/zwgk/t20240120_1.htm")
            );
            for s in &r.sections {
                for word in ["标题", "发布时间", "原文链接", "栏目", "正文", "**", "#"]
                {
                    assert!(!s.title.contains(word) && !s.text.contains(word), "{s:?}");
                }
            }
            assert_eq!(r.sections[0].title, "总体情况");
            assert!(!r.text.contains("发布机构") && !r.text.contains("=="));
            assert!(
                r.warnings.iter().all(|w| !w.contains("标题")),
                "{:?}",
                r.warnings
            );
        }
    }
}

#[test]
fn a_header_title_names_a_report_whose_text_has_none() {
    let body = BODY.lines().skip(1).collect::<Vec<_>>().join("\n");
    let r = parse_text("x/a.txt", &format!("{HEADER}{body}"));
    assert_eq!(r.agency.as_deref(), Some("某某区卫生健康委员会"));
    assert_eq!(
        r.title.as_deref(),
        Some("某某区卫生健康委员会2023年政府信息公开工作年度报告")
    );
}

#[test]
fn markdown_marks_never_enter_names() {
    let r = parse_text(
        "x.md",
        "## **某某县民政局2022年政府信息公开工作年度报告**\n一、总体情况\n全年公开 3条。\n",
    );
    assert_eq!(r.agency.as_deref(), Some("某某县民政局"));
    assert_eq!(
        r.title.as_deref(),
        Some("某某县民政局2022年政府信息公开工作年度报告")
    );
}

/// A short 2021-format report: table 2-1 with a blank mark, 不适用 and a 0; table 3 with one
/// row written as a run of digits (`1000001`: 1 0 0 0 0 0 1 is the only reading whose total
/// adds up) and one row that breaks its own total on a clean line.
const CELLS: &str = "某某县民政局2022年政府信息公开工作年度报告
本报告统计数据从2022年1月1日至12月31日。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 / 不适用 0
行政规范性文件 2 — 5
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 1000001
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果
（一）予以公开 2 0 0 0 0 0 1
五、存在的主要问题及改进情况
无。
";

#[test]
fn every_cell_has_a_status_and_zero_blank_na_stay_apart() {
    use nianbao::report::{CellStatus::*, Value};
    let r = parse_text("x.txt", CELLS);
    let t21 = r.table(TableId::T2_1).unwrap();
    assert_eq!(t21.rows[0].values, vec![None, None, Some(Value::Int(0))]);
    assert_eq!(t21.rows[0].status, vec![Blank, Na, Read]);
    assert_eq!(t21.rows[1].status, vec![Read, Blank, Read]);
    let t3 = r.table(TableId::T3).unwrap();
    assert_eq!(
        t3.rows[0].values,
        [1, 0, 0, 0, 0, 0, 1].map(|v| Some(Value::Int(v))).to_vec()
    );
    assert_eq!(t3.rows[0].status, vec![Inferred; 7]);
    assert_eq!(t3.rows[1].status, vec![Read; 7]);
    // Rows not in the text are not read: null and marked so, never blank or 0.
    let missing = t3.row("1.属于国家秘密").unwrap();
    assert_eq!(missing.values, vec![None; 7]);
    assert_eq!(missing.status, vec![Doubtful; 7]);
    // Every row of every table has one status per cell.
    for t in &r.tables {
        for row in &t.rows {
            assert_eq!(row.status.len(), row.values.len(), "{} {}", t.id, row.label);
        }
    }
    // The contract carries them.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["tables"][0]["rows"][0]["status"],
        serde_json::json!(["blank", "na", "read"])
    );
}

#[test]
fn a_failed_rule_says_whose_it_probably_is() {
    use nianbao::report::Blame;
    let r = parse_text("x.txt", CELLS);
    // （一）予以公开 2 0 0 0 0 0 1 is on one line, read as written: the report's own error.
    let own = r
        .failed_checks()
        .find(|c| c.rule.contains("总计 = 自然人") && c.rule.contains("予以公开"))
        .expect("the row rule of （一） fails");
    assert_eq!(own.blame, Some(Blame::Report));
    let json = serde_json::to_value(own).unwrap();
    assert_eq!(json["blame"], "report");
    // The same report flattened onto one long line: the column order is the scraper's, so
    // the rows a failed rule reads are doubtful and the failure is blamed on our reading.
    let filler = "全年工作有序开展。".repeat(30);
    let flat = format!(
        "{filler} {}",
        CELLS.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    let r = parse_text("x.txt", &flat);
    let c = r
        .failed_checks()
        .find(|c| c.rule.contains("总计 = 自然人") && c.rule.contains("予以公开"))
        .expect("still fails");
    assert_eq!(c.blame, Some(Blame::Reading));
    let row = r.table(TableId::T3).unwrap().row("（一）予以公开").unwrap();
    assert!(row
        .status
        .iter()
        .all(|s| *s == nianbao::report::CellStatus::Doubtful));
}

/// A corpus of short texts in a temporary folder, and the binary run on it.
struct Corpus {
    dir: tempfile::TempDir,
}

impl Corpus {
    fn new(files: &[(&str, &str)]) -> Corpus {
        let dir = tempfile::tempdir().unwrap();
        let c = Corpus { dir };
        for (rel, text) in files {
            c.write(rel, text);
        }
        c
    }
    fn root(&self) -> std::path::PathBuf {
        self.dir.path().join("corpus")
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .arg("--corpus")
            .arg(self.root())
            .arg("--index")
            .arg(self.dir.path().join("index"))
            .args(args)
            .env_remove("NIANBAO_CORPUS")
            .env_remove("NIANBAO_INDEX")
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

#[test]
fn show_marks_cells_lists_warnings_explains_marks_and_exports_statuses() {
    let c = Corpus::new(&[("某某县民政局/2022.txt", CELLS)]);
    let path = c.root().join("某某县民政局/2022.txt");
    let path = path.to_str().unwrap();
    let (_, out, _) = c.run(&["show", path]);
    assert!(out.contains("~1"), "{out}");
    assert!(
        out.contains("n/a") && out.contains("—") && out.contains("·"),
        "{out}"
    );
    assert!(
        out.contains("⚠ table 3 row 一、本年新收政府信息公开申请数量: figures written together"),
        "{out}"
    );
    for mark in ["!", "~", "?", "—", "n/a", "·"] {
        assert!(
            out.lines()
                .skip_while(|l| *l != "marks:")
                .any(|l| l.trim_start().starts_with(mark)),
            "{mark} is not explained:\n{out}"
        );
    }
    assert!(out.contains("the report's own figures"), "{out}");
    let (_, tsv, _) = c.run(&[
        "show", path, "--table", "2-1", "--format", "tsv", "--status",
    ]);
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(
        lines[0],
        "\t本年制发件数\t本年制发件数 status\t本年废止件数\t本年废止件数 status\t现行有效件数\t现行有效件数 status"
    );
    assert_eq!(lines[1], "规章\t\tblank\t\tna\t0\tread");
    let (_, csv, _) = c.run(&["show", path, "--table", "2-1", "--format", "csv"]);
    assert_eq!(
        csv.lines().nth(1),
        Some("规章,,,0"),
        "no status unless asked"
    );
    let (_, json, _) = c.run(&["show", path, "--table", "2-1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["rows"][0]["status"],
        serde_json::json!(["blank", "na", "read"])
    );
}

#[test]
fn the_same_agency_and_year_twice_is_listed_and_chosen_never_picked_silently() {
    let second = CELLS.replace("行政规范性文件 2 — 5", "行政规范性文件 3 — 5");
    let c = Corpus::new(&[
        ("某某县民政局/2022.txt", CELLS),
        ("下载/某某县民政局2022年报.txt", &second),
    ]);
    let (ok, out, _) = c.run(&["show", "某某县民政局", "2022"]);
    assert!(!ok, "{out}");
    assert!(out.contains("has 2 reports for 2022"), "{out}");
    assert!(out.contains("1. ") && out.contains("2. "), "{out}");
    assert!(out.contains("某某县民政局/2022.txt") && out.contains("某某县民政局2022年报.txt"));
    // Without a year: the latest year, and still both.
    let (ok, _, _) = c.run(&["show", "某某县民政局"]);
    assert!(!ok);
    // --pick N chooses as listed; the path is printed with the report.
    let listed: Vec<String> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("2. ").map(str::to_string))
        .collect();
    let (ok, shown, err) = c.run(&["show", "某某县民政局", "2022", "--pick", "2"]);
    assert!(ok, "{err}");
    assert!(shown.starts_with(&listed[0]), "{shown}");
    let figure = if listed[0].contains("年报") {
        "3"
    } else {
        "2"
    };
    assert!(
        shown
            .lines()
            .any(|l| l.contains("行政规范性文件") && l.contains(figure)),
        "{shown}"
    );
}

#[test]
fn readme_forms_of_the_command_line_work() {
    let c = Corpus::new(&[("某某县民政局/2022.txt", CELLS)]);
    // An exclusion is a query word, not a flag, wherever the flags stand.
    for args in [
        &["search", "年度报告", "-民政局"][..],
        &["search", "年度报告", "-民政局", "--json"],
        &["search", "--json", "年度报告", "-卫生"],
    ] {
        let (ok, out, err) = c.run(args);
        assert!(ok, "{args:?}: {err}");
        let want = if args.contains(&"-民政局") { 0 } else { 1 };
        if args.contains(&"--json") {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["total"], want, "{args:?}");
        } else {
            assert!(out.contains(&format!("{want} report")), "{args:?}: {out}");
        }
    }
    // An agency as parts of its name, the year last.
    let (ok, out, err) = c.run(&["show", "某某县", "民政", "2022"]);
    assert!(ok, "{err}");
    assert!(out.contains("agency:   某某县民政局"), "{out}");
}

#[test]
fn the_tables_shape_decides_the_template_over_a_cited_notice() {
    // A 2019-format table 3 (（六）其他处理 one row) in a report that cites the 2021 notice.
    let text = "某某县水务局2021年政府信息公开工作年度报告
根据《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果
（一）予以公开 2 0 0 0 0 0 2
（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0
（三）不予公开
1.属于国家秘密 0 0 0 0 0 0 0
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无法提供
1.本机关不掌握相关政府信息 0 0 0 0 0 0 0
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理
1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0
（六）其他处理 1 0 0 0 0 0 1
（七）总计 3 0 0 0 0 0 3
四、结转下年度继续办理 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
五、存在的主要问题及改进情况
无。
";
    let r = parse_text("x.txt", text);
    assert_eq!(r.template, nianbao::report::Template::T2019);
    let t3 = r.table(TableId::T3).unwrap();
    let other = t3.row("（六）其他处理").expect("the 2019 row");
    assert_eq!(other.values[0], Some(nianbao::report::Value::Int(1)));
    assert!(
        r.checks.iter().all(|c| c.ok == Some(true)),
        "{:?}",
        r.failed_checks().collect::<Vec<_>>()
    );
    // The same table in the 2021 shape is read as 2021.
    let t2021 = text.replace(
        "（六）其他处理 1 0 0 0 0 0 1",
        "（六）其他处理\n1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0\n2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0\n3.其他 1 0 0 0 0 0 1",
    );
    assert_eq!(
        parse_text("x.txt", &t2021).template,
        nianbao::report::Template::T2021
    );
}

/// A report whose title names its agency without a place; `body` is its text's first section.
fn placeless(body: &str) -> String {
    format!(
        "市场监督管理局2022年政府信息公开工作年度报告\n本报告统计数据从2022年1月1日至12月31日。\n一、总体情况\n{body}\n二、主动公开政府信息情况\n全年主动公开信息 12条。\n"
    )
}

#[test]
fn an_agency_without_its_place_takes_it_from_the_body_the_folder_or_the_file_name() {
    // The body names the agency with its place: no warning needed, the report says it.
    let r = parse_text(
        "下载/a.txt",
        &placeless("2022年，宁波市市场监督管理局认真贯彻落实条例。"),
    );
    assert_eq!(r.agency.as_deref(), Some("宁波市市场监督管理局"));
    let plain = placeless("2022年，本局认真贯彻落实条例。");
    // A folder that is the place.
    let r = parse_text("语料/温州市/2022年报.txt", &plain);
    assert_eq!(r.agency.as_deref(), Some("温州市市场监督管理局"));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("温州市市场监督管理局") && w.contains("folder")),
        "{:?}",
        r.warnings
    );
    // A file named with the agency's full name.
    let r = parse_text("下载/2022_台州市市场监督管理局年报.txt", &plain);
    assert_eq!(r.agency.as_deref(), Some("台州市市场监督管理局"));
    assert!(
        r.warnings.iter().any(|w| w.contains("file name")),
        "{:?}",
        r.warnings
    );
    // Words before the place (`关于印发`) make it unsure where the place starts: the name is
    // left as the title gives it, said to be ambiguous, never `关于印发丽水市…`.
    let r = parse_text("下载/关于印发丽水市市场监督管理局年报.txt", &plain);
    assert_eq!(
        r.agency.as_deref(),
        Some("市场监督管理局"),
        "{:?}",
        r.warnings
    );
    assert!(r.warnings.iter().any(|w| w.contains("ambiguous")));
    // A folder of a place beside a file that names none: the folder.
    let r = parse_text("湖州市/市场监督管理局2022.txt", &plain);
    assert_eq!(r.agency.as_deref(), Some("湖州市市场监督管理局"));
    // Nothing names a place: the name as given, said to be ambiguous.
    let r = parse_text("下载/报告.txt", &plain);
    assert_eq!(r.agency.as_deref(), Some("市场监督管理局"));
    assert!(
        r.warnings.iter().any(|w| w.contains("ambiguous")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_scraped_pages_publisher_gives_a_placeless_agency_its_place() {
    let page = |publisher: &str| {
        format!(
            "标题：市场监督管理局2022年政府信息公开工作年度报告\n发布机构：{publisher}\n正文\n{}",
            placeless("2022年，本局认真贯彻落实条例。")
        )
    };
    let r = parse_text("下载/a.txt", &page("宁波市市场监督管理局"));
    assert_eq!(r.agency.as_deref(), Some("宁波市市场监督管理局"));
    assert!(
        r.warnings.iter().any(|w| w.contains("publisher")),
        "{:?}",
        r.warnings
    );
    // A government as publisher: its place, the longest it names.
    let r = parse_text("下载/a.txt", &page("宁波市海曙区人民政府"));
    assert_eq!(r.agency.as_deref(), Some("宁波市海曙区市场监督管理局"));
    // A publisher that names no place gives none.
    let r = parse_text("下载/a.txt", &page("门户网站"));
    assert_eq!(r.agency.as_deref(), Some("市场监督管理局"));
}

#[test]
fn two_cities_agencies_of_one_name_are_never_one_agency() {
    let c = Corpus::new(&[
        (
            "下载/a.txt",
            &placeless("2022年，宁波市市场监督管理局认真贯彻落实条例。"),
        ),
        (
            "温州市/2022.txt",
            &placeless("2022年，本局认真贯彻落实条例。"),
        ),
    ]);
    let (ok, out, err) = c.run(&["agencies", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["宁波市市场监督管理局", "温州市市场监督管理局"],
        "{out}"
    );
}

#[test]
fn agencies_check_open_and_compare_say_when_a_year_has_two_files() {
    let second = CELLS.replace("行政规范性文件 2 — 5", "行政规范性文件 3 — 5");
    let c = Corpus::new(&[
        ("某某县民政局/2022.txt", CELLS),
        ("下载/某某县民政局2022年报.txt", &second),
    ]);
    let (ok, out, err) = c.run(&["agencies"]);
    assert!(ok, "{err}");
    assert!(out.contains("(2 files for 2022)"), "{out}");
    assert!(
        out.contains("1 agency-years with more than one file"),
        "{out}"
    );
    let (_, out, _) = c.run(&["agencies", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v[0]["duplicates"][0];
    assert_eq!(d["year"], 2022);
    assert_eq!(d["paths"].as_array().unwrap().len(), 2, "{out}");
    // check: the rules of both files, each with its path.
    let (_, out, _) = c.run(&["check", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: std::collections::BTreeSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{out}");
    let (_, _, err) = c.run(&["check", "--agency", "某某县民政局", "--year", "2022"]);
    assert!(err.contains("has 2 reports for 2022, all checked"), "{err}");
    // --pick N checks the one listed N-th.
    let listed: Vec<String> = err
        .lines()
        .filter_map(|l| l.trim().strip_prefix("2. ").map(str::to_string))
        .collect();
    let (_, out, _) = c.run(&[
        "check",
        "--agency",
        "某某县民政局",
        "--year",
        "2022",
        "--pick",
        "2",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: std::collections::BTreeSet<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.into_iter().collect::<Vec<_>>(), [listed[0].as_str()]);
    // open: listed with their paths, nothing opened, until one is picked.
    let (ok, _, err) = c.run(&["open", "某某县民政局", "2022"]);
    assert!(!ok);
    assert!(
        err.contains("has 2 reports for 2022") && err.contains("--pick"),
        "{err}"
    );
    assert!(err.contains("某某县民政局2022年报.txt"), "{err}");
    // compare names the file set aside and how to choose it.
    let (_, out, _) = c.run(&["compare", "某某县民政局", "--json"]);
    assert!(out.contains("also has") && out.contains("--pick"), "{out}");
}
