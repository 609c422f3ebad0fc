//! Sorting the reports of a selection by a figure or a metric. A report without the value, or
//! with a rate over fewer cases than the threshold, is listed apart with the reason, never ranked.

use super::figure::{FigureRef, Measure};
use super::Entry;
use crate::report::metrics;
use crate::report::place::Place;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: usize,
    pub agency: String,
    pub year: Option<i32>,
    pub path: String,
    pub place: Place,
    pub kind: &'static str,
    pub value: f64,
    /// For a metric: the cases it is over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cases: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotRanked {
    pub agency: String,
    pub year: Option<i32>,
    pub path: String,
    /// A small-sample rate keeps its value (shown greyed).
    pub value: Option<f64>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// What was ranked: a figure in words, or a metric's name.
    pub by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    pub descending: bool,
    pub ranked: Vec<Ranked>,
    pub not_ranked: Vec<NotRanked>,
}

/// Ranks `entries` by `m`. Equal values share a rank (1, 2, 2, 4); ties keep the selection's
/// order (agency, year).
pub fn rank(entries: &[Entry], m: Measure, descending: bool, min_cases: f64) -> Ranking {
    let mut ranked = Vec::new();
    let mut not_ranked = Vec::new();
    for e in entries {
        let (value, cases, reason) = match m {
            Measure::Figure(f) => match f.value(e) {
                Some(v) => (Some(v), None, None),
                None => (None, None, Some(missing(e, f))),
            },
            Measure::Metric(metric) => {
                let v = metrics::eval(metric, &e.tables, min_cases);
                let reason = if v.small {
                    Some(format!(
                        "fewer than {min_cases} cases ({})",
                        v.cases.unwrap_or(0.0)
                    ))
                } else {
                    v.reason.clone()
                };
                (v.value, v.cases, reason)
            }
        };
        match (value, reason) {
            (Some(value), None) => ranked.push(Ranked {
                rank: 0,
                agency: e.agency.clone(),
                year: e.year,
                path: e.path.clone(),
                place: e.place.clone(),
                kind: e.kind.as_str(),
                value,
                cases,
            }),
            (value, reason) => not_ranked.push(NotRanked {
                agency: e.agency.clone(),
                year: e.year,
                path: e.path.clone(),
                value,
                reason: reason.unwrap_or_default(),
            }),
        }
    }
    ranked.sort_by(|a, b| {
        let o = a.value.total_cmp(&b.value);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    for i in 0..ranked.len() {
        ranked[i].rank = if i > 0 && ranked[i].value == ranked[i - 1].value {
            ranked[i - 1].rank
        } else {
            i + 1
        };
    }
    let (by, formula) = match m {
        Measure::Figure(f) => (f.describe(), None),
        Measure::Metric(metric) => (
            format!("{} ({})", metric.name, metric.unit.as_str()),
            Some(metric.formula.to_string()),
        ),
    };
    Ranking {
        by,
        formula,
        descending,
        ranked,
        not_ranked,
    }
}

fn missing(e: &Entry, f: &FigureRef) -> String {
    match e.table(f.table) {
        None => format!("no table {}", f.table),
        Some(_) => format!("{} is empty or missing", f.describe()),
    }
}
