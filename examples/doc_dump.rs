//! Prints what the source layer reads from a document: its text in reading order and each
//! table as a grid (`^` marks a slot covered by a merged cell). For checking a new producer's
//! files: `cargo run --release --example doc_dump -- FILE`.

fn main() -> anyhow::Result<()> {
    for f in std::env::args().skip(1) {
        let bytes = std::fs::read(&f)?;
        match nianbao::source::read(&f, &bytes) {
            Ok(doc) => {
                println!("== {f}: {} pages {:?}", doc.format.as_str(), doc.pages);
                for w in &doc.warnings {
                    println!("warning: {w}");
                }
                println!("{}", doc.text);
                for (i, g) in doc.tables.iter().enumerate() {
                    println!("-- grid {i} (page {:?})", g.page);
                    for r in &g.rows {
                        let cells: Vec<String> = r
                            .iter()
                            .map(|s| {
                                if s.spanned {
                                    format!("^{}", s.text)
                                } else {
                                    s.text.clone()
                                }
                            })
                            .collect();
                        println!("  {}", cells.join(" | "));
                    }
                }
            }
            Err(e) => println!("== {f}: {e}"),
        }
    }
    Ok(())
}
