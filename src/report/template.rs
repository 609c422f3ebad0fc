//! The official templates' tables: ids, titles, columns and rows, with the words that find each row.

use super::model::{TableId, Template};

/// A row of a standard table, as the template prints it.
#[derive(Debug, Clone, Copy)]
pub struct RowSpec {
    /// The template's wording, the label written in the contract.
    pub label: &'static str,
    /// The group heading a sub-row sits under (`（三）不予公开`), for display.
    pub group: Option<&'static str>,
    /// Distinctive fragments, any of which (whitespace and punctuation ignored) finds the row.
    /// The first is the most specific; later ones tolerate abbreviations and OCR slips.
    pub keys: &'static [&'static str],
}

#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub id: TableId,
    pub title: &'static str,
    pub columns: &'static [&'static str],
    pub rows: &'static [RowSpec],
    /// Whether a cell may hold a decimal (fees in 万元, purchase amounts).
    pub decimals: bool,
}

const fn row(label: &'static str, keys: &'static [&'static str]) -> RowSpec {
    RowSpec {
        label,
        group: None,
        keys,
    }
}

const fn sub(group: &'static str, label: &'static str, keys: &'static [&'static str]) -> RowSpec {
    RowSpec {
        label,
        group: Some(group),
        keys,
    }
}

