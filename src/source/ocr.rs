//! Optional OCR of a scanned PDF (pages that are images, no text layer), through the
//! `pdftoppm` (poppler-utils) and `tesseract` (with its `chi_sim` data) programs when they are
//! installed: each page is rendered, its ruling lines are found in the image and taken out of
//! it, and tesseract reads the words with their boxes. The PDF reader then lays out words and
//! lines as it does a text layer's glyphs and drawn rulings.
//!
//! Off when `NIANBAO_OCR` is `off` (or `0`, `no`, `false`), or when a program is missing:
//! then nothing runs and the scan is indexed by its file name, as without OCR.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The environment variable that turns OCR off.
pub const ENV: &str = "NIANBAO_OCR";
/// Rendering resolution: tesseract reads Chinese best at about 300 dpi.
const DPI: f64 = 300.0;
/// The longest side of a page image, in pixels (an A4 page at 300 dpi is 3,508): a page
/// declaring a huge size is rendered smaller rather than filling memory and disk.
const MAX_SIDE: f64 = 4200.0;
/// Pages read at most (a report has 5 to 20); later pages are left out with a warning.
pub const MAX_PAGES: usize = 30;
/// How long one program may run on one page before it is stopped.
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);
/// Pixels darker than this are ink.
const INK: u8 = 140;

/// A word read from a page image, in points from the page's top left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub x0: f64,
    pub x1: f64,
    pub top: f64,
    pub bottom: f64,
    pub text: String,
}

/// A ruling line found in a page image, in points from the top left: horizontal when
/// `y0 == y1`, vertical when `x0 == x1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// One page as OCR read it.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub words: Vec<Word>,
    pub lines: Vec<Line>,
}

/// Why OCR did not read a document.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("OCR is turned off ({ENV}=off)")]
    Off,
    #[error("OCR needs tesseract with chi_sim and pdftoppm (Debian: tesseract-ocr, tesseract-ocr-chi-sim, poppler-utils)")]
    Missing,
    #[error("OCR failed: {0}")]
    Failed(String),
}

/// Whether OCR is turned off by the environment.
fn turned_off() -> bool {
    std::env::var(ENV).is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "off" | "0" | "no" | "false"
        )
    })
}

/// Whether the programs are installed (looked up once per process).
fn tools_present() -> bool {
    static PRESENT: OnceLock<bool> = OnceLock::new();
    *PRESENT.get_or_init(|| {
        let langs = Command::new("tesseract")
            .arg("--list-langs")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        let chi_sim = langs.is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.trim() == "chi_sim")
        });
        let pdftoppm = Command::new("pdftoppm")
            .arg("-v")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        chi_sim && pdftoppm
    })
}

/// Whether OCR would run now.
pub fn available() -> Result<(), OcrError> {
    if turned_off() {
        Err(OcrError::Off)
    } else if !tools_present() {
        Err(OcrError::Missing)
    } else {
        Ok(())
    }
}

/// A folder of our own under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, OcrError> {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let dir = std::env::temp_dir()
                .join(format!("nianbao-ocr-{}-{n}-{nanos}", std::process::id()));
            if std::fs::create_dir(&dir).is_ok() {
                return Ok(Scratch(dir));
            }
        }
        Err(OcrError::Failed(
            "cannot make a temporary folder".to_string(),
        ))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a program to completion, stopping it after `timeout`.
fn run(cmd: &mut Command, timeout: Duration) -> Result<(), OcrError> {
    let name = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| OcrError::Failed(format!("{name}: {e}")))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(s)) if s.success() => return Ok(()),
            Ok(Some(s)) => return Err(OcrError::Failed(format!("{name} ended with {s}"))),
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OcrError::Failed(format!(
                    "{name} took more than {} s",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(OcrError::Failed(format!("{name}: {e}"))),
        }
    }
}

