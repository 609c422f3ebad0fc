//! Property tests: random bytes, truncated and corrupted real documents under `.pdf`, `.docx`
//! and `.html` names never panic and never hang; a file that cannot be read is an error that
//! says why.

use proptest::prelude::*;
use std::path::Path;

fn real(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/documents")
            .join(name),
    )
    .unwrap()
}

fn check(name: &str, bytes: &[u8]) {
    let started = std::time::Instant::now();
    match nianbao::report::parse_bytes(name, bytes) {
        Ok(r) => assert_eq!(r.path, name),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(name) && msg.len() > name.len() + 5, "{msg}");
        }
    }
    // Generous for a debug build on a loaded 2-core machine: a hang is minutes.
    assert!(
        started.elapsed().as_secs() < 20,
        "{name}: took {:?}",
        started.elapsed()
    );
}

const NAMES: &[&str] = &["x.pdf", "x.docx", "x.html"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096), which in 0..3usize) {
        check(NAMES[which], &bytes);
        // With each format's magic in front, so the reader itself gets them.
        let mut magic = match which { 0 => b"%PDF-1.7\n".to_vec(), 1 => b"PK\x03\x04".to_vec(), _ => b"<html>".to_vec() };
        magic.extend_from_slice(&bytes);
        check(NAMES[which], &magic);
    }

    #[test]
    fn truncated_real_documents(cut in 0.0..1.0f64, which in 0..4usize) {
        let (file, name) = [
            ("洪泽区人民政府-2023.pdf", "x.pdf"),
            ("示例县统计局-2023.pdf", "x.pdf"),
            ("示例县统计局-2023.docx", "x.docx"),
            ("示例县统计局-2023-word.html", "x.html"),
        ][which];
        let b = real(file);
        let n = (b.len() as f64 * cut) as usize;
        check(name, &b[..n]);
    }

    #[test]
    fn corrupted_real_documents(flips in proptest::collection::vec((0.0..1.0f64, any::<u8>()), 1..40), which in 0..4usize) {
        let (file, name) = [
            ("洪泽区人民政府-2023.pdf", "x.pdf"),
            ("示例县统计局-2023.pdf", "x.pdf"),
            ("示例县统计局-2023.docx", "x.docx"),
            ("示例县统计局-2023-word.html", "x.html"),
        ][which];
        let mut b = real(file);
        let len = b.len();
        for (at, v) in flips {
            b[((len as f64 * at) as usize).min(len - 1)] = v;
        }
        check(name, &b);
    }
}
