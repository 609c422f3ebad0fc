//! One function per subcommand: each takes the [`crate::cli::Config`] and writes to the given output.

pub mod parse;
