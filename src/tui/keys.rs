//! The one key table: for each context, which key does which action, with the help text `?` shows.

use super::i18n::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where the user is; decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere, before the context's own table.
    Global,
    /// The query line has the focus: printable keys type.
    Query,
    /// The hit list has the focus.
    Results,
    /// The agency box of the filters panel: printable keys type.
    FilterInput,
    /// The year or template list of the filters panel.
    FilterList,
    /// The go-to prompt: printable keys type.
    Goto,
    Report,
    /// The `/` prompt at the foot of a report: printable keys type.
    ReportFind,
    Table,
    /// One table of one agency across its years.
    Compare,
    /// A table summed and the reports ranked over what the search selects.
    Tally,
    Help,
    /// The bookmarks list (`'`).
    Bookmarks,
    /// Editing keys of every text box (query, agency box, go-to), after the box's own keys.
    TextBox,
}

impl Ctx {
    pub fn name(self) -> &'static str {
        match self {
            Ctx::Global => "everywhere",
            Ctx::Query => "query line",
            Ctx::Results => "hit list",
            Ctx::FilterInput => "filters: agency box",
            Ctx::FilterList => "filters: region, year and template lists",
            Ctx::Goto => "go-to prompt",
            Ctx::Report => "report",
            Ctx::ReportFind => "find in the report",
            Ctx::Table => "table",
            Ctx::Compare => "compare across years",
            Ctx::Tally => "totals and ranking",
            Ctx::Help => "help",
            Ctx::Bookmarks => "bookmarks",
            Ctx::TextBox => "any text box",
        }
    }

    /// Where the user is, in `lang`, for the help's title.
    pub fn name_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.name(),
            Lang::Zh => match self {
                Ctx::Global => "任何位置",
                Ctx::Query => "搜索框",
                Ctx::Results => "结果列表",
                Ctx::FilterInput => "筛选：机构输入框",
                Ctx::FilterList => "筛选：地区、年份、模板列表",
                Ctx::Goto => "跳转框",
                Ctx::Report => "报告",
                Ctx::ReportFind => "报告内搜索",
                Ctx::Table => "表格",
                Ctx::Compare => "逐年对比",
                Ctx::Tally => "合计与排名",
                Ctx::Help => "帮助",
                Ctx::Bookmarks => "书签",
                Ctx::TextBox => "任何输入框",
            },
        }
    }

    /// Whether printable keys are text here (so `q` and friends must not be commands).
    pub fn types_text(self) -> bool {
        matches!(
            self,
            Ctx::Query | Ctx::FilterInput | Ctx::Goto | Ctx::ReportFind
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Ctrl-C: leave at once, from anywhere.
    ForceQuit,
    Quit,
    Help,
    Back,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    FocusQuery,
    FocusResults,
    Filters,
    Goto,
    RemoveChip,
    ClearFilter,
    SwitchFocus,
    SwitchFocusBack,
    ExtendRange,
    Complete,
    NextMatch,
    PrevMatch,
    ToggleSelect,
    ExtendUp,
    ExtendDown,
    ExtendLeft,
    ExtendRight,
    Copy,
    CopyTable,
    CopySection,
    CycleFormat,
    HistoryPrev,
    HistoryNext,
    Find,
    Bookmark,
    Bookmarks,
    Delete,
    LineStart,
    LineEnd,
    KillStart,
    KillEnd,
    KillWord,
    WordLeft,
    WordRight,
    DeleteBack,
    DeleteForward,
    CharLeft,
    CharRight,
    /// Open the comparison of this table across the agency's years.
    Compare,
    /// The same table in the year before / after.
    PrevYear,
    NextYear,
    /// Write what is shown to a file.
    Export,
    /// Show the report's source file outside the browser.
    OpenSource,
    /// The report as one document with its tables inline, or by section again.
    Document,
    /// Totals and a ranking over the reports the search selects.
    Tally,
    /// The next / previous table summed.
    NextTable,
    PrevTable,
    /// The next / previous figure or metric ranked by.
    NextMeasure,
    PrevMeasure,
    /// Most first ⇄ least first.
    Reverse,
    /// Scroll the table's sums (above the ranking) by a row.
    SumsDown,
    SumsUp,
}

pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub action: Action,
    pub help: &'static str,
}

