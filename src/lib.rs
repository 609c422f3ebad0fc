//! nianbao: search and browse Chinese government information-disclosure annual reports.
//!
//! Data flows one way, on [`text`]'s primitives: [`report`] (decode, parse, check) → [`index`] (schema, tokenizer,
//! indexing, queries) → `tui` and [`commands`]; [`output`] formats for both.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod index;
pub mod output;
pub mod report;
pub mod source;
pub mod text;
pub mod tui;
