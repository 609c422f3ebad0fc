//! Every example command line of README.md runs as written: the `nianbao …` lines of its code
//! blocks and the concrete `nianbao …` spans of its text, run on a copy of the shipped corpus
//! with a temporary index, exit with status 0 (or the status the README documents) and never
//! panic; `cargo run --example NAME -- ARGS` lines name an example that exists and takes
//! those flags.

mod common;
use common::Env;
use std::path::{Path, PathBuf};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// Command lines of the README's code blocks (indented or fenced) that start with `nianbao`
/// or `cargo run`, comments removed, with their line numbers.
fn block_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // Inside a fence: whether it holds shell commands (screens drawn in ```text do not).
    let mut fence: Option<bool> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(lang) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(matches!(
                    lang.trim(),
                    "" | "sh" | "bash" | "shell" | "console"
                )),
            };
            continue;
        }
        let code = match fence {
            Some(true) => Some(line.trim()),
            Some(false) => None,
            None => line.strip_prefix("    ").map(str::trim),
        };
        let Some(code) = code else { continue };
        if code == "nianbao" || code.starts_with("nianbao ") || code.starts_with("cargo run") {
            out.push((i + 1, strip_comment(code)));
        }
    }
    out
}

/// Concrete `nianbao …` spans of the text with a subcommand and an argument at least: no
/// placeholder (`AGENCY`, `FILE`), no `[option]`, no alternatives (`a|b`), no `…`.
fn inline_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (j, span) in line.split('`').enumerate() {
            if j % 2 == 0 || !(span == "nianbao" || span.starts_with("nianbao ")) {
                continue;
            }
            let placeholder = span
                .split_whitespace()
                .any(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase() || c == '…'));
            // `nianbao parse` alone names a command, it is no example.
            let example = span.split_whitespace().count() >= 3;
            if !example || placeholder || span.contains(['[', '|', '…']) {
                continue;
            }
            out.push((i + 1, span.to_string()));
        }
    }
    out
}

fn strip_comment(code: &str) -> String {
    match code.find("  #").or_else(|| code.find(" # ")) {
        Some(at) => code[..at].trim().to_string(),
        None => code.to_string(),
    }
}

/// Splits a command line as a shell would for these examples: words, `"double quotes"`; a
/// `> FILE` redirection ends the command.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    if let Some(at) = out.iter().position(|w| w == ">") {
        out.truncate(at);
    }
    out
}

/// `corpus/*/*.txt` expanded below `root`, sorted, as a shell would.
fn glob(root: &Path, pattern: &str) -> Vec<String> {
    let mut found = vec![PathBuf::new()];
    for part in pattern.split('/') {
        let mut next = Vec::new();
        for base in &found {
            if !part.contains('*') {
                next.push(base.join(part));
                continue;
            }
            let (pre, post) = part.split_once('*').unwrap();
            let mut names: Vec<String> = std::fs::read_dir(root.join(base))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(pre) && n.ends_with(post) && !n.starts_with('.'))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| base.join(n)));
        }
        found = next;
    }
    found
        .into_iter()
        .filter(|p| root.join(p).exists())
        .map(|p| p.display().to_string())
        .collect()
}

/// The status a README example may end with, when the README documents another than 0.
fn documented_status(args: &[String]) -> Vec<i32> {
    match args.first().map(String::as_str) {
        // "exit 1 if a rule failed": the shipped reports have failing rules.
        Some("check") => vec![0, 1],
        _ => vec![0],
    }
}

#[test]
fn every_nianbao_example_of_the_readme_runs_as_written() {
    let text = readme();
    let mut lines = block_lines(&text);
    lines.extend(inline_lines(&text));
    let nianbao: Vec<&(usize, String)> = lines
        .iter()
        .filter(|(_, l)| !l.starts_with("cargo "))
        .collect();
    assert!(nianbao.len() >= 15, "too few examples found: {lines:?}");
    let env = Env::new();
    let tmp = env.dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut ran = 0;
    for (n, line) in nianbao {
        let mut args: Vec<String> = Vec::new();
        for w in words(line).into_iter().skip(1) {
            if w.contains('*') {
                let matched = glob(env.dir.path(), &w);
                assert!(!matched.is_empty(), "README.md:{n}: {w} matches nothing");
                args.extend(matched);
            } else {
                // Files the examples write go to the test's folder, not the machine's /tmp.
                args.push(w.replace("/tmp/", &format!("{}/", tmp.display())));
            }
        }
        // Runs until Ctrl-C: tested on its own in tests/freshness.rs.
        if args.iter().any(|a| a == "--watch") {
            continue;
        }
        let browser = args.is_empty() || args[0] == "open";
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = env
            .cmd(&argv)
            .current_dir(env.dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("panicked"),
            "README.md:{n}: `{line}` panicked: {err}"
        );
        let code = o.status.code();
        if browser {
            // Without a terminal the browser refuses to start, after the command line and the
            // agency were accepted.
            assert_eq!(code, Some(2), "README.md:{n}: `{line}`: {err}");
            assert!(
                err.contains("needs a terminal"),
                "README.md:{n}: `{line}`: {err}"
            );
        } else {
            let ok = documented_status(&args);
            assert!(
                code.is_some_and(|c| ok.contains(&c)),
                "README.md:{n}: `{line}` exited with {code:?}: {err}"
            );
        }
        ran += 1;
    }
    assert!(ran >= 15, "{ran}");
}

#[test]
fn every_cargo_run_example_of_the_readme_names_an_example_that_takes_its_flags() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lines = block_lines(&readme());
    let cargo: Vec<&(usize, String)> = lines
        .iter()
        .filter(|(_, l)| l.starts_with("cargo run"))
        .collect();
    assert!(cargo.len() >= 5, "{cargo:?}");
    for (n, line) in cargo {
        let w = words(line);
        let Some(at) = w.iter().position(|x| x == "--example") else {
            // `cargo run --release`: the browser, run above as `nianbao`.
            assert_eq!(w, ["cargo", "run", "--release"], "README.md:{n}");
            continue;
        };
        let name = &w[at + 1];
        let src = std::fs::read_to_string(root.join("examples").join(format!("{name}.rs")))
            .unwrap_or_else(|_| panic!("README.md:{n}: no example {name}"));
        let after = w.iter().position(|x| x == "--").map_or(w.len(), |i| i + 1);
        for flag in w[after..].iter().filter(|x| x.starts_with("--")) {
            assert!(
                src.contains(&format!("\"{flag}\"")),
                "README.md:{n}: example {name} does not take {flag}"
            );
        }
    }
}
