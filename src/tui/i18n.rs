//! The browser's words in English and Chinese: one message table per language, chosen by
//! `LC_ALL` / `LC_MESSAGES` / `LANG` (`zh_*` → Chinese, anything else → English).

use crate::report::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The language of the locale, as POSIX orders the variables: the first one set wins.
    pub fn from_env() -> Lang {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let locale = get("LC_ALL")
            .or_else(|| get("LC_MESSAGES"))
            .or_else(|| get("LANG"));
        Lang::from_locale(locale.as_deref().unwrap_or(""))
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// This language's message table.
    pub fn t(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// A template as the screens name it: `free` is 非模板 in Chinese.
    pub fn template(self, t: Template) -> String {
        match (self, t) {
            (Lang::Zh, Template::Free) => "非模板".to_string(),
            _ => t.to_string(),
        }
    }

    /// A key's help text in this language (the key table is written in English).
    pub fn key_help(self, en: &str) -> String {
        match self {
            Lang::En => en.to_string(),
            Lang::Zh => KEY_HELP_ZH
                .iter()
                .find(|(e, _)| *e == en)
                .map_or(en, |(_, z)| z)
                .to_string(),
        }
    }
}

/// Every fixed text of the screens. `{}`-style holes are filled with [`fill`].
pub struct Texts {
    pub prompt: &'static str,
    pub crumb_search: &'static str,
    pub chips_prefix: &'static str,
    pub chips_none: &'static str,
    pub chip_agency: &'static str,
    pub chip_year: &'static str,
    pub chip_template: &'static str,
    pub chip_region: &'static str,
    /// The "has failed checks" filter, as a chip and a row of the filters.
    pub failed_checks: &'static str,
    pub indexing: &'static str,
    pub updating: &'static str,
    pub index_unusable: &'static str,
    /// `{n}` hits, `{ms}` milliseconds.
    pub hits: &'static str,
    pub searching: &'static str,
    pub hint_query: &'static str,
    pub hint_results: &'static str,
    pub hint_report: &'static str,
    pub hint_table: &'static str,
    /// `{done}`, `{total}`.
    pub building: &'static str,
    pub type_already: &'static str,
    pub cannot_open: &'static str,
    pub what_to_do: &'static str,
    /// `{corpus}`.
    pub empty_corpus: &'static str,
    pub no_hits: &'static str,
    pub preview: &'static str,
    pub sections: &'static str,
    pub no_sections: &'static str,
    pub tables: &'static str,
    pub no_tables: &'static str,
    pub template: &'static str,
    pub selection: &'static str,
    pub empty_table: &'static str,
    pub empty_cell: &'static str,
    pub filters_title: &'static str,
    pub filters_keys: &'static str,
    pub pane_agency: &'static str,
    pub pane_year: &'static str,
    pub pane_template: &'static str,
    pub pane_region: &'static str,
    pub agency_hint: &'static str,
    pub goto_title: &'static str,
    pub goto_keys: &'static str,
    pub latest_year: &'static str,
    pub year_label: &'static str,
    /// After a year typed in go-to that the agency under the cursor lacks, before its years.
    pub year_missing: &'static str,
    pub no_agency: &'static str,
    pub help_title: &'static str,
    pub help_close: &'static str,
    pub bookmarks_title: &'static str,
    pub bookmarks_keys: &'static str,
    pub no_bookmarks: &'static str,
    pub bookmarked: &'static str,
    pub unbookmarked: &'static str,
    pub no_earlier_query: &'static str,
    /// `{what}`, `{via}`.
    pub copied: &'static str,
    /// `{i}`, `{n}`.
    pub match_of: &'static str,
    pub no_matches: &'static str,
    pub no_terms: &'static str,
    /// Help lines after the keys: the query syntax, the marks and the copy format.
    pub help_query: &'static [(&'static str, &'static str)],
    pub help_marks: &'static [(&'static str, &'static str)],
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), &v.to_string());
    }
    out
}

