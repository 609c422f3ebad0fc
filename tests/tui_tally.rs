//! The browser's totals-and-ranking screen on TestBackend: its keys and states, "computing…"
//! until the answer for its settings comes and a stale answer dropped, empty states, `w`, Enter
//! to the compare screen, snapshots at 80×24 and 140×40, and on a generated corpus whose
//! figures are known, the same ranking as `nianbao rank` for the same selection.

mod common;

use common::synth::{Rng, Truth};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nianbao::index::{Backend, Index, MemoryIndex};
use nianbao::report;
use nianbao::tui::events::AppEvent;
use nianbao::tui::screens::tally::{Answer, State as TallyState};
use nianbao::tui::state::{App, Effect, Screen};
use nianbao::tui::tally::{compute, Cache, Job};
use nianbao::tui::views;
use nianbao::tui::worker::EngineMsg;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;

const BIG: &str = "宁夏回族自治区中卫市财政局";
const CENTRE: &str = "中卫市公共资源交易中心";
const SMALL: &str = "银川市发展和改革委员会";
const COUNTY: &str = "河南省焦作市修武县人民政府";

/// Four agencies over 2021–2023: large ones, and a small one whose rates are over too few
/// cases to be ranked.
fn truths() -> Vec<Truth> {
    let mut rng = Rng(0x7a11);
    let mut out = Vec::new();
    for (agency, scale) in [(BIG, 12), (CENTRE, 8), (SMALL, 1), (COUNTY, 20)] {
        for y in 2021..=2023 {
            out.push(Truth::generate(&mut rng, agency, y, None, scale));
        }
    }
    out
}

fn memory(truths: &[Truth]) -> Arc<dyn Backend> {
    let reports = truths
        .iter()
        .map(|t| report::parse_text(&format!("corpus/{}/{}.txt", t.agency, t.year), &t.text()))
        .collect();
    Arc::new(MemoryIndex::new(reports))
}

struct H {
    app: App,
    term: Terminal<TestBackend>,
    writes: Vec<(PathBuf, String)>,
    /// Jobs sent and not answered yet.
    jobs: Vec<Job>,
    /// Answer every job as soon as it is sent (as a quick thread would).
    answer: bool,
    cache: Cache,
}

impl H {
    fn new(w: u16, h: u16, b: Arc<dyn Backend>) -> H {
        let mut app = App::new((w, h), false, "corpus");
        app.handle(AppEvent::Engine(EngineMsg::Ready(b)));
        app.effects.clear();
        H {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
            writes: Vec::new(),
            jobs: Vec::new(),
            answer: true,
            cache: Cache::default(),
        }
    }

    fn pump(&mut self) {
        for e in std::mem::take(&mut self.app.effects) {
            match e {
                Effect::Write { path, text } => {
                    self.app.status = Some(format!("written to {}", path.display()));
                    self.writes.push((path, text));
                }
                Effect::Tally(job) => self.jobs.push(job),
                _ => {}
            }
        }
        if self.answer {
            self.deliver_all();
        }
    }