const N: KeyModifiers = KeyModifiers::NONE;
const C: KeyModifiers = KeyModifiers::CONTROL;
const S: KeyModifiers = KeyModifiers::SHIFT;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), N)
}
const fn ctrl(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), C)
}
const fn alt(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), KeyModifiers::ALT)
}

macro_rules! b {
    ($ctx:ident, [$($k:expr),+], $a:ident, $h:expr) => {
        Binding { ctx: Ctx::$ctx, keys: &[$($k),+], action: Action::$a, help: $h }
    };
}

use KeyCode as K;

/// Every binding. Behaviour and the help screen both read this table.
pub static BINDINGS: &[Binding] = &[
    b!(Global, [ctrl('c')], ForceQuit, "quit at once"),
    b!(Global, [(K::F(1), N)], Help, "help for where you are"),
    // The query line: only keys that never type text.
    b!(Query, [(K::Down, N)], Down, "next hit"),
    b!(
        Query,
        [(K::Up, N)],
        Up,
        "previous hit (in an empty query: the last query)"
    ),
    b!(
        Query,
        [ctrl('p')],
        HistoryPrev,
        "earlier query from history"
    ),
    b!(Query, [ctrl('n')], HistoryNext, "later query from history"),
    b!(Query, [(K::PageDown, N)], PageDown, "hits: page down"),
    b!(Query, [(K::PageUp, N)], PageUp, "hits: page up"),
    b!(Query, [(K::Enter, N)], Open, "open the selected report"),
    b!(
        Query,
        [(K::Tab, N)],
        Filters,
        "filters: agency, year, template"
    ),
    b!(Query, [ctrl('g')], Goto, "go to a report: agency and year"),
    b!(
        Query,
        [ctrl('x')],
        RemoveChip,
        "remove the last filter chip"
    ),
    b!(
        Query,
        [(K::Esc, N)],
        FocusResults,
        "leave the query line (keys become commands)"
    ),
    b!(Results, [ch('j'), (K::Down, N)], Down, "next hit"),
    b!(Results, [ch('k'), (K::Up, N)], Up, "previous hit"),
    b!(
        Results,
        [(K::PageDown, N), ctrl('d')],
        PageDown,
        "page down"
    ),
    b!(Results, [(K::PageUp, N), ctrl('u')], PageUp, "page up"),
    b!(Results, [(K::Home, N)], Home, "first hit"),
    b!(Results, [(K::End, N)], End, "last hit"),
    b!(
        Results,
        [(K::Enter, N), ch('l'), (K::Right, N)],
        Open,
        "open the selected report"
    ),
    b!(
        Results,
        [ch('/'), ch('i'), (K::Esc, N)],
        FocusQuery,
        "back to the query line"
    ),
    b!(
        Results,
        [ch('f'), (K::Tab, N)],
        Filters,
        "filters: agency, year, template"
    ),
    b!(
        Results,
        [ch('g'), ctrl('g')],
        Goto,
        "go to a report: agency and year"
    ),
    b!(
        Results,
        [ch('x'), ctrl('x')],
        RemoveChip,
        "remove the last filter chip"
    ),
    b!(
        Results,
        [ch('w')],
        Export,
        "write every hit's tables to a CSV file (one row per cell)"
    ),
    b!(
        Results,
        [ch('R')],
        Tally,
        "totals and ranking over every hit"
    ),
    b!(Results, [ch('\'')], Bookmarks, "bookmarks: jump back"),
    b!(Results, [ch('?')], Help, "this help"),
    b!(Results, [ch('q')], Quit, "quit"),
    b!(FilterInput, [(K::Down, N)], Down, "next agency"),
    b!(FilterInput, [(K::Up, N)], Up, "previous agency"),
    b!(
        FilterInput,
        [(K::Enter, N)],
        Open,
        "add or remove the agency"
    ),
    b!(
        FilterInput,
        [(K::Delete, N), ctrl('x')],
        ClearFilter,
        "clear the agency filter"
    ),
    b!(FilterInput, [(K::Tab, N)], SwitchFocus, "next box"),
    b!(
        FilterInput,
        [(K::BackTab, S)],
        SwitchFocusBack,
        "previous box"
    ),
    b!(FilterInput, [(K::Esc, N)], Back, "close the filters"),
    b!(FilterList, [ch('j'), (K::Down, N)], Down, "next value"),
    b!(FilterList, [ch('k'), (K::Up, N)], Up, "previous value"),
    b!(
        FilterList,
        [(K::Enter, N)],
        Open,
        "choose this value (again: remove)"
    ),
    b!(
        FilterList,
        [ch(' ')],
        ExtendRange,
        "years: extend the range to this year"
    ),
    b!(
        FilterList,
        [(K::Delete, N), ch('x'), ch('d')],
        ClearFilter,
        "clear this filter"
    ),
    b!(FilterList, [(K::Tab, N)], SwitchFocus, "next box"),
    b!(
        FilterList,
        [(K::BackTab, S)],
        SwitchFocusBack,
        "previous box"
    ),
    b!(
        FilterList,
        [(K::Esc, N), ch('q')],
        Back,
        "close the filters"
    ),
    b!(FilterList, [ch('?')], Help, "this help"),
    b!(Goto, [(K::Down, N)], Down, "next agency"),
    b!(Goto, [(K::Up, N)], Up, "previous agency"),
    b!(Goto, [(K::Tab, N)], Complete, "complete the agency name"),
    b!(Goto, [(K::Enter, N)], Open, "open the report"),
    b!(Goto, [(K::Esc, N)], Back, "cancel"),
    b!(
        Report,
        [ch('j'), (K::Down, N)],
        Down,
        "next section / table"
    ),
    b!(
        Report,
        [ch('k'), (K::Up, N)],
        Up,
        "previous section / table"
    ),
    b!(Report, [(K::Tab, N)], SwitchFocus, "sections ⇄ tables"),
    b!(
        Report,
        [(K::Enter, N), ch('l'), (K::Right, N)],
        Open,
        "open the selected table"
    ),
    b!(
        Report,
        [ctrl('d'), (K::PageDown, N), ch(' ')],
        PageDown,
        "scroll the text down"
    ),
    b!(
        Report,
        [ctrl('u'), (K::PageUp, N)],
        PageUp,
        "scroll the text up"
    ),
    b!(
        Report,
        [ch('/')],
        Find,
        "find in this report (n/N: next/previous)"
    ),
    b!(Report, [ch('n')], NextMatch, "next match"),
    b!(Report, [ch('N')], PrevMatch, "previous match"),
    b!(Report, [ch('y')], CopySection, "copy this section's text"),
    b!(
        Report,
        [ch('d')],
        Document,
        "the whole report as one document, tables inline (again: by section)"
    ),
    b!(
        Report,
        [ch('o')],
        OpenSource,
        "open the source file ($PAGER, or the system viewer)"
    ),
    b!(Report, [ch('g')], Goto, "go to another report"),
    b!(Report, [(K::Esc, N), ch('h'), (K::Left, N)], Back, "back"),
    b!(
        Report,
        [ch('m')],
        Bookmark,
        "bookmark this report (again: remove)"
    ),
    b!(Report, [ch('\'')], Bookmarks, "bookmarks: jump back"),
    b!(Report, [ch('?')], Help, "this help"),
    b!(Report, [ch('q')], Quit, "quit"),
    b!(Table, [ch('h'), (K::Left, N)], Left, "cell left"),
    b!(Table, [ch('j'), (K::Down, N)], Down, "cell down"),
    b!(Table, [ch('k'), (K::Up, N)], Up, "cell up"),
    b!(Table, [ch('l'), (K::Right, N)], Right, "cell right"),
    b!(
        Table,
        [ch('H'), (K::Left, S)],
        ExtendLeft,
        "extend the selection left"
    ),
    b!(
        Table,
        [ch('J'), (K::Down, S)],
        ExtendDown,
        "extend the selection down"
    ),
    b!(
        Table,
        [ch('K'), (K::Up, S)],
        ExtendUp,
        "extend the selection up"
    ),
    b!(
        Table,
        [ch('L'), (K::Right, S)],
        ExtendRight,
        "extend the selection right"
    ),
    b!(Table, [ch('v')], ToggleSelect, "start / end a selection"),
    b!(Table, [(K::Home, N), ch('0')], Home, "first column"),
    b!(Table, [(K::End, N), ch('$')], End, "last column"),
    b!(Table, [(K::PageDown, N), ctrl('d')], PageDown, "page down"),
    b!(Table, [(K::PageUp, N), ctrl('u')], PageUp, "page up"),
    b!(Table, [ch('y')], Copy, "copy the selection (or the cell)"),
    b!(Table, [ch('Y')], CopyTable, "copy the whole table"),
    b!(
        Table,
        [ch('c')],
        CycleFormat,
        "copy format: TSV → CSV → Markdown → JSON"
    ),
    b!(Table, [ch('g')], Goto, "go to another report"),
    b!(
        Table,
        [ch('C')],
        Compare,
        "compare this table across the agency's years"
    ),
    b!(
        Table,
        [ch('[')],
        PrevYear,
        "the same table, the year before"
    ),
    b!(Table, [ch(']')], NextYear, "the same table, the year after"),
    b!(Table, [ch('w')], Export, "write the table to a CSV file"),
    b!(
        Table,
        [ch('o')],
        OpenSource,
        "open the source file ($PAGER, or the system viewer)"
    ),
    b!(Compare, [ch('j'), (K::Down, N)], Down, "next row"),
    b!(Compare, [ch('k'), (K::Up, N)], Up, "previous row"),
    b!(
        Compare,
        [ch('l'), (K::Right, N)],
        Right,
        "next column of the table"
    ),
    b!(
        Compare,
        [ch('h'), (K::Left, N)],
        Left,
        "previous column of the table"
    ),
    b!(
        Compare,
        [(K::PageDown, N), ctrl('d')],
        PageDown,
        "page down"
    ),
    b!(Compare, [(K::PageUp, N), ctrl('u')], PageUp, "page up"),
    b!(Compare, [ch('n')], NextMatch, "next changed figure"),
    b!(Compare, [ch('N')], PrevMatch, "previous changed figure"),
    b!(
        Compare,
        [ch('w')],
        Export,
        "write the comparison to a CSV file"
    ),
    b!(Tally, [ch('j'), (K::Down, N)], Down, "next report"),
    b!(Tally, [ch('k'), (K::Up, N)], Up, "previous report"),
    b!(Tally, [(K::PageDown, N), ctrl('d')], PageDown, "page down"),
    b!(Tally, [(K::PageUp, N), ctrl('u')], PageUp, "page up"),
    b!(Tally, [(K::Home, N)], Home, "first report"),
    b!(Tally, [(K::End, N)], End, "last report"),
    b!(
        Tally,
        [(K::Enter, N), ch('l'), (K::Right, N)],
        Open,
        "compare this agency's table across its years"
    ),
    b!(
        Tally,
        [ch('t')],
        NextTable,
        "sum the next table (3 → 4 → 2-x)"
    ),
    b!(Tally, [ch('T')], PrevTable, "sum the previous table"),
    b!(
        Tally,
        [ch('m')],
        NextMeasure,
        "rank by the next metric or figure"
    ),
    b!(
        Tally,
        [ch('M')],
        PrevMeasure,
        "rank by the previous metric or figure"
    ),
    b!(Tally, [ch('r')], Reverse, "most first ⇄ least first"),
    b!(Tally, [ch('J')], SumsDown, "scroll the sums down a row"),
    b!(Tally, [ch('K')], SumsUp, "scroll the sums up a row"),
    b!(Tally, [ch('w')], Export, "write the ranking to a CSV file"),
    b!(
        Tally,
        [(K::Esc, N), ch('h'), (K::Left, N)],
        Back,
        "back to the hits"
    ),
    b!(Tally, [ch('?')], Help, "this help"),
    b!(Tally, [ch('q')], Quit, "quit"),
    b!(Compare, [(K::Esc, N)], Back, "back to the table"),
    b!(Compare, [ch('?')], Help, "this help"),
    b!(Compare, [ch('q')], Quit, "quit"),
    b!(Table, [(K::Esc, N)], Back, "clear the selection, then back"),
    b!(
        Table,
        [ch('m')],
        Bookmark,
        "bookmark this table (again: remove)"
    ),
    b!(Table, [ch('\'')], Bookmarks, "bookmarks: jump back"),
    b!(Table, [ch('?')], Help, "this help"),
    b!(Table, [ch('q')], Quit, "quit"),
    b!(
        Report,
        [ch('c')],
        CycleFormat,
        "copy format: TSV → CSV → Markdown → JSON"
    ),
    b!(
        ReportFind,
        [(K::Enter, N)],
        Open,
        "keep the matches (n/N move between them)"
    ),
    b!(ReportFind, [(K::Esc, N)], Back, "cancel the search"),
    b!(Bookmarks, [ch('j'), (K::Down, N)], Down, "next bookmark"),
    b!(Bookmarks, [ch('k'), (K::Up, N)], Up, "previous bookmark"),
    b!(Bookmarks, [(K::Enter, N)], Open, "open the bookmark"),
    b!(
        Bookmarks,
        [ch('d'), (K::Delete, N)],
        Delete,
        "remove the bookmark"
    ),
    b!(
        Bookmarks,
        [(K::Esc, N), ch('q'), ch('\'')],
        Back,
        "close the bookmarks"
    ),
    b!(Help, [ch('j'), (K::Down, N)], Down, "scroll down"),
    b!(Help, [ch('k'), (K::Up, N)], Up, "scroll up"),
    b!(Help, [(K::PageDown, N), ch(' ')], PageDown, "page down"),
    b!(Help, [(K::PageUp, N)], PageUp, "page up"),
    b!(
        Help,
        [(K::Esc, N), ch('?'), ch('q')],
        Back,
        "close the help"
    ),
    b!(
        TextBox,
        [ctrl('a'), (K::Home, N)],
        LineStart,
        "start of the line"
    ),
    b!(
        TextBox,
        [ctrl('e'), (K::End, N)],
        LineEnd,
        "end of the line"
    ),
    b!(
        TextBox,
        [(K::Left, N), ctrl('b')],
        CharLeft,
        "one character left"
    ),
    b!(
        TextBox,
        [(K::Right, N), ctrl('f')],
        CharRight,
        "one character right"
    ),
    b!(TextBox, [alt('b'), (K::Left, C)], WordLeft, "one word left"),
    b!(
        TextBox,
        [alt('f'), (K::Right, C)],
        WordRight,
        "one word right"
    ),
    b!(
        TextBox,
        [(K::Backspace, N), ctrl('h')],
        DeleteBack,
        "delete the character before"
    ),
    b!(
        TextBox,
        [(K::Delete, N)],
        DeleteForward,
        "delete the character under the cursor"
    ),
    b!(
        TextBox,
        [ctrl('w'), (K::Backspace, KeyModifiers::ALT)],
        KillWord,
        "delete the word before"
    ),
    b!(
        TextBox,
        [ctrl('u')],
        KillStart,
        "delete to the start of the line"
    ),
    b!(
        TextBox,
        [ctrl('k')],
        KillEnd,
        "delete to the end of the line"
    ),
];

