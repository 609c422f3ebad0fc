//! One test per layout of FORMAT.md §5: a report written in that layout parses to the figures
//! read by hand (tests/golden/fixtures_nonzero2021.json), or to `null` where the layout leaves
//! a figure unreadable — never to a wrong figure.

use nianbao::report::{parse_text, Blame, CellStatus, Report, TableId, Template, Value};
use serde_json::Value as Json;

const SOURCE: &str = include_str!("fixtures/nonzero2021.txt");
const GOLDEN: &str = include_str!("golden/fixtures_nonzero2021.json");

fn golden_tables() -> Json {
    serde_json::from_str::<Json>(GOLDEN).unwrap()["tables"].clone()
}

fn tables_json(r: &Report) -> Json {
    serde_json::to_value(&r.tables).unwrap()
}

fn parse(text: &str) -> Report {
    parse_text("layout.txt", text)
}

/// Every figure the parser gives equals the hand-read one; returns how many are null.
fn no_wrong_figure(r: &Report) -> usize {
    let want = golden_tables();
    let got = tables_json(r);
    let mut nulls = 0;
    for (gt, wt) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
        assert_eq!(gt["id"], wt["id"]);
        for (gr, wr) in gt["rows"]
            .as_array()
            .unwrap()
            .iter()
            .zip(wt["rows"].as_array().unwrap())
        {
            for (g, w) in gr["values"]
                .as_array()
                .unwrap()
                .iter()
                .zip(wr["values"].as_array().unwrap())
            {
                if g.is_null() {
                    nulls += 1;
                } else {
                    assert_eq!(g, w, "table {} row {}", gt["id"], gr["label"]);
                }
            }
        }
    }
    nulls
}

/// The figures of the golden contract, whatever the cells' statuses.
fn assert_same_figures(text: &str) -> Report {
    let r = parse(text);
    let strip = |mut v: Json| {
        for t in v.as_array_mut().unwrap() {
            for row in t["rows"].as_array_mut().unwrap() {
                row.as_object_mut().unwrap().remove("status");
            }
        }
        v
    };
    assert_eq!(strip(tables_json(&r)), strip(golden_tables()));
    assert_eq!(r.template, Template::T2021);
    r
}

/// In a layout whose column order is not sure, the rows a failed rule reads are doubtful
/// (every figure), the others read, and every failed rule is blamed on our reading.
fn assert_doubtful_where_rules_fail(r: &Report) {
    let failed: Vec<_> = r.failed_checks().collect();
    assert!(!failed.is_empty());
    for c in &failed {
        assert_eq!(c.blame, Some(Blame::Reading), "{}", c.rule);
    }
    for t in &r.tables {
        for (i, row) in t.rows.iter().enumerate() {
            let touched = failed
                .iter()
                .any(|c| c.cells.iter().any(|x| x.table == t.id && x.row == i));
            let want = if touched {
                CellStatus::Doubtful
            } else {
                CellStatus::Read
            };
            assert!(
                row.status.iter().all(|s| *s == want),
                "table {} row {}: {:?}",
                t.id,
                row.label,
                row.status
            );
        }
    }
}

fn assert_same_tables(text: &str) -> Report {
    let r = parse(text);
    let (got, want) = (tables_json(&r), golden_tables());
    for (g, w) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
        for (gr, wr) in g["rows"]
            .as_array()
            .unwrap()
            .iter()
            .zip(w["rows"].as_array().unwrap())
        {
            assert_eq!(gr, wr, "table {}; warnings: {:?}", g["id"], r.warnings);
        }
    }
    assert_eq!(got, want);
    assert_eq!(r.template, Template::T2021);
    r
}

