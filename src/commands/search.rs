//! `nianbao search QUERY [--agency A] [--year Y] [--template T] [--region P] [--failed]
//! [--limit N] [--json]`.

use super::{open_unchecked, refresh, Opened};
use crate::cli::Config;
use crate::index::{fresh, Index, Passage, Query, SearchResults};
use crate::output::sanitize;
use std::io::{IsTerminal, Write};

pub use crate::cli::SearchArgs as Args;

/// The passage with its matches marked: reverse video on a terminal (as the sanitiser's style
/// marks, which it turns into SGR sequences), 【】 otherwise. The text is cleaned first, so
/// the only style marks in the result are these.
pub fn mark(p: &Passage, tty: bool) -> String {
    let (open, close) = if tty {
        (
            sanitize::REVERSE_ON.to_string(),
            sanitize::REVERSE_OFF.to_string(),
        )
    } else {
        ("【".to_string(), "】".to_string())
    };
    let (open, close) = (open.as_str(), close.as_str());
    let mut out = String::with_capacity(p.text.len() + 16);
    let mut at = 0;
    for h in &p.highlights {
        if h.start < at || h.end > p.text.len() {
            continue;
        }
        out.push_str(&sanitize::clean(&p.text[at..h.start]));
        out.push_str(open);
        out.push_str(&sanitize::clean(&p.text[h.start..h.end]));
        out.push_str(close);
        at = h.end;
    }
    out.push_str(&sanitize::clean(&p.text[at..]));
    out
}

/// Turns the command line into a [`Query`]; needs the index to resolve `--agency`.
pub fn build_query(index: &crate::index::Index, args: &Args) -> anyhow::Result<Query> {
    Ok(Query {
        limit: args.limit,
        // This command prints no facets.
        without_region_facets: true,
        ..super::filters::query(index, args.query.join(" "), &args.filters)?
    })
}

/// The answer from an index that pictures the corpus (or is said on `err` not to). The corpus
/// is compared with the record of the last build while the index is opened and searched,
/// which is most of a search command's time: the answer is printed only if that comparison
/// finds nothing changed and the opened index is the commit the record describes; otherwise
/// as every command does ([`search_while_checking`]).
fn search_fresh(
    config: &Config,
    args: &Args,
    err: &mut dyn Write,
) -> anyhow::Result<SearchResults> {
    let dir = super::index_dir(config)?;
    let opts = crate::index::update_options(&dir, &config.build_options());
    std::thread::scope(|s| {
        let early = s.spawn(|| fresh::check_early(&config.corpus, &dir, &opts));
        let index = match open_unchecked(config, err)? {
            Opened::Built(index) => return Ok(index.search(&build_query(&index, args)?)?),
            Opened::Existing(index) => index,
        };
        // Not `?` yet: an unknown --agency may be known once a stale index is updated.
        let answer = build_query(&index, args).and_then(|q| Ok(index.search(&q)?));
        let early = early.join().ok().flatten();
        match early.and_then(|e| e.for_index(&index)) {
            Some(stale) if stale.is_fresh() => answer,
            _ => search_while_checking(config, index, args, err),
        }
    })
}

/// Searches `index` while the corpus is compared with it (the comparison is most of a search
/// command's time, a `stat` of every folder and file): the answer is kept when the index
/// proves fresh, or could not be updated (then said on `err`, as by every command); after an
/// update the new index is searched.
fn search_while_checking(
    config: &Config,
    index: Index,
    args: &Args,
    err: &mut dyn Write,
) -> anyhow::Result<SearchResults> {
    std::thread::scope(|s| {
        let early = s.spawn(|| -> anyhow::Result<SearchResults> {
            Ok(index.search(&build_query(&index, args)?)?)
        });
        let (checked, _) = refresh(config, index.clone(), err)?;
        let early = early
            .join()
            .map_err(|_| anyhow::anyhow!("the search crashed"))?;
        if checked.is_same_snapshot(&index) {
            early
        } else {
            Ok(checked.search(&build_query(&checked, args)?)?)
        }
    })
}

pub fn run(
    config: &Config,
    args: &Args,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let res = search_fresh(config, args, err)?;
    if args.json {
        let hits: Vec<serde_json::Value> = res
            .hits
            .iter()
            .map(|h| {
                serde_json::json!({
                    "path": h.path, "agency": h.agency, "year": h.year, "title": h.title,
                    "template": h.template.as_str(), "score": h.score, "snippet": h.snippet.text,
                })
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::json!({"total": res.total, "hits": hits})
        )?;
        return Ok(true);
    }
    let tty = std::io::stdout().is_terminal();
    writeln!(
        out,
        "{} report{} match ({:.1} ms)",
        res.total,
        if res.total == 1 { "" } else { "s" },
        res.elapsed.as_secs_f64() * 1000.0
    )?;
    for (i, h) in res.hits.iter().enumerate() {
        let year = h.year.map_or("?".to_string(), |y| y.to_string());
        writeln!(
            out,
            "\n{}. {} {}  [{}]  score {:.2}",
            i + 1,
            h.agency,
            year,
            h.template,
            h.score
        )?;
        if !h.title.is_empty() {
            writeln!(out, "   {}", h.title)?;
        }
        writeln!(out, "   {}", h.path)?;
        writeln!(out, "   {}", mark(&h.snippet, tty))?;
    }
    Ok(true)
}