pub static EN: Texts = Texts {
    prompt: "search› ",
    crumb_search: "search",
    chips_prefix: "filters ",
    chips_none: "none · Tab adds agency, region, year, template, checks",
    chip_agency: "agency",
    chip_year: "year",
    chip_template: "template",
    chip_region: "region",
    failed_checks: "✗ checks fail",
    indexing: "indexing",
    updating: "updating the index",
    index_unusable: "index unusable",
    hits: "{n} hits · {ms} ms",
    searching: "searching…",
    hint_query: "type to search · ↑↓ hits · Enter open · Tab filters · Ctrl-G go to · Esc keys · F1 help",
    hint_results: "j/k hits · Enter open · / query · f filters · g go to · ? help · q quit",
    hint_report: "j/k move · Tab sections⇄tables · Enter open table · n/N match · y copy section · Esc back · ? help",
    hint_table: "y copy · Y table · v select · c format · ? help ",
    building: "building the index: {done}/{total} files",
    type_already: "You can type already; results appear when it is done.",
    cannot_open: "The index cannot be opened:",
    what_to_do: "What to do: --corpus DIR (or NIANBAO_CORPUS) must be a folder of reports and --index DIR (or NIANBAO_INDEX) a folder you can write; a damaged index is rebuilt by `nianbao index --rebuild`. Ctrl-C quits.",
    empty_corpus: "This folder has no reports: {corpus}. Put report files (.txt) in it, or pass --corpus DIR.",
    no_hits: "No report matches: remove a word or a filter chip (Ctrl-X).",
    preview: "preview",
    sections: "sections",
    no_sections: "(no sections)",
    tables: "tables",
    no_tables: "(no standard tables)",
    template: "template",
    selection: "selection",
    empty_table: "(empty table)",
    empty_cell: "(empty)",
    filters_title: " filters ",
    filters_keys: " Tab next box · Enter choose · Del clear · Esc close ",
    pane_agency: " agency ",
    pane_year: " year ",
    pane_template: " template · checks ",
    pane_region: " region ",
    agency_hint: " type Chinese, pinyin or initials",
    goto_title: " go to: agency year (e.g. zhongwei 2024) ",
    goto_keys: " Enter open · Tab complete · Esc cancel ",
    latest_year: "latest year",
    year_label: "year",
    year_missing: "not one of its years:",
    no_agency: " no agency matches",
    help_title: "keys",
    help_close: "Esc/?/q close",
    bookmarks_title: " bookmarks ",
    bookmarks_keys: " Enter open · d remove · Esc close ",
    no_bookmarks: " no bookmarks yet: m in a report or a table adds one",
    bookmarked: "bookmarked",
    unbookmarked: "bookmark removed",
    no_earlier_query: "no earlier query in the history",
    copied: "copied {what} · via {via}",
    match_of: "match {i} of {n}",
    no_matches: "no matches in this report",
    no_terms: "no search words to find: open the report from a search, or / to search in it",
    help_query: &[
        ("word word", "every word must be in the report (AND)"),
        ("\"a phrase\"", "these characters together, in this order"),
        ("-word", "leave out reports with this word"),
        ("pinyin", "agencies by pinyin or initials: zhongwei, zwsgyhxxhj"),
    ],
    help_marks: &[
        ("!", "a figure a failed arithmetic check reads"),
        ("~", "a figure inferred (split from a run of digits, or a label read despite a slip)"),
        ("?", "a doubtful figure (its layout's column order is uncertain)"),
        ("—", "no figure in the report (empty, or / - — 无)"),
        ("n/a", "不适用: not applicable"),
        ("·", "not read: the cell could not be told from the text"),
        ("✗N", "N arithmetic checks fail on this table"),
        ("TSV…", "the corner shows the copy format: y copies in it, c changes it"),
    ],
};

