//! The real binary in a pseudo-terminal: search, open, table 3, select, copy through OSC 52,
//! quit; and the terminal restored after a quit, SIGTERM and a forced panic.

use base64::Engine as _;
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Session {
    out: Arc<Mutex<Vec<u8>>>,
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    tty: PathBuf,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _dir: tempfile::TempDir,
}

/// A temporary corpus: the shipped one plus the fixture with non-zero tables.
fn corpus(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let c = dir.join("corpus");
    for e in walkdir::WalkDir::new(root.join("corpus")) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root.join("corpus")).unwrap();
        if e.file_type().is_dir() {
            std::fs::create_dir_all(c.join(rel)).unwrap();
        } else {
            std::fs::copy(e.path(), c.join(rel)).unwrap();
        }
    }
    std::fs::create_dir_all(c.join("某某市生态环境局")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/nonzero2021.txt"),
        c.join("某某市生态环境局/2022.txt"),
    )
    .unwrap();
    c
}

fn start(env: &[(&str, &str)]) -> Session {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path());
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_nianbao"));
    cmd.arg("--corpus");
    cmd.arg(&corpus);
    cmd.arg("--index");
    cmd.arg(dir.path().join("index"));
    cmd.env("TERM", "xterm-256color");
    // Exports (`w`) are written to the working folder: the test's own.
    cmd.cwd(dir.path());
    // English screens unless a test asks otherwise; the history in the test's own folder.
    cmd.env("LANG", "en_US.UTF-8");
    cmd.env("NIANBAO_DATA", dir.path().join("data"));
    // No system clipboard tool and no tmux: OSC 52 is what we check.
    for k in [
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "TMUX",
        "NO_COLOR",
        "NIANBAO_TEST_PANIC",
        "LC_ALL",
        "LC_MESSAGES",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = pair.slave.spawn_command(cmd).unwrap();
    let tty = pair.master.tty_name().expect("pty name");
    drop(pair.slave);
    let out = Arc::new(Mutex::new(Vec::new()));
    let screen = Arc::new(Mutex::new(vt100::Parser::default()));
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (o, s) = (out.clone(), screen.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            o.lock().unwrap().extend_from_slice(&buf[..n]);
            s.lock().unwrap().process(&buf[..n]);
        }
    });
    let writer = pair.master.take_writer().unwrap();
    Session {
        out,
        screen,
        writer,
        child,
        tty,
        _master: pair.master,
        _dir: dir,
    }
}

impl Session {
    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str) {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(60) {
            if self.text().contains(what) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("never saw {what:?} on screen:\n{}", self.text());
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keys one frame apart, as a person types: Esc-prefixed bursts would read as Alt.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> u32 {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(20) {
            if let Some(st) = self.child.try_wait().unwrap() {
                // Let the reader drain the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return st.exit_code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the browser did not exit:\n{}", self.text());
    }

    /// `stty -a` of the pty: raw mode shows as `-icanon -echo`.
    fn stty(&self) -> String {
        let o = std::process::Command::new("stty")
            .arg("-a")
            .arg("-F")
            .arg(&self.tty)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn output(&self) -> Vec<u8> {
        self.out.lock().unwrap().clone()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The terminal is as it was: main screen, mouse reporting off, cursor shown, cooked mode.
fn assert_restored(s: &Session) {
    let out = s.output();
    let entered = find(&out, b"\x1b[?1049h").expect("entered the alternate screen");
    let left = rfind(&out, b"\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered);
    let mouse_on = find(&out, b"\x1b[?1000h").expect("mouse capture was on");
    let mouse_off = rfind(&out, b"\x1b[?1000l").expect("mouse capture turned off");
    assert!(mouse_off > mouse_on);
    assert!(rfind(&out, b"\x1b[?25h").expect("cursor shown") > entered);
    let stty = s.stty();
    assert!(
        stty.contains(" icanon") && stty.contains(" echo") && !stty.contains("-icanon"),
        "raw mode left on: {stty}"
    );
}

#[test]
fn search_open_table_select_copy_quit() {
    let mut s = start(&[]);
    s.wait_for("filters");
    assert!(s.stty().contains("-icanon"), "raw mode while running");
    s.wait_for(" hits ·");
    s.send("生态环境");
    s.wait_for("某某市生态环境局  2022");
    s.send("\r");
    s.wait_for("tables");
    let report = nianbao::report::parse_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/nonzero2021.txt"
    )))
    .unwrap();
    let n = report.tables.iter().position(|t| t.id == "3").unwrap();
    s.send("\t");
    for _ in 0..n {
        s.send("j");
    }
    s.send("\r");
    s.wait_for("› 表3");
    s.wait_for("44");
    s.send("J");
    s.send("J");
    s.send("L");
    s.send("L");
    s.wait_for("selection 3×3");
    s.send("y");
    s.wait_for("copied 3×3 cells as TSV");
    let tsv = "44\t15\t3\n4\t1\t0\n15\t6\t2\n";
    let b64 = base64::engine::general_purpose::STANDARD.encode(tsv);
    let out = s.output();
    let start = find(&out, b"\x1b]52;c;").expect("an OSC 52 sequence");
    let end = start
        + out[start..]
            .iter()
            .position(|&b| b == 7)
            .expect("OSC 52 ends with BEL");
    let payload = std::str::from_utf8(&out[start + 7..end]).unwrap();
    assert_eq!(payload, b64);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), tsv);
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s);
}

#[test]
fn ctrl_c_in_the_query_line_quits_with_status_0() {
    let mut s = start(&[]);
    s.wait_for("filters");
    s.send("q公开");
    s.wait_for("search› q公开");
    s.send("\x03");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s);
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = start(&[]);
    s.wait_for("filters");
    let pid = s.child.process_id().unwrap();
    let st = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(s.wait_exit(), 143);
    assert_restored(&s);
}

