//! Web pages (also Word-exported HTML): the article without the site's navigation, its text in
//! reading order, and each data `<table>` as a grid with rowspan/colspan resolved.

use super::grid::{Builder, Grid};
use super::{Document, Format, SourceError};
use crate::report::decode;
use crate::text::is_han;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};
use std::collections::HashMap;

/// Elements that are never part of a report's text.
const SKIP: &[&str] = &[
    "head", "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select",
    "option", "button", "iframe", "template", "svg", "object", "embed", "textarea", "menu",
];

/// Elements that start a new line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "main",
    "blockquote",
    "center",
    "dd",
    "dt",
    "dl",
    "pre",
    "hr",
    "caption",
    "tbody",
    "thead",
    "tfoot",
    "td",
    "th",
    "body",
    "html",
];

/// Nesting deeper than this is read as plain text (no more structure): a guard for the stack.
const MAX_DEPTH: usize = 200;

pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    let (text, note) = decode_page(bytes)?;
    let html = Html::parse_document(&text);
    let root = html.tree.root();
    let mut counts = HashMap::new();
    count_cjk(root, 0, &mut counts);
    let article = pick_article(root, &counts);
    let mut out = Walk::default();
    out.node(article, 0);
    // The article's own text often starts below its heading (the heading is a sibling of
    // the text box); the page's heading, else its <title>, gives the title then.
    let head: String = out.text.lines().take(5).collect();
    if !head.contains("年度报告") {
        if let Some(title) = page_title(root, article) {
            out.text = format!("{title}\n{}", out.text);
        }
    }
    let mut doc = Document {
        format: Format::Html,
        text: tidy(&out.text),
        tables: out.grids,
        pages: None,
        warnings: Vec::new(),
        ocr: false,
    };
    if let Some(note) = note {
        doc.warnings.push(format!("encoding: {note}"));
    }
    Ok(doc)
}

/// The page's text: the charset its `<meta>` declares (GBK, GB2312, UTF-8 …), else sniffed.
fn decode_page(bytes: &[u8]) -> Result<(String, Option<String>), SourceError> {
    if let Some(enc) = declared_charset(bytes) {
        let (text, _, had_errors) = enc.decode(bytes);
        if !had_errors || enc == encoding_rs::GB18030 {
            return Ok((text.into_owned(), None));
        }
    }
    let d = decode::decode(bytes)?;
    Ok((d.text, d.note))
}

/// The charset named in the first few kilobytes (`<meta charset=gbk>`, `content="text/html;
/// charset=gb2312"`, an XML declaration). GBK and GB2312 are read as GB18030, their superset.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head: Vec<u8> = bytes[..bytes.len().min(4096)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let mut from = 0;
    while let Some(p) = super::sniff::find(&head[from..], b"charset") {
        let mut i = from + p + 7;
        from = i;
        while i < head.len() && matches!(head[i], b' ' | b'=' | b'"' | b'\'') {
            i += 1;
        }
        let end = head[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_'))
            .map_or(head.len(), |e| i + e);
        if end > i {
            let enc = encoding_rs::Encoding::for_label(&head[i..end])?;
            return Some(if enc == encoding_rs::GBK {
                encoding_rs::GB18030
            } else {
                enc
            });
        }
    }
    None
}

fn name_of(n: NodeRef<'_, Node>) -> Option<&str> {
    n.value().as_element().map(|e| e.name())
}

/// Whether an element is navigation or a menu by what the site calls it.
fn is_chrome(n: NodeRef<'_, Node>) -> bool {
    let Some(e) = n.value().as_element() else {
        return false;
    };
    if SKIP.contains(&e.name()) {
        return true;
    }
    let words = [e.id().unwrap_or(""), e.attr("class").unwrap_or("")];
    words.iter().any(|w| {
        let w = w.to_ascii_lowercase();
        ["nav", "menu", "sidebar", "footer", "breadcrumb", "share"]
            .iter()
            .any(|k| w.contains(k))
    })
}

/// The CJK characters under each element (navigation left out).
fn count_cjk(n: NodeRef<'_, Node>, depth: usize, counts: &mut HashMap<NodeId, usize>) -> usize {
    if is_chrome(n) {
        return 0;
    }
    let c = match n.value() {
        Node::Text(t) => t.chars().filter(|&c| is_han(c)).count(),
        _ if depth > MAX_DEPTH => 0,
        _ => n
            .children()
            .map(|ch| count_cjk(ch, depth + 1, counts))
            .sum(),
    };
    counts.insert(n.id(), c);
    c
}

