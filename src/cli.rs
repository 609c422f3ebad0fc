//! The command line: clap definitions, turned once into a validated [`Config`].

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Search and browse Chinese government information-disclosure annual reports (政府信息公开工作年度报告)"
)]
pub struct Cli {
    /// The corpus: a folder of reports (.txt, any depth).
    #[arg(long, global = true, env = "NIANBAO_CORPUS", value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Where the index lives (default: one per corpus in the user's cache folder).
    #[arg(long, global = true, env = "NIANBAO_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse report files and print them (a summary, or the JSON contract with --json).
    Parse {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// One JSON object per file, one per line.
        #[arg(long)]
        json: bool,
        /// With the summary, print each section's text too.
        #[arg(long)]
        sections: bool,
    },
    /// Build or update the index of the corpus.
    Index {
        /// Throw the index away and build it again.
        #[arg(long)]
        rebuild: bool,
        #[arg(long)]
        json: bool,
    },
    /// Search the reports: words are ANDed, "quoted phrases", -exclude.
    Search(SearchArgs),
    /// Show one report (AGENCY YEAR, or a path), or one of its tables.
    Show {
        /// The agency (Chinese, part of the name, pinyin or initials), or a report's path.
        target: String,
        year: Option<i32>,
        /// Only this table (2-1, 2-5, 2-6, 2-8, 2-9, 3, 4).
        #[arg(long)]
        table: Option<String>,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Every agency with the years it has reports for.
    Agencies {
        #[arg(long)]
        json: bool,
    },
    /// Every arithmetic rule that fails or cannot be assessed, across the corpus.
    Check {
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        year: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Open the browser directly on one agency's report for a year.
    Open { agency: String, year: Option<i32> },
}

/// `nianbao search`'s arguments, handed to the command as they are.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only this agency (Chinese, part of the name, or pinyin).
    #[arg(long)]
    pub agency: Option<String>,
    /// One year (2023) or a range (2021..2024).
    #[arg(long)]
    pub year: Option<String>,
    #[arg(long)]
    pub template: Option<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Tsv,
    Csv,
    Md,
    Json,
}

/// Paths every command works on, resolved once.
#[derive(Debug, Clone)]
pub struct Config {
    pub corpus: PathBuf,
    /// `None`: the default, one index per corpus in the cache folder.
    pub index: Option<PathBuf>,
}

impl Config {
    pub fn from_cli(cli: &Cli) -> Config {
        Config {
            corpus: cli
                .corpus
                .clone()
                .unwrap_or_else(|| PathBuf::from("corpus")),
            index: cli.index.clone(),
        }
    }
}

/// `2023` or `2021..2024` (also `2021-2024`) as an inclusive range.
pub fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let s = s.trim();
    let parts: Vec<&str> = if s.contains("..") {
        s.splitn(2, "..").collect()
    } else if s.contains('-') {
        s.splitn(2, '-').collect()
    } else {
        vec![s, s]
    };
    let p = |x: &str| {
        x.trim()
            .parse::<i32>()
            .map_err(|_| format!("\"{s}\" is not a year or a range of years like 2021..2024"))
    };
    let (a, b) = (p(parts[0])?, p(parts[1])?);
    Ok((a.min(b), a.max(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(parse_years("2023"), Ok((2023, 2023)));
        assert_eq!(parse_years("2024..2021"), Ok((2021, 2024)));
        assert_eq!(parse_years("2021-2022"), Ok((2021, 2022)));
        assert!(parse_years("x").is_err());
    }
}
