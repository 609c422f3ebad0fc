//! Screen tests of the browser: every screen and key path on a TestBackend, at 80×24 and wide.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use nianbao::index::{
    AgencyYears, Backend, IndexError, MemoryIndex, Query, ReportRef, SearchResults, Stage,
    StoredReport,
};
use nianbao::report;
use nianbao::tui::events::AppEvent;
use nianbao::tui::state::{copy_status, App, Effect, Screen};
use nianbao::tui::views;
use nianbao::tui::worker::EngineMsg;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::sync::Arc;

/// The shipped corpus plus the fixture with non-zero tables and two failed checks.
fn backend() -> Arc<dyn Backend> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut reports = Vec::new();
    for e in walkdir::WalkDir::new(root.join("corpus")).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "txt") {
            let mut r = report::parse_file(e.path()).unwrap();
            // Paths as a user sees them, stable across machines.
            r.path = e.path().strip_prefix(root).unwrap().display().to_string();
            reports.push(r);
        }
    }
    let mut r = report::parse_file(&root.join("tests/fixtures/nonzero2021.txt")).unwrap();
    r.path = "fixtures/nonzero2021.txt".into();
    reports.push(r);
    Arc::new(MemoryIndex::new(reports))
}

struct H {
    app: App,
    term: Terminal<TestBackend>,
    backend: Arc<dyn Backend>,
    copies: Vec<String>,
    /// Source files `o` asked to open.
    opened: Vec<String>,
}

impl H {
    fn new(w: u16, h: u16) -> H {
        H::with(backend(), w, h)
    }

    fn with(backend: Arc<dyn Backend>, w: u16, h: u16) -> H {
        let mut app = App::new((w, h), false, "corpus");
        app.request_search();
        app.handle(AppEvent::Engine(EngineMsg::Ready(backend.clone())));
        let mut h = H {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
            backend,
            copies: Vec::new(),
            opened: Vec::new(),
        };
        h.pump();
        h
    }

    /// Runs the effects as the event loop would, synchronously.
    fn pump(&mut self) {
        while !self.app.effects.is_empty() {
            for e in std::mem::take(&mut self.app.effects) {
                match e {
                    Effect::Search(r) => {
                        let results = self
                            .backend
                            .search(&r.query)
                            .map(|mut res| {
                                // Timings vary; snapshots must not.
                                res.elapsed = std::time::Duration::from_micros(420);
                                res
                            })
                            .map_err(|e| e.to_string());
                        self.app.handle(AppEvent::Engine(EngineMsg::Results {
                            generation: r.generation,
                            results,
                        }));
                    }
                    Effect::Copy { text, what } => {
                        self.copies.push(text);
                        self.app.status = Some(copy_status(self.app.lang, &what, "OSC 52"));
                    }
                    // Exports are tested in tests/tui_compare.rs; nothing is written here.
                    Effect::Write { path, .. } => {
                        self.app.status = Some(format!("written to {}", path.display()));
                    }
                    // Running a program is tested in tests/e2e.rs.
                    Effect::OpenSource(path) => self.opened.push(path),
                    // The totals screen is tested in tests/tui_tally.rs.
                    Effect::Tally(_) => {}
                    // Exports of the selection are tested in tests/tui_compare.rs.
                    Effect::Export(_) => {}
                }
            }
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.key_mod(code, KeyModifiers::NONE)
    }

    fn key_mod(&mut self, code: KeyCode, m: KeyModifiers) -> &mut Self {
        self.app.handle(AppEvent::Key(KeyEvent::new(code, m)));
        self.pump();
        self
    }

    fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            let m = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.key_mod(KeyCode::Char(c), m);
        }
        self
    }

    fn mouse(&mut self, kind: MouseEventKind, x: u16, y: u16) -> &mut Self {
        self.app.handle(AppEvent::Mouse(MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }));
        self.pump();
        self
    }

    fn screen(&mut self) -> String {
        self.term.draw(|f| views::draw(f, &self.app)).unwrap();
        common::screen_text(self.term.backend())
    }

    fn cursor(&mut self) -> (u16, u16) {
        self.term.draw(|f| views::draw(f, &self.app)).unwrap();
        let p = self.term.get_cursor_position().unwrap();
        (p.x, p.y)
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (140, 40)];

#[test]
fn search_screen_lists_every_report_then_narrows_as_you_type() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        insta::assert_snapshot!(format!("search_start_{w}x{h}"), t.screen());
        t.keys("行政复议");
        insta::assert_snapshot!(format!("search_typed_{w}x{h}"), t.screen());
    }
}

#[test]
fn the_real_cursor_sits_in_the_query_line_after_chinese_text() {
    let mut t = H::new(80, 24);
    t.keys("公开q");
    // "search› " is 8 cells wide; 公开 is 4 and q is 1.
    assert_eq!(t.cursor(), (13, 1));
    t.key(KeyCode::Left);
    assert_eq!(t.cursor(), (12, 1));
    assert!(!t.app.quit, "q typed in the query must not quit");
    assert_eq!(t.app.search.input.text, "公开q");
}

#[test]
fn full_width_punctuation_is_kept() {
    let mut t = H::new(80, 24);
    t.keys("《中华人民共和国政府信息公开条例》");
    let s = t.screen();
    assert!(s.contains("《中华人民共和国政府信息公开条例》"), "{s}");
}

/// First hits are shown at once with a provisional count (`N+`) and no facet counts; the
/// complete search of the same query then replaces them, keeping a hit moved to meanwhile.
#[test]
fn first_hits_show_a_provisional_count_until_the_complete_search() {
    let mut t = H::new(80, 24);
    t.app.request_search();
    let Some(Effect::Search(req)) = t.app.effects.last().cloned() else {
        panic!("no search asked for");
    };
    assert!(req.first_hits);
    // The engine's answers are given by hand below.
    t.app.effects.clear();
    let complete = t.backend.search(&req.query).unwrap();
    assert!(complete.total > 3);
    let mut first = complete.clone();
    first.hits.truncate(3);
    first.hits.reverse();
    first.total = 3;
    first.facets = Default::default();
    first.stage = Stage::First { all_found: false };
    t.app.handle(AppEvent::Engine(EngineMsg::Results {
        generation: req.generation,
        results: Ok(first.clone()),
    }));
    assert!(
        t.app.search.searching,
        "the complete search is still to come"
    );
    let s = t.screen();
    assert!(s.contains("3+ hits"), "{s}");
    // The filters panel does not show the previous query's counts as this one's.
    t.key(KeyCode::Tab);
    let s = t.screen();
    assert!(s.contains(" …"), "{s}");
    t.key(KeyCode::Esc);
    // The user moves to the second first hit; the complete search ranks anew.
    t.app.search.selected = 1;
    let moved_to = first.hits[1].path.clone();
    t.app.handle(AppEvent::Engine(EngineMsg::Results {
        generation: req.generation,
        results: Ok(complete.clone()),
    }));
    assert!(!t.app.search.searching);
    let r = t.app.search.results.as_ref().unwrap();
    assert_eq!(r.hits[t.app.search.selected].path, moved_to);
    let s = t.screen();
    assert!(s.contains(&format!("{} hits", complete.total)), "{s}");
    assert!(!s.contains("3+ hits"), "{s}");
}