/// The article: going down from the page while one child holds most of the text. A data
/// table is never gone into (the text around it belongs to the report).
fn pick_article<'a>(root: NodeRef<'a, Node>, counts: &HashMap<NodeId, usize>) -> NodeRef<'a, Node> {
    let mut cur = root;
    for _ in 0..MAX_DEPTH {
        let total = counts.get(&cur.id()).copied().unwrap_or(0);
        if total == 0 {
            break;
        }
        let best = cur
            .children()
            .filter(|c| c.value().is_element())
            .max_by_key(|c| counts.get(&c.id()).copied().unwrap_or(0));
        let Some(best) = best else { break };
        let share = counts.get(&best.id()).copied().unwrap_or(0);
        let into_data_table = name_of(best) == Some("table") && !has_nested_table(best);
        if share * 10 < total * 7 || into_data_table {
            break;
        }
        cur = best;
    }
    cur
}

/// The first heading (`h1`–`h3`, or an element called a title) outside the article that
/// names a 年度报告, else the page's `<title>` without the site's name after `_`, `|` or ` - `.
fn page_title(root: NodeRef<'_, Node>, article: NodeRef<'_, Node>) -> Option<String> {
    let inside = |n: NodeRef<'_, Node>| n.ancestors().any(|a| a.id() == article.id());
    let text_of = |n: NodeRef<'_, Node>| {
        let mut t = String::new();
        cell_text(n, &mut t, 0);
        super::grid::clean_cell(&t)
    };
    for d in root.descendants() {
        let Some(e) = d.value().as_element() else {
            continue;
        };
        let titled = matches!(e.name(), "h1" | "h2" | "h3")
            || e.attr("class")
                .is_some_and(|c| c.to_ascii_lowercase().contains("title"));
        if titled && !inside(d) && d.ancestors().all(|a| !is_chrome(a)) {
            let t = text_of(d);
            if t.contains("年度报告") && t.chars().count() < 80 {
                return Some(t);
            }
        }
    }
    let title = root.descendants().find(|d| name_of(*d) == Some("title"))?;
    let t = title
        .descendants()
        .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
        .collect::<String>();
    let t = t.split(['_', '|']).next().unwrap_or("");
    let t = t.split(" - ").next().unwrap_or("").trim();
    t.contains("年度报告").then(|| t.to_string())
}

fn has_nested_table(table: NodeRef<'_, Node>) -> bool {
    table
        .descendants()
        .skip(1)
        .any(|d| name_of(d) == Some("table"))
}

#[derive(Default)]
struct Walk {
    text: String,
    grids: Vec<Grid>,
}

