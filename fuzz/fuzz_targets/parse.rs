//! Fuzz target: any bytes, under any of the names a corpus holds, through the document readers
//! (text, HTML, DOCX, PDF), the decoder and the parser never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The first byte picks the file name's extension, so one target reaches every reader; the
/// readers also sniff the bytes, so a PDF named `.txt` is tried as a PDF too.
const NAMES: [&str; 6] = [
    "fuzz.txt",
    "fuzz.md",
    "fuzz.html",
    "fuzz.docx",
    "fuzz.pdf",
    "某县某局/2023.txt",
];

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = match data.split_first() {
        Some((b, rest)) => (NAMES[*b as usize % NAMES.len()], rest),
        None => (NAMES[0], data),
    };
    // Errors are fine (bad bytes get a clear error); a panic or a hang is a finding.
    let _ = nianbao::report::parse_bytes(name, bytes);
});