#[test]
fn stale_results_are_dropped() {
    let mut t = H::new(80, 24);
    let before = t.app.search.results.clone();
    let g = t.app.search.generation;
    t.app.handle(AppEvent::Engine(EngineMsg::Results {
        generation: g - 1,
        results: Err("stale".into()),
    }));
    assert_eq!(t.app.search.results, before);
    assert!(t.app.search.error.is_none());
}

#[test]
fn a_background_update_keeps_the_selected_hit() {
    let mut t = H::new(80, 24);
    t.keys("行政复议").key(KeyCode::Down);
    let path = |t: &H| {
        let r = t.app.search.results.as_ref().unwrap();
        r.hits[t.app.search.selected].path.clone()
    };
    let chosen = path(&t);
    // The updated engine lists the chosen report last: the selection follows it.
    let mut reports: Vec<report::Report> = Vec::new();
    for h in &t.app.search.results.as_ref().unwrap().hits {
        let mut r = t.backend.report(&h.path).unwrap();
        if h.path == chosen {
            // 龙 (U+9F99) sorts after every other agency name.
            r.agency = Some("龙江机关".into());
        }
        reports.push(r);
    }
    let updated: Arc<dyn Backend> = Arc::new(MemoryIndex::new(reports));
    t.backend = updated.clone();
    t.app.handle(AppEvent::Engine(EngineMsg::Ready(updated)));
    t.pump();
    let n = t.app.search.results.as_ref().unwrap().hits.len();
    assert!(n > 2);
    assert_eq!(t.app.search.selected, n - 1);
    assert_eq!(path(&t), chosen);
    // Gone after an update: back to the first hit, no panic.
    t.key(KeyCode::Down);
    let fewer: Arc<dyn Backend> = Arc::new(MemoryIndex::new(Vec::new()));
    t.backend = fewer.clone();
    t.app.handle(AppEvent::Engine(EngineMsg::Ready(fewer)));
    t.pump();
    assert_eq!(t.app.search.selected, 0);
    // Typing is a new search: the first hit, whatever was selected.
    t.backend = backend();
    t.key(KeyCode::Backspace);
    assert_eq!(t.app.search.selected, 0);
}

#[test]
fn keys_in_the_hit_list_help_and_quit() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        t.key(KeyCode::Esc).keys("jj");
        assert_eq!(t.app.search.selected, 2);
        t.keys("?");
        insta::assert_snapshot!(format!("help_results_{w}x{h}"), t.screen());
        t.key(KeyCode::Esc).keys("q");
        assert!(t.app.quit);
    }
}

#[test]
fn ctrl_c_quits_from_a_text_box() {
    let mut t = H::new(80, 24);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("zw");
    t.key_mod(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(t.app.quit);
}

#[test]
fn filters_pick_agency_by_pinyin_and_year_with_counts_and_chips() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        t.key(KeyCode::Tab).keys("zhongwei");
        insta::assert_snapshot!(format!("filters_agency_{w}x{h}"), t.screen());
        // The index's order: the shortest (most specific) name first.
        t.key(KeyCode::Down).key(KeyCode::Enter);
        assert_eq!(t.app.query.agencies, vec!["中卫市公共资源交易中心"]);
        // Tab: regions, then years.
        t.key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .keys("j")
            .key(KeyCode::Enter);
        assert_eq!(t.app.query.years, Some((2017, 2017)));
        t.keys("k ");
        assert_eq!(t.app.query.years, Some((2017, 2024)));
        t.key(KeyCode::Esc);
        insta::assert_snapshot!(format!("filters_chips_{w}x{h}"), t.screen());
        // Clicking a chip removes it; Ctrl-X removes the last one.
        let (_, _, x) = t.app.chips()[0].clone();
        t.mouse(MouseEventKind::Down(MouseButton::Left), x + 1, 2);
        assert!(t.app.query.agencies.is_empty());
        t.key_mod(KeyCode::Char('x'), KeyModifiers::CONTROL);
        assert!(!t.app.query.has_filters());
    }
}

#[test]
fn filters_by_region_and_failed_checks_with_counts_and_chips() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        // Tab to the regions: cities first, the most hits first.
        t.key(KeyCode::Tab).key(KeyCode::Tab);
        insta::assert_snapshot!(format!("filters_region_{w}x{h}"), t.screen());
        t.key(KeyCode::Enter);
        let Some(nianbao::tui::screens::Overlay::Filters(p)) = &t.app.overlay else {
            panic!("the filters closed");
        };
        assert_eq!(p.regions[0].0.name, "中卫市");
        assert_eq!(t.app.query.regions, [p.regions[0].0.clone()]);
        assert_eq!(t.app.search.results.as_ref().unwrap().total, 3);
        // The last row of templates: has failed checks; with 中卫市 there are none.
        t.key(KeyCode::Tab).key(KeyCode::Tab);
        t.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Down);
        t.key(KeyCode::Enter);
        assert!(t.app.query.failed_only);
        assert_eq!(t.app.search.results.as_ref().unwrap().total, 0);
        t.key(KeyCode::Esc);
        insta::assert_snapshot!(format!("filters_region_chips_{w}x{h}"), t.screen());
        // Clicking the city's chip leaves the report whose checks fail.
        let (_, _, x) = t.app.chips()[0].clone();
        t.mouse(MouseEventKind::Down(MouseButton::Left), x + 1, 2);
        assert!(t.app.query.regions.is_empty());
        let r = t.app.search.results.as_ref().unwrap();
        assert_eq!(
            (r.total, r.hits[0].path.as_str()),
            (1, "fixtures/nonzero2021.txt")
        );
        t.key_mod(KeyCode::Char('x'), KeyModifiers::CONTROL);
        assert!(!t.app.query.has_filters());
    }
}

