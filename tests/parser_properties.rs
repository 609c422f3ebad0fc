//! Property tests: the parser never panics, on arbitrary bytes or on mutated real reports, and
//! never reports a figure that is not written in the text.

use nianbao::report::{normalize::fold_width, parse_bytes, parse_text, Report, Value};
use proptest::prelude::*;

const REPORTS: &[&str] = &[
    include_str!("../corpus/中卫市公共资源交易中心/2024.txt"),
    include_str!("../corpus/石嘴山市公共资源交易中心/2022.txt"),
    include_str!("../corpus/中卫市工业和信息化局/2024.txt"),
    include_str!("../corpus/修武县公共资源交易服务中心/2023.txt"),
    include_str!("fixtures/nonzero2021.txt"),
    include_str!("fixtures/template2019.txt"),
];

/// Every figure in the tables is written in the text: as a whole number, or as a piece of a
/// run of digits written together.
fn figures_are_in_text(r: &Report, text: &str) -> Result<(), TestCaseError> {
    let folded = fold_width(text);
    let runs: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect();
    for t in &r.tables {
        for row in &t.rows {
            for v in row.values.iter().flatten() {
                match v {
                    Value::Int(i) => {
                        let digits = i.unsigned_abs().to_string();
                        prop_assert!(
                            runs.iter().any(|r| r.contains(&digits)),
                            "table {} row {}: {} is not in the text",
                            t.id,
                            row.label,
                            i
                        );
                    }
                    Value::Dec(d) => {
                        prop_assert!(
                            folded.contains(&d.to_string()),
                            "table {}: {d} is not in the text",
                            t.id
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    DropLine(usize),
    SplitLine(usize, usize),
    SwapLines(usize, usize),
    ReplaceDigit(usize, char),
    Insert(usize, String),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DropLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SplitLine(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), proptest::char::range('0', '9'))
            .prop_map(|(a, c)| Mutation::ReplaceDigit(a, c)),
        (
            any::<usize>(),
            "[0-9 \\t\\n/（）一二三四、.．—-]{1,6}|\\PC{1,4}"
        )
            .prop_map(|(a, s)| Mutation::Insert(a, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, muts: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in muts {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::DropLine(i) => {
                lines.remove(i % n);
            }
            Mutation::SplitLine(i, at) => {
                let l = &lines[i % n];
                let cuts: Vec<usize> = l.char_indices().map(|(b, _)| b).collect();
                if !cuts.is_empty() {
                    let b = cuts[at % cuts.len()];
                    let (a, c) = (l[..b].to_string(), l[b..].to_string());
                    lines[i % n] = a;
                    lines.insert(i % n + 1, c);
                }
            }
            Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
            Mutation::ReplaceDigit(i, d) => {
                let l = &mut lines[i % n];
                if let Some((b, _)) = l.char_indices().find(|(_, c)| c.is_ascii_digit()) {
                    l.replace_range(b..b + 1, &d.to_string());
                }
            }
            Mutation::Insert(i, s) => {
                let l = &mut lines[i % n];
                let cuts: Vec<usize> = l.char_indices().map(|(b, _)| b).chain([l.len()]).collect();
                l.insert_str(cuts[i % cuts.len()], s);
            }
            Mutation::Truncate(i) => lines.truncate(i % n + 1),
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4000)) {
        if let Ok(r) = parse_bytes("x.txt", &bytes) {
            figures_are_in_text(&r, &r.text)?;
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,600}") {
        let r = parse_text("x.txt", &text);
        figures_are_in_text(&r, &text)?;
    }

    #[test]
    fn mutated_reports_never_panic_nor_invent_figures(
        which in 0..REPORTS.len(),
        muts in proptest::collection::vec(mutation(), 1..12),
    ) {
        let text = apply(REPORTS[which], &muts);
        let r = parse_text("mutated.txt", &text);
        figures_are_in_text(&r, &text)?;
        // Checks are consistent with the cells: a rule is assessed only when its cells are there.
        for c in &r.checks {
            if c.ok == Some(false) {
                prop_assert!(c.left.is_some() && c.right.is_some());
            }
        }
    }

    #[test]
    fn flattened_reports_never_panic(which in 0..REPORTS.len(), sep in prop_oneof![Just(" "), Just(""), Just("\t")]) {
        let text = REPORTS[which].split_whitespace().collect::<Vec<_>>().join(sep);
        let r = parse_text("flat.txt", &text);
        figures_are_in_text(&r, &text)?;
    }
}
