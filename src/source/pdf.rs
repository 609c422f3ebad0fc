//! PDF attachments (mostly WPS output with Identity-H CID fonts): glyphs and their positions
//! from `pdfplumber` (ToUnicode maps), ruling lines from the pages' own drawing operators
//! (`lopdf`), tables as the cells those lines enclose, text in reading order by position.

use super::grid::Grid;
use super::{Document, Format, SourceError};
use crate::text::is_wide;
use pdfplumber::{Pdf, PdfError};

fn damaged(reason: impl Into<String>) -> SourceError {
    SourceError::Damaged {
        format: "PDF",
        reason: reason.into(),
    }
}

/// The reading is wrapped so that a reader library's panic on a malformed file becomes an
/// error naming the file, never a crash of the whole run.
pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    std::panic::catch_unwind(|| read_inner(bytes)).unwrap_or_else(|_| {
        Err(damaged(
            "the PDF reader failed on this file (it is malformed)",
        ))
    })
}

fn open(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Pdf, SourceError> {
    match Pdf::open(bytes, None) {
        Ok(p) => Ok(p),
        // Many agencies' PDFs are "encrypted" with an empty password only to restrict printing.
        Err(PdfError::PasswordRequired) => match Pdf::open_with_password(bytes, b"", None) {
            Ok(p) => Ok(p),
            Err(_) => Err(SourceError::Encrypted),
        },
        Err(PdfError::InvalidPassword) => Err(SourceError::Encrypted),
        Err(first) => match Pdf::open_with_repair(bytes, None, None) {
            Ok((p, _)) => {
                warnings.push(format!(
                    "pdf: the file is damaged ({first}); its pages were recovered, check the figures against the document"
                ));
                Ok(p)
            }
            Err(_) => Err(damaged(first.to_string())),
        },
    }
}

fn read_inner(bytes: &[u8]) -> Result<Document, SourceError> {
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(damaged("no %PDF- header"));
    }
    let mut warnings = Vec::new();
    let pdf = open(bytes, &mut warnings)?;
    // The ruling lines come from a second, plain reading of the file (pdfplumber 0.2 does
    // not report drawn paths); without it the tables are read from the text.
    let lo = lopdf::Document::load_mem(bytes).ok();
    let page_ids: Vec<lopdf::ObjectId> = lo
        .as_ref()
        .map(|d| d.get_pages().into_values().collect())
        .unwrap_or_default();
    let n = pdf.page_count();
    let mut text = String::new();
    let mut tables = Vec::new();
    let mut glyph_count = 0;
    let mut image_pages = 0;
    let mut sizes = Vec::with_capacity(n);
    for i in 0..n {
        let page = match pdf.page(i) {
            Ok(p) => p,
            Err(e) => {
                warnings.push(format!("pdf: page {} cannot be read ({e})", i + 1));
                continue;
            }
        };
        let glyphs: Vec<Glyph> = page
            .chars()
            .iter()
            .filter_map(|c| {
                let t = fold(&c.text);
                (!t.is_empty()).then_some(Glyph {
                    x0: c.bbox.x0,
                    x1: c.bbox.x1,
                    top: c.bbox.top,
                    bottom: c.bbox.bottom,
                    text: t,
                })
            })
            .collect();
        glyph_count += glyphs.iter().filter(|g| !g.text.trim().is_empty()).count();
        image_pages += usize::from(!page.images().is_empty());
        sizes.push((page.width(), page.height()));
        let segs = match (&lo, page_ids.get(i)) {
            (Some(d), Some(&id)) => rules::of_page(d, id, page.height()),
            _ => Vec::new(),
        };
        let lattices = lattice::find(&segs);
        let (page_text, grids) = layout(&glyphs, &lattices, (i + 1) as u32);
        text.push_str(&page_text);
        tables.extend(grids);
    }
    let mut ocr = false;
    if glyph_count == 0 {
        let scanned = "scanned: no text layer (the PDF holds only images of its pages)";
        // Only a PDF whose pages are images is a scan worth reading by OCR.
        let read = (image_pages > 0).then(|| super::ocr::read_pdf(bytes, &sizes));
        match read {
            Some(Ok(pages)) => {
                (text, tables) = from_ocr(&pages);
                ocr = true;
                warnings.push(format!(
                    "{scanned}; its text was read by OCR (tesseract): figures read by OCR are marked ocr and kept only where the table's arithmetic holds"
                ));
                if n > super::ocr::MAX_PAGES {
                    warnings.push(format!(
                        "pdf: OCR read the first {} of {n} pages",
                        super::ocr::MAX_PAGES
                    ));
                }
            }
            Some(Err(e)) => warnings.push(format!("{scanned}; indexed by its file name ({e})")),
            None => warnings.push(format!("{scanned}; indexed by its file name")),
        }
    }
    Ok(Document {
        format: Format::Pdf,
        text,
        tables,
        pages: u32::try_from(n).ok(),
        warnings,
        ocr,
    })
}