#[test]
fn filter_by_initials_and_template() {
    let mut t = H::new(80, 24);
    t.key(KeyCode::Tab).keys("szs").key(KeyCode::Enter);
    assert_eq!(t.app.query.agencies, vec!["石嘴山市公共资源交易中心"]);
    t.key(KeyCode::BackTab);
    t.key(KeyCode::Enter);
    assert_eq!(t.app.query.template, Some(report::Template::T2021));
    let r = t.app.search.results.as_ref().unwrap();
    assert_eq!(r.total, 1);
}

#[test]
fn go_to_prompt_opens_a_report_and_esc_comes_back() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
            .keys("zwsgyhxxhj 2024");
        insta::assert_snapshot!(format!("goto_{w}x{h}"), t.screen());
        t.key(KeyCode::Enter);
        assert!(matches!(t.app.screens.last(), Some(Screen::Report(_))));
        insta::assert_snapshot!(format!("report_goto_{w}x{h}"), t.screen());
        t.key(KeyCode::Esc);
        assert!(t.app.screens.is_empty());
    }
}

#[test]
fn go_to_forgives_a_left_out_character_and_a_short_name_and_never_preselects_a_missing_year() {
    let mut t = H::new(80, 24);
    // 市 left out, as initials and as pinyin.
    for typed in ["zwgyhxxhj", "zhongweigongye", "中卫 工信局", "zwgxj"] {
        let (cands, _) = t.app.goto_candidates(typed);
        assert_eq!(cands, ["中卫市工业和信息化局"], "{typed}");
    }
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("中卫 工信局 2019");
    let s = t.screen();
    assert!(s.contains("2019 — not one of its years: 2024"), "{s}");
    // Tab completes the name and leaves out the year it lacks.
    t.key(KeyCode::Tab);
    let Some(nianbao::tui::screens::Overlay::Goto(g)) = &t.app.overlay else {
        panic!("the go-to prompt closed");
    };
    assert_eq!(g.input.text.trim_end(), "中卫市工业和信息化局");
    assert_eq!(g.year, None);
    t.key(KeyCode::Enter);
    let Some(Screen::Report(r)) = t.app.screens.last() else {
        panic!("no report opened");
    };
    assert_eq!(r.report.year, Some(2024));
}

#[test]
fn o_asks_to_open_the_source_file_of_the_report_or_the_table() {
    let mut t = H::new(80, 24);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("生态环境 2022")
        .key(KeyCode::Enter);
    t.keys("o");
    assert_eq!(t.opened, ["fixtures/nonzero2021.txt"]);
    // In a table: its report's file.
    t.key(KeyCode::Tab).key(KeyCode::Enter);
    assert!(matches!(t.app.screens.last(), Some(Screen::Table(_))));
    t.keys("o");
    assert_eq!(t.opened.len(), 2);
    assert_eq!(t.opened[1], "fixtures/nonzero2021.txt");
}

#[test]
fn d_shows_the_report_as_one_document_with_its_tables_inline() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
            .keys("生态环境 2022")
            .key(KeyCode::Enter);
        let state = |t: &H| match t.app.screens.last() {
            Some(Screen::Report(r)) => (r.document, r.section, r.scroll, r.table),
            _ => panic!("left the report"),
        };
        t.keys("d");
        assert!(state(&t).0);
        insta::assert_snapshot!(format!("report_document_{w}x{h}"), t.screen());
        // The tables pane moves the document to a table: table 3, its grid whole.
        let n3 = match t.app.screens.last() {
            Some(Screen::Report(r)) => r
                .report
                .tables
                .iter()
                .position(|x| x.id == report::TableId::T3)
                .unwrap(),
            _ => unreachable!(),
        };
        t.key(KeyCode::Tab);
        for _ in 0..n3 {
            t.key(KeyCode::Down);
        }
        let s = t.screen();
        insta::assert_snapshot!(format!("report_document_table3_{w}x{h}"), s);
        assert!(s.contains("表3"), "{s}");
        let (_, section, _, table) = state(&t);
        assert_eq!(table, n3);
        // The outline follows: table 3 is in section 三.
        let number = match t.app.screens.last() {
            Some(Screen::Report(r)) => r.report.sections[section].number.clone(),
            _ => unreachable!(),
        };
        assert_eq!(number, "三");
        // Paging moves through the whole document, then stops at its end.
        for _ in 0..200 {
            t.key(KeyCode::PageDown);
        }
        let (_, last_section, end, _) = state(&t);
        t.key(KeyCode::PageDown);
        assert_eq!(state(&t).2, end, "no scrolling past the end");
        assert!(last_section >= section && end > 0);
        // The last section's last words are on screen.
        let last_words = match t.app.screens.last() {
            Some(Screen::Report(r)) => r
                .report
                .sections
                .last()
                .unwrap()
                .text
                .trim()
                .chars()
                .rev()
                .take(4)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>(),
            _ => unreachable!(),
        };
        assert!(t.screen().contains(&last_words), "{last_words}");
        // `d` again: by section, at the section that was shown.
        t.keys("d");
        let (doc, back, _, _) = state(&t);
        assert!(!doc);
        assert_eq!(back, last_section);
    }
}

#[test]
fn go_to_a_missing_year_says_which_years_exist() {
    let mut t = H::new(80, 24);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("中卫市公共资源交易中心 2020")
        .key(KeyCode::Enter);
    let s = t.screen();
    assert!(s.contains("has no report for 2020"), "{s}");
    assert!(s.contains("2017,") && s.contains("2024"), "{s}");
    assert!(t.app.screens.is_empty());
}

#[test]
fn open_from_the_command_line_waits_for_the_engine() {
    let backend = backend();
    let mut app = App::new((80, 24), false, "corpus");
    app.pending_open = Some(("生态环境".into(), Some(2022)));
    app.handle(AppEvent::Engine(EngineMsg::Ready(backend)));
    assert!(matches!(app.screens.last(), Some(Screen::Report(_))));
}