/// Reads the first pages (at most [`MAX_PAGES`]) of a PDF by OCR; `sizes` are the pages'
/// widths and heights in points, as shown.
pub fn read_pdf(bytes: &[u8], sizes: &[(f64, f64)]) -> Result<Vec<Page>, OcrError> {
    available()?;
    let scratch = Scratch::new()?;
    let pdf = scratch.0.join("in.pdf");
    std::fs::write(&pdf, bytes).map_err(|e| OcrError::Failed(e.to_string()))?;
    let mut out = Vec::new();
    for (i, &(w, h)) in (1..).zip(sizes.iter().take(MAX_PAGES)) {
        let long_pt = if w.max(h).is_finite() && w.max(h) > 1.0 {
            w.max(h)
        } else {
            842.0
        };
        let side = (long_pt * DPI / 72.0).clamp(100.0, MAX_SIDE).round();
        let prefix = scratch.0.join(format!("p{i}"));
        run(
            Command::new("pdftoppm")
                .args(["-gray", "-singlefile", "-scale-to"])
                .arg(format!("{side}"))
                .args(["-f", &i.to_string(), "-l", &i.to_string()])
                .arg(&pdf)
                .arg(&prefix),
            PAGE_TIMEOUT,
        )?;
        let image = prefix.with_extension("pgm");
        let pgm = std::fs::read(&image).map_err(|e| OcrError::Failed(e.to_string()))?;
        let Some(mut img) = Gray::parse(&pgm) else {
            return Err(OcrError::Failed(format!("page {i}: unreadable image")));
        };
        // Points per pixel, and the image's pixels per inch.
        let scale = long_pt / img.w.max(img.h) as f64;
        let ppi = 72.0 / scale;
        let lines = img.take_out_lines(ppi);
        let clean = scratch.0.join(format!("c{i}.pgm"));
        std::fs::write(&clean, img.to_pgm()).map_err(|e| OcrError::Failed(e.to_string()))?;
        let base = scratch.0.join(format!("w{i}"));
        run(
            Command::new("tesseract")
                .arg(&clean)
                .arg(&base)
                .args(["-l", "chi_sim", "--psm", "11", "--dpi"])
                .arg(format!("{}", ppi.round()))
                .arg("tsv"),
            PAGE_TIMEOUT,
        )?;
        let tsv = std::fs::read_to_string(base.with_extension("tsv"))
            .map_err(|e| OcrError::Failed(e.to_string()))?;
        out.push(Page {
            words: words_of_tsv(&tsv, scale),
            lines: lines
                .into_iter()
                .map(|l| Line {
                    x0: l.x0 * scale,
                    y0: l.y0 * scale,
                    x1: l.x1 * scale,
                    y1: l.y1 * scale,
                })
                .collect(),
        });
    }
    drop(scratch);
    Ok(out)
}

/// Words of tesseract's TSV output (level 5 rows), scaled from pixels to points. A word of
/// digits where tesseract read a zero as the letter o is given its zero.
fn words_of_tsv(tsv: &str, scale: f64) -> Vec<Word> {
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let num = |i: usize| f[i].trim().parse::<f64>().ok();
        let (Some(left), Some(top), Some(w), Some(h)) = (num(6), num(7), num(8), num(9)) else {
            continue;
        };
        let text = f[11].trim();
        if text.is_empty() {
            continue;
        }
        out.push(Word {
            x0: left * scale,
            x1: (left + w) * scale,
            top: top * scale,
            bottom: (top + h) * scale,
            text: zeros(text),
        });
    }
    out
}

/// `o`/`O` as zero in a word otherwise made of digits (or alone: a cell's `0`).
fn zeros(word: &str) -> String {
    let digitish = word
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, 'o' | 'O' | ',' | '.'));
    if digitish
        && word
            .chars()
            .any(|c| c.is_ascii_digit() || c == 'o' || c == 'O')
    {
        word.replace(['o', 'O'], "0")
    } else {
        word.to_string()
    }
}

/// A line found in the image, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PixLine {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// An 8-bit grey image (PGM, as pdftoppm writes it).
struct Gray {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Gray {
    /// A binary PGM (`P5`, 8 bits); `None` for anything else.
    fn parse(b: &[u8]) -> Option<Gray> {
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) == Some(&b'#') {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            if start == i {
                return None;
            }
            fields.push(std::str::from_utf8(&b[start..i]).ok()?);
        }
        i += 1;
        let (w, h, max): (usize, usize, usize) = (
            fields[1].parse().ok()?,
            fields[2].parse().ok()?,
            fields[3].parse().ok()?,
        );
        if fields[0] != "P5" || max != 255 || w == 0 || h == 0 {
            return None;
        }
        let px = b.get(i..i.checked_add(w.checked_mul(h)?)?)?.to_vec();
        Some(Gray { w, h, px })
    }

    fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.w, self.h).into_bytes();
        out.extend_from_slice(&self.px);
        out
    }

    /// Finds the ruling lines (runs of ink much longer than a character) and paints them
    /// white: tesseract reads a line beside a figure as `|` or `l`, or not at all.
    fn take_out_lines(&mut self, ppi: f64) -> Vec<PixLine> {
        let (w, h) = (self.w, self.h);
        // A ruling is at least about 6 mm long; a character at most 5 mm.
        let min = ((ppi * 0.24) as usize).max(8);
        let ink = |px: &[u8], x: usize, y: usize| px[y * w + x] < INK;
        let hs = ink_runs(w, h, min, |x, y| ink(&self.px, x, y));
        let vs = ink_runs(h, w, min, |y, x| ink(&self.px, x, y));
        for &(x0, x1, y) in &hs {
            self.px[y * w + x0..=y * w + x1].fill(255);
        }
        for &(y0, y1, x) in &vs {
            for y in y0..=y1 {
                self.px[y * w + x] = 255;
            }
        }
        let mut out = Vec::new();
        for (a, b, at) in merge(hs) {
            out.push(PixLine {
                x0: a,
                x1: b,
                y0: at,
                y1: at,
            });
        }
        for (a, b, at) in merge(vs) {
            out.push(PixLine {
                x0: at,
                x1: at,
                y0: a,
                y1: b,
            });
        }
        out
    }
}

