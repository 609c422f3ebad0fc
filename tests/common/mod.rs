//! The temporary-corpus harness shared by the integration tests: a copy of corpus/ and the
//! fixtures in a tempdir, and the nianbao binary run with --corpus/--index pointing into it.
#![allow(dead_code)]

pub mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Env {
    pub dir: tempfile::TempDir,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

impl Env {
    /// corpus/ plus the two fixtures (as reports of a made-up agency).
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&root.join("corpus"), &dir.path().join("corpus"));
        let fx = dir.path().join("corpus/测试县审计局");
        std::fs::create_dir_all(&fx).unwrap();
        std::fs::copy(
            root.join("tests/fixtures/template2019.txt"),
            fx.join("2019.txt"),
        )
        .unwrap();
        std::fs::copy(
            root.join("tests/fixtures/nonzero2021.txt"),
            fx.join("2021.txt"),
        )
        .unwrap();
        Env { dir }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
        c.arg("--corpus")
            .arg(self.corpus())
            .arg("--index")
            .arg(self.index())
            .args(args)
            .env_remove("NIANBAO_CORPUS")
            .env_remove("NIANBAO_INDEX");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.corpus().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// The `--json` total of a search.
    pub fn total(&self, args: &[&str]) -> u64 {
        let mut a = vec!["search", "--json"];
        a.extend_from_slice(args);
        self.json(&a)["total"].as_u64().unwrap()
    }
}

/// A `TestBackend`'s screen as text, one line per row with its trailing blanks cut, a wide
/// character once (TestBackend's own Display adds notes about the cells one hides).
pub fn screen_text(b: &ratatui::backend::TestBackend) -> String {
    let buf = b.buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