#[test]
fn open_with_an_ambiguous_agency_lists_the_candidates_to_choose_from() {
    let mut t = H::new(80, 24);
    t.app.pending_open = Some(("zhongwei".into(), Some(2024)));
    let b = t.backend.clone();
    t.app.handle(AppEvent::Engine(EngineMsg::Ready(b)));
    t.pump();
    assert!(t.app.screens.is_empty(), "not the first match by chance");
    let s = t.screen();
    assert!(
        s.contains("中卫市工业和信息化局") && s.contains("中卫市公共资源交易中心"),
        "{s}"
    );
    assert!(s.contains("matches 2 agencies"), "{s}");
    t.key(KeyCode::Down).key(KeyCode::Enter);
    let Some(Screen::Report(r)) = t.app.screens.last() else {
        panic!("no report opened")
    };
    assert_eq!(r.report.agency.as_deref(), Some("中卫市公共资源交易中心"));
    assert_eq!(r.report.year, Some(2024));
}

#[test]
fn report_view_matches_tables_and_back_keeps_the_hit_list() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        t.keys("依申请公开");
        let idx = t
            .app
            .search
            .results
            .as_ref()
            .unwrap()
            .hits
            .iter()
            .position(|h| h.agency == "某某市生态环境局")
            .unwrap();
        for _ in 0..idx {
            t.key(KeyCode::Down);
        }
        t.key(KeyCode::Enter);
        t.keys("n");
        insta::assert_snapshot!(format!("report_match_{w}x{h}"), t.screen());
        t.keys("nN");
        assert!(t.app.status.as_deref().unwrap().starts_with("match 1 of"));
        t.key(KeyCode::Tab).keys("jjjj");
        insta::assert_snapshot!(format!("report_tables_{w}x{h}"), t.screen());
        t.key(KeyCode::Esc);
        assert_eq!(t.app.search.selected, idx, "the hit list is as it was left");
        assert_eq!(t.app.search.input.text, "依申请公开");
    }
}

fn open_table3(t: &mut H) {
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("生态环境 2022")
        .key(KeyCode::Enter);
    let n = match t.app.screens.last() {
        Some(Screen::Report(r)) => r.report.tables.iter().position(|t| t.id == "3").unwrap(),
        _ => panic!("no report"),
    };
    t.key(KeyCode::Tab);
    for _ in 0..n {
        t.keys("j");
    }
    t.key(KeyCode::Enter);
}

#[test]
fn table_view_grid_selection_copy_and_failed_cells() {
    for (w, h) in SIZES {
        let mut t = H::new(w, h);
        open_table3(&mut t);
        insta::assert_snapshot!(format!("table3_{w}x{h}"), t.screen());
        t.keys("JJLL");
        t.keys("y");
        assert_eq!(t.copies.last().unwrap(), "44\t15\t3\n4\t1\t0\n15\t6\t2\n");
        insta::assert_snapshot!(format!("table3_selected_{w}x{h}"), t.screen());
        assert!(t
            .app
            .status
            .as_deref()
            .unwrap()
            .starts_with("copied 3×3 cells as TSV"));
        t.keys("c").keys("y");
        assert_eq!(t.copies.last().unwrap(), "44,15,3\n4,1,0\n15,6,2\n");
        t.keys("cc").keys("y");
        // JSON copies carry each figure's status beside it, and the labels of its rows and
        // columns.
        let json: serde_json::Value = serde_json::from_str(t.copies.last().unwrap()).unwrap();
        assert_eq!(
            json["values"],
            serde_json::json!([[44, 15, 3], [4, 1, 0], [15, 6, 2]])
        );
        assert_eq!(json["status"][0][0], "read");
        assert_eq!(json["columns"][0], "自然人");
        assert_eq!(json["rows"][0], "一、本年新收政府信息公开申请数量");
        t.keys("cY");
        assert!(t.copies.last().unwrap().starts_with("\t自然人\t商业企业"));
        // Esc clears the selection first, then goes back to the report.
        t.key(KeyCode::Esc);
        assert!(matches!(t.app.screens.last(), Some(Screen::Table(_))));
        t.key(KeyCode::Esc);
        assert!(matches!(t.app.screens.last(), Some(Screen::Report(_))));
    }
}

#[test]
fn table_cursor_moves_with_arrows_and_hjkl_and_scrolls() {
    let mut t = H::new(80, 24);
    open_table3(&mut t);
    t.keys("llllll").key(KeyCode::Down).key(KeyCode::Right);
    let Some(Screen::Table(ts)) = t.app.screens.last() else {
        panic!()
    };
    assert_eq!(ts.cur, (1, 6));
    let s = t.screen();
    assert!(
        s.contains("总计"),
        "the last column scrolled into view:\n{s}"
    );
    insta::assert_snapshot!("table3_scrolled_80x24", s);
}

#[test]
fn table_rows_show_their_group_when_scrolled_and_clicked() {
    // Short, so the group's first row scrolls away above the cursor's.
    let mut t = H::new(80, 12);
    open_table3(&mut t);
    let target = {
        let Some(Screen::Table(ts)) = t.app.screens.last() else {
            panic!()
        };
        ts.table
            .rows
            .iter()
            .position(|r| r.label == "3.要求提供公开出版物")
            .unwrap()
    };
    for _ in 0..target {
        t.keys("j");
    }
    let s = t.screen();
    let lines: Vec<&str> = s.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("3.要求提供公开出版物"))
        .expect("the cursor's row is in view");
    // The group heads its rows, even when its first row has scrolled away.
    let head = lines[..at]
        .iter()
        .rposition(|l| l.starts_with('（'))
        .unwrap();
    assert_eq!(lines[head].trim_end(), "（五）不予处理", "{s}");
    // Scrolled past the first row of （四）: its group line still heads the rows left.
    assert_eq!(lines[2].trim_end(), "（四）无法提供", "{s}");
    assert!(!s.contains("1.本机关不掌握"), "{s}");
    assert!(
        lines[11].starts_with("（五）不予处理 · 3.要求提供公"),
        "{s}"
    );
    // A click on a group line moves nothing; a click on a row selects that row.
    let Some(Screen::Table(ts)) = t.app.screens.last() else {
        panic!()
    };
    let area = nianbao::tui::layout::table(
        ratatui::layout::Rect::new(0, 0, 80, 12),
        ts.failed_rules.len(),
    )
    .grid;
    let g = nianbao::tui::layout::grid(&ts.table, area, ts.offsets.0, ts.offsets.1);
    let (grow, gy) = g.groups[0];
    let x = g.cols[0].1;
    t.mouse(MouseEventKind::Down(MouseButton::Left), x, gy);
    t.mouse(MouseEventKind::Up(MouseButton::Left), x, gy);
    let cur = |t: &H| match t.app.screens.last() {
        Some(Screen::Table(ts)) => ts.cur,
        _ => panic!(),
    };
    assert_eq!(cur(&t), (target, 0));
    t.mouse(MouseEventKind::Down(MouseButton::Left), x, gy + 1);
    t.mouse(MouseEventKind::Up(MouseButton::Left), x, gy + 1);
    assert_eq!(cur(&t), (grow, 0));
}

