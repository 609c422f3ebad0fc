//! Damaged, locked and killed indexes: detected, rebuilt with a message, nothing lost.

mod common;
use common::Env;
use std::path::PathBuf;

fn segment_files(e: &Env, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(e.index())
        .unwrap()
        .flatten()
        .map(|x| x.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn expect_rebuilt(e: &Env, want: u64) {
    let o = e.run(&["search", "--json", "行政复议"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("rebuilding it from the corpus"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], want);
}

#[test]
fn each_kind_of_damage_is_detected_and_rebuilt() {
    let e = Env::new();
    e.ok(&["index"]);
    let want = e.total(&["行政复议"]);
    type Damage = fn(&Env);
    let damages: [(&str, Damage); 5] = [
        ("meta.json truncated", |e| {
            let p = e.index().join("meta.json");
            let b = std::fs::read(&p).unwrap();
            std::fs::write(&p, &b[..b.len() / 2]).unwrap();
        }),
        ("meta.json missing", |e| {
            std::fs::remove_file(e.index().join("meta.json")).unwrap()
        }),
        ("segment file missing", |e| {
            std::fs::remove_file(&segment_files(e, "idx")[0]).unwrap()
        }),
        ("segment file truncated", |e| {
            let p = &segment_files(e, "store")[0];
            let b = std::fs::read(p).unwrap();
            std::fs::write(p, &b[..b.len() / 3]).unwrap();
        }),
        ("random bytes in a segment", |e| {
            let p = &segment_files(e, "pos")[0];
            let mut b = std::fs::read(p).unwrap();
            let n = b.len();
            for i in 0..64 {
                let at = (i * 7919 + 13) % (n.saturating_sub(40).max(1));
                b[at] ^= 0xA5;
            }
            std::fs::write(p, &b).unwrap();
        }),
    ];
    for (name, damage) in damages {
        damage(&e);
        eprintln!("damage: {name}");
        expect_rebuilt(&e, want);
    }
    // An index written by another format version is rebuilt too.
    std::fs::write(e.index().join("nianbao-format.json"), "{\"format\": 0}").unwrap();
    expect_rebuilt(&e, want);
}

#[test]
fn a_second_indexer_gets_a_clear_error() {
    let e = Env::new();
    e.ok(&["index"]);
    let index = tantivy::Index::open_in_dir(e.index()).unwrap();
    let writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let o = e.run(&["index", "--rebuild"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("being updated by another process"), "{err}");
    // Searching still works while the index is locked.
    assert!(e.total(&["行政复议"]) > 0);
    drop(writer);
    e.ok(&["index", "--rebuild"]);
}

#[test]
fn killed_indexer_leaves_the_previous_index_usable() {
    let e = Env::new();
    // More files, so that a kill lands mid-build.
    let sample = std::fs::read(e.corpus().join("中卫市工业和信息化局/2024.txt")).unwrap();
    for i in 0..150 {
        e.write(&format!("批量{i}局/2024.txt"), &sample);
    }
    e.ok(&["index"]);
    let want = e.total(&["行政复议"]);
    let delays = [5u64, 40, 90, 150, 250];
    for (round, ms) in delays.iter().enumerate() {
        // Change some files so the build has work to do, then kill it.
        for i in 0..20 {
            let mut b = sample.clone();
            b.extend_from_slice(format!("\n第{round}轮修改{i}。\n").as_bytes());
            e.write(&format!("批量{i}局/2024.txt"), &b);
        }
        let mut child = e.cmd(&["index", "--rebuild"]).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let o = e.run(&["search", "--json", "行政复议"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            v["total"], want,
            "round {round}: the previous commit is intact"
        );
    }
    let v = e.json(&["index", "--json"]);
    assert_eq!(v["failed"].as_array().unwrap().len(), 0);
    assert_eq!(e.total(&["第4轮修改"]), 20);
}

#[test]
fn a_file_deleted_during_the_walk_is_a_counted_failure_or_gone() {
    let e = Env::new();
    let sample = std::fs::read(e.corpus().join("中卫市工业和信息化局/2024.txt")).unwrap();
    for i in 0..300 {
        e.write(&format!("临时{i}局/2024.txt"), &sample);
    }
    let child = e
        .cmd(&["index", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(60));
    for i in (0..300).rev() {
        let _ = std::fs::remove_dir_all(e.corpus().join(format!("临时{i}局")));
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "the run does not abort");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let failed = v["failed"].as_array().unwrap();
    for f in failed {
        assert!(f["path"].as_str().unwrap().contains("临时"), "{f}");
    }
    // A second run brings the index in line with what is left.
    let v = e.json(&["index", "--json"]);
    assert_eq!(v["failed"].as_array().unwrap().len(), 0);
    assert_eq!(v["reports"], 7);
}
