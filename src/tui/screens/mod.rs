//! The browser's screens, one module each: its state and its keys (its drawing is in `views/`).
//!
//! A screen sees the rest of the browser only through [`Env`] (read-only) and asks for
//! anything beyond its own state with an [`Outcome`] (open a report, search again, copy),
//! which `App` performs. Adding a screen is one file here, one line in [`screens!`] or
//! [`overlays!`] below, and its drawing in `views/` (one file, one line in `views::draw`).

pub mod bookmarks;
pub mod compare;
pub mod filters;
pub mod goto;
pub mod help;
pub mod report;
pub mod search;
pub mod table;
pub mod tally;

pub use super::effect::Effect;
use super::history::{History, Place};
use super::i18n::Lang;
use super::input::TextInput;
use super::keys::{Action, Ctx};
use crate::index::{Backend, Clause, Query};
use crate::output::export::Format;
use crate::report::Report;
use crossterm::event::MouseEvent;
use ratatui::layout::Rect;

/// What a screen may read of the browser while it handles a key.
pub struct Env<'a> {
    /// The whole terminal.
    pub area: Rect,
    pub lang: Lang,
    /// `None` while the engine loads or after it failed.
    pub backend: Option<&'a dyn Backend>,
    pub history: &'a History,
    /// The query of the search screen: its text, filters and hit limit.
    pub query: &'a Query,
    pub copy: Copying,
}

/// How copies are made (the `c` format and the settings file).
#[derive(Debug, Clone, Copy)]
pub struct Copying {
    pub format: Format,
    /// Copies of tables start with a line naming agency, year and table.
    pub header: bool,
    /// CSV copies start with a byte-order mark.
    pub csv_bom: bool,
}

/// What a screen asks the browser to do after a key.
pub enum Outcome {
    /// A message for the status line.
    Status(String),
    ClearStatus,
    /// Work for the event loop: a copy, an export.
    Effect(Effect),
    /// Show a screen above the current one.
    Push(Screen),
    /// Show a screen instead of the current one.
    Replace(Screen),
    /// Back to the screen below.
    Pop,
    /// Close the overlay (help, filters, go-to, bookmarks).
    Close,
    /// Open this report above what is shown, marking what `clauses` (the search that found
    /// it) match; `query` is that search's text, for the history.
    Open {
        path: String,
        query: String,
        clauses: Vec<Clause>,
    },
    /// Open a bookmark: its report, and its table if it has one.
    OpenPlace(Place),
    /// Open the report of this agency (exact name) for this year, or its latest.
    Goto {
        name: String,
        year: Option<i32>,
    },
    /// Search with these filters (the text and limit are the search screen's).
    Query(Query),
    DeleteBookmark(usize),
    /// Search again: the query's text changed.
    Search,
    /// The hit cursor moved: fetch more hits if it is near the end of those fetched.
    MoreHits,
    /// The filters' lists need working out again with the search results the browser holds.
    RefreshFilters,
    /// The totals-and-ranking screen on top needs its board worked out (again).
    Tally,
    /// Write every report the search selects (its text and chips), off the UI thread.
    Export,
}

/// One screen's behaviour: what the key table calls it, and its keys.
pub trait Handler {
    /// Which bindings of the key table apply.
    fn ctx(&self) -> Ctx;
    /// An action of the key table, in this screen's context.
    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome>;
    /// The text box that has the focus, if any: typed keys and the editing keys go there.
    fn input(&mut self) -> Option<&mut TextInput> {
        None
    }
    /// The focused text box's text changed.
    fn edited(&mut self, _env: &Env) -> Vec<Outcome> {
        Vec::new()
    }
    fn mouse(&mut self, _m: MouseEvent, _env: &Env) -> Vec<Outcome> {
        Vec::new()
    }
    /// The terminal is now `area`.
    fn resized(&mut self, _area: Rect) {}
    /// Its place in the breadcrumbs.
    fn crumb(&self) -> Option<String> {
        None
    }
}

/// A report as the breadcrumbs and copies name it: agency and year.
pub fn report_label(r: &Report) -> String {
    let agency = r.agency.as_deref().unwrap_or("（机构不详）");
    match r.year {
        Some(y) => format!("{agency} {y}"),
        None => agency.to_string(),
    }
}