#[test]
fn mouse_drag_selects_a_range_and_click_opens() {
    let mut t = H::new(80, 24);
    open_table3(&mut t);
    let s = t.screen();
    // Find the screen cells of "44" (row 0, col 0) and of row 2, col 1.
    let lines: Vec<&str> = s.lines().collect();
    let y0 = lines
        .iter()
        .position(|l| l.contains("一、本年新收"))
        .unwrap() as u16;
    let Some(Screen::Table(ts)) = t.app.screens.last() else {
        panic!()
    };
    let area = nianbao::tui::layout::table(
        ratatui::layout::Rect::new(0, 0, 80, 24),
        ts.failed_rules.len(),
    )
    .grid;
    let g = nianbao::tui::layout::grid(&ts.table, area, 0, 0);
    let (x0, x1) = (g.cols[0].1, g.cols[1].1);
    assert_eq!(g.rows[0].1, y0);
    t.mouse(MouseEventKind::Down(MouseButton::Left), x0, g.rows[0].1);
    t.mouse(MouseEventKind::Drag(MouseButton::Left), x1, g.rows[2].1);
    t.mouse(MouseEventKind::Up(MouseButton::Left), x1, g.rows[2].1);
    t.keys("y");
    assert_eq!(t.copies.last().unwrap(), "44\t15\n4\t1\n15\t6\n");
}

#[test]
fn mouse_in_the_search_and_report_screens() {
    let mut t = H::new(80, 24);
    let l = nianbao::tui::layout::search(ratatui::layout::Rect::new(0, 0, 80, 24));
    t.mouse(MouseEventKind::ScrollDown, 5, l.list.y);
    assert_eq!(t.app.search.selected, 1);
    t.mouse(MouseEventKind::Down(MouseButton::Left), 5, l.list.y + 4);
    assert_eq!(t.app.search.selected, 2);
    t.mouse(MouseEventKind::Down(MouseButton::Left), 5, l.list.y + 4);
    assert!(matches!(t.app.screens.last(), Some(Screen::Report(_))));
    let Some(Screen::Report(r)) = t.app.screens.last() else {
        panic!()
    };
    let rl = nianbao::tui::layout::report(
        ratatui::layout::Rect::new(0, 0, 80, 24),
        r.report.tables.len(),
    );
    t.mouse(MouseEventKind::Down(MouseButton::Left), 3, rl.outline.y + 2);
    let Some(Screen::Report(r)) = t.app.screens.last() else {
        panic!()
    };
    assert_eq!(r.section, 1);
    t.mouse(MouseEventKind::Down(MouseButton::Left), 3, rl.tables.y + 1);
    assert!(matches!(t.app.screens.last(), Some(Screen::Table(_))));
}

#[test]
fn help_lists_the_keys_of_each_context() {
    let mut t = H::new(80, 24);
    open_table3(&mut t);
    t.keys("?");
    insta::assert_snapshot!("help_table_80x24", t.screen());
    t.keys("q");
    assert!(!t.app.quit, "q closes the help first");
    t.key(KeyCode::F(1));
    let s = t.screen();
    assert!(s.contains("copy the selection"), "{s}");
}

#[test]
fn copy_the_current_section() {
    let mut t = H::new(80, 24);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("生态环境 2022")
        .key(KeyCode::Enter)
        .keys("y");
    assert!(t.copies.last().unwrap().starts_with("一、总体情况\n"));
    assert!(t
        .app
        .status
        .as_deref()
        .unwrap()
        .starts_with("copied section 一、总体情况 as text"));
}

#[test]
fn loading_and_failure_screens() {
    let mut app = App::new((80, 24), false, "corpus");
    app.request_search();
    app.handle(AppEvent::Engine(EngineMsg::Progress { done: 3, total: 12 }));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    // Typing while the index builds works.
    app.handle(AppEvent::Key(KeyEvent::new(
        KeyCode::Char('公'),
        KeyModifiers::NONE,
    )));
    term.draw(|f| views::draw(f, &app)).unwrap();
    insta::assert_snapshot!("loading_80x24", common::screen_text(term.backend()));
    app.handle(AppEvent::Engine(EngineMsg::LoadFailed(
        "the corpus folder /nowhere does not exist; pass --corpus DIR or set NIANBAO_CORPUS".into(),
    )));
    term.draw(|f| views::draw(f, &app)).unwrap();
    insta::assert_snapshot!("load_failed_80x24", common::screen_text(term.backend()));
}

#[test]
fn resize_keeps_the_table_cursor_in_view() {
    let mut t = H::new(140, 40);
    open_table3(&mut t);
    t.keys("llllll").key(KeyCode::PageDown);
    t.term.backend_mut().resize(80, 24);
    t.app.handle(AppEvent::Resize(80, 24));
    let s = t.screen();
    assert!(s.contains("总计"), "{s}");
}

#[test]
fn no_color_uses_no_colours() {
    let mut t = H::new(80, 24);
    t.app.no_color = true;
    open_table3(&mut t);
    t.keys("JL");
    t.term.draw(|f| views::draw(f, &t.app)).unwrap();
    let buf = t.term.backend().buffer();
    for c in buf.content() {
        assert_eq!(c.fg, ratatui::style::Color::Reset);
        assert_eq!(c.bg, ratatui::style::Color::Reset);
    }
    // Failed cells are still marked without colour.
    let s = common::screen_text(t.term.backend());
    assert!(s.contains("!"), "{s}");
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (10, 3), (30, 8)] {
        let mut t = H::new(w, h);
        t.screen();
        t.key(KeyCode::Tab);
        t.screen();
        t.key(KeyCode::Esc);
        open_table3(&mut t);
        t.keys("?");
        t.screen();
    }
}

