//! Copying: OSC 52 to the terminal always (works over SSH; wrapped for tmux), plus a system tool.

use base64::Engine as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. Inside tmux it
/// is sent twice: plain, which tmux takes and passes on with `set-clipboard on`, and wrapped
/// in a DCS passthrough, which reaches the outer terminal with `allow-passthrough on`.
/// Either setting is then enough.
pub fn osc52(text: &str, tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if tmux {
        format!("{seq}\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    }
}

/// Where the system clipboard can be reached, in order of preference.
fn candidates() -> Vec<(&'static str, Vec<&'static str>)> {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let mut out = Vec::new();
    if set("WAYLAND_DISPLAY") {
        out.push(("wl-copy", vec![]));
    }
    if set("DISPLAY") {
        out.push(("xclip", vec!["-selection", "clipboard"]));
        out.push(("xsel", vec!["--clipboard", "--input"]));
    }
    if cfg!(target_os = "macos") {
        out.push(("pbcopy", vec![]));
    }
    out
}

fn on_path(exe: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(exe))
        .find(|p| p.is_file())
}

/// Hands `text` to the first system clipboard tool that is present; its name if one was.
/// Never waits for the tool: xclip stays alive to serve the selection.
pub fn system_copy(text: &str) -> Option<&'static str> {
    for (exe, args) in candidates() {
        let Some(path) = on_path(exe) else { continue };
        let child = Command::new(path)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else { continue };
        if let Some(mut stdin) = child.stdin.take() {
            if stdin.write_all(text.as_bytes()).is_err() {
                continue;
            }
        }
        // Reap it whenever it exits, off the UI thread.
        std::thread::spawn(move || child.wait());
        return Some(exe);
    }
    None
}

/// Copies through OSC 52 on `out` and the system clipboard; says which ways were used.
pub fn copy(out: &mut dyn Write, text: &str) -> String {
    let tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    let mut via = Vec::new();
    if out
        .write_all(osc52(text, tmux).as_bytes())
        .and_then(|_| out.flush())
        .is_ok()
    {
        via.push(if tmux { "OSC 52 (tmux)" } else { "OSC 52" });
    }
    if let Some(tool) = system_copy(text) {
        via.push(tool);
    }
    via.join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_plain_and_tmux() {
        assert_eq!(osc52("1\t2\n", false), "\x1b]52;c;MQkyCg==\x07");
        assert_eq!(
            osc52("1\t2\n", true),
            "\x1b]52;c;MQkyCg==\x07\x1bPtmux;\x1b\x1b]52;c;MQkyCg==\x07\x1b\\"
        );
    }
}