/// The screens of the stack above the search screen: each one line, `Name(module::State)`, and
/// `State: Handler`.
macro_rules! screens {
    ($($(#[$doc:meta])* $name:ident($ty:ty),)*) => {
        /// A screen above the search screen.
        pub enum Screen {
            $($(#[$doc])* $name(Box<$ty>),)*
        }

        impl Screen {
            pub fn handler(&self) -> &dyn Handler {
                match self {
                    $(Screen::$name(s) => &**s,)*
                }
            }

            pub fn handler_mut(&mut self) -> &mut dyn Handler {
                match self {
                    $(Screen::$name(s) => &mut **s,)*
                }
            }
        }
    };
}

screens! {
    /// One report: outline, tables, text.
    Report(report::State),
    /// One table of a report as a grid.
    Table(table::State),
    /// One table of one agency across its years.
    Compare(compare::State),
    /// A table summed and the reports ranked over what the search selects.
    Tally(tally::State),
}

/// The overlays: each one line, `Name(module::State)`, and `State: Handler`.
macro_rules! overlays {
    ($($(#[$doc:meta])* $name:ident($ty:ty),)*) => {
        /// A box over the current screen that takes the keys until it is closed.
        pub enum Overlay {
            $($(#[$doc])* $name($ty),)*
        }

        impl Overlay {
            pub fn handler(&self) -> &dyn Handler {
                match self {
                    $(Overlay::$name(s) => s,)*
                }
            }

            pub fn handler_mut(&mut self) -> &mut dyn Handler {
                match self {
                    $(Overlay::$name(s) => s,)*
                }
            }
        }
    };
}

overlays! {
    /// `?`: the keys of where the user is.
    Help(help::State),
    /// `'`: reports and tables marked with `m`.
    Bookmarks(bookmarks::State),
    /// Tab: agency, year and template filters with their counts.
    Filters(filters::State),
    /// Ctrl-G: a report by agency and year.
    Goto(goto::State),
}

/// A cursor moved by `a` (↓ ↑) in a list of `n`.
pub fn step(cursor: usize, a: Action, n: usize) -> usize {
    match a {
        Action::Down => (cursor + 1).min(n.saturating_sub(1)),
        Action::Up => cursor.saturating_sub(1),
        _ => cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::MemoryIndex;
    use crate::report::Template;

    fn engine() -> MemoryIndex {
        let report = |agency: &str, year: i32| {
            let mut r = crate::report::parse_text(&format!("{agency}/{year}.txt"), "政府信息公开");
            r.agency = Some(agency.into());
            r.year = Some(year);
            r
        };
        MemoryIndex::new(vec![
            report("中卫市工业和信息化局", 2023),
            report("中卫市工业和信息化局", 2024),
            report("石嘴山市公共资源交易中心", 2024),
        ])
    }

    fn env<'a>(b: &'a MemoryIndex, history: &'a History, query: &'a Query) -> Env<'a> {
        Env {
            area: Rect::new(0, 0, 80, 24),
            lang: Lang::En,
            backend: Some(b),
            history,
            query,
            copy: Copying {
                format: Format::Tsv,
                header: false,
                csv_bom: false,
            },
        }
    }

    /// A screen works on its own: keys in, outcomes out, no `App` needed.
    #[test]
    fn filters_list_what_was_typed_and_ask_for_a_new_query() {
        let b = engine();
        let (history, query) = (History::default(), Query::default());
        let results = b.search(&Query {
            limit: 10,
            ..Query::default()
        });
        let results = results.ok();
        let env = env(&b, &history, &query);
        let mut p = filters::State::new(&env, results.as_ref());
        assert_eq!(p.agencies.len(), 2, "every agency with hits before typing");
        assert_eq!(p.years, [(2024, 2), (2023, 1)]);
        p.agency_input = TextInput::new("szs");
        assert!(matches!(p.edited(&env)[..], [Outcome::RefreshFilters]));
        p.refresh(&env, results.as_ref());
        assert_eq!(p.agencies, [("石嘴山市公共资源交易中心".to_string(), 1)]);
        let Some(Outcome::Query(q)) = p.handle(Action::Open, &env).pop() else {
            panic!("choosing an agency asks for a search");
        };
        assert_eq!(q.agencies, ["石嘴山市公共资源交易中心"]);
        p.handle(Action::SwitchFocusBack, &env);
        let Some(Outcome::Query(q)) = p.handle(Action::Open, &env).pop() else {
            panic!("choosing a template asks for a search");
        };
        assert_eq!(q.template, Some(Template::T2021));
    }

    #[test]
    fn goto_lists_candidates_when_the_input_changes_and_names_the_report() {
        let b = engine();
        let (history, query) = (History::default(), Query::default());
        let env = env(&b, &history, &query);
        let mut g = goto::State::new("zhongwei", &env);
        assert_eq!(
            g.cands,
            [("中卫市工业和信息化局".to_string(), vec![2023, 2024])]
        );
        g.input = TextInput::new("nowhere 2023");
        g.edited(&env);
        assert!(g.cands.is_empty());
        assert_eq!(g.year, Some(2023));
        assert!(g.handle(Action::Open, &env).is_empty());
        assert!(g.error.is_some(), "no agency: said in the prompt");
        g.input = TextInput::new("szs 2024");
        g.edited(&env);
        assert!(g.error.is_none());
        let Some(Outcome::Goto { name, year }) = g.handle(Action::Open, &env).pop() else {
            panic!("Enter on a candidate opens its report");
        };
        assert_eq!(
            (name.as_str(), year),
            ("石嘴山市公共资源交易中心", Some(2024))
        );
    }
}
