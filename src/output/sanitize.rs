//! The one gate between report text and the terminal: control and bidi characters made visible
//! (for people) or escaped (in JSON), so that no report can send the terminal a sequence.
//!
//! Reports come from the web: a crafted one can hold OSC 52 (write the clipboard), OSC 0 (the
//! window title), CSI 6n (make the terminal type into the shell), DCS, C1 controls (U+009B is a
//! CSI on many terminals) and bidi overrides (U+202E: text that reads differently from what
//! it is). The binary wraps stdout and stderr in [`Writer`], so every command's output passes
//! here whatever the code that formats it; [`clean`] is for text handed to other printers (the
//! progress bar).

use std::borrow::Cow;
use std::io::{self, Write};

/// Marks nianbao's own reverse video for search matches: [`Writer`] turns them into SGR 7 /
/// SGR 0 on a terminal and drops them elsewhere. Unicode noncharacters, meant for such
/// internal use; [`clean`] replaces them in report text.
pub const REVERSE_ON: char = '\u{FDD0}';
pub const REVERSE_OFF: char = '\u{FDD1}';

/// Characters that must never reach a terminal as they are: C0 controls but tab and newline,
/// DEL, C1 controls, bidi embedding/override/isolate marks, and the noncharacters used as
/// style marks.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{061c}' | '\u{fdd0}'..='\u{fdef}')
}

/// The visible stand-in of an unsafe character: the Control Pictures for C0 and DEL
/// (ESC shows as ␛), the replacement character for the rest.
pub fn visible(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// `s` with every unsafe character replaced by its visible stand-in.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { visible(c) } else { c })
            .collect(),
    )
}

/// How a [`Writer`] makes unsafe characters harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Text for people: replaced by a visible mark; `styles`: the reverse-video marks become
    /// SGR sequences (a terminal), else they are dropped.
    Human { styles: bool },
    /// JSON: escaped as `\uXXXX`. serde_json escapes C0 controls itself but writes C1 and bidi
    /// characters raw; they can only stand inside JSON strings, where the escape is the same
    /// character to a JSON reader.
    Json,
}

/// A writer that passes everything through [`Mode`]'s rule. Bytes that are not UTF-8 become
/// U+FFFD; a character split between two writes is held until it is whole.
pub struct Writer<W: Write> {
    inner: W,
    mode: Mode,
    pending: Vec<u8>,
}

impl<W: Write> Writer<W> {
    pub fn new(inner: W, mode: Mode) -> Writer<W> {
        Writer {
            inner,
            mode,
            pending: Vec::new(),
        }
    }

    fn push(&self, out: &mut String, s: &str) {
        for c in s.chars() {
            match (c, self.mode) {
                (REVERSE_ON, Mode::Human { styles: true }) => out.push_str("\x1b[7m"),
                (REVERSE_OFF, Mode::Human { styles: true }) => out.push_str("\x1b[0m"),
                (REVERSE_ON | REVERSE_OFF, Mode::Human { styles: false }) => {}
                (c, Mode::Human { .. }) if is_unsafe(c) => out.push(visible(c)),
                (c, Mode::Json) if is_unsafe(c) => {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                }
                (c, _) => out.push(c),
            }
        }
    }

    /// Writes out what is pending; `end`: an incomplete character at the end is written as
    /// U+FFFD rather than held.
    fn drain(&mut self, end: bool) -> io::Result<()> {
        let mut out = String::with_capacity(self.pending.len());
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.push(&mut out, s);
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    self.push(&mut out, std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(n) => {
                            out.push('\u{fffd}');
                            rest = &bad[n..];
                        }
                        None if end => {
                            out.push('\u{fffd}');
                            rest = &[];
                            break;
                        }
                        None => {
                            rest = bad;
                            break;
                        }
                    }
                }
            }
        }
        let keep = rest.to_vec();
        self.pending = keep;
        self.inner.write_all(out.as_bytes())
    }
}

impl<W: Write> Write for Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.drain(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Writer<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\x1b]52;c;cm0gLXJmIH4vKg==\x07b\x1b]0;title\x07c\x1b[2J\x1b[6n\x1bP1$qm\x1b\\\u{9b}31m\u{202e}txt.exe\u{7f}\r\u{fdd0}";

    fn through(mode: Mode, s: &[u8]) -> String {
        let mut v = Vec::new();
        {
            let mut w = Writer::new(&mut v, mode);
            // One byte at a time: characters split between writes are held until whole.
            for b in s {
                w.write_all(std::slice::from_ref(b)).unwrap();
            }
        }
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn human_output_has_no_control_or_bidi_character_and_keeps_tab_and_newline() {
        let got = through(
            Mode::Human { styles: false },
            format!("{HOSTILE}\t中\n").as_bytes(),
        );
        assert!(!got.chars().any(is_unsafe), "{got:?}");
        assert!(got.ends_with("\t中\n"));
        assert!(got.contains("␛]52;c;") && got.contains('\u{fffd}') && got.contains('␍'));
        assert_eq!(clean(&got), got.as_str());
    }

    #[test]
    fn json_escapes_keep_the_text_for_a_json_reader() {
        let v = serde_json::json!({ "t": HOSTILE });
        let got = through(Mode::Json, v.to_string().as_bytes());
        assert!(
            !got.chars().any(|c| is_unsafe(c) || c.is_control()),
            "{got:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(back["t"], HOSTILE);
    }

    #[test]
    fn styles_only_on_a_terminal_and_bad_bytes_replaced() {
        let s = format!("x{REVERSE_ON}y{REVERSE_OFF}z");
        assert_eq!(
            through(Mode::Human { styles: true }, s.as_bytes()),
            "x\x1b[7my\x1b[0mz"
        );
        assert_eq!(through(Mode::Human { styles: false }, s.as_bytes()), "xyz");
        assert_eq!(
            through(Mode::Human { styles: false }, b"a\x9bb\xe4\xb8"),
            "a\u{fffd}b\u{fffd}"
        );
    }
}
