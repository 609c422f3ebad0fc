//! Issue 11, "never a wrong, stale or unmarked figure": one regression test per point, each on
//! a short text written for the test.

use nianbao::report::parse_text;

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
