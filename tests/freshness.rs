//! Never an answer from a stale index: commands that answer from the index bring it up to date
//! with the corpus first (edits, new files, deleted files), or say that it is stale.

mod common;
use common::synth::{Rng, Truth};
use common::Env;
use std::path::Path;

const AGENCY: &str = "测试市统计局";

/// A report of [`AGENCY`] whose figures differ with `seed`; `word` is written into its text.
fn report(seed: u64, year: i32, word: &str) -> (Truth, String) {
    let t = Truth::generate(&mut Rng(seed), AGENCY, year, None, 20);
    let text = t.text().replace("仍有不足。", &format!("仍有不足。{word}"));
    (t, text)
}

/// 一、本年新收 … and （七）总计, column 总计, of table 3 in `show … --format json`.
fn new_and_total(report: &serde_json::Value) -> (f64, f64) {
    let t3 = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "3")
        .expect("table 3");
    let cell = |label: &str| {
        t3["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"] == label)
            .unwrap_or_else(|| panic!("no row {label}"))["values"][6]
            .as_f64()
            .unwrap_or_else(|| panic!("{label}: {t3}"))
    };
    (cell("一、本年新收政府信息公开申请数量"), cell("（七）总计"))
}

fn truth_of(t: &Truth) -> (f64, f64) {
    let n = t.t3.len();
    (t.t3[0][6].unwrap() as f64, t.t3[n - 2][6].unwrap() as f64)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Two reports of the same agency and year whose table 3 differs.
fn two_versions() -> ((Truth, String), (Truth, String)) {
    let a = report(7, 2023, "");
    let mut seed = 8;
    loop {
        let b = report(seed, 2023, "");
        if truth_of(&b.0) != truth_of(&a.0) {
            return (a, b);
        }
        seed += 1;
    }
}

#[test]
fn an_edited_file_is_shown_with_its_new_figures_by_agency_and_year_as_by_path() {
    let env = Env::new();
    let ((a, a_text), (b, b_text)) = two_versions();
    let rel = format!("{AGENCY}/2023.txt");
    env.write(&rel, a_text.as_bytes());
    env.ok(&["index"]);
    let shown = env.json(&["show", AGENCY, "2023", "--format", "json"]);
    assert_eq!(new_and_total(&shown), truth_of(&a));

    env.write(&rel, b_text.as_bytes());
    let o = env.run(&["show", AGENCY, "2023", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let by_name: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(new_and_total(&by_name), truth_of(&b));
    // Said in one line, on stderr.
    let err = stderr(&o);
    assert!(
        err.contains("updated it (0 added, 1 updated, 0 removed)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let path = env.corpus().join(&rel);
    let by_path = env.json(&["show", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(new_and_total(&by_path), truth_of(&b));

    // Nothing changed since: nothing said.
    let o = env.run(&["show", AGENCY, "2023"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_new_file_is_found_at_once_and_a_deleted_one_is_gone() {
    let env = Env::new();
    env.ok(&["index"]);
    assert_eq!(env.total(&["鹦鹉螺号"]), 0);
    let (_, text) = report(11, 2022, "鹦鹉螺号专项检查。");
    env.write(&format!("{AGENCY}/2022.txt"), text.as_bytes());

    let o = env.run(&["search", "鹦鹉螺号", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["hits"][0]["agency"], AGENCY);
    assert!(stderr(&o).contains("1 added"), "{}", stderr(&o));
    let agencies = env.ok(&["agencies"]);
    assert!(agencies.contains(AGENCY), "{agencies}");

    std::fs::remove_file(env.corpus().join(format!("{AGENCY}/2022.txt"))).unwrap();
    assert_eq!(env.total(&["鹦鹉螺号"]), 0);
    assert!(!env.ok(&["agencies"]).contains(AGENCY));
    let o = env.run(&["show", AGENCY, "2022"]);
    assert!(!o.status.success());
}

#[test]
fn a_file_that_cannot_be_indexed_is_not_read_again_by_every_command() {
    let env = Env::new();
    env.write("坏文件/2023.txt", b"   \n");
    let o = env.run(&["index"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = env.run(&["search", "行政复议"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "", "the index was updated again");
    // Once it changes, it is read again.
    let (_, text) = report(3, 2023, "");
    env.write("坏文件/2023.txt", text.as_bytes());
    let o = env.run(&["search", "行政复议"]);
    assert!(stderr(&o).contains("1 added"), "{}", stderr(&o));
}

/// Every file of a folder with its size and modification time.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                m.len(),
                m.modified().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_read_only_index_is_said_to_be_stale_and_still_answers() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let ((_, a_text), (b, b_text)) = two_versions();
    let rel = format!("{AGENCY}/2023.txt");
    env.write(&rel, a_text.as_bytes());
    env.ok(&["index"]);
    env.write(&rel, b_text.as_bytes());
    let (_, added) = report(5, 2021, "鹦鹉螺号专项检查。");
    env.write(&format!("{AGENCY}/2021.txt"), added.as_bytes());

    let index = env.index();
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Run as root, the permissions do not stop a write: the program is told instead.
    let privileged = std::fs::write(index.join("probe"), b"").is_ok();
    let _ = std::fs::remove_file(index.join("probe"));
    let before = listing(&index);
    let run = |args: &[&str]| {
        let mut c = env.cmd(args);
        if privileged {
            c.env("NIANBAO_TEST_READ_ONLY_INDEX", "1");
        }
        c.output().unwrap()
    };

    let o = run(&["search", "鹦鹉螺号", "--json"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("is stale (1 added, 1 changed, 0 removed since it was built)"),
        "{err}"
    );
    assert!(err.contains("nianbao index"), "{err}");
    // The old index's answer, said to be old.
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 0);

    // A report whose file changed is read from the file, never shown with old figures.
    let o = run(&["show", AGENCY, "2023", "--format", "json"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("is stale") && err.contains("read from the file"),
        "{err}"
    );
    let shown: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(new_and_total(&shown), truth_of(&b));

    assert_eq!(listing(&index), before, "the read-only index was written");
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Polls `f` every 100 ms until it is true or `limit` has passed.
fn eventually(limit: std::time::Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Everything a pipe has given so far, sent again after each read.
fn follow(mut pipe: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut all = String::new();
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.push_str(&String::from_utf8_lossy(&buf[..n]));
            let _ = tx.send(all.clone());
        }
    });
    rx
}

/// The latest of what `rx` has sent, waiting up to `wait` for more.
fn latest(rx: &std::sync::mpsc::Receiver<String>, seen: &mut String, wait: std::time::Duration) {
    while let Ok(s) = rx.recv_timeout(wait) {
        *seen = s;
    }
}

/// A running `nianbao index --watch`, its output followed.
struct Watching {
    child: std::process::Child,
    out: std::sync::mpsc::Receiver<String>,
    err: std::sync::mpsc::Receiver<String>,
    seen_out: String,
    seen_err: String,
}

impl Watching {
    /// Started with `args`, once it says it is watching (its first build done, the watch set).
    fn start(env: &Env, args: &[&str]) -> Watching {
        let mut child = env
            .cmd(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = follow(child.stdout.take().unwrap());
        let err = follow(child.stderr.take().unwrap());
        let mut w = Watching {
            child,
            out,
            err,
            seen_out: String::new(),
            seen_err: String::new(),
        };
        let ready = w.until(|out, err| out.contains("watching") || err.contains("watching"));
        assert!(
            ready,
            "never started watching: {} {}",
            w.seen_out, w.seen_err
        );
        w
    }

    /// Whether its output so far satisfies `f` within 30 s.
    fn until(&mut self, mut f: impl FnMut(&str, &str) -> bool) -> bool {
        eventually(std::time::Duration::from_secs(30), || {
            latest(&self.out, &mut self.seen_out, std::time::Duration::ZERO);
            latest(&self.err, &mut self.seen_err, std::time::Duration::ZERO);
            f(&self.seen_out, &self.seen_err)
        })
    }

    /// Ctrl-C: it must stop, with success. Gives all it wrote (stdout, stderr).
    fn stop(mut self) -> (String, String) {
        let killed = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let mut status = None;
        assert!(
            eventually(std::time::Duration::from_secs(30), || {
                status = self.child.try_wait().unwrap();
                status.is_some()
            }),
            "still running after Ctrl-C"
        );
        assert!(status.unwrap().success(), "{status:?}");
        latest(
            &self.out,
            &mut self.seen_out,
            std::time::Duration::from_secs(5),
        );
        latest(
            &self.err,
            &mut self.seen_err,
            std::time::Duration::from_secs(5),
        );
        (self.seen_out, self.seen_err)
    }
}

/// `index --watch` (with `--json` or not): started, a new file written, found by a search
/// that cannot update the index itself, then Ctrl-C. Gives (stdout, stderr) of the watcher.
fn watch_a_new_file(json: bool) -> (String, String) {
    let env = Env::new();
    let args: &[&str] = if json {
        &["index", "--watch", "--json"]
    } else {
        &["index", "--watch"]
    };
    let watching = Watching::start(&env, args);

    let (_, text) = report(13, 2022, "鹦鹉螺号专项检查。");
    env.write(&format!("{AGENCY}/2022.txt"), text.as_bytes());
    // Searched with the index taken as read-only, so that only the watcher can have added it.
    let found = eventually(std::time::Duration::from_secs(30), || {
        let o = env
            .cmd(&["search", "鹦鹉螺号", "--json"])
            .env("NIANBAO_TEST_READ_ONLY_INDEX", "1")
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok_and(|v| v["total"] == 1)
    });
    assert!(found, "the watcher did not index the new file");

    // Ctrl-C: it stops, says so, and leaves a sound index.
    let (seen_out, seen_err) = watching.stop();
    let o = env.run(&["search", "鹦鹉螺号", "--json"]);
    assert_eq!(stderr(&o), "");
    (seen_out, seen_err)
}

#[test]
fn index_watch_keeps_the_index_fresh_and_stops_cleanly_on_ctrl_c() {
    let (out, _) = watch_a_new_file(false);
    assert!(out.contains("1 added"), "{out}");
    assert!(out.contains("stopped watching"), "{out}");
}

#[test]
fn index_watch_json_prints_one_object_a_line() {
    let (out, err) = watch_a_new_file(true);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    // The first build, then the update that added the file.
    assert!(lines.len() >= 2, "{out}");
    assert!(lines.iter().skip(1).any(|v| v["added"] == 1), "{out}");
    assert!(err.contains("stopped watching"), "{err}");
}

#[test]
fn a_corpus_folder_that_is_gone_leaves_the_index_to_answer_and_says_so() {
    let env = Env::new();
    env.ok(&["index"]);
    std::fs::rename(env.corpus(), env.dir.path().join("moved")).unwrap();
    let o = env.run(&["search", "行政复议", "--json"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("is not there") && err.contains("unchecked"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
}

/// While `index --watch` runs, `search` skips its own check of the corpus when the watcher
/// vouches for the index (`index/vouch.rs`), and a change made just before a search is never
/// missed: edits in place, new files in new folders and removals, each searched at once.
#[test]
fn a_watcher_vouches_for_a_fresh_index_and_never_for_a_stale_one() {
    let env = Env::new();
    let watching = Watching::start(&env, &["index", "--watch"]);
    // On Linux, with the corpus on a local file system, the watcher must vouch.
    if cfg!(target_os = "linux") {
        let said = &watching.seen_err;
        assert!(!said.contains("check the corpus themselves"), "{said}");
    }
    let search = |word: &str| {
        let o = env
            .cmd(&["search", word, "--json"])
            .env("NIANBAO_TRACE", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v["total"].as_u64().unwrap(), stderr(&o))
    };
    let vouched = |e: &str| e.contains("vouched for by `index --watch`");
    if cfg!(target_os = "linux") {
        // Its first update done, nothing changing: the search answers on its word.
        let idle = eventually(std::time::Duration::from_secs(30), || {
            vouched(&search("政府信息公开").1)
        });
        assert!(idle, "the watcher never vouched");
        // Every command that opens the index asks (here through `refresh`).
        let o = env
            .cmd(&["agencies", "--json"])
            .env("NIANBAO_TRACE", "1")
            .output()
            .unwrap();
        assert!(o.status.success() && vouched(&stderr(&o)), "{}", stderr(&o));
    }

    let words = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    for (i, w) in words.iter().enumerate() {
        let word = format!("鹦鹉螺{w}号");
        let rel = if i % 2 == 0 {
            format!("{AGENCY}/2022.txt")
        } else {
            format!("新建{w}/{AGENCY}/2021.txt")
        };
        let (_, text) = report(100 + i as u64, if i % 2 == 0 { 2022 } else { 2021 }, &word);
        env.write(&rel, text.as_bytes());
        // At once: the watcher has not updated yet, so it must not vouch for the old index.
        let (n, e) = search(&word);
        assert_eq!(n, 1, "{word} written to {rel}, not found: {e}");
        if i % 2 == 1 {
            std::fs::remove_dir_all(env.corpus().join(format!("新建{w}"))).unwrap();
            let (n, e) = search(&word);
            assert_eq!(n, 0, "{word} removed with {rel}, still found: {e}");
        }
    }
    watching.stop();
    // Gone with the watcher: its socket.
    assert!(!env.index().join("nianbao-watch/sock").exists());
}

/// A report with a second name outside the corpus (a hard link) changes without a notice to
/// the watcher: once one is in the corpus the watcher stops vouching, and a change made
/// through the other name is found at once.
#[cfg(unix)]
#[test]
fn a_watcher_does_not_vouch_for_a_corpus_with_hard_links() {
    let env = Env::new();
    let mut watching = Watching::start(&env, &["index", "--watch"]);

    let outside = env.dir.path().join("elsewhere.txt");
    let (_, text) = report(200, 2020, "第一版本");
    std::fs::write(&outside, text.as_bytes()).unwrap();
    std::fs::create_dir_all(env.corpus().join(AGENCY)).unwrap();
    std::fs::hard_link(&outside, env.corpus().join(format!("{AGENCY}/2020.txt"))).unwrap();
    let updated = watching.until(|out, err| out.contains("1 added") && err.contains("hard link"));
    assert!(updated, "{} {}", watching.seen_out, watching.seen_err);

    let (_, text) = report(200, 2020, "第二版本");
    std::fs::write(&outside, text.as_bytes()).unwrap();
    let o = env
        .cmd(&["search", "第二版本", "--json"])
        .env("NIANBAO_TRACE", "1")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 1, "{}", stderr(&o));
    assert!(!stderr(&o).contains("vouched"), "{}", stderr(&o));

    watching.stop();
}

/// The browser asks a running watcher too: on start (its updater) and in its periodic check,
/// each skips its `stat`s on the watcher's word for a fresh index; after a change, never.
#[cfg(target_os = "linux")]
#[test]
fn the_browser_takes_a_watchers_word_and_never_after_a_change() {
    use nianbao::index::fresh::vouches_taken;
    let env = Env::new();
    let watching = Watching::start(&env, &["index", "--watch"]);
    let vouched = || {
        let o = env
            .cmd(&["search", "政府信息公开"])
            .env("NIANBAO_TRACE", "1")
            .output()
            .unwrap();
        stderr(&o).contains("vouched for by `index --watch`")
    };
    assert!(
        eventually(std::time::Duration::from_secs(30), vouched),
        "the watcher never vouched"
    );
    let loader = nianbao::tui::loader::loader(env.corpus(), Some(env.index()), Default::default());
    let loaded = loader(&mut |_, _| {}).unwrap();
    let before = vouches_taken();
    let update = loaded.updater.expect("an updater");
    assert!(update(&mut |_, _| {}).unwrap().is_none(), "nothing changed");
    assert_eq!(
        vouches_taken(),
        before + 1,
        "the browser's start did not ask"
    );
    let mut watch = loaded.watch.expect("a periodic check");
    assert!(watch().unwrap().is_none(), "nothing changed");
    assert_eq!(
        vouches_taken(),
        before + 2,
        "the periodic check did not ask"
    );
    // A change: whether the watcher has updated yet or not, its word is not taken for the
    // engine the browser has open.
    let (_, text) = report(7, 2022, "鹦鹉螺号");
    env.write(&format!("{AGENCY}/2022.txt"), text.as_bytes());
    let _ = watch();
    assert_eq!(vouches_taken(), before + 2, "taken after a change");
    watching.stop();
}
