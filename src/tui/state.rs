//! The browser as plain data: the search screen, the stack of screens above it, an overlay,
//! and what they share (the engine, the query, history, settings). Views read it; `events.rs`
//! routes input to the screen that has the focus and does what the screens ask.

pub use super::effect::Effect;
pub use super::input::TextInput;
use super::keys::Ctx;
pub use super::screens::search::{Chip, SearchFocus};
use super::screens::Handler;
pub use super::screens::{report_label, search, Overlay, Screen};
use crate::index::{Backend, Query};
use crate::output::export::Format;
use std::sync::Arc;

/// The engine as the browser sees it.
pub enum Engine {
    Loading { done: usize, total: usize },
    Ready(Arc<dyn Backend>),
    Failed(String),
}

pub struct App {
    pub search: search::State,
    /// The query as the engine takes it: the text of the query line (copied in when a search
    /// is sent), the filter chips and how many hits to fetch.
    pub query: Query,
    /// Screens above the search screen; the last one is shown.
    pub screens: Vec<Screen>,
    pub overlay: Option<Overlay>,
    pub engine: Engine,
    pub status: Option<String>,
    pub copy_format: Format,
    pub size: (u16, u16),
    pub no_color: bool,
    pub quit: bool,
    pub effects: Vec<Effect>,
    /// `nianbao open AGENCY YEAR`: done once the engine is ready.
    pub pending_open: Option<(String, Option<i32>)>,
    /// Open this report (its path in the index) as soon as the engine is ready; chosen on the
    /// command line among two files of one agency and year.
    pub pending_report: Option<String>,
    /// Where the corpus is, for error messages.
    pub corpus: String,
    /// Progress of the background update of a usable index.
    pub updating: Option<(usize, usize)>,
    /// Queries, reports and bookmarks remembered across sessions.
    pub history: super::history::History,
    /// The language of the screens.
    pub lang: super::i18n::Lang,
    /// Copies of tables start with a line naming agency, year and table (config `copy.header`).
    pub copy_header: bool,
    /// CSV copies start with a byte-order mark, for Excel (config `copy.csv_bom`).
    pub csv_bom: bool,
    pub palette: super::config::Palette,
    /// The last job sent for a totals-and-ranking board: an answer to any other is stale.
    pub tally_generation: u64,
    /// The export of the selection (`w` in the hit list) being written, if any.
    pub exporting: Option<Exporting>,
    /// The last export job sent; the thread writes a job only while `export_live` holds it.
    pub export_generation: u64,
    pub export_live: super::export::Live,
    /// Where exports of the selection are written; empty: the working folder.
    pub export_dir: std::path::PathBuf,
}

/// An export of the selection on its way: its job, the selection it writes, and what the
/// status line says meanwhile.
#[derive(Debug, Clone, PartialEq)]
pub struct Exporting {
    pub generation: u64,
    /// The query's text and chips when `w` was pressed (limit and offset 0).
    pub query: Query,
    pub says: String,
}

/// The fewest hits a search asks for first. Building snippets is most of a
/// search's cost, so more are asked for only when the user scrolls near the end.
pub const HIT_LIMIT: usize = 10;

impl App {
    pub fn new(size: (u16, u16), no_color: bool, corpus: &str) -> App {
        App {
            search: search::State::default(),
            query: Query {
                limit: HIT_LIMIT,
                ..Query::default()
            },
            screens: Vec::new(),
            overlay: None,
            engine: Engine::Loading { done: 0, total: 0 },
            status: None,
            copy_format: Format::Tsv,
            size,
            no_color,
            quit: false,
            effects: Vec::new(),
            pending_open: None,
            pending_report: None,
            corpus: corpus.to_string(),
            updating: None,
            history: Default::default(),
            lang: super::i18n::Lang::En,
            copy_header: false,
            csv_bom: false,
            palette: Default::default(),
            tally_generation: 0,
            exporting: None,
            export_generation: 0,
            export_live: Default::default(),
            export_dir: Default::default(),
        }
    }

    /// Where key presses go now.
    pub fn ctx(&self) -> Ctx {
        if let Some(o) = &self.overlay {
            return o.handler().ctx();
        }
        match self.screens.last() {
            Some(s) => s.handler().ctx(),
            None => self.search.ctx(),
        }
    }

    /// Agency candidates and the year typed in a go-to prompt (see `screens::goto`).
    pub fn goto_candidates(&self, input: &str) -> (Vec<String>, Option<i32>) {
        let b = self.backend();
        super::screens::goto::candidates(b.as_deref(), &self.history, input)
    }

    pub fn backend(&self) -> Option<Arc<dyn Backend>> {
        match &self.engine {
            Engine::Ready(b) => Some(b.clone()),
            _ => None,
        }
    }

    /// Breadcrumbs: where the user is, from the search down.
    pub fn breadcrumbs(&self) -> Vec<String> {
        let mut out = vec![self.lang.t().crumb_search.to_string()];
        out.extend(self.screens.iter().filter_map(|s| s.handler().crumb()));
        out
    }

    /// The chips of the query in display order, with their text and starting column.
    pub fn chips(&self) -> Vec<(Chip, String, u16)> {
        search::chips(&self.query, self.lang)
    }
}

/// The status line after a copy: what was copied and through which channels.
pub fn copy_status(lang: super::i18n::Lang, what: &str, via: &str) -> String {
    super::i18n::fill(lang.t().copied, &[("what", &what), ("via", &via)])
}