#[test]
fn the_readme_shows_the_current_key_table() {
    let table = nianbao::tui::keys::markdown();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    if std::env::var_os("PRINT_KEYS").is_some() {
        println!("{table}");
    }
    assert!(
        readme.contains(&table),
        "README.md's key table is out of date:\n{table}"
    );
}

fn open_table(t: &mut H, id: &str) {
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("zwsgyhxxhj 2024")
        .key(KeyCode::Enter);
    let n = match t.app.screens.last() {
        Some(Screen::Report(r)) => r.report.tables.iter().position(|t| t.id == id).unwrap(),
        _ => panic!("no report"),
    };
    t.key(KeyCode::Tab);
    for _ in 0..n {
        t.keys("j");
    }
    t.key(KeyCode::Enter);
}

#[test]
fn table_4_is_shown_turned_with_its_header_levels_as_groups() {
    let mut t = H::new(80, 24);
    open_table(&mut t, "4");
    let s = t.screen();
    // Every level of the header is readable, none cut to `行政复议 结…`.
    for line in [
        "行政复议",
        "行政诉讼 · 未经复议直接起诉",
        "结果维持",
        "尚未审结",
    ] {
        assert!(s.contains(line), "{line} missing:\n{s}");
    }
    assert!(!s.contains("结…"), "{s}");
    insta::assert_snapshot!("table4_80x24", s);
    // What is copied is what is shown: a column of fifteen figures.
    t.keys("Y");
    let copied = t.copies.last().unwrap();
    assert_eq!(copied.lines().count(), 16, "{copied}");
}

#[test]
fn growing_the_window_brings_hidden_columns_and_rows_back() {
    let mut t = H::new(80, 24);
    open_table3(&mut t);
    t.keys("llllll");
    for _ in 0..40 {
        t.keys("j");
    }
    let off = |t: &H| match t.app.screens.last() {
        Some(Screen::Table(ts)) => ts.offsets,
        _ => panic!(),
    };
    assert!(off(&t).0 > 0 && off(&t).1 > 0, "{:?}", off(&t));
    t.term.backend_mut().resize(200, 60);
    t.app.handle(AppEvent::Resize(200, 60));
    assert_eq!(off(&t), (0, 0), "everything fits: nothing is scrolled away");
    let s = t.screen();
    assert!(s.contains("一、本年新收") && s.contains("自然人"), "{s}");
}

#[test]
fn a_paste_is_text_and_its_newline_opens_nothing() {
    let mut t = H::new(80, 24);
    t.app.handle(AppEvent::Paste("行政\r\n复议\n".into()));
    t.pump();
    assert_eq!(t.app.search.input.text, "行政 复议");
    assert!(t.app.screens.is_empty(), "a pasted newline is not Enter");
    // In the hit list a paste goes to the query.
    t.key(KeyCode::Esc);
    t.app.handle(AppEvent::Paste(" 公开".into()));
    t.pump();
    assert_eq!(t.app.search.input.text, "行政 复议 公开");
    assert!(t.app.screens.is_empty());
}

#[test]
fn the_no_hits_message_is_whole_on_a_wide_screen() {
    let mut t = H::new(140, 40);
    t.keys("没有这个词组合xyzzy");
    let s = t.screen();
    assert!(s.contains("No report matches"), "{s}");
    assert!(
        s.contains("(Ctrl-X)."),
        "the end of the message is shown:\n{s}"
    );
}

#[test]
fn an_empty_corpus_says_so() {
    let mut app = App::new((80, 24), false, "/tmp/empty");
    app.request_search();
    let empty: Arc<dyn Backend> = Arc::new(MemoryIndex::new(Vec::new()));
    app.handle(AppEvent::Engine(EngineMsg::Ready(empty.clone())));
    let mut h = H {
        app,
        term: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        backend: empty,
        copies: Vec::new(),
        opened: Vec::new(),
    };
    h.pump();
    let s = h.screen();
    assert!(s.contains("This folder has no reports"), "{s}");
    assert!(!s.contains("remove a word"), "{s}");
}

#[test]
fn help_stops_at_its_end_and_shows_where_it_is() {
    let mut t = H::new(80, 12);
    t.key(KeyCode::Esc).keys("?");
    let s = t.screen();
    assert!(s.contains("↓"), "a long help says it goes on:\n{s}");
    for _ in 0..200 {
        t.keys("j");
    }
    let Some(nianbao::tui::state::Overlay::Help(help)) = &t.app.overlay else {
        panic!()
    };
    let (scroll, ctx) = (&help.scroll, &help.ctx);
    let items = nianbao::tui::keys::help_lines(*ctx, t.app.lang);
    let (_, shown, max) =
        nianbao::tui::layout::help(ratatui::layout::Rect::new(0, 0, 80, 12), &items);
    assert_eq!(*scroll, max, "stops at the end");
    assert_eq!(max + shown, items.len(), "the last line is at the bottom");
    let s = t.screen();
    let last = &items.last().unwrap().1;
    assert!(s.contains(last.as_str()), "{s}");
    assert!(!s.contains("↓"), "{s}");
}

/// An engine that counts the calls made to it.
struct Counting(MemoryIndex, std::sync::atomic::AtomicUsize);