#[test]
fn sighup_restores_the_terminal() {
    let mut s = start(&[]);
    s.wait_for("filters");
    let pid = s.child.process_id().unwrap();
    std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert_eq!(s.wait_exit(), 129);
    assert_restored(&s);
}

#[test]
fn a_panic_restores_the_terminal_then_prints_the_message() {
    let mut s = start(&[("NIANBAO_TEST_PANIC", "1")]);
    let code = s.wait_exit();
    assert_ne!(code, 0);
    assert_restored(&s);
    let out = s.output();
    let left = rfind(&out, b"\x1b[?1049l").unwrap();
    let msg = find(&out, b"NIANBAO_TEST_PANIC=1: forced panic").expect("the panic message");
    assert!(msg > left, "the message comes after the restore");
}

#[test]
fn a_bracketed_paste_is_text_and_the_query_is_recalled_next_time_in_chinese() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let env = [("LANG", "zh_CN.UTF-8"), ("NIANBAO_DATA", data_dir.as_str())];
    let mut s = start(&env);
    s.wait_for("筛选");
    s.wait_for(" 条 ·");
    // The terminal is asked to bracket pastes (else a pasted newline arrives as Enter)…
    assert!(
        find(&s.output(), b"\x1b[?2004h").is_some(),
        "bracketed paste not enabled"
    );
    // …and a paste ending in a newline is text in the query: no report opened.
    s.send("\x1b[200~生态环境\n\x1b[201~");
    s.wait_for("搜索› 生态环境");
    s.wait_for("某某市生态环境局  2022");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !s.text().contains("章节"),
        "the paste opened a report:\n{}",
        s.text()
    );
    s.send("\r");
    s.wait_for("章节");
    // `/` finds inside the open report; `n` moves on once the prompt is closed.
    s.send("/");
    s.send("行政复议");
    s.wait_for("/行政复议");
    s.wait_for("第 1 处，共 2 处");
    s.send("\r");
    s.send("n");
    s.wait_for("第 2 处，共 2 处");
    assert!(s.text().contains("章节"), "still in the report");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s);
    let out = s.output();
    assert!(
        rfind(&out, b"\x1b[?2004l") > find(&out, b"\x1b[?2004h"),
        "bracketed paste left on"
    );
    // The next session recalls the query with ↑ in the empty query line.
    let mut s = start(&env);
    s.wait_for("筛选");
    s.wait_for(" 条 ·");
    s.send("\x1b[A");
    s.wait_for("搜索› 生态环境");
    s.send("\x03");
    assert_eq!(s.wait_exit(), 0);
}

/// The process state letter of `/proc/PID/stat` (`T`: stopped).
fn proc_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The state follows the command name in parentheses.
    stat.rsplit(')')
        .next()
        .and_then(|r| r.trim_start().chars().next())
        .unwrap_or('?')
}