/// The key as the table spells it: Shift folded into the character for printable keys.
fn normalize(k: &KeyEvent) -> (KeyCode, KeyModifiers) {
    let mods = k.modifiers & (KeyModifiers::CONTROL | KeyModifiers::SHIFT | KeyModifiers::ALT);
    match k.code {
        KeyCode::Char(c) => {
            // Terminals differ on reporting Ctrl-letters as upper case.
            let c = if mods.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            };
            (KeyCode::Char(c), mods - KeyModifiers::SHIFT)
        }
        KeyCode::BackTab => (KeyCode::BackTab, KeyModifiers::SHIFT),
        code => (code, mods),
    }
}

/// The action bound to `key` in `ctx`, global bindings first, a text box's editing keys last.
pub fn lookup(ctx: Ctx, key: &KeyEvent) -> Option<Action> {
    let k = normalize(key);
    let text = if ctx.types_text() {
        Some(Ctx::TextBox)
    } else {
        None
    };
    [Some(Ctx::Global), Some(ctx), text]
        .iter()
        .flatten()
        .find_map(|c| {
            BINDINGS
                .iter()
                .filter(|b| b.ctx == *c)
                .find(|b| b.keys.contains(&k))
                .map(|b| b.action)
        })
}

/// How a key is written in the help: `Ctrl-g`, `↑`, `Shift-→`, `q`.
pub fn label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if code == KeyCode::BackTab {
        base
    } else if mods.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else if mods.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else if mods.contains(KeyModifiers::SHIFT) {
        format!("Shift-{base}")
    } else {
        base
    }
}

