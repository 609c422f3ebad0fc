//! The bookmarks overlay (`'`): reports and tables marked with `m`, to jump back to.

use super::{step, Env, Handler, Outcome};
use crate::tui::keys::{Action, Ctx};

#[derive(Default)]
pub struct State {
    /// Position in the history's bookmarks.
    pub cursor: usize,
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        Ctx::Bookmarks
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        let n = env.history.bookmarks.len();
        match a {
            Action::Down | Action::Up => self.cursor = step(self.cursor, a, n),
            Action::Delete if self.cursor < n => {
                let i = self.cursor;
                self.cursor = i.min(n.saturating_sub(2));
                return vec![Outcome::DeleteBookmark(i)];
            }
            Action::Open => {
                if let Some(p) = env.history.bookmarks.get(self.cursor) {
                    return vec![Outcome::Close, Outcome::OpenPlace(p.clone())];
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
