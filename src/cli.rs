//! The command line: clap definitions, turned once into a validated [`Config`].

use crate::report::TableId;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Search and browse Chinese government information-disclosure annual reports (政府信息公开工作年度报告)"
)]
pub struct Cli {
    /// The corpus: a folder of reports (.txt, .md, .pdf, .html, .docx; any depth).
    #[arg(long, global = true, env = "NIANBAO_CORPUS", value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Where the index lives (default: one per corpus in the user's cache folder).
    #[arg(long, global = true, env = "NIANBAO_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Follow symbolic links inside the corpus when indexing (never to files outside it).
    #[arg(long, global = true, env = "NIANBAO_FOLLOW_LINKS")]
    pub follow_links: bool,
    /// The size cap of one report in bytes (PDF/DOCX: 8 times it); larger files are named
    /// failures, never read [default: 5242880, 5 MiB].
    #[arg(
        long,
        global = true,
        env = "NIANBAO_MAX_REPORT_SIZE",
        value_name = "BYTES"
    )]
    pub max_report_size: Option<u64>,
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
        /// Then keep the index up to date while files change, until Ctrl-C.
        #[arg(long)]
        watch: bool,
    },
    /// Search the reports: words are ANDed, "quoted phrases", -exclude.
    Search(SearchArgs),
    /// Show one report (AGENCY YEAR, or a path), or one of its tables.
    Show {
        /// The agency (Chinese, parts of the name as several words, pinyin or initials) and
        /// optionally the year as the last word (`中卫 交易 2024`), or a report's path.
        #[arg(required = true, num_args = 1.., value_name = "AGENCY [YEAR] | PATH")]
        target: Vec<String>,
        /// Two reports of the same agency and year: which one (as listed, from 1).
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
        /// Only this table (2-1, 2-5, 2-6, 2-8, 2-9, 3, 4).
        #[arg(long)]
        table: Option<TableId>,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// With --format tsv|csv|md: a status column after each column of figures (read,
        /// inferred, blank, na, doubtful). JSON always carries the statuses.
        #[arg(long)]
        status: bool,
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
        /// Two reports of the agency for the year: check only this one (as listed, from 1).
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Open the browser directly on one agency's report for a year, or on a report's path.
    Open {
        /// The agency (as for `show`), optionally followed by the year; or a report's path.
        #[arg(required = true, num_args = 1.., value_name = "AGENCY [YEAR] | PATH")]
        agency: Vec<String>,
        /// Two reports of the same agency and year: which one (as listed, from 1).
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
    },
    /// Print a shell completion script (e.g. `nianbao completions bash > ~/.local/share/bash-completion/completions/nianbao`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `nianbao man > ~/.local/share/man/man1/nianbao.1`.
    Man,
    /// One table of one agency across its years, side by side, differences marked.
    Compare(CompareArgs),
    /// The sum of a table over the selected reports, by year (and place or kind), with metrics.
    Totals(TotalsArgs),
    /// The selected reports sorted by a figure or a metric.
    Rank(RankArgs),
    /// Export the selected reports' tables as a dataset (one row per cell, or per report).
    Export(ExportArgs),
    /// The named metrics with their formulas.
    Metrics {
        #[arg(long)]
        json: bool,
    },
}

/// Which reports work across reports (totals, rank, export) reads: the filters of `search`,
/// figure filters, and where agencies are.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SelectArgs {
    /// Words the reports must contain, as in `search`; none: every report.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Keep reports that pass: "表3 新收 总计 >= 100", "予以公开率 < 50", "has failed checks",
    /// "has inferred cells". Repeatable; all must pass.
    #[arg(long = "where", value_name = "FILTER")]
    pub conditions: Vec<String>,
    /// A file of `NAME = PROVINCE/CITY/COUNTY` lines for agencies whose name does not say.
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
    /// Rates over fewer cases are flagged and never ranked.
    #[arg(long, default_value_t = 30.0, value_name = "N")]
    pub min_cases: f64,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The agency (Chinese, part of the name, pinyin or initials).
    pub agency: String,
    /// The table: 2-1, 2-5, 2-6, 2-8, 2-9, 3 or 4.
    #[arg(long, default_value = "3")]
    pub table: TableId,
    /// One year or a range (2019..2024).
    #[arg(long)]
    pub years: Option<String>,
    /// In the text view, only this column (default 总计 where the table has one; `all`: every column).
    #[arg(long)]
    pub column: Option<String>,
    /// Also draw bars by year of a figure ("表3 新收 总计") or a metric (予以公开率).
    #[arg(long, value_name = "FIGURE|METRIC")]
    pub chart: Option<String>,
    /// A year with two reports: compare this one (its path; repeatable, one per year).
    #[arg(long, value_name = "PATH")]
    pub pick: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct TotalsArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// The table to sum: 2-1, 2-5, 2-6, 2-8, 2-9, 3 or 4.
    #[arg(long, default_value = "3")]
    pub table: TableId,
    /// Also group by place (province, city, county) or agency kind (kind).
    #[arg(long, value_name = "province|city|county|kind")]
    pub by: Option<String>,
    /// Also draw bars of a metric (予以公开率) or a row's 总计 (新收) per group.
    #[arg(long, value_name = "METRIC|ROW")]
    pub chart: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// A figure ("表3 新收 总计") or a metric (予以公开率, or its key: disclosed).
    #[arg(long, value_name = "FIGURE|METRIC")]
    pub by: String,
    /// Least first (default: most first).
    #[arg(long)]
    pub asc: bool,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetFormat {
    Csv,
    Jsonl,
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    #[arg(long, value_enum, default_value_t = DatasetFormat::Csv)]
    pub format: DatasetFormat,
    /// Start CSV files with a byte-order mark, for Excel.
    #[arg(long)]
    pub bom: bool,
    /// One row per report for each table (CSV: one file per table), not one row per cell.
    #[arg(long)]
    pub wide: bool,
    /// Where to write; the data dictionary goes beside it.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: PathBuf,
}

