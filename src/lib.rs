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

/// Work across reports and indexing make and drop millions of small allocations (rows, cells,
/// labels); glibc's allocator spent a third of a totals-and-ranking run consolidating and
/// unlinking chunks. Set here, in the library, so the binary, the benchmarks and the tests all
/// run on the allocator users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
