//! Opening a report's source file outside the browser: `$PAGER` for text, the system's opener
//! for documents (PDF, DOCX, HTML), with the browser's terminal modes left and taken back.

use std::path::Path;

/// The program to run and its arguments, the file last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
    /// Where the program comes from, for the message when it is missing.
    pub why: &'static str,
}

/// The operating system's opener of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    MacOs,
    Other,
}

impl Os {
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else {
            Os::Other
        }
    }
}

/// Files a pager shows as they are; anything else is the system opener's.
fn is_text(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        None | Some("txt" | "text" | "md" | "markdown" | "csv" | "tsv")
    )
}

/// What opens `path`: `$PAGER` (split on whitespace, as shells use it: `less -R`; `less` when
/// unset or empty) for text and Markdown, `open` (macOS) or `xdg-open` for the rest.
pub fn launch_for(path: &Path, pager: Option<&str>, os: Os) -> Launch {
    let file = path.display().to_string();
    if is_text(path) {
        let mut words = pager.unwrap_or("").split_whitespace().map(str::to_string);
        let (program, why) = match words.next() {
            Some(p) => (p, "$PAGER"),
            None => ("less".to_string(), "the default pager"),
        };
        let mut args: Vec<String> = words.collect();
        args.push(file);
        return Launch { program, args, why };
    }
    let program = match os {
        Os::MacOs => "open",
        Os::Other => "xdg-open",
    };
    Launch {
        program: program.into(),
        args: vec![file],
        why: "the system opener",
    }
}

/// Runs `l` on the terminal as it is (the caller has left the browser's modes) and waits for
/// it; the status line's words for the outcome.
pub fn run(l: &Launch) -> String {
    match std::process::Command::new(&l.program)
        .args(&l.args)
        .status()
    {
        Ok(s) if s.success() => format!("back from {}", l.program),
        Ok(s) => format!("{} ended with {s}", l.program),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
            "cannot open the source: {} ({}) is not installed{}",
            l.program,
            l.why,
            if l.why == "the system opener" {
                ""
            } else {
                "; set $PAGER"
            }
        ),
        Err(e) => format!("cannot run {}: {e}", l.program),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_goes_to_the_pager_and_documents_to_the_opener() {
        let l = launch_for(Path::new("c/甲局/2024.txt"), Some("less -R"), Os::Other);
        assert_eq!(
            (l.program.as_str(), l.args.as_slice()),
            (
                "less",
                &["-R".to_string(), "c/甲局/2024.txt".to_string()][..]
            )
        );
        for pager in [None, Some(""), Some("  ")] {
            let l = launch_for(Path::new("a.md"), pager, Os::Other);
            assert_eq!((l.program.as_str(), l.why), ("less", "the default pager"));
        }
        for doc in ["a.pdf", "a.PDF", "a.docx", "a.html", "a.htm"] {
            let l = launch_for(Path::new(doc), Some("most"), Os::Other);
            assert_eq!(
                (l.program.as_str(), l.args.as_slice()),
                ("xdg-open", &[doc.to_string()][..])
            );
            assert_eq!(launch_for(Path::new(doc), None, Os::MacOs).program, "open");
        }
    }

    #[test]
    fn a_missing_program_is_said_not_fatal() {
        let l = Launch {
            program: "nianbao-no-such-pager".into(),
            args: vec!["a.txt".into()],
            why: "$PAGER",
        };
        let m = run(&l);
        assert!(
            m.contains("nianbao-no-such-pager ($PAGER) is not installed; set $PAGER"),
            "{m}"
        );
        let l = Launch {
            program: "false".into(),
            args: vec![],
            why: "$PAGER",
        };
        assert!(run(&l).starts_with("false ended with"));
    }
}