/// Help lines for a context: (keys, what they do), global ones last.
pub fn help(ctx: Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = BINDINGS
        .iter()
        .filter(|b| b.ctx == ctx)
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(|(c, m)| label(*c, *m)).collect();
            (keys.join(" "), b.help.to_string())
        })
        .collect();
    if ctx.types_text() {
        out.extend(BINDINGS.iter().filter(|b| b.ctx == Ctx::TextBox).map(|b| {
            let keys: Vec<String> = b.keys.iter().map(|(c, m)| label(*c, *m)).collect();
            (keys.join(" "), b.help.to_string())
        }));
    }
    out.extend(BINDINGS.iter().filter(|b| b.ctx == Ctx::Global).map(|b| {
        let keys: Vec<String> = b.keys.iter().map(|(c, m)| label(*c, *m)).collect();
        (keys.join(" "), b.help.to_string())
    }));
    out
}

/// The `?` help of a context in a language: its keys, then for the search the query syntax
/// and for reports and tables the marks of the grid and the copy format.
pub fn help_lines(ctx: Ctx, lang: Lang) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = help(ctx)
        .into_iter()
        .map(|(k, h)| (k, lang.key_help(&h)))
        .collect();
    let extra = match ctx {
        Ctx::Query | Ctx::Results => lang.t().help_query,
        Ctx::Report | Ctx::Table => lang.t().help_marks,
        _ => &[],
    };
    if !extra.is_empty() {
        out.push((String::new(), String::new()));
        out.extend(extra.iter().map(|(k, h)| (k.to_string(), h.to_string())));
    }
    out
}

