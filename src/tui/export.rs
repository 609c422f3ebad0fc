//! `w` in the hit list, off the UI thread: every report the search selects written in the long
//! form of `nianbao export`, with the data dictionary beside it.
//!
//! Reading and writing every selected report takes seconds at 100,000 reports, so the hit list
//! only sends a [`Job`] tagged with a generation and the status line says "writing N reports…"
//! meanwhile. The selection is `analysis::select`, the one `nianbao export` makes (through
//! `Backend::selected_reports`: no snippets, no stored documents), so both write the same rows.
//! A job is stale once the browser's query changed since `w`: the thread then drops it before
//! anything is renamed into place, and the browser drops any answer but the live job's.

use crate::analysis::{select, Selection};
use crate::index::Query;
use crate::output::dataset;
use crate::tui::tally::EngineRef;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;

/// The generation of the export the browser still wants (none is 0), shared with the thread so
/// that a job the user no longer wants is not written.
#[derive(Debug, Clone, Default)]
pub struct Live(Arc<AtomicU64>);

impl PartialEq for Live {
    fn eq(&self, o: &Self) -> bool {
        Arc::ptr_eq(&self.0, &o.0)
    }
}

impl Live {
    pub fn set(&self, generation: u64) {
        self.0.store(generation, Ordering::SeqCst);
    }

    pub fn is(&self, generation: u64) -> bool {
        self.0.load(Ordering::SeqCst) == generation
    }
}

/// One export to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub generation: u64,
    pub engine: EngineRef,
    /// The search's text and filter chips when `w` was pressed (limit and offset not read).
    pub query: Query,
    /// Start each file with a byte-order mark (config `copy.csv_bom`).
    pub bom: bool,
    /// The folder written to; empty: the working folder (the status line then names the file
    /// as a user typing `ls` sees it).
    pub dir: PathBuf,
    pub live: Live,
}

/// Files an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub reports: usize,
    pub data: PathBuf,
    pub dictionary: PathBuf,
}

/// What the thread says about a job.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The selection is made: this many reports are being written.
    Writing(usize),
    /// Written, or nothing written and why.
    Done(Result<Written, String>),
}

/// `nianbao-QUERY-N-reports.csv`: the query's first 24 characters (`all` when empty) and the
/// number of reports in the file.
pub fn file_name(query: &Query, reports: usize) -> PathBuf {
    let what = match query.text.trim() {
        "" => "all".to_string(),
        t => crate::tui::compare::file_part(&t.chars().take(24).collect::<String>())
            .replace(' ', "_"),
    };
    PathBuf::from(format!("nianbao-{what}-{reports}-reports.csv"))
}

/// The message a job that is no longer wanted ends with (the browser never shows it: it has
/// said the export was cancelled when the query changed).
pub const STALE: &str = "nothing written: the query changed since `w`";

/// Writes the export of `job`: the selection, then both files under temporary names, then the
/// dictionary renamed into place and the data file last. Nothing is renamed when the job went
/// stale meanwhile, when nothing matches, or when any report of the selection cannot be read
/// (never part of a selection written as if it were all of it).
pub fn run(job: &Job, say: &dyn Fn(Progress)) -> Result<Written, String> {
    let stale = || !job.live.is(job.generation);
    if stale() {
        return Err(STALE.into());
    }
    let sel = Selection {
        query: Query {
            limit: 0,
            offset: 0,
            ..job.query.clone()
        },
        ..Selection::default()
    };
    let selected = select(&*job.engine.0, &sel)
        .map_err(|e| format!("nothing written: cannot read the selected reports: {e}"))?;
    let entries = &selected.entries;
    if entries.is_empty() {
        return Err("nothing written: no report matches".into());
    }
    if stale() {
        return Err(STALE.into());
    }
    say(Progress::Writing(entries.len()));
    let data = job.dir.join(file_name(&job.query, entries.len()));
    let dictionary = dataset::dictionary_path(&data);
    let data_tmp = Temp::write(&data, |w| dataset::long_csv(entries, job.bom, w))?;
    let dict_tmp = Temp::write(&dictionary, |w| dataset::dictionary_csv(job.bom, w))?;
    if stale() {
        return Err(STALE.into());
    }
    // The dictionary first: the data file, renamed last, is the one the status line names.
    dict_tmp.rename()?;
    data_tmp.rename()?;
    Ok(Written {
        reports: entries.len(),
        data,
        dictionary,
    })
}

/// A file written under a temporary name beside its final one; removed unless renamed.
struct Temp {
    tmp: PathBuf,
    path: PathBuf,
    renamed: bool,
}

impl Temp {
    fn write(
        path: &Path,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Temp, String> {
        let name = path
            .file_name()
            .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
        let tmp = path.with_file_name(format!(".{name}.nianbao-{}.tmp", std::process::id()));
        let t = Temp {
            tmp,
            path: path.to_path_buf(),
            renamed: false,
        };
        let done = (|| {
            let file = std::fs::File::create(&t.tmp)?;
            let mut w = io::BufWriter::with_capacity(1 << 20, file);
            fill(&mut w)?;
            let file = w.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()
        })();
        // On an error `t` is dropped here, and the temporary file with it.
        done.map_err(|e| format!("nothing written: cannot write {}: {e}", path.display()))?;
        Ok(t)
    }

    fn rename(mut self) -> Result<(), String> {
        std::fs::rename(&self.tmp, &self.path)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The UI's handle on the thread.
pub struct Exporter {
    tx: mpsc::Sender<Job>,
}

/// Where the thread's word goes: the generation of the job and what it says.
pub type Sink = Box<dyn Fn(u64, Progress) + Send>;

impl Exporter {
    pub fn spawn(sink: Sink) -> Exporter {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("nianbao-export".into())
            .spawn(move || serve(&rx, &*sink))
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("nianbao: cannot start the export thread: {e}"));
        Exporter { tx }
    }

    /// Queues a job; never blocks.
    pub fn request(&self, job: Job) {
        // A closed channel: the thread died; the status line keeps saying "writing…".
        let _ = self.tx.send(job);
    }
}

fn serve(rx: &Receiver<Job>, sink: &dyn Fn(u64, Progress)) {
    while let Ok(mut job) = rx.recv() {
        // Jobs asked for since are newer: an older one is no longer wanted.
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        let g = job.generation;
        // A panic must not end the thread (every later export would go unanswered).
        let done =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&job, &|p| sink(g, p))))
                .unwrap_or_else(|_| Err("nothing written: the export crashed".to_string()));
        sink(g, Progress::Done(done));
    }
}