/// Runs on neighbouring rows (or columns) that overlap are one line drawn a few pixels thick:
/// one line at their middle, over their joint extent.
fn merge(mut runs: Vec<(usize, usize, usize)>) -> Vec<(f64, f64, f64)> {
    runs.sort_by_key(|&(a, _, at)| (at, a));
    // (start, end, first row, last row)
    let mut groups: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (a, b, at) in runs {
        let joined = groups
            .iter_mut()
            .rev()
            .find(|g| a <= g.1 && b >= g.0 && at == g.3 + 1);
        match joined {
            Some(g) => {
                g.0 = g.0.min(a);
                g.1 = g.1.max(b);
                g.3 = at;
            }
            None => groups.push((a, b, at, at)),
        }
    }
    groups
        .into_iter()
        .map(|(a, b, r0, r1)| (a as f64, b as f64, (r0 + r1) as f64 / 2.0))
        .collect()
}

/// Runs of ink at least `min` pixels long along one axis (`along` pixels, at each of `across`
/// positions), as (first, last, position across); `ink(along, across)` says whether a pixel is
/// ink.
fn ink_runs(
    along: usize,
    across: usize,
    min: usize,
    ink: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for c in 0..across {
        let mut a = 0;
        while a < along {
            if !ink(a, c) {
                a += 1;
                continue;
            }
            let s = a;
            while a < along && ink(a, c) {
                a += 1;
            }
            if a - s >= min {
                out.push((s, a - 1, c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_only_in_figures() {
        assert_eq!(zeros("o"), "0");
        assert_eq!(zeros("1o"), "10");
        assert_eq!(zeros("2,3o5"), "2,305");
        assert_eq!(zeros("of"), "of");
        assert_eq!(zeros("申请"), "申请");
        assert_eq!(zeros("."), ".");
    }

    #[test]
    fn lines_are_found_and_taken_out_of_the_image() {
        // A 300 x 200 white image with a 3-pixel-thick horizontal line and a vertical one,
        // and a short dash (a character's stroke) that stays.
        let (w, h) = (300usize, 200usize);
        let mut px = vec![255u8; w * h];
        for y in 50..53 {
            for x in 10..290 {
                px[y * w + x] = 0;
            }
        }
        for y in 20..180 {
            px[y * w + 150] = 0;
        }
        for x in 20..40 {
            px[120 * w + x] = 0;
        }
        let mut g = Gray { w, h, px };
        let lines = g.take_out_lines(300.0);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.contains(&PixLine {
            x0: 10.0,
            x1: 289.0,
            y0: 51.0,
            y1: 51.0
        }));
        assert!(lines.iter().any(|l| l.x0 == 150.0 && l.x1 == 150.0));
        assert!(g.px[51 * w + 100] == 255 && g.px[100 * w + 150] == 255);
        assert_eq!(g.px[120 * w + 30], 0);
        let back = Gray::parse(&g.to_pgm()).unwrap();
        assert_eq!((back.w, back.h, back.px), (w, h, g.px));
    }

    #[test]
    fn bad_images_are_refused() {
        for b in [
            &b""[..],
            b"P5\n3 3\n255\n\x00",
            b"P6\n1 1\n255\n\x00\x00\x00",
            b"P5 0 0 255 ",
        ] {
            assert!(Gray::parse(b).is_none());
        }
    }

    #[test]
    fn tsv_words_are_scaled_to_points() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   5\t1\t1\t1\t1\t1\t300\t600\t150\t75\t91.5\t总计\n\
                   4\t1\t1\t1\t1\t0\t300\t600\t150\t75\t-1\t\n\
                   5\t1\t1\t1\t1\t2\t600\t600\t30\t75\t80\to\n";
        let w = words_of_tsv(tsv, 72.0 / 300.0);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].text, "总计");
        assert!((w[0].x0 - 72.0).abs() < 1e-9 && (w[0].bottom - 162.0).abs() < 1e-9);
        assert_eq!(w[1].text, "0");
    }
}