/// Every binding as a Markdown table, context by context, for the README.
pub fn markdown() -> String {
    let ctxs = [
        Ctx::Global,
        Ctx::Query,
        Ctx::Results,
        Ctx::FilterInput,
        Ctx::FilterList,
        Ctx::Goto,
        Ctx::Report,
        Ctx::ReportFind,
        Ctx::Table,
        Ctx::Compare,
        Ctx::Tally,
        Ctx::Help,
        Ctx::Bookmarks,
        Ctx::TextBox,
    ];
    let mut out = String::from("| where | keys | action |\n|---|---|---|\n");
    for ctx in ctxs {
        for b in BINDINGS.iter().filter(|b| b.ctx == ctx) {
            let keys: Vec<String> = b
                .keys
                .iter()
                .map(|(c, m)| format!("`{}`", label(*c, *m).replace('|', "\\|")))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                ctx.name(),
                keys.join(" "),
                b.help
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn typing_contexts_bind_no_printable_key_without_ctrl() {
        for b in BINDINGS
            .iter()
            .filter(|b| b.ctx.types_text() || matches!(b.ctx, Ctx::Global | Ctx::TextBox))
        {
            for (code, mods) in b.keys {
                let printable =
                    matches!(code, KeyCode::Char(_)) && !mods.intersects(C | KeyModifiers::ALT);
                assert!(
                    !printable,
                    "{:?} binds {:?} where text is typed",
                    b.ctx, code
                );
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.ctx == b.ctx {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{:?}: {:?} bound twice", a.ctx, k);
                    }
                }
            }
        }
    }

    #[test]
    fn shift_letters_and_ctrl() {
        assert_eq!(
            lookup(Ctx::Table, &key(KeyCode::Char('J'), S)),
            Some(Action::ExtendDown)
        );
        assert_eq!(
            lookup(Ctx::Query, &key(KeyCode::Char('c'), C)),
            Some(Action::ForceQuit)
        );
        assert_eq!(lookup(Ctx::Query, &key(KeyCode::Char('q'), N)), None);
        assert_eq!(
            lookup(Ctx::Results, &key(KeyCode::Char('q'), N)),
            Some(Action::Quit)
        );
    }
}
