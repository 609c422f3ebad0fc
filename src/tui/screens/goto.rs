//! The go-to overlay (Ctrl-G, `g`): an agency (Chinese or pinyin) and a year; the agencies the
//! input can mean are listed, worked out when the input changes.

use super::{step, Env, Handler, Outcome};
use crate::index::Backend;
use crate::tui::history::History;
use crate::tui::input::TextInput;
use crate::tui::keys::{Action, Ctx};

pub struct State {
    pub input: TextInput,
    /// Position in `cands`.
    pub cursor: usize,
    pub error: Option<String>,
    /// The agencies the input can mean, best first, each with its years (ascending).
    pub cands: Vec<(String, Vec<i32>)>,
    /// The year typed after the agency, if any.
    pub year: Option<i32>,
}

impl State {
    pub fn new(text: &str, env: &Env) -> State {
        let mut s = State {
            input: TextInput::new(text),
            cursor: 0,
            error: None,
            cands: Vec::new(),
            year: None,
        };
        s.refresh(env);
        s
    }

    /// The candidates for the input as it is now (and the engine as it is now).
    pub fn refresh(&mut self, env: &Env) {
        let (names, year) = candidates(env.backend, env.history, &self.input.text);
        let all = match (names.is_empty(), env.backend) {
            (false, Some(b)) => b.agencies(),
            _ => Vec::new(),
        };
        self.cands = names
            .into_iter()
            .map(|n| {
                let years = all
                    .iter()
                    .find(|a| a.name == n)
                    .map(|a| a.years.clone())
                    .unwrap_or_default();
                (n, years)
            })
            .collect();
        self.year = year;
    }

    /// The year the candidate at `i` opens at: the typed one only if it has a report for it
    /// (a year it lacks is never preselected), else none (its latest, or the user chooses).
    pub fn year_for(&self, i: usize) -> Option<i32> {
        let (_, years) = self.cands.get(i)?;
        self.year.filter(|y| years.contains(y))
    }

    /// Whether the year typed is one the candidate at `i` lacks.
    pub fn lacks_year(&self, i: usize) -> bool {
        self.year.is_some() && self.year_for(i).is_none()
    }
}

/// Agency candidates and the year typed in a go-to prompt: recently opened agencies first,
/// then the engine's order; with nothing typed, the agencies of the reports opened last.
pub fn candidates(
    backend: Option<&dyn Backend>,
    history: &History,
    input: &str,
) -> (Vec<String>, Option<i32>) {
    let mut words: Vec<&str> = input.split_whitespace().collect();
    let year = words
        .last()
        .and_then(|w| w.trim_end_matches('年').parse::<i32>().ok())
        .filter(|y| (1900..=2200).contains(y));
    if year.is_some() {
        words.pop();
    }
    let agency = words.join(" ");
    let recent = history.recent_agencies();
    let mut cands = match backend {
        Some(b) if !agency.is_empty() => b.resolve_agency(&agency),
        Some(b) => {
            let known = b.agencies();
            recent
                .iter()
                .filter(|r| known.iter().any(|a| &a.name == *r))
                .cloned()
                .collect()
        }
        None => Vec::new(),
    };
    cands.sort_by_key(|c| recent.iter().position(|r| r == c).unwrap_or(usize::MAX));
    (cands, year)
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        Ctx::Goto
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        match a {
            Action::Down | Action::Up => self.cursor = step(self.cursor, a, self.cands.len()),
            Action::Complete => {
                if let Some((name, _)) = self.cands.get(self.cursor) {
                    let y = self
                        .year_for(self.cursor)
                        .map_or(String::new(), |y| y.to_string());
                    self.input = TextInput::new(&format!("{name} {y}"));
                    self.refresh(env);
                }
                self.cursor = 0;
            }
            Action::Open => match self.cands.get(self.cursor) {
                None if self.input.text.trim().is_empty() => {
                    self.error = Some("type an agency and a year".into())
                }
                None => {
                    self.error = Some(format!("no agency matches “{}”", self.input.text.trim()))
                }
                // The browser closes the prompt once the report is open, or says why not.
                Some((name, _)) => {
                    return vec![Outcome::Goto {
                        name: name.clone(),
                        year: self.year,
                    }]
                }
            },
            _ => {}
        }
        Vec::new()
    }

    fn input(&mut self) -> Option<&mut TextInput> {
        Some(&mut self.input)
    }

    fn edited(&mut self, env: &Env) -> Vec<Outcome> {
        self.cursor = 0;
        self.error = None;
        self.refresh(env);
        Vec::new()
    }
}