impl Counting {
    fn tick(&self) {
        self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Backend for Counting {
    fn search(&self, q: &Query) -> Result<SearchResults, IndexError> {
        self.tick();
        self.0.search(q)
    }
    fn resolve_agency(&self, input: &str) -> Vec<String> {
        self.tick();
        self.0.resolve_agency(input)
    }
    fn agencies(&self) -> Vec<AgencyYears> {
        self.tick();
        self.0.agencies()
    }
    fn find(&self, agency: &str, year: Option<i32>) -> Vec<ReportRef> {
        self.tick();
        self.0.find(agency, year)
    }
    fn report(&self, path: &str) -> Result<report::Report, IndexError> {
        self.tick();
        self.0.report(path)
    }
    fn selected_reports(&self, q: &Query) -> Result<Vec<StoredReport>, IndexError> {
        self.tick();
        self.0.selected_reports(q)
    }
}

#[test]
fn drawing_never_asks_the_engine() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reports = [
        "中卫市工业和信息化局/2024.txt",
        "石嘴山市公共资源交易中心/2023.txt",
    ]
    .iter()
    .filter_map(|p| report::parse_file(&root.join("corpus").join(p)).ok())
    .collect();
    let engine = Arc::new(Counting(MemoryIndex::new(reports), Default::default()));
    let calls = || engine.1.load(std::sync::atomic::Ordering::SeqCst);
    let mut t = H::with(engine.clone(), 80, 24);
    // The go-to prompt and the filters panel list what the engine says for the typed text.
    for open in [KeyCode::Char('g'), KeyCode::Tab] {
        let m = match open {
            KeyCode::Char(_) => KeyModifiers::CONTROL,
            _ => KeyModifiers::NONE,
        };
        t.key_mod(open, m).keys("zw");
        let before = calls();
        let s = t.screen();
        assert!(s.contains("中卫市工业和信息化局"), "{s}");
        for _ in 0..3 {
            t.screen();
        }
        assert_eq!(calls(), before, "a frame asked the engine");
        t.key(KeyCode::Esc);
    }
}

#[test]
fn ctrl_g_and_ctrl_x_work_in_the_hit_list_as_in_the_query() {
    let mut t = H::new(80, 24);
    t.key(KeyCode::Esc);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL);
    assert!(matches!(
        t.app.overlay,
        Some(nianbao::tui::state::Overlay::Goto(_))
    ));
}

#[test]
fn a_failed_engine_does_not_say_searching() {
    let mut app = App::new((80, 24), false, "/nowhere");
    app.request_search();
    app.handle(AppEvent::Engine(EngineMsg::LoadFailed(
        "the corpus folder /nowhere does not exist".into(),
    )));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| views::draw(f, &app)).unwrap();
    let s = common::screen_text(term.backend());
    assert!(!s.contains("searching"), "{s}");
}

#[test]
fn help_in_chinese_and_english_explains_the_query_syntax_and_the_marks() {
    use nianbao::tui::i18n::Lang;
    for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let mut t = H::new(100, 40);
        t.app.lang = lang;
        t.key(KeyCode::Esc).keys("?");
        let s = t.screen();
        insta::assert_snapshot!(format!("help_results_{name}_100x40"), s);
        assert!(s.contains("\"") && s.contains("-"), "{s}");
        t.key(KeyCode::Esc);
        open_table3(&mut t);
        t.keys("?");
        let s = t.screen();
        insta::assert_snapshot!(format!("help_table_{name}_100x40"), s);
        for mark in ["!", "~", "?", "·", "✗N"] {
            assert!(
                s.contains(&format!(" {mark} ")),
                "{mark} not explained:\n{s}"
            );
        }
    }
}

#[test]
fn chinese_screens_name_the_free_template_feizhuban() {
    use nianbao::tui::i18n::Lang;
    let mut t = H::new(100, 30);
    t.app.lang = Lang::Zh;
    t.key(KeyCode::Tab).key(KeyCode::BackTab);
    let s = t.screen();
    assert!(s.contains("非模板") && !s.contains("free"), "{s}");
    assert!(s.contains("筛选") && s.contains("机构"), "{s}");
}

#[test]
fn text_boxes_edit_like_a_shell_prompt() {
    let mut t = H::new(80, 24);
    let ctrl = KeyModifiers::CONTROL;
    let alt = KeyModifiers::ALT;
    t.keys("行政 复议 结果");
    t.key_mod(KeyCode::Char('w'), ctrl);
    assert_eq!(t.app.search.input.text, "行政 复议 ");
    t.key_mod(KeyCode::Char('a'), ctrl).keys("x");
    assert_eq!(t.app.search.input.text, "x行政 复议 ");
    t.key_mod(KeyCode::Char('f'), alt);
    t.key_mod(KeyCode::Char('k'), ctrl);
    assert_eq!(t.app.search.input.text, "x行政");
    t.key_mod(KeyCode::Char('b'), alt);
    t.key_mod(KeyCode::Char('e'), ctrl);
    t.key_mod(KeyCode::Char('h'), ctrl);
    assert_eq!(t.app.search.input.text, "x行");
    t.key_mod(KeyCode::Char('u'), ctrl);
    assert_eq!(t.app.search.input.text, "");
    // The same keys in the go-to prompt.
    t.key_mod(KeyCode::Char('g'), ctrl).keys("zhongwei 2024");
    t.key_mod(KeyCode::Char('w'), ctrl);
    let Some(nianbao::tui::state::Overlay::Goto(g)) = &t.app.overlay else {
        panic!()
    };
    assert_eq!(g.input.text, "zhongwei ");
}

