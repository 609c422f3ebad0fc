//! The `nianbao` binary: parses the command line and runs one command.

use clap::Parser;
use nianbao::cli::{Cli, Command, Config};
use nianbao::commands;
use nianbao::output::sanitize::{self, Mode};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse_from(nianbao::cli::exclusions_last(std::env::args_os().collect()));
    let config = Config::from_cli(&cli);
    match run(cli, &config) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        // `nianbao search … | head`: the reader left; nothing is wrong (as ripgrep does).
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Error messages quote paths and report text: through the same gate as output.
            eprintln!("nianbao: {}", sanitize::clean(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli, config: &Config) -> anyhow::Result<bool> {
    // Every byte printed passes the sanitiser: escaped in JSON, made visible for people.
    let json = match &cli.command {
        Some(Command::Parse { json, .. })
        | Some(Command::Index { json, .. })
        | Some(Command::Agencies { json })
        | Some(Command::Check { json, .. })
        | Some(Command::Metrics { json }) => *json,
        Some(Command::Search(a)) => a.json,
        Some(Command::Compare(a)) => a.json,
        Some(Command::Totals(a)) => a.json,
        Some(Command::Rank(a)) => a.json,
        Some(Command::Show { format, .. }) => *format == nianbao::cli::ShowFormat::Json,
        _ => false,
    };
    let stdout = std::io::stdout();
    let mode = if json {
        Mode::Json
    } else {
        Mode::Human {
            styles: stdout.is_terminal(),
        }
    };
    // Not `stdout.lock()`: the browser's signal thread writes to the terminal while the loop
    // runs (Ctrl-Z, SIGTSTP), and a lock held here for the whole session would block it.
    let mut out = sanitize::Writer::new(std::io::BufWriter::new(stdout), mode);
    let mut err = sanitize::Writer::new(std::io::stderr(), Mode::Human { styles: false });
    match cli.command {
        Some(Command::Parse {
            files,
            json,
            sections,
        }) => commands::parse::run(&files, json, sections, &mut out, &mut err),
        Some(Command::Index {
            rebuild,
            json,
            watch,
        }) => {
            let built = commands::index::run(config, rebuild, json, &mut out, &mut err)?;
            if !watch {
                return Ok(built);
            }
            out.flush()?;
            let dir = commands::index_dir(config)?;
            Ok(commands::watch::run(config, &dir, json, &mut out, &mut err)? && built)
        }
        Some(Command::Search(args)) => commands::search::run(config, &args, &mut out, &mut err),
        Some(Command::Show {
            target,
            pick,
            table,
            format,
            status,
        }) => {
            let (target, year) = nianbao::cli::agency_and_year(&target);
            commands::show::run(
                config,
                &target,
                (year, pick),
                table,
                (format, status),
                &mut out,
                &mut err,
            )
        }
        Some(Command::Agencies { json }) => {
            commands::agencies::run(config, json, &mut out, &mut err)
        }
        Some(Command::Check {
            agency,
            year,
            pick,
            json,
        }) => commands::check::run(
            config,
            agency.as_deref(),
            (year.as_deref(), pick),
            json,
            &mut out,
            &mut err,
        ),
        Some(Command::Compare(args)) => commands::compare::run(config, &args, &mut out, &mut err),
        Some(Command::Totals(args)) => commands::totals::run(config, &args, &mut out, &mut err),
        Some(Command::Rank(args)) => commands::rank::run(config, &args, &mut out, &mut err),
        Some(Command::Export(args)) => commands::export::run(config, &args, &mut out, &mut err),
        Some(Command::Metrics { json }) => commands::metrics::run(json, &mut out),
        None => browse(config, None),
        // Both from the clap definition, so they never drift from the real flags.
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            // Into memory first: clap_complete panics on a write error (`| head`).
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "nianbao", &mut buf);
            out.write_all(&buf)?;
            Ok(true)
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            Ok(true)
        }
        Some(Command::Open { agency, pick }) => {
            let (agency, year) = nianbao::cli::agency_and_year(&agency);
            // An ambiguous name is settled here, on the command line, not in the browser.
            match commands::open::resolve(config, &agency, year, pick, &mut err)? {
                Some(t) => browse(config, Some(t)),
                None => Ok(false),
            }
        }
    }
}

fn browse(config: &Config, open: Option<commands::open::Target>) -> anyhow::Result<bool> {
    // Said before the screen is taken over, with a failing status, not inside the browser.
    if !config.corpus.is_dir() {
        anyhow::bail!(
            "the corpus folder {} does not exist; pass --corpus DIR or set NIANBAO_CORPUS",
            config.corpus.display()
        );
    }
    nianbao::tui::run(nianbao::tui::Options {
        corpus: config.corpus.clone(),
        index: config.index.clone(),
        build: config.build_options(),
        open: match &open {
            Some(commands::open::Target::Agency(name, year)) => Some((name.clone(), *year)),
            _ => None,
        },
        open_path: match open {
            Some(commands::open::Target::Report(path)) => Some(path),
            _ => None,
        },
    })
}