/// Text and grids of pages read by OCR: the words are laid out as a text layer's glyphs
/// are, and the ruling lines found in the images make the tables.
fn from_ocr(pages: &[super::ocr::Page]) -> (String, Vec<Grid>) {
    let mut text = String::new();
    let mut tables = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let glyphs: Vec<Glyph> = p
            .words
            .iter()
            .filter_map(|w| {
                let t = fold(&w.text);
                (!t.trim().is_empty()).then_some(Glyph {
                    x0: w.x0,
                    x1: w.x1,
                    top: w.top,
                    bottom: w.bottom,
                    text: t,
                })
            })
            .collect();
        let segs: Vec<rules::Seg> = p
            .lines
            .iter()
            .map(|l| rules::Seg {
                x0: l.x0,
                y0: l.y0,
                x1: l.x1,
                y1: l.y1,
            })
            .collect();
        let lattices = lattice::find(&segs);
        let (page_text, grids) = layout(&glyphs, &lattices, (i + 1) as u32);
        text.push_str(&page_text);
        tables.extend(grids);
    }
    (text, tables)
}

#[derive(Debug, Clone)]
struct Glyph {
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    text: String,
}

impl Glyph {
    fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f64 {
        (self.top + self.bottom) / 2.0
    }
    fn height(&self) -> f64 {
        (self.bottom - self.top).abs().max(1.0)
    }
}

/// Kangxi radicals (⽇ U+2F47) and CJK compatibility ideographs some fonts map glyphs to are
/// folded to the usual characters; U+3000 and other spaces to a plain space.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if (0x2E80..=0x2FDF).contains(&u)
            || (0xF900..=0xFAFF).contains(&u)
            || (0x2F800..=0x2FA1F).contains(&u)
        {
            unicode_normalization::char::decompose_compatible(c, |d| out.push(d));
        } else if c.is_whitespace() || c == '\u{a0}' {
            out.push(' ');
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// Glyphs as lines of text: grouped by vertical position, ordered left to right; a gap wider
/// than half a character is a space, except between Chinese characters.
fn lines_of(glyphs: &[&Glyph]) -> Vec<(f64, String)> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(l)
                if {
                    let (t, b) = l.iter().fold((f64::MAX, f64::MIN), |(t, b), x| {
                        (t.min(x.top), b.max(x.bottom))
                    });
                    g.cy() >= t && g.cy() <= b
                } =>
            {
                l.push(g)
            }
            _ => lines.push(vec![g]),
        }
    }
    lines
        .into_iter()
        .map(|mut l| {
            l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let top = l.iter().map(|g| g.top).fold(f64::MAX, f64::min);
            let mut s = String::new();
            let mut prev: Option<&Glyph> = None;
            for g in l {
                if let Some(p) = prev {
                    let gap = g.x0 - p.x1;
                    let touching_cjk = s.chars().last().is_some_and(is_wide)
                        && g.text.chars().next().is_some_and(is_wide);
                    if gap > 0.5 * g.height().min(p.height()) && !touching_cjk && !s.ends_with(' ')
                    {
                        s.push(' ');
                    }
                }
                // A space glyph between Chinese characters is dropped (handled below).
                s.push_str(&g.text);
                prev = Some(g);
            }
            (top, squeeze_cjk_spaces(&s))
        })
        .collect()
}

