//! Work the event loop does for a screen after a key: searches, copies, exports, opening a file.

use super::worker::Request;

/// Work the event loop does on the browser's behalf after an event has been handled.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Search(Request),
    /// Put `text` on the clipboard; `what` is for the status line.
    Copy {
        text: String,
        what: String,
    },
    /// Write `text` to the file `path` (an export), saying where on the status line.
    Write {
        path: std::path::PathBuf,
        text: String,
    },
    /// Work out the totals-and-ranking board of a job, off the UI thread.
    Tally(super::tally::Job),
    /// Write every report the search selects (`w` in the hit list), off the UI thread.
    Export(super::export::Job),
    /// `o`: show the report's source file (its path as indexed) outside the browser.
    OpenSource(String),
}
