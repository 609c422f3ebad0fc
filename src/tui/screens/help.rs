//! The help overlay (`?`, F1): the key table's bindings for where the user was, scrolled.

use super::{Env, Handler, Outcome};
use crate::tui::keys::{self, Action, Ctx};
use crate::tui::layout;

pub struct State {
    /// Whose keys are shown.
    pub ctx: Ctx,
    /// First shown line.
    pub scroll: usize,
}

impl State {
    pub fn new(ctx: Ctx) -> State {
        State { ctx, scroll: 0 }
    }
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        Ctx::Help
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        // The help stops at its end: the last line stays at the bottom.
        let (_, shown, max) = layout::help(env.area, &keys::help_lines(self.ctx, env.lang));
        let page = shown.saturating_sub(1).max(1);
        self.scroll = match a {
            Action::Down => self.scroll + 1,
            Action::Up => self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll + page,
            Action::PageUp => self.scroll.saturating_sub(page),
            _ => self.scroll,
        }
        .min(max);
        Vec::new()
    }
}