/// Spaces between two Chinese characters removed, runs of spaces made one.
fn squeeze_cjk_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|&&n| n != ' ');
            if prev.is_none_or(|p| p == ' ')
                || next.is_none()
                || prev.is_some_and(is_wide) && next.is_some_and(|&n| is_wide(n))
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A page's text in reading order (tables in their place, one row a line) and its grids.
fn layout(glyphs: &[Glyph], lattices: &[lattice::Lattice], page: u32) -> (String, Vec<Grid>) {
    let mut inside: Vec<Vec<&Glyph>> = vec![Vec::new(); lattices.len()];
    let mut free: Vec<&Glyph> = Vec::new();
    for g in glyphs {
        match lattices.iter().position(|l| l.contains(g.cx(), g.cy())) {
            Some(i) => inside[i].push(g),
            None => free.push(g),
        }
    }
    let mut items: Vec<(f64, String)> = lines_of(&free)
        .into_iter()
        .map(|(t, s)| (t, s + "\n"))
        .collect();
    let mut grids = Vec::new();
    for (l, gs) in lattices.iter().zip(inside) {
        let grid = l.grid(&gs, page);
        items.push((l.top(), grid.to_text()));
        grids.push(grid);
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    (items.into_iter().map(|(_, s)| s).collect(), grids)
}

mod scan {
    //! A content stream read as a sequence of operators with their numeric operands, without
    //! building objects: the ruling lines need only the path operators, and building every
    //! string and array of the text as objects was a quarter of reading a PDF.

    /// The most operands kept before an operator; more is not a drawing operator.
    const MAX_OPERANDS: usize = 16;

    fn is_space(b: u8) -> bool {
        matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | 0)
    }

    fn is_regular(b: u8) -> bool {
        !is_space(b) && !b"()<>[]{}/%".contains(&b)
    }

    /// The end of a literal string starting at `i` (at its `(`): balanced parentheses,
    /// backslash escapes.
    fn skip_string(s: &[u8], mut i: usize) -> usize {
        let mut depth = 0usize;
        while i < s.len() {
            match s[i] {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        s.len()
    }

    /// After `BI`: past the image's binary data, which ends at `EI` between white space.
    fn skip_inline_image(s: &[u8], i: usize) -> usize {
        let at = |k: usize, w: &[u8]| s.get(k..k + w.len()) == Some(w);
        let mut k = i;
        let space_at = |k: usize| s.get(k).is_some_and(|&b| is_space(b));
        while k < s.len() && !(space_at(k) && at(k + 1, b"ID") && space_at(k + 3)) {
            k += 1;
        }
        k += 4;
        while k + 2 < s.len() {
            if space_at(k) && at(k + 1, b"EI") && s.get(k + 3).is_none_or(|&b| is_space(b)) {
                return k + 3;
            }
            k += 1;
        }
        s.len()
    }

    /// Calls `f` with each operator and its operands, `None` when one of them is not a number
    /// (a name, a string, an array or a dictionary); stops when `f` returns false.
    pub fn operations(s: &[u8], f: &mut impl FnMut(&[u8], Option<&[f64]>) -> bool) {
        let mut nums: Vec<f64> = Vec::with_capacity(MAX_OPERANDS);
        let mut other = false;
        let n = s.len();
        let mut i = 0;
        while i < n {
            let c = s[i];
            match c {
                _ if is_space(c) => i += 1,
                b'%' => {
                    while i < n && s[i] != b'\n' && s[i] != b'\r' {
                        i += 1;
                    }
                }
                b'(' => {
                    i = skip_string(s, i);
                    other = true;
                }
                b'<' if s.get(i + 1) == Some(&b'<') => {
                    i += 2;
                    other = true;
                }
                b'<' => {
                    i = s[i..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(n, |p| i + p + 1);
                    other = true;
                }
                b'/' => {
                    i += 1;
                    while i < n && is_regular(s[i]) {
                        i += 1;
                    }
                    other = true;
                }
                b'>' | b'[' | b']' | b'{' | b'}' | b')' => {
                    i += 1;
                    other = true;
                }
                _ => {
                    let start = i;
                    while i < n && is_regular(s[i]) {
                        i += 1;
                    }
                    let token = &s[start..i];
                    if c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.') {
                        let v = std::str::from_utf8(token)
                            .ok()
                            .and_then(|t| t.parse::<f64>().ok())
                            .filter(|v| v.is_finite());
                        match v {
                            Some(v) if nums.len() < MAX_OPERANDS => nums.push(v),
                            _ => other = true,
                        }
                        continue;
                    }
                    if token == b"BI" {
                        i = skip_inline_image(s, i);
                    } else if !f(token, (!other).then_some(nums.as_slice())) {
                        return;
                    }
                    nums.clear();
                    other = false;
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::operations;

        fn ops(s: &[u8]) -> Vec<(String, Option<Vec<f64>>)> {
            let mut out = Vec::new();
            operations(s, &mut |op, a| {
                out.push((
                    String::from_utf8_lossy(op).into_owned(),
                    a.map(<[f64]>::to_vec),
                ));
                true
            });
            out
        }

        #[test]
        fn operators_with_numbers_and_with_other_operands() {
            let got = ops(b"q 1 0 0 1 -2.5 .5 cm 10 20 m 30 20 l S Q\n/F1 12 Tf (a) Tj");
            assert_eq!(got[0], ("q".into(), Some(vec![])));
            assert_eq!(
                got[1],
                ("cm".into(), Some(vec![1.0, 0.0, 0.0, 1.0, -2.5, 0.5]))
            );
            assert_eq!(got[2], ("m".into(), Some(vec![10.0, 20.0])));
            assert_eq!(got[4], ("S".into(), Some(vec![])));
            assert_eq!(got[6], ("Tf".into(), None));
            assert_eq!(got[7], ("Tj".into(), None));
        }

        #[test]
        fn strings_arrays_and_images_hide_no_operators() {
            // A `re` inside a string, a TJ array or an inline image's data is not drawn.
            let got = ops(b"(x (1 2 3 4 re\\) f)) Tj [(0 0 1 1 re f)] TJ <3c3e> Tj BI /W 1 ID \x001 2 3 4 re f EI 5 6 m");
            let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
            assert_eq!(names, ["Tj", "TJ", "Tj", "m"]);
            assert_eq!(got[3].1, Some(vec![5.0, 6.0]));
        }

        #[test]
        fn garbage_ends_without_panic() {
            for s in [
                &b"(unclosed"[..],
                b"<",
                b"BI ID",
                b"1 2 --3 l",
                b"%",
                b">>)]",
            ] {
                ops(s);
            }
        }
    }
}

mod rules {
    //! The straight horizontal and vertical lines a page draws (stroked paths, thin filled
    //! rectangles, the edges of filled cell backgrounds), in top-down page coordinates.

    use super::scan;
    use lopdf::{Document, Object, ObjectId};

    /// A horizontal (`y0 == y1`) or vertical (`x0 == x1`) segment, top-down coordinates.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Seg {
        pub x0: f64,
        pub y0: f64,
        pub x1: f64,
        pub y1: f64,
    }

    type M = [f64; 6];

    fn mul(m: &M, n: &M) -> M {
        [
            m[0] * n[0] + m[1] * n[2],
            m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4],
            m[4] * n[1] + m[5] * n[3] + n[5],
        ]
    }

    /// The most drawing operators read per page: a guard against pathological files.
    const MAX_OPS: usize = 2_000_000;

    /// The page's content streams, decoded and joined (a stream that cannot be decoded is
    /// left out: its bytes would be read as operators).
    fn content_of(doc: &Document, page: ObjectId) -> Vec<u8> {
        let mut out = Vec::new();
        for id in doc.get_page_contents(page) {
            let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            let decoded = if stream.dict.get(b"Filter").is_ok() {
                match stream.decompressed_content() {
                    Ok(d) => d,
                    Err(_) => continue,
                }
            } else {
                stream.content.clone()
            };
            out.extend_from_slice(&decoded);
            // Streams are joined as if by a space (PDF 32000 7.8.2).
            out.push(b'\n');
        }
        out
    }

    pub fn of_page(doc: &Document, page: ObjectId, height: f64) -> Vec<Seg> {
        let content = content_of(doc, page);
        let mut ctm: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let mut stack: Vec<M> = Vec::new();
        // Subpaths in device space, and whether each was a rectangle (`re`).
        let mut path: Vec<(Vec<(f64, f64)>, bool)> = Vec::new();
        let mut out = Vec::new();
        let tf = |m: &M, x: f64, y: f64| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        let mut ops = 0usize;
        scan::operations(&content, &mut |op, a| {
            ops += 1;
            if ops > MAX_OPS {
                return false;
            }
            // An operator with an operand that is not a number draws no ruling.
            let Some(a) = a else { return true };
            match (op, a) {
                (b"q", _) if stack.len() < 64 => stack.push(ctm),
                (b"Q", _) => ctm = stack.pop().unwrap_or(ctm),
                (b"cm", &[a0, b, c, d, e, f]) => ctm = mul(&[a0, b, c, d, e, f], &ctm),
                (b"m", &[x, y]) => path.push((vec![tf(&ctm, x, y)], false)),
                (b"l", &[x, y]) => match path.last_mut() {
                    Some((p, _)) => p.push(tf(&ctm, x, y)),
                    None => path.push((vec![tf(&ctm, x, y)], false)),
                },
                (b"h", _) => {
                    if let Some((p, _)) = path.last_mut() {
                        if let Some(&first) = p.first() {
                            p.push(first);
                        }
                    }
                }
                (b"re", &[x, y, w, h]) => path.push((
                    vec![
                        tf(&ctm, x, y),
                        tf(&ctm, x + w, y),
                        tf(&ctm, x + w, y + h),
                        tf(&ctm, x, y + h),
                        tf(&ctm, x, y),
                    ],
                    true,
                )),
                (b"S" | b"s", _) => {
                    for (p, _) in path.drain(..) {
                        edges(&p, height, &mut out);
                    }
                }
                (b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*", _) => {
                    for (p, is_rect) in path.drain(..) {
                        if is_rect || p.len() >= 4 {
                            filled(&p, height, &mut out);
                        }
                    }
                }
                (b"n", _) => path.clear(),
                _ => {}
            }
            true
        });
        out
    }

    fn push(x0: f64, y0: f64, x1: f64, y1: f64, height: f64, out: &mut Vec<Seg>) {
        let (ya, yb) = (height - y0, height - y1);
        let seg = Seg {
            x0: x0.min(x1),
            x1: x0.max(x1),
            y0: ya.min(yb),
            y1: ya.max(yb),
        };
        let horizontal = seg.y1 - seg.y0 <= 0.5 && seg.x1 - seg.x0 > 1.0;
        let vertical = seg.x1 - seg.x0 <= 0.5 && seg.y1 - seg.y0 > 1.0;
        if horizontal {
            let y = (seg.y0 + seg.y1) / 2.0;
            out.push(Seg {
                y0: y,
                y1: y,
                ..seg
            });
        } else if vertical {
            let x = (seg.x0 + seg.x1) / 2.0;
            out.push(Seg {
                x0: x,
                x1: x,
                ..seg
            });
        }
    }

    fn edges(p: &[(f64, f64)], height: f64, out: &mut Vec<Seg>) {
        for w in p.windows(2) {
            push(w[0].0, w[0].1, w[1].0, w[1].1, height, out);
        }
    }

    /// A filled shape: a thin axis-aligned rectangle is a line.
    fn filled(p: &[(f64, f64)], height: f64, out: &mut Vec<Seg>) {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in p {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let axis_aligned = p
            .iter()
            .all(|&(x, _)| (x - x0).abs() < 0.5 || (x - x1).abs() < 0.5)
            && p.iter()
                .all(|&(_, y)| (y - y0).abs() < 0.5 || (y - y1).abs() < 0.5);
        if !axis_aligned {
            return;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        if h <= 3.0 && w > 1.0 {
            let y = (y0 + y1) / 2.0;
            push(x0, y, x1, y, height, out);
        } else if w <= 3.0 && h > 1.0 {
            let x = (x0 + x1) / 2.0;
            push(x, y0, x, y1, height, out);
        }
        // A larger fill is a background (of a cell, a heading or a whole text block, as WPS
        // paints them): its edges are not rulings.
    }
}

mod lattice {
    //! Tables from ruling lines: the lines that touch form a table; the distinct line
    //! positions are its row and column boundaries; neighbouring cells with no line between
    //! them are one merged cell.

    use super::rules::Seg;
    use super::{lines_of, Glyph};
    use crate::source::grid::{Builder, Grid};

    /// Lines closer than this are one (WPS draws some borders twice, a point apart).
    const SNAP: f64 = 3.0;

    #[derive(Debug)]
    pub struct Lattice {
        xs: Vec<f64>,
        ys: Vec<f64>,
        /// For each lattice cell (row-major), the id of the merged cell it belongs to.
        owner: Vec<usize>,
    }

    fn clusters(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        let mut out: Vec<f64> = Vec::new();
        for x in v {
            match out.last() {
                Some(&l) if x - l <= SNAP => {}
                _ => out.push(x),
            }
        }
        out
    }

    fn find_root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }

    fn union(p: &mut [usize], a: usize, b: usize) {
        let (ra, rb) = (find_root(p, a), find_root(p, b));
        if ra != rb {
            p[ra.max(rb)] = ra.min(rb);
        }
    }

    /// The most segments looked at on one page (pairs are compared).
    const MAX_SEGS: usize = 4000;

    pub fn find(segs: &[Seg]) -> Vec<Lattice> {
        let segs = &segs[..segs.len().min(MAX_SEGS)];
        let hs: Vec<&Seg> = segs.iter().filter(|s| s.y0 == s.y1).collect();
        let vs: Vec<&Seg> = segs.iter().filter(|s| s.x0 == s.x1).collect();
        let n = hs.len() + vs.len();
        let mut parent: Vec<usize> = (0..n).collect();
        let touch = |h: &Seg, v: &Seg| {
            v.x0 >= h.x0 - SNAP && v.x0 <= h.x1 + SNAP && h.y0 >= v.y0 - SNAP && h.y0 <= v.y1 + SNAP
        };
        for (i, h) in hs.iter().enumerate() {
            for (j, v) in vs.iter().enumerate() {
                if touch(h, v) {
                    union(&mut parent, i, hs.len() + j);
                }
            }
        }
        let mut groups: std::collections::BTreeMap<usize, (Vec<&Seg>, Vec<&Seg>)> =
            Default::default();
        for i in 0..n {
            let r = find_root(&mut parent, i);
            let e = groups.entry(r).or_default();
            if i < hs.len() {
                e.0.push(hs[i]);
            } else {
                e.1.push(vs[i - hs.len()]);
            }
        }
        let mut out = Vec::new();
        for (_, (h, v)) in groups {
            // A table broken by a page has no line under its last row (or over its first):
            // the columns' lines running past the last row close it.
            let mut yv: Vec<f64> = h.iter().map(|s| s.y0).collect();
            let (hy0, hy1) = yv
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &y| (a.min(y), b.max(y)));
            let vy1 = v.iter().map(|s| s.y1).fold(f64::MIN, f64::max);
            let vy0 = v.iter().map(|s| s.y0).fold(f64::MAX, f64::min);
            if vy1 > hy1 + 2.0 * SNAP {
                yv.push(vy1);
            }
            if vy0 < hy0 - 2.0 * SNAP {
                yv.push(vy0);
            }
            let ys = clusters(yv);
            let xs = clusters(v.iter().map(|s| s.x0).collect());
            if ys.len() < 2 || xs.len() < 2 || ys.len() > 400 || xs.len() > 100 {
                continue;
            }
            let (rows, cols) = (ys.len() - 1, xs.len() - 1);
            let has_v = |k: usize, r: usize| {
                let mid = (ys[r] + ys[r + 1]) / 2.0;
                v.iter()
                    .any(|s| (s.x0 - xs[k]).abs() <= SNAP && s.y0 <= mid && s.y1 >= mid)
            };
            let has_h = |k: usize, c: usize| {
                let mid = (xs[c] + xs[c + 1]) / 2.0;
                h.iter()
                    .any(|s| (s.y0 - ys[k]).abs() <= SNAP && s.x0 <= mid && s.x1 >= mid)
            };
            let mut owner: Vec<usize> = (0..rows * cols).collect();
            for r in 0..rows {
                for c in 0..cols {
                    if c + 1 < cols && !has_v(c + 1, r) {
                        union(&mut owner, r * cols + c, r * cols + c + 1);
                    }
                    if r + 1 < rows && !has_h(r + 1, c) {
                        union(&mut owner, r * cols + c, (r + 1) * cols + c);
                    }
                }
            }
            for i in 0..owner.len() {
                owner[i] = find_root(&mut owner, i);
            }
            out.push(Lattice { xs, ys, owner });
        }
        out.sort_by(|a, b| a.top().total_cmp(&b.top()));
        out
    }

    impl Lattice {
        pub fn top(&self) -> f64 {
            self.ys[0]
        }

        pub fn contains(&self, x: f64, y: f64) -> bool {
            let (x0, x1) = (self.xs[0], self.xs[self.xs.len() - 1]);
            let (y0, y1) = (self.ys[0], self.ys[self.ys.len() - 1]);
            x >= x0 && x <= x1 && y >= y0 && y <= y1
        }

        fn slot(v: &[f64], x: f64) -> usize {
            v.partition_point(|&b| b <= x)
                .saturating_sub(1)
                .min(v.len() - 2)
        }

        /// The grid: each merged cell's glyphs as its text, spans from the merges.
        pub fn grid(&self, glyphs: &[&Glyph], page: u32) -> Grid {
            let (rows, cols) = (self.ys.len() - 1, self.xs.len() - 1);
            let mut per_cell: std::collections::HashMap<usize, Vec<&Glyph>> = Default::default();
            for g in glyphs {
                let (r, c) = (Self::slot(&self.ys, g.cy()), Self::slot(&self.xs, g.cx()));
                per_cell
                    .entry(self.owner[r * cols + c])
                    .or_default()
                    .push(g);
            }
            let text_of = |id: usize| -> String {
                let gs = per_cell.get(&id).map(Vec::as_slice).unwrap_or(&[]);
                let lines = lines_of(gs);
                let mut s = String::new();
                for (_, l) in lines {
                    let joins_cjk = s.chars().last().is_some_and(crate::text::is_wide)
                        && l.chars().next().is_some_and(crate::text::is_wide);
                    if !s.is_empty() && !joins_cjk {
                        s.push(' ');
                    }
                    s.push_str(&l);
                }
                s
            };
            // Spans: a merged cell's extent in lattice rows and columns.
            let mut extent: std::collections::HashMap<usize, (usize, usize, usize, usize)> =
                Default::default();
            for r in 0..rows {
                for c in 0..cols {
                    let e = extent
                        .entry(self.owner[r * cols + c])
                        .or_insert((r, c, r, c));
                    e.2 = e.2.max(r);
                    e.3 = e.3.max(c);
                }
            }
            let mut b = Builder::new();
            for r in 0..rows {
                b.row();
                for c in 0..cols {
                    let id = self.owner[r * cols + c];
                    let (r0, c0, r1, c1) = extent[&id];
                    if r0 == r && c0 == c {
                        b.cell(&text_of(id), r1 - r0 + 1, c1 - c0 + 1);
                    }
                }
            }
            b.finish(Some(page)).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kangxi_radicals_and_compatibility_ideographs_are_folded() {
        // ⽇ (U+2F47 KANGXI RADICAL SUN), ⾏ (U+2F8F), 﨑 stays a compatibility ideograph
        // without a canonical mapping? U+F900 豈 maps to 豈 (U+8C48).
        assert_eq!(fold("\u{2F47}\u{2F8F}"), "日行");
        assert_eq!(fold("\u{F900}"), "\u{8C48}");
        assert_eq!(fold("a\u{3000}b"), "a b");
    }

    #[test]
    fn spaces_between_chinese_characters_are_removed() {
        assert_eq!(
            squeeze_cjk_spaces("政 府  信息 2023 年"),
            "政府信息 2023 年"
        );
        assert_eq!(squeeze_cjk_spaces(" a  b "), "a b");
    }

    #[test]
    fn not_a_pdf_and_truncated() {
        assert!(read(b"hello").is_err());
        let e = read(b"%PDF-1.7\n1 0 obj\n<<").unwrap_err();
        assert!(matches!(e, SourceError::Damaged { .. }), "{e}");
    }
}