impl Walk {
    fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn node(&mut self, n: NodeRef<'_, Node>, depth: usize) {
        if is_chrome(n) {
            return;
        }
        match n.value() {
            Node::Text(t) => push_inline(&mut self.text, t),
            Node::Element(e) => {
                let name = e.name();
                if name == "table" && !has_nested_table(n) {
                    self.newline();
                    if let Some(g) = table_grid(n) {
                        self.text.push_str(&g.to_text());
                        self.grids.push(g);
                    }
                    return;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    self.newline();
                }
                if depth < MAX_DEPTH {
                    for c in n.children() {
                        self.node(c, depth + 1);
                    }
                } else {
                    for d in n.descendants() {
                        if let Node::Text(t) = d.value() {
                            push_inline(&mut self.text, t);
                        }
                    }
                }
                if block {
                    self.newline();
                }
            }
            Node::Document | Node::Fragment => {
                for c in n.children() {
                    self.node(c, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Appends a text node: whitespace runs become one space, and none at all where the run
/// breaks a line between Chinese characters (Word wraps its HTML source mid-word).
fn push_inline(out: &mut String, t: &str) {
    let mut run: Option<bool> = None; // Some(has_newline) while inside whitespace
    for c in t.chars() {
        if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' {
            let nl = c == '\n' || c == '\r';
            run = Some(run.unwrap_or(false) || nl);
            continue;
        }
        if let Some(nl) = run.take() {
            let prev_cjk = out.chars().last().is_some_and(is_han);
            if !(nl && (prev_cjk || is_han(c))) && !out.is_empty() && !out.ends_with(['\n', ' ']) {
                out.push(' ');
            }
        }
        if !c.is_control() {
            out.push(c);
        }
    }
    if run.is_some() && !out.is_empty() && !out.ends_with(['\n', ' ']) {
        out.push(' ');
    }
}

/// The grid of a table without tables inside it.
fn table_grid(table: NodeRef<'_, Node>) -> Option<Grid> {
    let mut b = Builder::new();
    let mut rows = Vec::new();
    for c in table.children() {
        match name_of(c) {
            Some("tr") => rows.push(c),
            Some("thead" | "tbody" | "tfoot") => {
                rows.extend(c.children().filter(|r| name_of(*r) == Some("tr")))
            }
            _ => {}
        }
    }
    for r in rows {
        b.row();
        for cell in r.children() {
            let Some(e) = cell.value().as_element() else {
                continue;
            };
            if !matches!(e.name(), "td" | "th") {
                continue;
            }
            let span = |a: &str| -> usize {
                e.attr(a)
                    .map(|v| {
                        v.trim()
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                    })
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
            };
            let mut text = String::new();
            cell_text(cell, &mut text, 0);
            b.cell(&text, span("rowspan"), span("colspan"));
        }
    }
    b.finish(None)
}

fn cell_text(n: NodeRef<'_, Node>, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH || is_chrome(n) {
        return;
    }
    match n.value() {
        Node::Text(t) => push_inline(out, t),
        Node::Element(e) => {
            let block = matches!(e.name(), "p" | "br" | "div" | "li");
            if block && !out.is_empty() {
                out.push(' ');
            }
            for c in n.children() {
                cell_text(c, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Lines trimmed, runs of blank lines dropped.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let l = line.trim_matches(|c: char| c == ' ' || c == '\u{a0}' || c == '\u{3000}');
        if l.trim().is_empty() {
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_without_navigation_and_word_markup() {
        let page = r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>站点</title>
<script>var x = "本年新收";</script></head><body>
<div class="nav">首页 政务公开 信息公开年报 网站地图 联系我们</div>
<div id="zoom"><p class=MsoNormal><span>某某局</span><span>2023年政府信息公开工作</span><span>年度报告<o:p></o:p></span></p>
<p>一、总体情况</p><p>本年度我局认真贯彻落实条例，主动公开政府信息。</p>
<table border=1><tr><td rowspan=2>信息内容</td><td colspan=2>本年</td></tr>
<tr><td>制发</td><td>废止</td></tr>
<tr><td><span>规</span><span>章</span></td><td>1</td><td>&nbsp;</td></tr>
<tr><td>行政规范性文件</td><td><p><o:p></o:p></p></td><td>　</td></tr></table></div>
<div class="footer">版权所有 主办单位</div></body></html>"#;
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let doc = read(&gbk).unwrap();
        assert!(
            doc.text.contains("某某局2023年政府信息公开工作年度报告"),
            "{}",
            doc.text
        );
        assert!(
            !doc.text.contains("首页") && !doc.text.contains("版权") && !doc.text.contains("var x")
        );
        assert_eq!(doc.tables.len(), 1);
        let g = &doc.tables[0];
        let row = |i: usize| -> Vec<&str> { g.rows[i].iter().map(|s| s.text.as_str()).collect() };
        assert_eq!(row(0), ["信息内容", "本年", "本年"]);
        assert_eq!(row(1), ["信息内容", "制发", "废止"]);
        assert!(g.rows[1][0].spanned && g.rows[0][2].spanned);
        assert_eq!(row(2), ["规章", "1", ""]);
        assert_eq!(row(3), ["行政规范性文件", "", ""]);
    }

    #[test]
    fn charset_from_meta() {
        assert_eq!(
            declared_charset(b"<meta charset=\"GBK\">"),
            Some(encoding_rs::GB18030)
        );
        assert_eq!(
            declared_charset(b"<meta content='text/html; charset=utf-8'>"),
            Some(encoding_rs::UTF_8)
        );
        assert_eq!(declared_charset(b"<p>no charset</p>"), None);
    }
}
