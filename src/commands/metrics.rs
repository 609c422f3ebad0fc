//! `nianbao metrics [--json]`: the named metrics, their formulas and units.

use crate::report::metrics::METRICS;
use std::io::Write;

pub fn run(json: bool, out: &mut dyn Write) -> anyhow::Result<bool> {
    if json {
        let v: Vec<_> = METRICS
            .iter()
            .map(|m| {
                serde_json::json!({"key": m.key, "name": m.name, "formula": m.formula, "unit": m.unit})
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
        return Ok(true);
    }
    for m in METRICS {
        writeln!(
            out,
            "{} ({})  {} [{}]",
            m.name,
            m.key,
            m.formula,
            m.unit.as_str()
        )?;
    }
    Ok(true)
}