pub const T3_COLUMNS: &[&str] = &[
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

pub const T4_COLUMNS: &[&str] = &[
    "行政复议 结果维持",
    "行政复议 结果纠正",
    "行政复议 其他结果",
    "行政复议 尚未审结",
    "行政复议 总计",
    "行政诉讼 未经复议直接起诉 结果维持",
    "行政诉讼 未经复议直接起诉 结果纠正",
    "行政诉讼 未经复议直接起诉 其他结果",
    "行政诉讼 未经复议直接起诉 尚未审结",
    "行政诉讼 未经复议直接起诉 总计",
    "行政诉讼 复议后起诉 结果维持",
    "行政诉讼 复议后起诉 结果纠正",
    "行政诉讼 复议后起诉 其他结果",
    "行政诉讼 复议后起诉 尚未审结",
    "行政诉讼 复议后起诉 总计",
];

const G3: &str = "（三）不予公开";
const G4: &str = "（四）无法提供";
const G5: &str = "（五）不予处理";
const G6: &str = "（六）其他处理";

/// Rows of table 3 up to and including （五）; both templates share them.
const T3_HEAD: &[RowSpec] = &[
    row(
        "一、本年新收政府信息公开申请数量",
        &[
            "本年新收政府信息公开申请数量",
            "本年新收",
            "新收政府信息公开申请",
        ],
    ),
    row(
        "二、上年结转政府信息公开申请数量",
        &["上年结转政府信息公开申请数量", "上年结转"],
    ),
    row("（一）予以公开", &["予以公开"]),
    row(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        &["部分公开"],
    ),
    sub(G3, "1.属于国家秘密", &["属于国家秘密", "国家秘密"]),
    sub(
        G3,
        "2.其他法律行政法规禁止公开",
        &[
            "其他法律行政法规禁止公开",
            "法律行政法规禁止公开",
            "禁止公开",
        ],
    ),
    sub(
        G3,
        "3.危及“三安全一稳定”",
        &["危及三安全一稳定", "三安全一稳定", "危及"],
    ),
    sub(
        G3,
        "4.保护第三方合法权益",
        &["保护第三方合法权益", "第三方合法权益", "保护第三方"],
    ),
    sub(
        G3,
        "5.属于三类内部事务信息",
        &["属于三类内部事务信息", "内部事务信息", "内部事务"],
    ),
    sub(
        G3,
        "6.属于四类过程性信息",
        &["属于四类过程性信息", "过程性信息", "过程性"],
    ),
    sub(
        G3,
        "7.属于行政执法案卷",
        &["属于行政执法案卷", "行政执法案卷", "执法案卷"],
    ),
    sub(
        G3,
        "8.属于行政查询事项",
        &["属于行政查询事项", "行政查询事项", "查询事项"],
    ),
    sub(
        G4,
        "1.本机关不掌握相关政府信息",
        &["本机关不掌握相关政府信息", "不掌握相关政府信息", "不掌握"],
    ),
    sub(
        G4,
        "2.没有现成信息需要另行制作",
        &["没有现成信息需要另行制作", "没有现成信息", "另行制作"],
    ),
    sub(
        G4,
        "3.补正后申请内容仍不明确",
        &["补正后申请内容仍不明确", "申请内容仍不明确", "仍不明确"],
    ),
    sub(
        G5,
        "1.信访举报投诉类申请",
        &["信访举报投诉类申请", "信访举报投诉", "信访"],
    ),
    sub(G5, "2.重复申请", &["重复申请"]),
    sub(
        G5,
        "3.要求提供公开出版物",
        &["要求提供公开出版物", "公开出版物"],
    ),
    sub(
        G5,
        "4.无正当理由大量反复申请",
        &["无正当理由大量反复申请", "大量反复申请", "反复申请"],
    ),
    sub(
        G5,
        "5.要求行政机关确认或重新出具已获取信息",
        &[
            "要求行政机关确认或重新出具已获取信息",
            "确认或重新出具",
            "重新出具",
        ],
    ),
];

const T3_TAIL: &[RowSpec] = &[
    row("（七）总计", &["总计", "合计"]),
    row(
        "四、结转下年度继续办理",
        &["结转下年度继续办理", "结转下年度", "下年度继续办理"],
    ),
];

const T3_OTHER_2021: &[RowSpec] = &[
    sub(
        G6,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        &["申请人无正当理由逾期不补正", "逾期不补正", "不补正"],
    ),
    sub(
        G6,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        &[
            "申请人逾期未按收费通知要求缴纳费用",
            "收费通知要求缴纳费用",
            "缴纳费用",
        ],
    ),
    sub(G6, "3.其他", &["其他"]),
];

const T3_OTHER_2019: &[RowSpec] = &[row("（六）其他处理", &["其他处理"])];

pub const T3_TITLE: &str = "收到和处理政府信息公开申请情况";
pub const T4_TITLE: &str = "政府信息公开行政复议、行政诉讼情况";

/// Table 3's rows for a template, in the template's order.
pub fn table3_rows(template: Template) -> Vec<RowSpec> {
    let other = match template {
        Template::T2019 => T3_OTHER_2019,
        _ => T3_OTHER_2021,
    };
    T3_HEAD
        .iter()
        .chain(other)
        .chain(T3_TAIL)
        .copied()
        .collect()
}

pub const T3_ROW_NEW: usize = 0;
pub const T3_ROW_CARRIED_IN: usize = 1;
pub const T3_FIRST_RESULT: usize = 2;

/// Index of （七）总计 and 四、结转下年度 in table 3 for a template.
pub fn table3_total_rows(template: Template) -> (usize, usize) {
    let n = table3_rows(template).len();
    (n - 2, n - 1)
}

const REGS: &[RowSpec] = &[
    row("规章", &["规章"]),
    row("行政规范性文件", &["行政规范性文件", "规范性文件"]),
];
const REGS_2019: &[RowSpec] = &[row("规章", &["规章"]), row("规范性文件", &["规范性文件"])];
const LICENSES: &[RowSpec] = &[row("行政许可", &["行政许可"])];
const LICENSES_2019: &[RowSpec] = &[
    row("行政许可", &["行政许可"]),
    row(
        "其他对外管理服务事项",
        &["其他对外管理服务事项", "对外管理服务事项"],
    ),
];
const PENALTIES: &[RowSpec] = &[
    row("行政处罚", &["行政处罚"]),
    row("行政强制", &["行政强制"]),
];
const FEES: &[RowSpec] = &[row("行政事业性收费", &["行政事业性收费", "事业性收费"])];
const PURCHASES: &[RowSpec] = &[row("政府集中采购", &["政府集中采购", "集中采购"])];

/// The section-二 tables of a template (第二十条第（X）项), in the template's order.
pub fn section2_tables(template: Template) -> Vec<TableSpec> {
    match template {
        Template::T2019 => vec![
            TableSpec {
                id: TableId::T2_1,
                title: "第二十条第（一）项",
                columns: &["本年新制作数量", "本年新公开数量", "对外公开总数量"],
                rows: REGS_2019,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_5,
                title: "第二十条第（五）项",
                columns: &["上一年项目数量", "本年增/减", "处理决定数量"],
                rows: LICENSES_2019,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_6,
                title: "第二十条第（六）项",
                columns: &["上一年项目数量", "本年增/减", "处理决定数量"],
                rows: PENALTIES,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_8,
                title: "第二十条第（八）项",
                columns: &["上一年项目数量", "本年增/减"],
                rows: FEES,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_9,
                title: "第二十条第（九）项",
                columns: &["采购项目数量", "采购总金额"],
                rows: PURCHASES,
                decimals: true,
            },
        ],
        _ => vec![
            TableSpec {
                id: TableId::T2_1,
                title: "第二十条第（一）项",
                columns: &["本年制发件数", "本年废止件数", "现行有效件数"],
                rows: REGS,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_5,
                title: "第二十条第（五）项",
                columns: &["本年处理决定数量"],
                rows: LICENSES,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_6,
                title: "第二十条第（六）项",
                columns: &["本年处理决定数量"],
                rows: PENALTIES,
                decimals: false,
            },
            TableSpec {
                id: TableId::T2_8,
                title: "第二十条第（八）项",
                columns: &["本年收费金额（单位：万元）"],
                rows: FEES,
                decimals: true,
            },
        ],
    }
}

/// A table as the template prints it, without figures: its title, columns and rows (label,
/// group). What a stored table need not repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub title: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<(&'static str, Option<&'static str>)>,
}

/// The shape of table `id` in `template`, or `None` where the template has no such table.
pub fn shape(template: Template, id: TableId) -> Option<Shape> {
    let rows = |specs: &[RowSpec]| specs.iter().map(|s| (s.label, s.group)).collect();
    match id {
        TableId::T3 => Some(Shape {
            title: T3_TITLE,
            columns: T3_COLUMNS,
            rows: rows(&table3_rows(template)),
        }),
        TableId::T4 => Some(Shape {
            title: T4_TITLE,
            columns: T4_COLUMNS,
            rows: vec![("", None)],
        }),
        _ => section2_tables(template)
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| Shape {
                title: s.title,
                columns: s.columns,
                rows: rows(s.rows),
            }),
    }
}