pub static ZH: Texts = Texts {
    prompt: "搜索› ",
    crumb_search: "搜索",
    chips_prefix: "筛选 ",
    chips_none: "无 · Tab 添加机构、地区、年份、模板、校验",
    chip_agency: "机构",
    chip_year: "年份",
    chip_template: "模板",
    chip_region: "地区",
    failed_checks: "✗ 校验未通过",
    indexing: "索引",
    updating: "更新索引",
    index_unusable: "索引不可用",
    hits: "{n} 条 · {ms} 毫秒",
    searching: "搜索中…",
    hint_query: "输入即搜索 · ↑↓ 结果 · Enter 打开 · Tab 筛选 · Ctrl-G 跳转 · Esc 命令键 · F1 帮助",
    hint_results: "j/k 结果 · Enter 打开 · / 搜索框 · f 筛选 · g 跳转 · ? 帮助 · q 退出",
    hint_report: "j/k 移动 · Tab 章节⇄表格 · Enter 打开表格 · n/N 匹配 · y 复制本节 · Esc 返回 · ? 帮助",
    hint_table: "y 复制 · Y 整表 · v 选区 · c 格式 · ? 帮助 ",
    building: "正在建立索引：{done}/{total} 个文件",
    type_already: "现在就可以输入；索引建好后显示结果。",
    cannot_open: "无法打开索引：",
    what_to_do: "怎么办：--corpus DIR（或 NIANBAO_CORPUS）须是存放报告的文件夹，--index DIR（或 NIANBAO_INDEX）须是可写的文件夹；损坏的索引用 `nianbao index --rebuild` 重建。Ctrl-C 退出。",
    empty_corpus: "这个文件夹里没有报告：{corpus}。请放入报告文件（.txt），或用 --corpus DIR 指定文件夹。",
    no_hits: "没有结果：去掉一个词或一个筛选条件（Ctrl-X）。",
    preview: "预览",
    sections: "章节",
    no_sections: "（无章节）",
    tables: "表格",
    no_tables: "（无标准表格）",
    template: "模板",
    selection: "选区",
    empty_table: "（空表）",
    empty_cell: "（空）",
    filters_title: " 筛选 ",
    filters_keys: " Tab 下一栏 · Enter 选择 · Del 清除 · Esc 关闭 ",
    pane_agency: " 机构 ",
    pane_year: " 年份 ",
    pane_template: " 模板 · 校验 ",
    pane_region: " 地区 ",
    agency_hint: " 输入汉字、拼音或首字母",
    goto_title: " 跳转：机构 年份（例 zhongwei 2024） ",
    goto_keys: " Enter 打开 · Tab 补全 · Esc 取消 ",
    latest_year: "最新年份",
    year_label: "年份",
    year_missing: "该机构没有，它有：",
    no_agency: " 没有匹配的机构",
    help_title: "按键",
    help_close: "Esc/?/q 关闭",
    bookmarks_title: " 书签 ",
    bookmarks_keys: " Enter 打开 · d 删除 · Esc 关闭 ",
    no_bookmarks: " 还没有书签：在报告或表格中按 m 添加",
    bookmarked: "已加书签",
    unbookmarked: "已去掉书签",
    no_earlier_query: "历史里没有更早的搜索",
    copied: "已复制 {what} · 经 {via}",
    match_of: "第 {i} 处，共 {n} 处",
    no_matches: "本报告中没有匹配",
    no_terms: "没有要找的词：从搜索打开报告，或按 / 在报告内搜索",
    help_query: &[
        ("词 词", "每个词都须出现在报告里（与）"),
        ("\"短语\"", "这些字连在一起、按此顺序出现"),
        ("-词", "排除含有这个词的报告"),
        ("拼音", "机构可用拼音或首字母：zhongwei、zwsgyhxxhj"),
    ],
    help_marks: &[
        ("!", "未通过算术校验的数字"),
        ("~", "推断出的数字（从连写数字中拆出，或标签有误仍读出）"),
        ("?", "存疑的数字（版式的列序不确定）"),
        ("—", "报告中没有数字（空，或 / - — 无）"),
        ("n/a", "不适用"),
        ("·", "未读出：无法从文本判断此格"),
        ("✗N", "本表有 N 条算术校验未通过"),
        ("TSV…", "右上角是复制格式：y 按此格式复制，c 切换"),
    ],
};

