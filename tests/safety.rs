//! Safe with any file and any folder (issue 10): the index folder is nianbao's alone, an index
//! never completely built is never trusted, damage never panics, hostile reports never reach the
//! terminal as control sequences.

mod common;
use common::Env;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Decoy files of a user, as someone might keep them in a folder named by mistake in `--index`.
const DECOYS: [(&str, &[u8]); 5] = [
    ("project.tmp/main.rs", b"fn main() {}\n"),
    ("photos.store/a.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ("report.tmp", b"quarterly figures\n"),
    ("notes.idx", b"an index of my notes\n"),
    ("nested/deeper/meta.json", b"{\"mine\": true}\n"),
];

fn put_decoys(dir: &Path) {
    for (rel, bytes) in DECOYS {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn assert_decoys(dir: &Path, after: &str) {
    for (rel, bytes) in DECOYS {
        let got = std::fs::read(dir.join(rel));
        assert_eq!(
            got.as_deref().ok(),
            Some(bytes),
            "{rel} was changed or deleted after {after}"
        );
    }
}

/// Every file under `dir` with its content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Every command of nianbao that can touch the index, and `parse`.
fn every_command(e: &Env) -> Vec<(Vec<String>, Output)> {
    let report = e.corpus().join("中卫市工业和信息化局/2024.txt");
    let report = report.to_str().unwrap();
    let cmds: Vec<Vec<&str>> = vec![
        vec!["search", "行政复议"],
        vec!["search", "--json", "行政复议"],
        vec!["show", "中卫市工业和信息化局", "2024"],
        vec!["agencies"],
        vec!["check"],
        vec!["parse", report],
        vec!["index"],
        vec!["index", "--rebuild"],
    ];
    cmds.into_iter()
        .map(|c| {
            let o = e.run(&c);
            (c.iter().map(|s| s.to_string()).collect(), o)
        })
        .collect()
}

fn no_panic(args: &[String], o: &Output) {
    assert_ne!(
        o.status.code(),
        Some(101),
        "{args:?} panicked: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_folder_that_is_not_nianbaos_is_refused_by_every_command_and_left_as_it_was() {
    let e = Env::new();
    let dir = e.index();
    put_decoys(&dir);
    // Another program's index: a meta.json of its own.
    std::fs::write(dir.join("meta.json"), b"{\"segments\": [], \"theirs\": 1}").unwrap();
    let before = snapshot(&dir);
    for (args, o) in every_command(&e) {
        no_panic(&args, &o);
        assert_eq!(snapshot(&dir), before, "{args:?} changed the folder");
        if args[0] == "parse" {
            assert!(o.status.success(), "parse does not need the index");
            continue;
        }
        assert!(!o.status.success(), "{args:?} used a foreign folder");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is not a nianbao index"), "{args:?}: {err}");
    }
    assert_decoys(&dir, "every command");
}

#[test]
fn a_foreign_folder_without_meta_json_is_refused_too() {
    let e = Env::new();
    put_decoys(&e.index());
    let before = snapshot(&e.index());
    let o = e.run(&["index"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a nianbao index"));
    assert_eq!(snapshot(&e.index()), before);
}

#[test]
fn files_a_user_put_in_nianbaos_own_folder_survive_rebuilds_and_every_command() {
    let e = Env::new();
    e.ok(&["index"]);
    let want = e.total(&["行政复议"]);
    put_decoys(&e.index());
    let meta = e.index().join("meta.json");
    for round in 0..2 {
        // Damage, so that the commands rebuild the index (and delete its old files).
        let b = std::fs::read(&meta).unwrap();
        std::fs::write(&meta, &b[..b.len() / 2]).unwrap();
        for (args, o) in every_command(&e) {
            no_panic(&args, &o);
            // `check` exits 1 when a rule fails (the fixtures have failing rules).
            let ok = o.status.success() || (args[0] == "check" && o.status.code() == Some(1));
            assert!(
                ok,
                "round {round} {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_decoys(&e.index(), &format!("{args:?}"));
        }
    }
    assert_eq!(e.total(&["行政复议"]), want);
}

/// Writes a nianbao index folder as a first build killed after creating the index and before
/// its first commit leaves it: the marker (not complete) and an empty tantivy index.
fn interrupted_first_build(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("nianbao-format.json"),
        format!(
            "{{\"format\": {}, \"complete\": false}}",
            nianbao::index::schema::FORMAT_VERSION
        ),
    )
    .unwrap();
    let (schema, _) = nianbao::index::schema::build();
    tantivy::Index::create_in_dir(dir, schema).unwrap();
}

#[test]
fn an_index_never_completely_built_is_built_not_trusted() {
    let e = Env::new();
    interrupted_first_build(&e.index());
    let o = e.run(&["search", "--json", "行政复议"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["total"].as_u64().unwrap() > 0,
        "answered from an empty index: {v}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("indexed"));
    // Complete now: the next command does not build again.
    let o = e.run(&["agencies", "--json"]);
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("indexed"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = v.as_array().unwrap().len();
    e.ok(&["index", "--rebuild"]);
    assert_eq!(e.json(&["agencies", "--json"]).as_array().unwrap().len(), n);
}

#[test]
fn while_a_first_build_runs_read_commands_say_so_instead_of_answering_zero() {
    let e = Env::new();
    interrupted_first_build(&e.index());
    // Another process building: it holds tantivy's writer lock.
    let index = tantivy::Index::open_in_dir(e.index()).unwrap();
    let writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    for args in [
        vec!["search", "行政复议"],
        vec!["agencies"],
        vec!["check"],
        vec!["show", "中卫市工业和信息化局"],
    ] {
        let o = e.run(&args);
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(!o.status.success(), "{args:?} answered: {out}");
        assert!(err.contains("being updated by another process"), "{err}");
        assert!(!out.contains("0 report"), "{out}");
    }
    drop(writer);
    assert!(e.total(&["行政复议"]) > 0);
}

/// Every control sequence of the defect report: OSC 52 (clipboard), OSC 0 (title), CSI 2J
/// (clear), CSI 6n (cursor report typed into the shell), DCS, C1 CSI and a bidi override.
const PAYLOAD: &str = "\x1b]52;c;cm0gLXJmIH4vKg==\x07\x1b]0;pwned\x07\x1b[2J\x1b[6n\x1bP1$qm\x1b\\\u{9b}31m\u{202e}\u{2066}\x7f";

/// A byte or character that a terminal would act on: C0 but tab and newline, DEL, C1, bidi
/// controls. Written out here, not taken from the sanitiser, so that the test checks it.
fn terminal_control(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && c != '\t' && c != '\n')
        || (0x7f..=0x9f).contains(&n)
        || (0x202a..=0x202e).contains(&n)
        || (0x2066..=0x2069).contains(&n)
        || matches!(n, 0x200e | 0x200f | 0x061c)
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| terminal_control(c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!(
            "{what}: U+{:04X} reached the terminal after …{:?}",
            c as u32,
            &text[from..i]
        );
    }
}

/// A corpus where the payload stands in a report's body, title, agency and file name, and in
/// the name of a file that fails to index.
fn hostile_env() -> (Env, PathBuf) {
    let e = Env::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let real = std::fs::read_to_string(root.join("corpus/中卫市工业和信息化局/2024.txt")).unwrap();
    let text = real
        .replacen(
            "中卫市工业和信息化局\n2024年政府信息公开工作年度报告",
            &format!("恶意{PAYLOAD}市局2024年政府信息公开工作年度报告"),
            1,
        )
        .replacen(
            "四、政府信息公开行政复议",
            &format!("四、政府信息公开行政复议{PAYLOAD}"),
            1,
        );
    let folder = format!("恶意{PAYLOAD}局");
    let file = format!("{folder}/2024{PAYLOAD}.txt");
    e.write(&file, text.as_bytes());
    e.write(&format!("{folder}/bad{PAYLOAD}.txt"), b"\0\0\0binary");
    let path = e.corpus().join(&file);
    (e, path)
}

#[test]
fn no_control_sequence_of_a_report_reaches_the_terminal_from_any_command() {
    let (e, path) = hostile_env();
    let p = path.to_str().unwrap();
    let missing = format!("{}/gone{PAYLOAD}.txt", e.corpus().display());
    let runs: Vec<Vec<&str>> = vec![
        vec!["index"],
        vec!["index", "--json"],
        vec!["index", "--rebuild"],
        vec!["search", "行政复议"],
        vec!["search", "--json", "行政复议"],
        vec!["search", "恶意"],
        vec!["search", "--json", "恶意"],
        vec!["show", p],
        vec!["show", p, "--format", "json"],
        vec!["show", p, "--table", "3", "--format", "tsv"],
        vec!["show", "恶意"],
        vec!["agencies"],
        vec!["agencies", "--json"],
        vec!["check"],
        vec!["check", "--json"],
        vec!["parse", p],
        vec!["parse", "--json", p],
        vec!["parse", "--sections", p],
        vec!["parse", &missing],
        vec!["show", &missing],
        vec!["compare", "恶意"],
        vec!["compare", "恶意", "--json"],
        vec!["totals"],
        vec!["totals", "--json"],
        vec!["rank", "--by", "disclosed"],
        vec!["rank", "--by", "disclosed", "--json"],
    ];
    let mut saw_payload_text = false;
    for args in runs {
        let o = e.run(&args);
        no_panic(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &o);
        assert_clean(&format!("{args:?} stdout"), &o.stdout);
        assert_clean(&format!("{args:?} stderr"), &o.stderr);
        let out = String::from_utf8_lossy(&o.stdout);
        // The text around the payload is still there, made visible (or escaped in JSON).
        saw_payload_text |= out.contains("]52;c;cm0gLXJmIH4vKg==");
        if args.contains(&"--json") && o.status.success() {
            for line in out.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                // A JSON reader gets the report's characters back, unchanged.
                if args[0] == "search" && args[2] == "恶意" {
                    let s = v["hits"][0]["title"].as_str().unwrap();
                    assert!(s.contains(PAYLOAD), "{s:?}");
                }
            }
        }
    }
    assert!(saw_payload_text, "the hostile report was never printed");
}

#[test]
fn the_browser_shows_a_search_error_instead_of_the_previous_hits() {
    use nianbao::index::{Backend, MemoryIndex};
    use nianbao::tui::events::AppEvent;
    use nianbao::tui::state::{App, Effect};
    use nianbao::tui::worker::EngineMsg;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r =
        nianbao::report::parse_file(&root.join("corpus/中卫市工业和信息化局/2024.txt")).unwrap();
    let backend: std::sync::Arc<dyn Backend> = std::sync::Arc::new(MemoryIndex::new(vec![r]));
    let mut app = App::new((80, 24), false, "corpus");
    app.request_search();
    app.handle(AppEvent::Engine(EngineMsg::Ready(backend.clone())));
    // Runs the pending search with `answer` (None: the engine's own answer).
    let run = |app: &mut App, answer: Option<Result<_, String>>| {
        let mut ran = false;
        for e in std::mem::take(&mut app.effects) {
            if let Effect::Search(req) = e {
                let results = answer
                    .clone()
                    .unwrap_or_else(|| backend.search(&req.query).map_err(|e| e.to_string()));
                app.handle(AppEvent::Engine(EngineMsg::Results {
                    generation: req.generation,
                    results,
                }));
                ran = true;
            }
        }
        assert!(ran, "no search was asked for");
    };
    run(&mut app, None);
    assert!(app.search.results.as_ref().is_some_and(|r| r.total > 0));
    // The next search (as if typed) fails inside the engine.
    app.request_search();
    run(
        &mut app,
        Some(Err("a search crashed inside the index".into())),
    );
    assert!(
        app.search.results.is_none(),
        "stale hits kept under an error"
    );
    assert_eq!(
        app.search.error.as_deref(),
        Some("a search crashed inside the index")
    );
}

/// Bit rot: `n` random bytes written into `file`, its size and modification time kept (what a
/// bad disk or a bad restore leaves: nothing cheaper than a checksum notices).
fn rot(file: &Path, n: usize, seed: u64) {
    let meta = std::fs::metadata(file).unwrap();
    let mut b = std::fs::read(file).unwrap();
    let mut x = seed;
    for _ in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let at = (x >> 33) as usize % b.len();
        b[at] = (x >> 17) as u8;
    }
    std::fs::write(file, &b).unwrap();
    let f = std::fs::File::options().write(true).open(file).unwrap();
    f.set_modified(meta.modified().unwrap()).unwrap();
}

#[test]
fn random_bytes_in_any_segment_file_never_panic_and_index_rebuilds() {
    let e = Env::new();
    e.ok(&["index"]);
    let want = e.total(&["行政复议"]);
    let queries = [
        "行政复议",
        "\"政府信息公开 工作\"",
        "公开 -中卫",
        "2024年",
        "交易",
    ];
    for (round, ext) in ["fast", "term", "pos", "idx", "store", "fieldnorm"]
        .iter()
        .enumerate()
    {
        let files: Vec<PathBuf> = std::fs::read_dir(e.index())
            .unwrap()
            .flatten()
            .map(|d| d.path())
            .filter(|p| p.extension().is_some_and(|x| x == *ext))
            .collect();
        assert!(!files.is_empty(), "no .{ext} file");
        // `index` reads every segment (checksums), even when names, sizes and times are as they
        // were: the damage is found and the index rebuilt.
        for f in &files {
            rot(f, 32, round as u64 + 1);
        }
        let o = e.run(&["index", "--json"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["rebuilt"].is_string(), ".{ext}: damage not found: {v}");
        // Read commands on a rotten index: an answer or a clear message, never a crash.
        let files: Vec<PathBuf> = std::fs::read_dir(e.index())
            .unwrap()
            .flatten()
            .map(|d| d.path())
            .filter(|p| p.extension().is_some_and(|x| x == *ext))
            .collect();
        for f in &files {
            rot(f, 32, round as u64 + 100);
        }
        let mut runs: Vec<Vec<&str>> = queries.iter().map(|q| vec!["search", q]).collect();
        runs.push(vec!["show", "中卫市工业和信息化局", "2024"]);
        runs.push(vec!["agencies"]);
        runs.push(vec!["check"]);
        for args in &runs {
            let o = e.run(args);
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            no_panic(&args, &o);
            // A failure is a message of nianbao's, not a crash. (Which one depends on where
            // the bytes fell: "damaged", or a lookup that finds nothing.)
            if !o.status.success() && o.status.code() != Some(1) {
                let err = String::from_utf8_lossy(&o.stderr);
                assert!(err.contains("nianbao: "), ".{ext} {args:?}: {err}");
            }
        }
        e.ok(&["index"]);
        assert_eq!(e.total(&["行政复议"]), want);
    }
}

/// What the record of the last checksum pass (`nianbao-verified.json`) holds for a file as it
/// is now: size, modification time, inode and status-change time, as `build.rs` writes them.
#[cfg(unix)]
fn ident(file: &Path) -> String {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(file).unwrap();
    let t = m
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!(
        "{} {} {} {}.{:09}",
        m.len(),
        t.as_nanos(),
        m.ino(),
        m.ctime(),
        m.ctime_nsec()
    )
}

/// Rot below the file system (a bad disk) changes no time at all, not even the ctime that a
/// write would change: imitated by flipping a byte of a file and then making the record of the last
/// checksum pass describe the file as it is now. `index` does not read every file on every
/// run, but its scrub reaches every file within eight runs, finds the damage and rebuilds.
#[cfg(unix)]
#[test]
fn rot_that_leaves_every_time_as_it_was_is_found_by_the_scrub_within_eight_runs() {
    let e = Env::new();
    e.ok(&["index"]);
    let want = e.total(&["行政复议"]);
    let record = e.index().join("nianbao-verified.json");
    for ext in ["pos", "store"] {
        // The last file by name: the scrub takes files checked longest ago, by name on a tie.
        let mut files: Vec<PathBuf> = std::fs::read_dir(e.index())
            .unwrap()
            .flatten()
            .map(|d| d.path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .collect();
        files.sort();
        let f = files.last().unwrap().clone();
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        // One flipped byte in the middle, far from the footer that opening the file reads.
        let meta = std::fs::metadata(&f).unwrap();
        let mut b = std::fs::read(&f).unwrap();
        let mid = b.len() / 2;
        b[mid] ^= 0xff;
        std::fs::write(&f, &b).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(meta.modified().unwrap())
            .unwrap();
        let text = std::fs::read_to_string(&record).unwrap();
        assert!(
            text.contains(&format!("{name}\t")),
            "{name} not in the record"
        );
        let forged: String = text
            .lines()
            .map(|l| match l.split('\t').collect::<Vec<_>>()[..] {
                [n, _, at] if n == name => format!("{n}\t{}\t{at}\n", ident(&f)),
                _ => format!("{l}\n"),
            })
            .collect();
        std::fs::write(&record, forged).unwrap();
        let mut found = None;
        for run in 1..=8 {
            let o = e.run(&["index", "--json"]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            if let Some(reason) = v["rebuilt"].as_str() {
                assert!(reason.contains("checksum mismatch"), "{reason}");
                found = Some(run);
                break;
            }
        }
        assert!(
            found.is_some(),
            ".{ext}: eight runs of index did not find the damage"
        );
        assert_eq!(e.total(&["行政复议"]), want);
    }
}

fn sample(rel: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("corpus").join(rel)).unwrap()
}

#[test]
fn utf16_with_a_bom_and_big5_are_indexed_as_text() {
    let e = Env::new();
    let text = sample("中卫市工业和信息化局/2024.txt");
    let mut le = vec![0xFF, 0xFE];
    for u in text.replace("中卫市", "甲乙市").encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    e.write("甲乙市工业和信息化局/2024.txt", &le);
    let mut be = vec![0xFE, 0xFF];
    for u in text.replace("中卫市", "丙丁市").encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    e.write("丙丁市工业和信息化局/2024.txt", &be);
    // A traditional-Chinese report in Big5: found by its own characters, not as mojibake.
    let trad = "戊己市工業和信息化局2024年政府信息公開工作年度報告\n一、總體情況\n本年度戊己市工業和信息化局共收到政府信息公開申請12件，辦結11件，結轉1件。\n";
    let (b5, _, unmappable) = encoding_rs::BIG5.encode(trad);
    assert!(!unmappable);
    e.write("戊己市工業和信息化局/2024.txt", &b5);
    let v = e.json(&["index", "--json"]);
    assert_eq!(v["failed"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(e.total(&["甲乙市工业和信息化局"]), 1);
    assert_eq!(e.total(&["丙丁市工业和信息化局"]), 1);
    assert_eq!(e.total(&["政府信息公開申請"]), 1);
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_never_collide() {
    use std::os::unix::ffi::OsStrExt;
    let e = Env::new();
    let dir = e.corpus().join("某某县统计局");
    std::fs::create_dir_all(&dir).unwrap();
    let text = sample("中卫市工业和信息化局/2024.txt");
    // Two GBK names that both read as "\u{FFFD}\u{FFFD}.txt" once made readable.
    for (name, marker) in [
        (&b"\xb6\xfe.txt"[..], "壹号"),
        (&b"\xc8\xfd.txt"[..], "贰号"),
    ] {
        let p = dir.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(p, format!("{text}\n附注：{marker}样本\n")).unwrap();
    }
    let v = e.json(&["index", "--json"]);
    assert_eq!(v["failed"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(e.total(&["壹号样本"]), 1);
    assert_eq!(e.total(&["贰号样本"]), 1);
    // Both reachable by their shown path, and a second run sees nothing changed.
    let hits = e.json(&["search", "--json", "号样本"]);
    let paths: Vec<&str> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2);
    assert_ne!(paths[0], paths[1]);
    for p in paths {
        // Looked up by that path (the name's bytes are part of it), not a namesake.
        let hex = p
            .rsplit("name bytes ")
            .next()
            .unwrap()
            .trim_end_matches(']');
        assert!(e.ok(&["show", p]).contains(hex), "{p}");
    }
    let v = e.json(&["index", "--json"]);
    assert_eq!(
        (v["added"].as_u64(), v["updated"].as_u64()),
        (Some(0), Some(0)),
        "{v}"
    );
}

#[cfg(unix)]
#[test]
fn links_are_not_followed_unless_asked_and_never_out_of_the_corpus() {
    let e = Env::new();
    // Outside the corpus: a folder of reports a link points to.
    let outside = e.dir.path().join("elsewhere/外部局");
    std::fs::create_dir_all(&outside).unwrap();
    let text = sample("中卫市工业和信息化局/2024.txt");
    std::fs::write(outside.join("2024.txt"), format!("{text}\n外部链接样本\n")).unwrap();
    std::os::unix::fs::symlink(&outside, e.corpus().join("外部局")).unwrap();
    std::os::unix::fs::symlink(outside.join("2024.txt"), e.corpus().join("外部.txt")).unwrap();
    // Inside the corpus: a link to a folder of the corpus itself.
    let inside = e.corpus().join("内部局");
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::write(inside.join("2024.txt"), format!("{text}\n内部链接样本\n")).unwrap();
    std::os::unix::fs::symlink(&inside, e.corpus().join("链接局")).unwrap();

    e.ok(&["index"]);
    assert_eq!(e.total(&["外部链接样本"]), 0);
    assert_eq!(
        e.total(&["内部链接样本"]),
        1,
        "the real folder only, not the link"
    );

    let o = e.run(&["--follow-links", "index", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        e.total(&["外部链接样本"]),
        0,
        "a link led out of the corpus"
    );
    assert_eq!(
        e.total(&["内部链接样本"]),
        2,
        "the folder and the link to it"
    );
}

#[test]
fn a_failed_file_is_named_once_with_its_reason() {
    let e = Env::new();
    e.write("坏文件局/2024.txt", b"abc\x01\x02\x03\x04\x05\x06\x07\x08");
    let o = e.run(&["index"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().find(|l| l.contains("坏文件局")).unwrap();
    assert_eq!(line.matches("2024.txt").count(), 1, "{line}");
    assert!(line.contains("binary"), "{line}");
}

#[test]
fn a_report_over_the_size_cap_is_a_named_failure_and_the_rest_are_indexed() {
    let e = Env::new();
    let text = sample("中卫市工业和信息化局/2024.txt");
    // 40 copies of a real report under one title: ~400 KB.
    let big = format!("{text}\n超大样本\n").repeat(40);
    e.write("超大局/2024.txt", big.as_bytes());
    let cap = (big.len() / 2).to_string();
    let o = e.run(&["--max-report-size", &cap, "index", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let failed = v["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{v}");
    assert!(failed[0]["path"].as_str().unwrap().contains("超大局"));
    assert!(
        failed[0]["reason"].as_str().unwrap().contains("size cap"),
        "{v}"
    );
    assert!(v["reports"].as_u64().unwrap() >= 5, "{v}");
    assert_eq!(e.total(&["超大样本"]), 0);
    // The cap is configurable (here through the environment); the default takes it.
    let o = e
        .cmd(&["index", "--json"])
        .env("NIANBAO_MAX_REPORT_SIZE", (big.len() * 2).to_string())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["failed"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(e.total(&["超大样本"]), 1);
}