#[test]
fn queries_are_recalled_with_ctrl_p_and_up_in_an_empty_query() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.json");
    let mut t = H::new(80, 24);
    t.app.history = nianbao::tui::history::History::load(Some(file.clone()));
    t.keys("依申请公开").key(KeyCode::Enter).key(KeyCode::Esc);
    t.key(KeyCode::Esc).keys("/");
    for _ in 0.."依申请公开".chars().count() {
        t.key(KeyCode::Backspace);
    }
    t.keys("行政复议").key(KeyCode::Enter).key(KeyCode::Esc);
    // A new session reads what the last one saved.
    let mut t = H::new(80, 24);
    t.app.history = nianbao::tui::history::History::load(Some(file));
    assert_eq!(t.app.history.queries, vec!["依申请公开", "行政复议"]);
    t.key(KeyCode::Up);
    assert_eq!(t.app.search.input.text, "行政复议");
    t.key_mod(KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert_eq!(t.app.search.input.text, "依申请公开");
    t.key_mod(KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(t.app.search.input.text, "行政复议");
    t.key_mod(KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(
        t.app.search.input.text, "",
        "past the newest: what was typed"
    );
    // In a query that is not empty, ↑ moves through the hits.
    t.keys("公开").key(KeyCode::Down).key(KeyCode::Up);
    assert_eq!(t.app.search.input.text, "公开");
    // Go-to lists the agencies opened last first.
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL);
    let (cands, _) = t.app.goto_candidates("");
    assert!(!cands.is_empty());
    let last = t.app.history.reports.last().unwrap().agency.clone();
    assert_eq!(cands[0], last);
}

#[test]
fn slash_finds_inside_the_open_report_without_leaving_it() {
    let mut t = H::new(80, 24);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("生态环境 2022")
        .key(KeyCode::Enter);
    let report = |t: &H| match t.app.screens.last() {
        Some(Screen::Report(r)) => (r.matches.len(), r.current_match, r.section),
        _ => panic!("left the report"),
    };
    assert_eq!(report(&t).0, 0, "opened by go-to: nothing to find yet");
    t.keys("/行政复议");
    let (n, cur, section) = report(&t);
    assert!(n >= 2, "{n}");
    assert_eq!(cur, Some(0));
    let s = t.screen();
    assert!(
        s.contains("/行政复议") && s.contains(&format!("match 1 of {n}")),
        "{s}"
    );
    insta::assert_snapshot!("report_find_80x24", s);
    // `n` typed in the prompt is text; after Enter it is the next match.
    t.key(KeyCode::Enter).keys("n");
    assert_eq!(report(&t).1, Some(1));
    assert!(matches!(t.app.screens.last(), Some(Screen::Report(_))));
    // Esc in a new search puts the old matches and place back.
    t.keys("/xyz");
    assert_eq!(report(&t).0, 0);
    t.key(KeyCode::Esc);
    assert_eq!(report(&t).0, n);
    assert_eq!(report(&t).1, Some(1));
    let _ = section;
    // A second Esc leaves the report.
    t.key(KeyCode::Esc);
    assert!(t.app.screens.is_empty());
}

#[test]
fn bookmarks_of_a_report_and_a_table_jump_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.json");
    let mut t = H::new(80, 24);
    t.app.history = nianbao::tui::history::History::load(Some(file.clone()));
    open_table3(&mut t);
    t.keys("m");
    assert!(t.app.status.as_deref().unwrap().starts_with("bookmarked"));
    t.key(KeyCode::Esc).key(KeyCode::Esc);
    t.key_mod(KeyCode::Char('g'), KeyModifiers::CONTROL)
        .keys("zwsgyhxxhj 2024")
        .key(KeyCode::Enter)
        .keys("m");
    while !t.app.screens.is_empty() {
        t.key(KeyCode::Esc);
    }
    // Another session: the list, and Enter on the table's bookmark opens the table.
    let mut t = H::new(80, 24);
    t.app.history = nianbao::tui::history::History::load(Some(file));
    t.key(KeyCode::Esc).keys("'");
    let s = t.screen();
    assert!(s.contains("某某市生态环境局 2022 · 表3"), "{s}");
    assert!(s.contains("中卫市工业和信息化局 2024"), "{s}");
    insta::assert_snapshot!("bookmarks_80x24", s);
    t.key(KeyCode::Enter);
    let Some(Screen::Table(ts)) = t.app.screens.last() else {
        panic!("the bookmarked table is open")
    };
    assert_eq!(ts.table.id, "3");
    // d removes one.
    t.keys("'").keys("d");
    assert_eq!(t.app.history.bookmarks.len(), 1);
}

#[test]
fn copies_carry_headers_a_source_line_and_a_bom_when_asked() {
    let mut t = H::new(80, 24);
    open_table3(&mut t);
    t.keys("JL").keys("cc").keys("y");
    // Markdown: the table's own headers first, then labelled rows.
    let md = t.copies.last().unwrap().clone();
    assert!(
        md.starts_with("|  | 自然人 | 商业企业 |\n|---|---|---|\n| 一、本年新收"),
        "{md}"
    );
    t.app.copy_header = true;
    t.app.csv_bom = true;
    t.keys("ccc").keys("y");
    let csv = t.copies.last().unwrap().clone();
    assert_eq!(
        csv,
        "\u{feff}# 某某市生态环境局 2022 表3 收到和处理政府信息公开申请情况\n44,15\n4,1\n"
    );
}

#[test]
fn an_open_report_whose_file_changed_is_shown_as_it_is_now() {
    let mut t = H::new(80, 24);
    open_table3(&mut t);
    assert!(matches!(t.app.screens.last(), Some(Screen::Table(_))));
    let depth = t.app.screens.len();
    let path = t
        .app
        .screens
        .iter()
        .rev()
        .find_map(|s| match s {
            Screen::Report(r) => Some(r.report.path.clone()),
            _ => None,
        })
        .unwrap();
    // The engine after an update: that report's first figure of table 3 corrected.
    let mut reports = Vec::new();
    for a in t.backend.agencies() {
        for r in t.backend.find(&a.name, None) {
            let mut rep = t.backend.report(&r.path).unwrap();
            if rep.path == path {
                let t3 = rep.tables.iter_mut().find(|t| t.id == "3").unwrap();
                t3.rows[0].values[0] = Some(report::Value::Int(4444));
            }
            reports.push(rep);
        }
    }
    let updated: Arc<dyn Backend> = Arc::new(MemoryIndex::new(reports));
    t.backend = updated.clone();
    t.app.handle(AppEvent::Engine(EngineMsg::Updated(Ok(true))));
    t.app.handle(AppEvent::Engine(EngineMsg::Ready(updated)));
    t.pump();
    // The table opened from the old figures is closed; the report shows the new ones.
    assert_eq!(t.app.screens.len(), depth - 1);
    let Some(Screen::Report(r)) = t.app.screens.last() else {
        panic!("no report")
    };
    let t3 = r.report.tables.iter().find(|t| t.id == "3").unwrap();
    assert_eq!(t3.rows[0].values[0], Some(report::Value::Int(4444)));
    let status = t.app.status.clone().unwrap_or_default();
    assert!(status.contains("changed on disk"), "{status}");
}

/// Regression: a report opened while a newer search is still out marks what found it (the
/// results' own query), not text typed since.
#[test]
fn an_opened_report_marks_the_search_that_found_it_not_text_typed_since() {
    let mut t = H::new(80, 24);
    t.keys("依申请公开");
    for c in " 复议".chars() {
        t.app.handle(AppEvent::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    // The search for "依申请公开 复议" is still running: its request is never answered.
    t.app.effects.clear();
    t.key(KeyCode::Enter);
    let Some(Screen::Report(r)) = t.app.screens.last() else {
        panic!("Enter opens the selected hit");
    };
    assert!(!r.matches.is_empty(), "the report marks 依申请公开");
    for (sec, range) in &r.matches {
        let text = nianbao::tui::screens::report::section_text(&r.report, *sec);
        let marked: String = text[range.clone()].split_whitespace().collect();
        assert_eq!(marked, "依申请公开");
    }
}
