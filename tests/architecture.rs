//! The layers' rules, read from the source: no two files import each other in a circle, and
//! the browser uses the index and the report only through their public faces (`mod.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of `src/` (`index::build`, `tui::screens`…) and its source, tests cut off.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(&root) {
        let e = e.unwrap();
        let p = e.path();
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = p.strip_prefix(&root).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|l| l == "mod") {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] {
            parts.clear();
        }
        let text = std::fs::read_to_string(p).unwrap();
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        out.insert(parts.join("::"), text);
    }
    out
}

/// The module `path` (segments after `crate`/`super`/`self`) names, seen from `from`: the
/// longest prefix that is a module.
fn resolve(mods: &BTreeMap<String, String>, from: &str, path: &[&str]) -> Option<String> {
    let mut base: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    let mut segs = path;
    match segs.first()? {
        &"crate" | &"nianbao" => {
            base.clear();
            segs = &segs[1..];
        }
        &"self" => segs = &segs[1..],
        &"super" => {
            while segs.first() == Some(&"super") {
                base.pop();
                segs = &segs[1..];
            }
        }
        _ => return None,
    }
    (0..=segs.len()).rev().find_map(|i| {
        let m = base
            .iter()
            .chain(&segs[..i])
            .copied()
            .collect::<Vec<_>>()
            .join("::");
        mods.contains_key(&m).then_some(m)
    })
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Paths like `crate::a::b` or `super::x` in `text`, split at `::`.
fn paths(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::", "nianbao::"] {
        for (i, _) in text.match_indices(start) {
            if text[..i].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            let end = text[i..]
                .find(|c: char| !(is_ident(c) || c == ':'))
                .map_or(text.len(), |e| i + e);
            let segs: Vec<&str> = text[i..end].split("::").filter(|s| !s.is_empty()).collect();
            out.push(segs);
        }
    }
    out
}

/// Module → the other modules it imports, parents (a child may use its parent) left out.
fn graph(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, text) in mods {
        let set = edges.entry(m.clone()).or_default();
        let mut add = |t: String| {
            if !t.is_empty() && &t != m && !m.starts_with(&format!("{t}::")) {
                set.insert(t);
            }
        };
        // A module brought in by name (`use crate::a::b;`, `use crate::a::{self, b}`), then
        // used as `b::c::f`, is an edge to `a::b::c` too.
        let mut aliases: Vec<(String, String)> = Vec::new();
        for p in paths(text) {
            if let Some(t) = resolve(mods, m, &p) {
                add(t.clone());
                if t.ends_with(p.last().copied().unwrap_or("")) {
                    aliases.push((p.last().unwrap().to_string(), t));
                }
            }
        }
        for (name, target) in aliases {
            let pat = format!("{name}::");
            for (i, _) in text.match_indices(&pat) {
                if text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| is_ident(c) || c == ':')
                {
                    continue;
                }
                let rest = &text[i + pat.len()..];
                let end = rest
                    .find(|c: char| !(is_ident(c) || c == ':'))
                    .unwrap_or(rest.len());
                let mut segs: Vec<&str> = target.split("::").collect();
                segs.extend(rest[..end].split("::").filter(|s| !s.is_empty()));
                if let Some(t) = (1..=segs.len())
                    .rev()
                    .map(|k| segs[..k].join("::"))
                    .find(|c| mods.contains_key(c))
                {
                    add(t);
                }
            }
        }
    }
    edges
}

/// Strongly connected components of more than one module (Tarjan).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        e: &'a BTreeMap<String, BTreeSet<String>>,
        idx: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.idx.len();
        t.idx.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        let e = t.e;
        for w in e.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.idx.contains_key(w) {
                visit(t, w);
                let l = t.low[v].min(t.low[w]);
                t.low.insert(v, l);
            } else if t.on.contains(w) {
                let l = t.low[v].min(t.idx[w]);
                t.low.insert(v, l);
            }
        }
        if t.low[v] == t.idx[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        e: edges,
        idx: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.idx.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    let mods = modules();
    assert!(mods.contains_key("index::build") && mods.contains_key("tui::screens"));
    let edges = graph(&mods);
    let found = circles(&edges);
    assert!(found.is_empty(), "import circles: {found:?}");
}

#[test]
fn the_checker_sees_a_circle_through_a_module_used_by_name() {
    let mut mods = BTreeMap::new();
    mods.insert(
        "a".to_string(),
        "use crate::b::{self, X};\nfn f() { b::c::g(); }".into(),
    );
    mods.insert("b".to_string(), String::new());
    mods.insert("b::c".to_string(), "use crate::a::Y;".into());
    let found = circles(&graph(&mods));
    assert_eq!(found, [vec!["a".to_string(), "b::c".to_string()]]);
}

#[test]
fn the_browser_reads_the_index_and_the_report_through_their_faces() {
    for (m, text) in modules() {
        if !m.starts_with("tui") {
            continue;
        }
        for p in paths(&text) {
            if let [root, layer, inner, ..] = p[..] {
                let lower = inner.starts_with(|c: char| c.is_lowercase());
                assert!(
                    !(["crate", "nianbao"].contains(&root)
                        && ["index", "report"].contains(&layer)
                        && lower
                        && p.len() > 3),
                    "{m} reaches inside {layer}: {}",
                    p.join("::")
                );
            }
        }
    }
}