/// The filters `search` and the commands that select reports (`totals`, `rank`, `export`)
/// share; turned into an `index::Query` by `commands::filters`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Only this agency (Chinese, part of the name, or pinyin).
    #[arg(long)]
    pub agency: Option<String>,
    /// One year (2023) or a range (2021..2024).
    #[arg(long)]
    pub year: Option<String>,
    /// Only reports in this format: 2021, 2019 or free.
    #[arg(long)]
    pub template: Option<String>,
    /// Only agencies whose name states this place, written as in the name: a province, city or
    /// county (宁夏回族自治区, 中卫市, 沙坡头区). Repeatable: any of one level, all across levels.
    #[arg(long, value_name = "PLACE")]
    pub region: Vec<String>,
    /// Only reports where an arithmetic check of the template fails.
    #[arg(long)]
    pub failed: bool,
}

/// `nianbao search`'s arguments, handed to the command as they are.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words, "phrases" and -exclusions (`行政复议 -中卫`).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
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

/// Words of an agency, the last one the year when it is one: `中卫 交易 2024` →
/// (`中卫 交易`, 2024); `2024` alone is a name (or a path), not a year.
pub fn agency_and_year(words: &[String]) -> (String, Option<i32>) {
    if let [rest @ .., last] = words {
        if !rest.is_empty() && last.len() == 4 {
            if let Ok(y) = last.parse::<i32>() {
                return (rest.join(" "), Some(y));
            }
        }
    }
    (words.join(" "), None)
}

/// Lets `nianbao search 行政复议 -中卫` mean what it says. clap would take `-中卫` for short
/// flags (and letting the query take hyphen values would swallow the flags after it), so the
/// search's exclusions (`-word`: one dash, not `-h`) move behind a `--`, after the flags;
/// the order of a query's terms does not change its meaning. Other commands are untouched.
pub fn exclusions_last(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(at) = args.iter().position(|a| a == "search") else {
        return args;
    };
    // Global flags before the subcommand may take values that are not the subcommand.
    if args[..at].iter().any(|a| a == "--") {
        return args;
    }
    let mut head: Vec<std::ffi::OsString> = args[..=at].to_vec();
    let mut moved = Vec::new();
    let mut rest = args[at + 1..].iter();
    let mut after_dashes = Vec::new();
    while let Some(a) = rest.next() {
        if a == "--" {
            after_dashes.extend(rest.by_ref().cloned());
            break;
        }
        let s = a.to_string_lossy();
        if s.starts_with('-') && !s.starts_with("--") && s.len() > 1 && s != "-h" {
            moved.push(a.clone());
        } else {
            head.push(a.clone());
        }
    }
    if moved.is_empty() && after_dashes.is_empty() {
        return head;
    }
    head.push("--".into());
    head.extend(after_dashes);
    head.extend(moved);
    head
}

/// Paths every command works on, resolved once.
#[derive(Debug, Clone)]
pub struct Config {
    pub corpus: PathBuf,
    /// `None`: the default, one index per corpus in the cache folder.
    pub index: Option<PathBuf>,
    /// Follow symbolic links inside the corpus (`--follow-links`).
    pub follow_links: bool,
    /// `--max-report-size`.
    pub max_report_bytes: Option<u64>,
}

impl Config {
    /// How a build triggered by this command line runs.
    pub fn build_options(&self) -> crate::index::BuildOptions {
        crate::index::BuildOptions {
            rebuild: false,
            follow_links: self.follow_links,
            max_report_bytes: self.max_report_bytes,
        }
    }

    pub fn from_cli(cli: &Cli) -> Config {
        Config {
            corpus: cli
                .corpus
                .clone()
                .unwrap_or_else(|| PathBuf::from("corpus")),
            index: cli.index.clone(),
            follow_links: cli.follow_links,
            max_report_bytes: cli.max_report_size,
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
mod exclusion_tests {
    use super::*;

    fn parse(args: &[&str]) -> SearchArgs {
        let args = exclusions_last(args.iter().map(|a| a.into()).collect());
        match Cli::try_parse_from(args).expect("parses").command {
            Some(Command::Search(s)) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_query_may_exclude_words_with_a_dash_and_keep_its_flags() {
        let s = parse(&[
            "nianbao",
            "search",
            "行政复议",
            "-中卫",
            "--json",
            "--limit",
            "3",
        ]);
        assert_eq!(s.query, ["行政复议", "-中卫"]);
        assert!(s.json);
        assert_eq!(s.limit, 3);
        let s = parse(&["nianbao", "search", "-中卫", "行政复议", "--agency", "中卫"]);
        assert_eq!(s.query, ["行政复议", "-中卫"]);
        assert_eq!(s.filters.agency.as_deref(), Some("中卫"));
        // `--` as documented still works, and pinyin exclusions too.
        let s = parse(&["nianbao", "search", "--json", "--", "-zhongwei", "交易"]);
        assert_eq!(s.query, ["-zhongwei", "交易"]);
        let s = parse(&["nianbao", "search", "交易", "-zhongwei"]);
        assert_eq!(s.query, ["交易", "-zhongwei"]);
    }
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
