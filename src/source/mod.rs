//! Documents as agencies publish them (text, web page, DOCX, PDF) turned into one common form:
//! the text in reading order and the tables as grids of cells, spans resolved.
//!
//! One file per format; none of them knows about the report contract, the index or the
//! browser. Adding a format is adding a file and a line in [`FORMATS`].

mod docx;
pub mod grid;
mod html;
pub mod ocr;
mod pdf;
mod sniff;
mod text;

pub use grid::{Grid, Slot};
use sniff::Kind;

/// A format a document can be published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Txt,
    Md,
    Html,
    Docx,
    Pdf,
}

impl Format {
    /// The name written in the contract's `source.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// A published document in the common form every format reader produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub format: Format,
    /// The whole text in reading order; a table's row is one line, its cells separated by tabs.
    pub text: String,
    /// The document's tables as it draws or marks them up, in document order.
    pub tables: Vec<Grid>,
    /// Number of pages, for a paged format (PDF).
    pub pages: Option<u32>,
    /// What the reader could not read, in words a user can act on.
    pub warnings: Vec<String>,
    /// The text was read from page images by OCR (a scan): its figures are not as written.
    pub ocr: bool,
}

impl Document {
    pub fn text_only(format: Format, text: String) -> Document {
        Document {
            format,
            text,
            tables: Vec::new(),
            pages: None,
            warnings: Vec::new(),
            ocr: false,
        }
    }
}

/// Why a file could not be read as a document.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("the file is empty")]
    Empty,
    /// The name says one format, the bytes another (a download that saved an error page).
    #[error("the file is named .{named} but is {actual}; nothing was read from it")]
    Mismatch { named: String, actual: String },
    #[error("{0}")]
    Text(#[from] crate::report::decode::DecodeError),
    #[error("not a readable {format} file: {reason}")]
    Damaged {
        format: &'static str,
        reason: String,
    },
    #[error("the PDF is encrypted (password-protected); nianbao cannot read it")]
    Encrypted,
}

/// A format's reader: bytes to a document.
type Reader = fn(&[u8]) -> Result<Document, SourceError>;

/// Each format: its file extensions and its reader. The only table to change for a new format.
const FORMATS: &[(Format, &[&str], Reader)] = &[
    (Format::Txt, &["txt"], text::read_txt),
    (Format::Md, &["md", "markdown"], text::read_md),
    (Format::Html, &["html", "htm", "shtml", "xhtml"], html::read),
    (Format::Docx, &["docx"], docx::read),
    (Format::Pdf, &["pdf"], pdf::read),
];

/// The format files with this extension are read as, if any (case ignored).
pub fn format_of_extension(ext: &str) -> Option<Format> {
    FORMATS
        .iter()
        .find(|(_, exts, _)| exts.iter().any(|e| e.eq_ignore_ascii_case(ext)))
        .map(|&(f, _, _)| f)
}

/// Whether a corpus walk takes this file as a report. Markdown is read when named on the
/// command line but not walked: a corpus folder's `.md` files are its notes (`SOURCES.md`).
pub fn is_report_file(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(format_of_extension)
        .is_some_and(|f| f != Format::Md)
}

/// Reads a document's bytes. `name` is the file's name (its extension chooses the format, the
/// bytes confirm it); a file whose bytes are another format than its name says is refused
/// with a message saying what it is. Never panics.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, SourceError> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let named = format_of_extension(ext).unwrap_or(Format::Txt);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SourceError::Empty);
    }
    let actual = sniff::sniff(bytes);
    let format = match (named, actual) {
        (Format::Pdf, Kind::Pdf) | (Format::Docx, Kind::Zip) => named,
        (Format::Html, Kind::Html | Kind::Text) => Format::Html,
        // A text file that is really a saved page is read as the page.
        (Format::Txt | Format::Md, Kind::Html) => Format::Html,
        (Format::Txt | Format::Md, Kind::Text | Kind::Binary) => named,
        (_, actual) => {
            return Err(SourceError::Mismatch {
                named: ext.to_ascii_lowercase(),
                actual: actual.describe().to_string(),
            })
        }
    };
    let reader = FORMATS
        .iter()
        .find(|(f, _, _)| *f == format)
        .map(|&(_, _, r)| r)
        .unwrap_or(text::read_txt);
    let mut doc = reader(bytes)?;
    // A scan has no text: it is known by its file name (the year and agency often stand there).
    if doc.text.trim().is_empty() {
        let stem = std::path::Path::new(name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        doc.text = format!("{stem}\n");
    }
    Ok(doc)
}
