//! Parses one file many times; for profiling the parser (`valgrind --tool=callgrind`).
fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_loop FILE [N]");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let bytes = std::fs::read(&path).expect("read");
    for _ in 0..n {
        std::hint::black_box(nianbao::report::parse_bytes(&path, &bytes).ok());
    }
}