fn wait_state(pid: u32, want: char) {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(20) {
        if proc_state(pid) == want {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("process never reached state {want}: {}", proc_state(pid));
}

fn kill(sig: &str, pid: u32) {
    let st = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn sigquit_restores_the_terminal() {
    let mut s = start(&[]);
    s.wait_for("filters");
    kill("-QUIT", s.child.process_id().unwrap());
    assert_eq!(s.wait_exit(), 131);
    assert_restored(&s);
}

/// Stopped (by Ctrl-Z in the browser, or SIGTSTP from outside): the terminal is the shell's
/// again; continued: the browser's modes are back and the whole screen is drawn again.
fn suspend_and_continue(s: &mut Session, stop: impl FnOnce(&mut Session)) {
    s.wait_for("filters");
    let pid = s.child.process_id().unwrap();
    stop(s);
    wait_state(pid, 'T');
    std::thread::sleep(Duration::from_millis(200));
    assert_restored(s);
    assert!(!s.text().contains("filters"), "still drawn while stopped");
    let before = s.output().len();
    kill("-CONT", pid);
    s.wait_for("filters");
    let after = s.output()[before..].to_vec();
    assert!(
        find(&after, b"\x1b[?1049h").is_some(),
        "alternate screen not re-entered"
    );
    assert!(s.stty().contains("-icanon"), "raw mode not back");
    s.send("\x03");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(s);
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    let mut s = start(&[]);
    suspend_and_continue(&mut s, |s| s.send("\x1a"));
}

#[test]
fn sigtstp_suspends_and_sigcont_redraws() {
    let mut s = start(&[]);
    suspend_and_continue(&mut s, |s| kill("-TSTP", s.child.process_id().unwrap()));
}

/// `o` in a report: `$PAGER` gets the terminal in the shell's modes and every key typed (the
/// browser reads none of them); after it, the browser's modes are back and the screen is drawn.
#[test]
fn o_runs_the_pager_on_the_source_and_comes_back_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pager");
    std::fs::create_dir_all(&out).unwrap();
    let script = tmp.path().join("pager.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{o}/args'\nstty -a > '{o}/stty'\n\
             echo PAGER-RAN\nread line\necho \"$line\" > '{o}/line'\n",
            o = out.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut s = start(&[("PAGER", script.to_str().unwrap())]);
    s.wait_for(" hits ·");
    s.send("生态环境");
    s.wait_for("某某市生态环境局  2022");
    s.send("\r");
    s.wait_for("tables");
    let before = s.output().len();
    s.send("o");
    s.wait_for("PAGER-RAN");
    let stty = std::fs::read_to_string(out.join("stty")).unwrap();
    assert!(
        stty.contains(" icanon") && !stty.contains("-icanon"),
        "the pager got raw mode: {stty}"
    );
    let args = std::fs::read_to_string(out.join("args")).unwrap();
    assert!(
        args.trim_end().ends_with("某某市生态环境局/2022.txt"),
        "{args}"
    );
    // Typed keys are the pager's: the browser's input thread reads none of them.
    s.send("typed-in-pager\r");
    s.wait_for("back from");
    let line = std::fs::read_to_string(out.join("line")).unwrap();
    assert_eq!(line.trim(), "typed-in-pager");
    s.wait_for("tables");
    let after = s.output()[before..].to_vec();
    assert!(
        rfind(&after, b"\x1b[?1049h") > find(&after, b"\x1b[?1049l"),
        "the alternate screen was not left and re-entered"
    );
    assert!(s.stty().contains("-icanon"), "raw mode not back");
    // The browser still answers keys.
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s);
}

/// Across years and out of the browser, in a real terminal: `C` on a table opens the
/// comparison of its agency's years; `w` in the hit list writes every hit's cells to a CSV
/// file in the working folder, named on the status line.
#[test]
fn compare_from_a_table_and_export_the_hits() {
    let mut s = start(&[]);
    s.wait_for(" hits ·");
    // Esc: the hit list has the keys; `w` writes the whole selection.
    s.send("\x1b");
    // The hits may come before the index is ready (it is built in the background): ask again
    // until it is, polling rather than sleeping a guessed time.
    let t = Instant::now();
    while !s.text().contains("written to nianbao-all-6-reports.csv") {
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "never written:\n{}",
            s.text()
        );
        s.send("w");
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(2) && !s.text().contains("written to") {
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    let dir = s._dir.path().to_path_buf();
    let data = std::fs::read_to_string(dir.join("nianbao-all-6-reports.csv")).unwrap();
    assert!(data.starts_with("agency,province,city,county,kind,year,template,table,"));
    assert!(
        data.contains("某某市生态环境局"),
        "every report, not only those shown"
    );
    assert!(dir.join("nianbao-all-6-reports.dictionary.csv").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // `R`: totals and ranking over the same selection, worked out off the UI thread; `w`
    // writes the ranking.
    s.send("R");
    s.wait_for("6 selected");
    s.send("w");
    s.wait_for("written to nianbao-rank-予以公开率-all-6-reports.csv");
    let ranking =
        std::fs::read_to_string(dir.join("nianbao-rank-予以公开率-all-6-reports.csv")).unwrap();
    assert!(
        ranking.starts_with("rank,agency,year,value,cases,path,not ranked because"),
        "{ranking}"
    );
    assert_eq!(
        ranking.lines().count(),
        7,
        "every report, ranked or not:\n{ranking}"
    );
    s.send("\x1b");
    s.wait_for(" hits ·");
    // A table of an agency with two years, then `C`.
    s.send("\x07");
    s.send("中卫市公共资源交易中心 2024");
    s.send("\r");
    s.wait_for("中卫市公共资源交易中心 2024");
    s.wait_for("tables");
    s.send("\t");
    s.send("\r");
    s.wait_for("› 表");
    s.send("C");
    s.wait_for("w write CSV");
    assert!(
        s.text().contains("2017     2024"),
        "both years:\n{}",
        s.text()
    );
    // `w` there writes the comparison.
    s.send("w");
    s.wait_for("written to nianbao-中卫市公共资源交易中心-表2-1-2017_2024.csv");
    let cmp =
        std::fs::read_to_string(dir.join("nianbao-中卫市公共资源交易中心-表2-1-2017_2024.csv"))
            .unwrap();
    assert!(
        cmp.starts_with("row,group,column,2017,2024,changed in"),
        "{cmp}"
    );
    s.send("\x1b");
    s.wait_for("› 表2-1");
    assert!(!s.text().contains("w write CSV"));
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s);
}