    /// Works out every job sent, in the order sent, and hands each answer to the browser.
    fn deliver_all(&mut self) {
        for job in std::mem::take(&mut self.jobs) {
            let board = compute(&job, &mut self.cache);
            self.app.handle(AppEvent::Tally {
                generation: job.generation,
                board,
            });
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        let m = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        self.app.handle(AppEvent::Key(KeyEvent::new(code, m)));
        self.pump();
        self
    }

    fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// Types `query` on the query line, leaves it and opens the screen with `R`.
    fn open(&mut self, query: &str) -> &mut Self {
        self.keys(query).key(KeyCode::Esc).keys("R")
    }

    fn tally(&self) -> &TallyState {
        match self.app.screens.last() {
            Some(Screen::Tally(t)) => t,
            _ => panic!("not on the totals screen"),
        }
    }

    fn screen(&mut self) -> String {
        // Drawn whole: TestBackend does not blank the cell a wide character covers, as a
        // terminal does, so a cell the diff skips could keep a symbol of an earlier frame.
        self.term.clear().unwrap();
        self.term.draw(|f| views::draw(f, &self.app)).unwrap();
        common::screen_text(self.term.backend())
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (140, 40)];

/// 予以公开率 of one truth: 予以公开 over （七）总计, both 总计 column.
fn disclosed(t: &Truth) -> Option<f64> {
    let rows = common::synth::t3_rows(t.template2019);
    let at = |label: &str| rows.iter().position(|(l, _)| *l == label).unwrap();
    let num = t.t3[at("（一）予以公开")][6]? as f64;
    let den = t.t3[at("（七）总计")][6]? as f64;
    (den >= 30.0).then(|| num / den * 100.0)
}

#[test]
fn the_screen_ranks_what_the_search_selects_and_sums_its_table_by_year() {
    let tr = truths();
    let mut t = H::new(80, 24, memory(&tr));
    t.open("");
    let s = t.tally();
    let b = s.board().expect("answered");
    assert_eq!(b.selected, tr.len());
    // Ranked by 予以公开率, most first, exactly the reports with 30 cases or more.
    let mut want: Vec<(String, i32, f64)> = tr
        .iter()
        .filter_map(|x| Some((x.agency.clone(), x.year, disclosed(x)?)))
        .collect();
    want.sort_by(|a, b| b.2.total_cmp(&a.2));
    let got: Vec<(String, i32, f64)> = b
        .ranking
        .ranked
        .iter()
        .map(|r| (r.agency.clone(), r.year.unwrap(), r.value))
        .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((&g.0, g.1), (&w.0, w.1));
        assert!((g.2 - w.2).abs() < 1e-9);
    }
    // The small agency's rates: not ranked, over too few cases.
    assert!(b
        .ranking
        .not_ranked
        .iter()
        .any(|n| n.agency == SMALL && n.reason.starts_with("fewer than 30 cases")));
    // Table 3's 一、本年新收 总计, summed by year, equals the truth's sum.
    let sums = s.sums();
    assert_eq!(sums.years, vec![Some(2021), Some(2022), Some(2023)]);
    assert_eq!(sums.column.as_deref(), Some("总计"));
    let new = &sums
        .rows
        .iter()
        .find(|(l, _)| l == "一、本年新收政府信息公开申请数量")
        .unwrap()
        .1;
    for (i, y) in (2021..=2023).enumerate() {
        let truth: i64 = tr
            .iter()
            .filter(|x| x.year == y)
            .map(|x| x.t3[0][6].unwrap())
            .sum();
        assert_eq!(new[i].map(|v| v.as_f64() as i64), Some(truth), "{y}");
    }
    assert_eq!(sums.counted, vec![4, 4, 4]);
}

#[test]
fn keys_switch_the_table_the_measure_and_the_order_and_each_asks_again() {
    let tr = truths();
    let mut t = H::new(80, 24, memory(&tr));
    t.open("");
    let g0 = t.tally().generation;
    t.keys("t");
    assert_eq!(t.tally().table, nianbao::report::TableId::T4);
    assert!(t.tally().generation > g0);
    // Table 4 has one row: its columns are the rows of the sums.
    let sums = t.tally().sums();
    assert_eq!(sums.column, None);
    assert_eq!(sums.rows[0].0, "行政复议 结果维持");
    let t4: i64 = tr.iter().filter(|x| x.year == 2022).map(|x| x.t4[0]).sum();
    assert_eq!(sums.rows[0].1[1].map(|v| v.as_f64() as i64), Some(t4));
    t.keys("T");
    assert_eq!(t.tally().table, nianbao::report::TableId::T3);
    t.keys("T");
    assert_eq!(t.tally().table, nianbao::report::TableId::T2_9);
    t.keys("t");
    // The measure: the next metric, then back; the order reversed.
    let first = t.tally().by().name();
    t.keys("m");
    assert_ne!(t.tally().by().name(), first);
    assert_eq!(
        t.tally().board().unwrap().ranking.by,
        format!("{} (%)", t.tally().by().name())
    );
    t.keys("M");
    assert_eq!(t.tally().by().name(), first);
    t.keys("r");
    let r = &t.tally().board().unwrap().ranking;
    assert!(!r.descending);
    assert!(r.ranked.windows(2).all(|p| p[0].value <= p[1].value));
    // The cursor walks the ranked reports then those not ranked.
    let n = t.tally().lines().len();
    t.key(KeyCode::End);
    assert_eq!(t.tally().cur, n - 1);
    assert_eq!(t.tally().lines()[n - 1].rank, None);
    t.keys("k");
    assert_eq!(t.tally().cur, n - 2);
    t.key(KeyCode::Home);
    assert_eq!(t.tally().cur, 0);
    // `?` lists the screen's keys.
    t.keys("?");
    let s = t.screen();
    assert!(s.contains("rank by the next metric or figure"), "{s}");
    t.key(KeyCode::Esc).key(KeyCode::Esc);
    assert!(t.app.screens.is_empty(), "Esc: back to the hits");
}

#[test]
fn computing_is_shown_and_a_stale_answer_is_never_shown() {
    let tr = truths();
    let mut t = H::new(80, 24, memory(&tr));
    t.answer = false;
    t.open("");
    assert_eq!(t.tally().answer, Answer::Computing);
    let s = t.screen();
    assert!(s.contains("computing…"), "{s}");
    // Two changes before any answer: the first two answers are stale.
    t.keys("m").keys("m");
    assert_eq!(t.jobs.len(), 3);
    let want = t.tally().by().name();
    let jobs = std::mem::take(&mut t.jobs);
    for job in &jobs[..2] {
        let board = compute(job, &mut t.cache);
        t.app.handle(AppEvent::Tally {
            generation: job.generation,
            board,
        });
        assert_eq!(t.tally().answer, Answer::Computing, "stale: dropped");
    }
    let board = compute(&jobs[2], &mut t.cache).unwrap();
    assert!(board.ranking.by.starts_with(&want));
    t.app.handle(AppEvent::Tally {
        generation: jobs[2].generation,
        board: Ok(board),
    });
    assert!(t.tally().board().is_some());
    // An answer for a screen closed since goes nowhere.
    t.keys("t");
    let job = t.jobs.pop().unwrap();
    t.key(KeyCode::Esc);
    let board = compute(&job, &mut t.cache);
    t.app.handle(AppEvent::Tally {
        generation: job.generation,
        board,
    });
    assert!(t.app.screens.is_empty());
    // A new engine (the index updated): the board is worked out again.
    t.keys("R");
    t.deliver_all();
    assert!(t.tally().board().is_some());
    t.app
        .handle(AppEvent::Engine(EngineMsg::Ready(memory(&tr))));
    t.pump();
    assert_eq!(t.tally().answer, Answer::Computing);
    assert_eq!(t.jobs.len(), 1);
}

#[test]
fn w_writes_the_ranking_and_enter_compares_the_agency() {
    let tr = truths();
    let mut t = H::new(80, 24, memory(&tr));
    t.open("");
    t.keys("w");
    let (path, text) = t.writes.pop().expect("a file");
    assert_eq!(
        path,
        PathBuf::from("nianbao-rank-予以公开率-all-12-reports.csv")
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "rank,agency,year,value,cases,path,not ranked because"
    );
    let r = &t.tally().board().unwrap().ranking;
    assert_eq!(lines.len(), 1 + r.ranked.len() + r.not_ranked.len());
    let top = &r.ranked[0];
    assert!(lines[1].starts_with(&format!(
        "1,{},{},{}",
        top.agency,
        top.year.unwrap(),
        top.value
    )));
    assert!(
        lines.last().unwrap().starts_with(','),
        "not ranked: no rank"
    );
    let agency = top.agency.clone();
    t.key(KeyCode::Enter);
    match t.app.screens.last() {
        Some(Screen::Compare(c)) => {
            assert_eq!(c.cmp.agency, agency);
            assert_eq!(c.cmp.years, vec![2021, 2022, 2023]);
        }
        _ => panic!("Enter opens the comparison"),
    }
    t.key(KeyCode::Esc);
    assert!(matches!(t.app.screens.last(), Some(Screen::Tally(_))));
}

#[test]
fn snapshots_and_empty_states() {
    let tr = truths();
    for (w, h) in SIZES {
        let mut t = H::new(w, h, memory(&tr));
        t.open("");
        let s = t.screen();
        assert!(s.contains("12 selected · 12 summed in 表3"), "{s}");
        assert!(s.contains("not ranked") || s.contains("予以公开"), "{s}");
        insta::assert_snapshot!(format!("tally_{w}x{h}"), s);
        // Ranked by a figure: no cases column, the bars follow the list.
        t.keys("MMMM");
        let s = t.screen();
        assert!(s.contains("表3 一、本年新收"), "{s}");
        insta::assert_snapshot!(format!("tally_figure_{w}x{h}"), s);
        // A table no report has.
        t.keys("T");
        let s = t.screen();
        assert!(
            s.contains("No report of the selection has a whole 表2-9"),
            "{s}"
        );
        assert!(s.contains("12 left out: 12 no table 2-9"), "{s}");
        insta::assert_snapshot!(format!("tally_no_table_{w}x{h}"), s);
        // Nothing selected.
        t.key(KeyCode::Esc).keys("i").keys("鹦鹉螺号");
        t.key(KeyCode::Esc).keys("R");
        let s = t.screen();
        assert!(s.contains("No report matches this search"), "{s}");
        insta::assert_snapshot!(format!("tally_nothing_{w}x{h}"), s);
    }
}

/// On an index of the generated corpus, for a query and a year chip: the screen's ranking is
/// the one `nianbao rank` gives for the same selection, for a metric and for a figure.
#[test]
fn the_screen_ranks_as_the_command_line_does() {
    let tr = truths();
    let env = common::Env {
        dir: tempfile::tempdir().unwrap(),
    };
    for x in &tr {
        env.write(&format!("{}/{}.txt", x.agency, x.year), x.text().as_bytes());
    }
    env.ok(&["index"]);
    let index: Arc<dyn Backend> = Arc::new(Index::open(&env.index()).unwrap());
    let mut t = H::new(140, 40, index);
    t.app.query.years = Some((2022, 2023));
    t.open("中卫");
    let mut checked = 0;
    for presses in ["", "mmm", "MMMM"] {
        t.keys(presses);
        let s = t.tally();
        let b = s.board().unwrap();
        assert_eq!(b.selected, 4, "two agencies of 中卫, two years");
        let cli = env.json(&[
            "rank",
            "--json",
            "--by",
            &s.by().arg(),
            "--year",
            "2022..2023",
            "中卫",
        ]);
        let ranked: Vec<(u64, String, i64, f64)> = cli["ranked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["rank"].as_u64().unwrap(),
                    r["agency"].as_str().unwrap().to_string(),
                    r["year"].as_i64().unwrap(),
                    r["value"].as_f64().unwrap(),
                )
            })
            .collect();
        let shown: Vec<(u64, String, i64, f64)> = b
            .ranking
            .ranked
            .iter()
            .map(|r| {
                (
                    r.rank as u64,
                    r.agency.clone(),
                    i64::from(r.year.unwrap()),
                    r.value,
                )
            })
            .collect();
        assert_eq!(shown, ranked, "{}", s.by().name());
        let not: Vec<(String, String)> = cli["not_ranked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["agency"].as_str().unwrap().to_string(),
                    r["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let shown: Vec<(String, String)> = b
            .ranking
            .not_ranked
            .iter()
            .map(|r| (r.agency.clone(), r.reason.clone()))
            .collect();
        assert_eq!(shown, not, "{}", s.by().name());
        checked += ranked.len();
    }
    assert!(checked >= 4, "something was ranked: {checked}");
}

/// A rate over no cases is `—` on the screen and never ranked; a report without table 3 is
/// left out of the sum and said to be.
#[test]
fn a_rate_over_no_cases_is_a_dash_and_a_report_without_the_table_is_left_out() {
    let mut rng = Rng(5);
    let big = Truth::generate(&mut rng, BIG, 2023, None, 12);
    let mut zero = Truth::generate(&mut rng, "永宁县审计局", 2023, None, 0);
    for row in zero.t3.iter_mut() {
        for v in row.iter_mut() {
            *v = Some(0);
        }
    }
    let mut reports: Vec<report::Report> = [&big, &zero]
        .iter()
        .map(|t| report::parse_text(&format!("corpus/{}/{}.txt", t.agency, t.year), &t.text()))
        .collect();
    reports.push(report::parse_text(
        "corpus/某某市档案馆/2023.txt",
        "某某市档案馆2023年政府信息公开工作年度报告\n\n一、总体情况\n\n本馆依法公开档案信息。\n",
    ));
    let mut t = H::new(80, 24, Arc::new(MemoryIndex::new(reports)));
    t.open("");
    let lines = t.tally().lines();
    let z = lines
        .iter()
        .find(|l| l.agency == "永宁县审计局")
        .expect("listed");
    assert_eq!((z.rank, z.value), (None, None));
    assert_eq!(lines[0].agency, BIG);
    assert_eq!(lines[0].rank, Some(1));
    let s = t.screen();
    let row = s
        .lines()
        .find(|l| l.contains("永宁县审计局"))
        .expect("on the screen");
    assert!(row.contains('—') && !row.contains("NaN"), "{row}");
    assert!(
        s.contains("3 selected · 2 summed in 表3 · 1 left out: 1 no table 3"),
        "{s}"
    );
}

/// `J`/`K` scroll the sums: every row of table 3's sums can be brought on screen, a line says
/// how many are above and below, the last row ends the window, `K` comes back at once, and
/// another table starts from its first row.
#[test]
fn the_sums_scroll_to_their_last_row_and_back() {
    let tr = truths();
    let mut t = H::new(80, 24, memory(&tr));
    t.open("");
    let rows = t.tally().sums().rows.clone();
    assert!(rows.len() > 20, "table 3 has {} rows", rows.len());
    let label =
        |r: &(String, Vec<Option<nianbao::report::Value>>)| nianbao::output::across::plain(&r.0);
    let s = t.screen();
    assert!(s.contains("more rows (J)"), "{s}");
    assert!(!s.contains("rows above"), "{s}");
    let mut seen = std::collections::HashSet::new();
    let mut presses = 0;
    loop {
        let s = t.screen();
        for r in &rows {
            let l = label(r);
            let shown: String = l.chars().take(8).collect();
            if s.contains(&shown) {
                seen.insert(l);
            }
        }
        if !s.contains("more rows (J)") {
            break;
        }
        t.keys("J");
        presses += 1;
        assert!(presses <= rows.len(), "J never reached the end:\n{s}");
    }
    let s = t.screen();
    assert!(s.contains("rows above (K)"), "{s}");
    let last: String = label(rows.last().unwrap()).chars().take(8).collect();
    assert!(s.contains(&last), "the last row is shown at the end:\n{s}");
    assert_eq!(
        seen.len(),
        rows.iter()
            .map(label)
            .collect::<std::collections::HashSet<_>>()
            .len()
    );
    // Past the end J does nothing, so one K moves the window at once.
    let end = t.tally().sums_offset;
    t.keys("JJJ");
    assert_eq!(t.tally().sums_offset, end);
    t.keys("K");
    assert_eq!(t.tally().sums_offset, end - 1);
    insta::assert_snapshot!("tally_sums_scrolled_80x24", t.screen());
    t.keys("t");
    t.deliver_all();
    assert_eq!(
        t.tally().sums_offset,
        0,
        "another table starts at its first row"
    );
}