/// The key table's help texts in Chinese, by their English text.
static KEY_HELP_ZH: &[(&str, &str)] = &[
    ("back to the table", "返回表格"),
    (
        "totals and ranking over every hit",
        "所有命中报告的合计与排名",
    ),
    ("next report", "下一份报告"),
    ("previous report", "上一份报告"),
    ("first report", "第一份报告"),
    ("last report", "最后一份报告"),
    (
        "compare this agency's table across its years",
        "本机构各年份的这张表对比",
    ),
    (
        "sum the next table (3 → 4 → 2-x)",
        "合计下一张表（3 → 4 → 2-x）",
    ),
    ("sum the previous table", "合计上一张表"),
    (
        "rank by the next metric or figure",
        "按下一个指标或数字排名",
    ),
    (
        "rank by the previous metric or figure",
        "按上一个指标或数字排名",
    ),
    ("most first ⇄ least first", "从高到低 ⇄ 从低到高"),
    ("scroll the sums down a row", "合计表下移一行"),
    ("scroll the sums up a row", "合计表上移一行"),
    ("write the ranking to a CSV file", "把排名写入 CSV 文件"),
    ("back to the hits", "返回结果列表"),
    (
        "compare this table across the agency's years",
        "本机构各年份的这张表对比",
    ),
    ("next changed figure", "下一处有变化的数字"),
    ("next column of the table", "表格的下一列"),
    ("next row", "下一行"),
    ("previous changed figure", "上一处有变化的数字"),
    ("previous column of the table", "表格的上一列"),
    ("previous row", "上一行"),
    ("the same table, the year after", "后一年的同一张表"),
    ("the same table, the year before", "前一年的同一张表"),
    ("write the comparison to a CSV file", "把对比写入 CSV 文件"),
    ("write the table to a CSV file", "把表格写入 CSV 文件"),
    (
        "write every hit's tables to a CSV file (one row per cell)",
        "把所有命中报告的表格写入 CSV 文件（每格一行）",
    ),
    (
        "the whole report as one document, tables inline (again: by section)",
        "整篇报告连同表格一起阅读（再按一次：按节阅读）",
    ),
    (
        "open the source file ($PAGER, or the system viewer)",
        "打开源文件（$PAGER，或系统查看器）",
    ),
    ("add or remove the agency", "添加或去掉这个机构"),
    ("back", "返回"),
    ("back to the query line", "回到搜索框"),
    ("cancel", "取消"),
    ("cell down", "下移一格"),
    ("cell left", "左移一格"),
    ("cell right", "右移一格"),
    ("cell up", "上移一格"),
    (
        "choose this value (again: remove)",
        "选择这一项（再按：去掉）",
    ),
    ("clear the agency filter", "清除机构筛选"),
    ("clear the selection, then back", "先清除选区，再返回"),
    ("clear this filter", "清除这个筛选"),
    ("close the filters", "关闭筛选"),
    ("close the help", "关闭帮助"),
    ("complete the agency name", "补全机构名"),
    (
        "copy format: TSV → CSV → Markdown → JSON",
        "复制格式：TSV → CSV → Markdown → JSON",
    ),
    ("copy the selection (or the cell)", "复制选区（或当前格）"),
    ("copy the whole table", "复制整张表"),
    ("copy this section's text", "复制本节文字"),
    ("delete the character before", "删除前一个字"),
    ("delete the character under the cursor", "删除光标处的字"),
    ("delete the word before", "删除前一个词"),
    ("delete to the end of the line", "删除到行尾"),
    ("delete to the start of the line", "删除到行首"),
    ("earlier query from history", "历史中更早的搜索"),
    ("end of the line", "到行尾"),
    ("extend the selection down", "选区向下扩展"),
    ("extend the selection left", "选区向左扩展"),
    ("extend the selection right", "选区向右扩展"),
    ("extend the selection up", "选区向上扩展"),
    ("filters: agency, year, template", "筛选：机构、年份、模板"),
    ("first column", "第一列"),
    ("first hit", "第一条结果"),
    ("go to a report: agency and year", "跳转到报告：机构和年份"),
    ("go to another report", "跳转到另一份报告"),
    ("help for where you are", "当前位置的帮助"),
    ("hits: page down", "结果：下一页"),
    ("hits: page up", "结果：上一页"),
    ("last column", "最后一列"),
    ("last hit", "最后一条结果"),
    ("later query from history", "历史中更晚的搜索"),
    (
        "leave the query line (keys become commands)",
        "离开搜索框（按键变为命令）",
    ),
    ("next agency", "下一个机构"),
    ("next box", "下一栏"),
    ("next hit", "下一条结果"),
    ("next match", "下一处匹配"),
    ("next section / table", "下一节 / 下一张表"),
    ("next value", "下一项"),
    ("one character left", "左移一个字"),
    ("one character right", "右移一个字"),
    ("one word left", "左移一个词"),
    ("one word right", "右移一个词"),
    ("open the report", "打开报告"),
    ("open the selected report", "打开选中的报告"),
    ("open the selected table", "打开选中的表格"),
    ("page down", "下一页"),
    ("page up", "上一页"),
    ("previous agency", "上一个机构"),
    ("previous box", "上一栏"),
    ("previous hit", "上一条结果"),
    (
        "previous hit (in an empty query: the last query)",
        "上一条结果（搜索框为空时：上一次搜索）",
    ),
    ("previous match", "上一处匹配"),
    ("previous section / table", "上一节 / 上一张表"),
    ("previous value", "上一项"),
    ("quit", "退出"),
    ("quit at once", "立即退出"),
    ("remove the last filter chip", "去掉最后一个筛选条件"),
    ("scroll down", "向下滚动"),
    ("scroll the text down", "正文向下滚动"),
    ("scroll the text up", "正文向上滚动"),
    ("scroll up", "向上滚动"),
    ("sections ⇄ tables", "章节 ⇄ 表格"),
    ("start / end a selection", "开始 / 结束选区"),
    ("start of the line", "到行首"),
    ("this help", "本帮助"),
    (
        "years: extend the range to this year",
        "年份：把范围扩展到这一年",
    ),
    (
        "find in this report (n/N: next/previous)",
        "在本报告内搜索（n/N：下一处/上一处）",
    ),
    (
        "keep the matches (n/N move between them)",
        "保留匹配（n/N 在其间移动）",
    ),
    ("cancel the search", "取消搜索"),
    ("bookmarks: jump back", "书签：跳回去"),
    (
        "bookmark this report (again: remove)",
        "给本报告加书签（再按：去掉）",
    ),
    (
        "bookmark this table (again: remove)",
        "给本表加书签（再按：去掉）",
    ),
    ("next bookmark", "下一个书签"),
    ("previous bookmark", "上一个书签"),
    ("open the bookmark", "打开书签"),
    ("remove the bookmark", "删除书签"),
    ("close the bookmarks", "关闭书签"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::BINDINGS;

    #[test]
    fn every_key_has_chinese_help() {
        for b in BINDINGS {
            assert!(
                KEY_HELP_ZH.iter().any(|(e, _)| *e == b.help),
                "no Chinese for “{}”",
                b.help
            );
        }
    }

    #[test]
    fn locale_picks_the_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh_TW"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
        assert_eq!(Lang::Zh.template(Template::Free), "非模板");
    }
}