#[test]
fn as_written_blank_lines_broken_labels_lone_numbers_footer() {
    let r = assert_same_tables(SOURCE);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn no_blank_lines_and_extra_blank_lines() {
    let tight: String = SOURCE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_same_tables(&tight);
    let loose: String = SOURCE.lines().map(|l| format!("{l}\n\n\n")).collect();
    assert_same_tables(&loose);
}

#[test]
fn tabs_and_empty_tab_cells_around_labels() {
    let tabbed = SOURCE.replace(' ', "\t");
    assert_same_tables(&tabbed);
}

#[test]
fn full_width_digits() {
    let fw: String = SOURCE
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    let r = assert_same_tables(&fw);
    assert_eq!(r.year, Some(2022));
}

#[test]
fn crlf_line_endings_and_leading_spaces() {
    let t: String = SOURCE.lines().map(|l| format!("   {l}\r\n")).collect();
    assert_same_tables(&t);
}

#[test]
fn markdown_pipe_tables() {
    let md: String = SOURCE
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(' ').filter(|c| !c.is_empty()).collect();
            if cells.len() > 1 && cells[1..].iter().all(|c| c.parse::<f64>().is_ok()) {
                format!("| {} |\n", cells.join(" | "))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(md.contains("| 规章 | 0 | 0 | 0 |"));
    assert_same_tables(&md);
}

#[test]
fn flattened_web_page_with_breadcrumbs_and_html_comments() {
    let flat: String = SOURCE.split_whitespace().collect::<Vec<_>>().join(" ");
    let page = format!("首页 > 政务公开 > 政府信息公开年报 <!--[if !supportLists]--> {flat} <!--[endif]--> 打印本页 关闭窗口");
    let r = assert_same_figures(&page);
    assert_doubtful_where_rules_fail(&r);
    assert_eq!(r.agency.as_deref(), Some("某某市生态环境局"));
    assert_eq!(r.year, Some(2022));
    let numbers: Vec<&str> = r.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(numbers, ["一", "二", "三", "四", "五", "六"]);
}

#[test]
fn cells_run_together_are_split_only_when_the_arithmetic_allows_one_reading() {
    // A scraper dropped the separators between the cells of table 3's rows.
    let mut runs = String::new();
    for line in SOURCE.lines() {
        let cells: Vec<&str> = line.split(' ').collect();
        if cells.len() == 7 && cells.iter().all(|c| c.parse::<u32>().is_ok()) {
            runs.push_str(&cells.concat());
        } else if cells.len() == 8 && cells[1..].iter().all(|c| c.parse::<u32>().is_ok()) {
            runs.push_str(&format!("{}{}", cells[0], cells[1..].concat()));
        } else {
            runs.push_str(line);
        }
        runs.push('\n');
    }
    assert!(runs.contains("一、本年新收政府信息公开申请数量4415334271"));
    let r = parse(&runs);
    let nulls = no_wrong_figure(&r);
    let t3 = r.table(TableId::T3).unwrap();
    // 1.属于国家秘密 0000000 has one reading; 4415334271 has two (44 15 3 3 4 2 71 and
    // 4 4 15 3 3 42 71), so it stays empty.
    assert_eq!(t3.rows[4].values, vec![Some(Value::Int(0)); 7]);
    // Split by arithmetic: inferred, never shown or copied as read.
    assert_eq!(t3.rows[4].status, vec![CellStatus::Inferred; 7]);
    assert_eq!(t3.rows[0].values, vec![None; 7]);
    // Not read at all: neither blank (the report left it empty) nor 0.
    assert_eq!(t3.rows[0].status, vec![CellStatus::Doubtful; 7]);
    assert!(
        r.warnings.iter().any(|w| w.contains("written together")),
        "{:?}",
        r.warnings
    );
    // （一）予以公开 does not add up in the source, so no split of it passes the row rule.
    assert_eq!(t3.rows[2].values, vec![None; 7]);
    assert!(nulls >= 7);
}

#[test]
fn labels_in_one_block_and_numbers_in_another() {
    // An OCR layout: table 3's labels, then all its figures.
    let start = SOURCE.find("一、本年新收").unwrap();
    let end = SOURCE.find("- 3 -").unwrap();
    let mut labels = String::new();
    let mut figures = String::new();
    for line in SOURCE[start..end].lines() {
        let mut words = Vec::new();
        for w in line.split(' ') {
            if w.parse::<u32>().is_ok() {
                figures.push_str(w);
                figures.push(' ');
            } else if !w.is_empty() {
                words.push(w);
            }
        }
        if !words.is_empty() {
            labels.push_str(&words.join(""));
            labels.push('\n');
        }
    }
    let text = format!("{}{labels}{figures}\n{}", &SOURCE[..start], &SOURCE[end..]);
    let r = assert_same_figures(&text);
    assert_doubtful_where_rules_fail(&r);
}

#[test]
fn eighth_subtotal_column_is_read_and_dropped() {
    let mut t = String::new();
    // (The row whose last figure stands alone is joined first, so every row gets its 小计.)
    for line in SOURCE.replace("4 2 0 1 0 0\n\n7", "4 2 0 1 0 0 7").lines() {
        let cells: Vec<&str> = line.split(' ').collect();
        let nums: Option<Vec<i64>> = cells[cells.len().saturating_sub(7)..]
            .iter()
            .map(|c| c.parse().ok())
            .collect();
        match nums {
            Some(n)
                if cells.len() >= 7 && line.contains(|c: char| !c.is_ascii_digit() && c != ' ')
                    || cells.len() == 7 && nums_ok(&cells) =>
            {
                let sub: i64 = n[1..6].iter().sum();
                let head = &cells[..cells.len() - 7];
                let mut out: Vec<String> = head.iter().map(|s| s.to_string()).collect();
                out.extend(n[..6].iter().map(|v| v.to_string()));
                out.push(sub.to_string());
                out.push(n[6].to_string());
                t.push_str(&out.join(" "));
            }
            _ => t.push_str(line),
        }
        t.push('\n');
    }
    let t = t.replace("其他\n", "其他\n小计\n");
    assert!(
        t.contains("一、本年新收政府信息公开申请数量 44 15 3 3 4 2 27 71"),
        "{t}"
    );
    assert_same_tables(&t);
}

fn nums_ok(cells: &[&str]) -> bool {
    cells.iter().all(|c| c.parse::<i64>().is_ok())
}

#[test]
fn marks_are_null_not_zero() {
    let t = SOURCE
        .replace("规章 0 0 0", "规章 / — 无")
        .replace("行政强制 3", "行政强制 -");
    let r = parse(&t);
    let t21 = r.table(TableId::T2_1).unwrap();
    assert_eq!(t21.rows[0].values, vec![None, None, None]);
    assert_eq!(r.table(TableId::T2_6).unwrap().rows[1].values, vec![None]);
    no_wrong_figure(&r);
}

#[test]
fn notes_and_units_inside_cells() {
    let t = SOURCE
        .replace(
            "行政规范性文件 2 1 9",
            "行政规范性文件 2（其中修订1件） 1 9件",
        )
        .replace("行政事业性收费 3.25", "行政事业性收费 32500元");
    assert_same_tables(&t);
    let t = SOURCE.replace("行政事业性收费 3.25", "行政事业性收费 3.25万元");
    assert_same_tables(&t);
}

#[test]
fn template_told_from_the_tables_without_the_notice() {
    let t = SOURCE.replace("（国办\n\n公开办函〔2021〕30 号）", "");
    assert!(!t.contains("〔2021〕"));
    let r = assert_same_tables(&t);
    assert_eq!(r.template, Template::T2021);

    let t19 = include_str!("fixtures/template2019.txt")
        .replace("60号", "")
        .replace("〔2019〕", "");
    assert_eq!(parse(&t19).template, Template::T2019);
}

#[test]
fn ocr_slip_in_a_heading_keeps_the_tables() {
    let t = SOURCE.replace("四、政府信息公开行政复议", "四、政府信息公开行政法复议");
    let r = parse(&t);
    no_wrong_figure(&r);
    assert_eq!(r.sections.len(), 6);
}

#[test]
fn half_written_table_gives_nulls_and_warnings_not_wrong_figures() {
    let cut = SOURCE.find("（四）无").unwrap();
    let r = parse(&SOURCE[..cut]);
    no_wrong_figure(&r);
    assert!(
        r.warnings.iter().any(|w| w.contains("table 3")),
        "{:?}",
        r.warnings
    );
    assert!(r.checks.iter().any(|c| c.ok.is_none()));
}

#[test]
fn free_form_report_has_no_tables() {
    let r = parse(include_str!("../corpus/中卫市公共资源交易中心/2017.txt"));
    assert_eq!(r.template, Template::Free);
    assert!(r.tables.is_empty() && r.checks.is_empty());
}

#[test]
fn figures_before_their_labels() {
    // Some converters emit each row's figures on the line above its label.
    let start = SOURCE.find("一、本年新收").unwrap();
    let end = SOURCE.find("- 3 -").unwrap();
    let mut rows: Vec<(String, String)> = Vec::new();
    for line in SOURCE[start..end].lines().filter(|l| !l.trim().is_empty()) {
        let (mut words, mut figs) = (String::new(), String::new());
        for w in line.split(' ') {
            if w.parse::<u32>().is_ok() {
                figs.push_str(w);
                figs.push(' ');
            } else {
                words.push_str(w);
            }
        }
        match rows.last_mut() {
            Some(last) if words.is_empty() || last.1.split_whitespace().count() < 7 => {
                last.0.push_str(&words);
                last.1.push_str(&figs);
            }
            _ => rows.push((words, figs)),
        }
    }
    let body: String = rows
        .iter()
        .map(|(l, f)| format!("{}\n{}\n", f.trim(), l))
        .collect();
    let text = format!("{}{body}\n{}", &SOURCE[..start], &SOURCE[end..]);
    assert!(text.contains("44 15 3 3 4 2 71\n一、本年新收"), "{body}");
    let r = assert_same_figures(&text);
    assert_doubtful_where_rules_fail(&r);
}

#[test]
fn article_twenty_written_once() {
    let t = SOURCE
        .replace("第二十条第（五）项", "第（五）项")
        .replace("第二十条第（六）项", "第（六）项")
        .replace("第二十条第（八）项", "第（八）项");
    assert_same_tables(&t);
}

#[test]
fn empty_cell_between_figures_in_a_pipe_table_is_null() {
    let t = SOURCE.replace("行政规范性文件 2 1 9", "| 行政规范性文件 | 2 |  | 9 |");
    let r = parse(&t);
    assert_eq!(
        r.table(TableId::T2_1).unwrap().rows[1].values,
        vec![Some(Value::Int(2)), None, Some(Value::Int(9))]
    );
}

#[test]
fn html_table_markup_saved_as_text() {
    let mut html = String::from(
        "<html><head><title>年报</title></head><body><div class=\"crumb\">首页 &gt; 政务公开</div>",
    );
    for line in SOURCE.lines().filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(' ').filter(|c| !c.is_empty()).collect();
        if cells.iter().any(|c| c.parse::<f64>().is_ok()) {
            html.push_str("<tr>");
            for c in cells {
                html.push_str(&format!("<td style=\"width:20px\"><span>{c}</span></td>"));
            }
            html.push_str("</tr>");
        } else {
            html.push_str(&format!(
                "<p><!--[if !supportLists]-->{line}<!--[endif]--></p>"
            ));
        }
    }
    html.push_str("</body></html>");
    assert!(!html.contains('\n'));
    let r = assert_same_tables(&html);
    assert_eq!(r.agency.as_deref(), Some("某某市生态环境局"));
}

#[test]
fn a_label_broken_at_wu_is_not_a_blank_cell() {
    // 无 is also a blank mark; split off a label by a space or line break it is label text.
    let t = SOURCE
        .replace("（四）无\n\n法提供", "（四）\n\n无\n\n法提供")
        .replace(
            "4.无正当理由大量反复\n\n申请",
            "4.无 正当理由大量反复\n\n申请",
        );
    assert!(t.contains("\n无\n\n法提供"));
    let r = assert_same_tables(&t);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn total_row_written_heji() {
    let t = SOURCE.replace("（七）总计", "（七）合计");
    assert_same_tables(&t);
}

/// A tab-separated table flattened onto one line by a web scraper keeps every figure.
#[test]
fn tab_table_flattened_onto_one_line() {
    // Cells separated by tabs; page footers (`- 3 -`) keep their spaces.
    let flat = SOURCE
        .lines()
        .map(|l| {
            if l.trim_start().starts_with('-') {
                l.to_string()
            } else {
                l.replace(' ', "\t")
            }
        })
        .collect::<Vec<_>>();
    let flat = flat
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!flat.contains('\n'));
    let r = parse(&flat);
    assert_eq!(no_wrong_figure(&r), 0, "warnings: {:?}", r.warnings);
}

/// Regression: a real report whose table-3 rows have an empty cell after the label
/// (`一、本年新收…数量\t\t0\t0…`), flattened. The cell before each label held the last figure
/// of the row before, so the label's padding cell was taken for a blank figure between two
/// figures, and whole rows were lost (8 figures for 7 columns).
#[test]
fn real_tab_report_flattened_keeps_its_figures() {
    let text = include_str!("../corpus/石嘴山市公共资源交易中心/2022.txt");
    let flat = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let (orig, r) = (parse(text), parse(&flat));
    assert!(orig.tables.iter().any(|t| t.id == "3"));
    assert_eq!(
        tables_json(&r),
        tables_json(&orig),
        "warnings: {:?}",
        r.warnings
    );
}

/// OCR slips inside row labels (FORMAT §5: 沐阳 for 沭阳): a label with one character misread
/// is still its row, with a warning; short labels only when nothing else stands there (not
/// a table's only row, which follows its column headers: 行政许可 stays unread if misread).
#[test]
fn ocr_slips_in_row_labels() {
    let slipped = SOURCE
        .replace("1.属于国家秘密", "1.属于国家秘蜜")
        .replace("行政强制 3", "行政强刺 3")
        .replace("2.重复申请", "2.重复申淸")
        .replace("（一）予以公开", "（一）予以公升");
    let r = assert_same_figures(&slipped);
    let misread = r.warnings.iter().filter(|w| w.contains("misread")).count();
    assert_eq!(misread, 4, "{:?}", r.warnings);
    // A row found despite a slip has inferred figures; the others were read.
    for t in &r.tables {
        for row in &t.rows {
            let slipped = ["1.属于国家秘密", "行政强制", "2.重复申请", "（一）予以公开"]
                .contains(&row.label.as_ref());
            let want = if slipped {
                CellStatus::Inferred
            } else {
                CellStatus::Read
            };
            assert!(row.status.iter().all(|s| *s == want), "{}", row.label);
        }
    }
    // The rules (一) breaks are blamed on our reading: its label was read with a slip.
    for c in r.failed_checks() {
        assert_eq!(c.blame, Some(Blame::Reading), "{}", c.rule);
    }
}
