//! Fuzz target: any bytes through the report decoder and parser never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Errors are fine (bad bytes get a clear error); a panic or a hang is a finding.
    let _ = nianbao::report::parse_bytes("fuzz.txt", data);
});
