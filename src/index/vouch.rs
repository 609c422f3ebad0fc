//! A running `nianbao index --watch` vouches that its index pictures the corpus, so that a
//! command can skip the `stat` of every folder and file (most of a `search`'s time).
//!
//! Why a vouch can be trusted. The watcher counts the corpus's change notices (inotify, read
//! in the order the kernel queued them) and, after each update, records the count read before
//! the update's check began and the commit the update left. A command asks over a socket in
//! the index folder (`nianbao-watch/sock`); the watcher then creates a new file in the same
//! folder, which it watches with the same notice queue. Once the notice of that file is read,
//! every change to the corpus completed before the question was asked has been read too (the
//! kernel queues a notice before the change's system call returns, and one queue keeps its
//! order). The answer is "fresh, commit V" only if no change notice came since the last
//! update's check began; the command then answers from the index only if it opened that very
//! commit V. Anything else (no watcher, another corpus or other build options, a notice that
//! may hide changes, no answer within [`ASK_WAIT`]) leaves the command to its own check.
//!
//! The watcher vouches only where notices are complete: Linux, a local file system (not a
//! network or FUSE one, where changes made elsewhere give none), no other file system mounted
//! below the corpus, links not followed, the index folder outside the corpus, every folder
//! readable, and no report file with a second name (a hard link: changes made through the
//! other name notify its folder, not ours). Writes through a shared memory map give no
//! notice either; no editor saves that way.

use super::stamps;
use super::BuildOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The watcher's folder inside the index folder (names starting `nianbao-` are never taken for
/// tantivy's files).
pub const FOLDER: &str = "nianbao-watch";
const SOCKET: &str = "sock";
/// New files named `mark-N`, one per question: their notices order the answers.
const MARK: &str = "mark-";
/// How long a command waits for an answer before checking by itself.
pub const ASK_WAIT: Duration = Duration::from_millis(250);
/// How long the watcher waits for the notice of its own mark.
const MARK_WAIT: Duration = Duration::from_millis(200);
const HELLO: &str = "nianbao-vouch 1";

/// What names the corpus and the build options a vouch is for: a command asking about
/// another corpus (or the same folder with other options) gets no vouch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    dev: u64,
    ino: u64,
    follow_links: bool,
    cap: u64,
}

impl Subject {
    #[cfg(unix)]
    pub fn of(corpus: &Path, opts: &BuildOptions) -> Option<Subject> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(corpus).ok()?;
        m.is_dir().then(|| Subject {
            dev: m.dev(),
            ino: m.ino(),
            follow_links: opts.follow_links,
            cap: stamps::cap(opts),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_corpus: &Path, _opts: &BuildOptions) -> Option<Subject> {
        None
    }

    fn line(&self) -> String {
        format!(
            "{HELLO} {} {} {} {}",
            self.dev, self.ino, self.follow_links as u8, self.cap
        )
    }
}

/// What the watcher has read and done, shared by the thread reading notices, the update loop
/// and the thread answering questions.
#[derive(Default)]
pub struct Ledger {
    state: Mutex<State>,
    marked: Condvar,
}

#[derive(Default)]
struct State {
    /// Corpus change notices read so far (and notices that may hide some: overflow).
    changes: u64,
    /// The highest mark whose notice was read.
    mark_seen: u64,
    /// After the last update: the changes read before its check began, and its commit.
    fresh: Option<(u64, [u8; 32])>,
    /// Notices were lost for good (a watch could not be set): never vouch again.
    broken: bool,
}

impl Ledger {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A notice about the corpus.
    pub fn changed(&self) {
        self.lock().changes += 1;
    }

    /// Notices may have been lost and will not be found again.
    pub fn broken(&self) {
        self.lock().broken = true;
    }

    /// A notice about the watcher's own folder: `path` may be one of its marks.
    pub fn own_notice(&self, path: &Path) {
        let seq = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix(MARK))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(seq) = seq {
            let mut s = self.lock();
            s.mark_seen = s.mark_seen.max(seq);
            drop(s);
            self.marked.notify_all();
        }
    }

    /// Taken before an update's check begins: what [`Ledger::updated`] is given.
    pub fn before_update(&self) -> u64 {
        self.lock().changes
    }

    /// An update (a check, maybe a build) that began after `before` notices left the commit
    /// `view` (`None`: it failed, or nothing is to be vouched for).
    pub fn updated(&self, before: u64, view: Option<[u8; 32]>) {
        self.lock().fresh = view.map(|v| (before, v));
    }

    /// The commit vouched for once the notice of mark `seq` has been read, if any.
    fn vouch_after(&self, seq: u64) -> Option<[u8; 32]> {
        let s = self.lock();
        let (s, _) = self
            .marked
            .wait_timeout_while(s, MARK_WAIT, |s| s.mark_seen < seq)
            .unwrap_or_else(|p| p.into_inner());
        if s.mark_seen < seq || s.broken {
            return None;
        }
        s.fresh
            .and_then(|(before, view)| (before == s.changes).then_some(view))
    }
}

/// Why the watcher cannot vouch for `corpus` (notices there may be incomplete), if so.
pub fn cannot_vouch(corpus: &Path, index_dir: &Path, opts: &BuildOptions) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("change notices are trusted on Linux only".into());
    }
    if opts.follow_links {
        return Some("links are followed, and their targets give no notices".into());
    }
    let root = corpus.canonicalize().ok()?;
    let own = index_dir
        .canonicalize()
        .unwrap_or_else(|_| index_dir.to_path_buf());
    if own.starts_with(&root) {
        return Some("the index folder is inside the corpus".into());
    }
    if let Some(kind) = remote_file_system(&root) {
        return Some(format!(
            "the corpus is on a {kind} file system, where changes made elsewhere give no notice"
        ));
    }
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    if let Some(m) = mounts_below(&mounts, &root).first() {
        return Some(format!(
            "another file system is mounted inside the corpus ({})",
            m.display()
        ));
    }
    None
}

/// Why the corpus's files cannot be vouched for, found by walking it: a folder that cannot
/// be read (notify passes over it, and sets no watch there), or a report file with another
/// name elsewhere (a hard link: a change made through that name gives no notice here).
#[cfg(unix)]
pub fn unwatchable(corpus: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    for e in walkdir::WalkDir::new(corpus) {
        let e = match e {
            Ok(e) => e,
            Err(e) => return Some(format!("a folder of the corpus cannot be read ({e})")),
        };
        if e.file_type().is_file() && e.metadata().is_ok_and(|m| m.nlink() > 1) {
            return Some(format!(
                "{} has another name outside the corpus (a hard link), whose changes give no notice",
                e.path().display()
            ));
        }
    }
    None
}

#[cfg(not(unix))]
pub fn unwatchable(_corpus: &Path) -> Option<String> {
    Some("not on this system".into())
}

/// Mount points strictly inside `root`, from `/proc/self/mountinfo` (field 5, with its octal
/// escapes of spaces and such).
fn mounts_below(mountinfo: &str, root: &Path) -> Vec<PathBuf> {
    mountinfo
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(unescape_mount)
        .map(PathBuf::from)
        .filter(|p| p != root && p.starts_with(root))
        .collect()
}

fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let oct = b
            .get(i + 1..i + 4)
            .filter(|o| o.iter().all(|c| (b'0'..=b'7').contains(c)));
        match (b[i], oct) {
            (b'\\', Some(o)) => {
                out.push((o[0] - b'0') * 64 + (o[1] - b'0') * 8 + (o[2] - b'0'));
                i += 4;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The kind of file system `path` is on when it is not one whose every change gives a notice
/// here; `None` for the local ones.
#[cfg(target_os = "linux")]
fn remote_file_system(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: `c` is NUL-terminated; `st` is written before it is read.
    if unsafe { libc::statfs(c.as_ptr(), st.as_mut_ptr()) } != 0 {
        return Some("unknown".into());
    }
    // SAFETY: statfs filled `st` when it returned 0.
    let kind = unsafe { st.assume_init() }.f_type as u64;
    const LOCAL: [(u64, &str); 7] = [
        (0xEF53, "ext2/3/4"),
        (0x5846_5342, "xfs"),
        (0x9123_683E, "btrfs"),
        (0x0102_1994, "tmpfs"),
        (0xF2F5_2010, "f2fs"),
        (0x2FC1_2FC1, "zfs"),
        (0x794C_7630, "overlay"),
    ];
    if LOCAL.iter().any(|(k, _)| *k == kind) {
        None
    } else {
        Some(format!("{kind:#x}"))
    }
}

#[cfg(not(target_os = "linux"))]
fn remote_file_system(_path: &Path) -> Option<String> {
    Some("unknown".into())
}

/// The watcher's answering side: removes its socket when dropped.
pub struct Server {
    folder: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.folder.join(SOCKET));
    }
}

/// The folder the watcher's notices must cover (watched, not recursively, with the corpus).
pub fn folder(index_dir: &Path) -> PathBuf {
    index_dir.join(FOLDER)
}

/// Starts answering questions about the index in `index_dir` for `subject`. The caller
/// watches [`folder`] with the corpus and passes its notices to [`Ledger::own_notice`].
#[cfg(unix)]
pub fn serve(index_dir: &Path, subject: Subject, ledger: Arc<Ledger>) -> std::io::Result<Server> {
    use std::os::unix::net::{UnixListener, UnixStream};
    let folder = folder(index_dir);
    std::fs::create_dir_all(&folder)?;
    let sock = folder.join(SOCKET);
    if UnixStream::connect(&sock).is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            "another `nianbao index --watch` answers for this index",
        ));
    }
    // Left by a watcher that did not end cleanly: its socket and marks.
    let _ = std::fs::remove_file(&sock);
    for e in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
        if e.file_name().to_str().is_some_and(|n| n.starts_with(MARK)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let listener = UnixListener::bind(&sock)?;
    let dir = folder.clone();
    std::thread::Builder::new()
        .name("nianbao-vouch".into())
        .spawn(move || {
            let mut seq = 0u64;
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                seq += 1;
                let _ = answer(conn, &dir, seq, &subject, &ledger);
            }
        })?;
    Ok(Server { folder })
}

#[cfg(not(unix))]
pub fn serve(
    _index_dir: &Path,
    _subject: Subject,
    _ledger: Arc<Ledger>,
) -> std::io::Result<Server> {
    Err(std::io::Error::other("not on this system"))
}

#[cfg(unix)]
fn answer(
    conn: std::os::unix::net::UnixStream,
    dir: &Path,
    seq: u64,
    subject: &Subject,
    ledger: &Ledger,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(ASK_WAIT))?;
    conn.set_write_timeout(Some(ASK_WAIT))?;
    let mut line = String::new();
    BufReader::new(&conn).take(256).read_line(&mut line)?;
    let vouched = if line.trim_end() == subject.line() {
        let mark = dir.join(format!("{MARK}{seq}"));
        let made = std::fs::File::create(&mark).is_ok();
        let v = made.then(|| ledger.vouch_after(seq)).flatten();
        let _ = std::fs::remove_file(&mark);
        v
    } else {
        None
    };
    let reply = match vouched {
        Some(v) => format!("fresh {}\n", hex(&v)),
        None => "unknown\n".to_string(),
    };
    (&conn).write_all(reply.as_bytes())
}

use std::io::Read as _;

fn hex(v: &[u8; 32]) -> String {
    v.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut v = [0u8; 32];
    for (i, pair) in b.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        v[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(v)
}

/// The commit a running watcher vouches for, asked for `corpus` with `opts`: `None` when no
/// watcher answers for this index, or it cannot vouch now.
#[cfg(unix)]
pub fn ask(corpus: &Path, index_dir: &Path, opts: &BuildOptions) -> Option<[u8; 32]> {
    use std::os::unix::net::UnixStream;
    let sock = folder(index_dir).join(SOCKET);
    // No socket: no watcher (the common case), without a connect attempt.
    std::fs::symlink_metadata(&sock).ok()?;
    let subject = Subject::of(corpus, opts)?;
    let mut conn = UnixStream::connect(&sock).ok()?;
    conn.set_read_timeout(Some(ASK_WAIT)).ok()?;
    conn.set_write_timeout(Some(ASK_WAIT)).ok()?;
    conn.write_all(format!("{}\n", subject.line()).as_bytes())
        .ok()?;
    let mut reply = String::new();
    BufReader::new(&conn).take(256).read_line(&mut reply).ok()?;
    unhex(reply.trim_end().strip_prefix("fresh ")?)
}

#[cfg(not(unix))]
pub fn ask(_corpus: &Path, _index_dir: &Path, _opts: &BuildOptions) -> Option<[u8; 32]> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_points_inside_the_corpus_are_found_with_their_escapes() {
        let info = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n\
                    30 22 0:40 / /data/corpus/nfs\\040share rw - nfs4 srv:/x rw\n\
                    31 22 0:41 / /data/corpus2 rw - ext4 /dev/sdb rw\n\
                    32 22 0:42 / /data/corpus rw - ext4 /dev/sdc rw\n";
        assert_eq!(
            mounts_below(info, Path::new("/data/corpus")),
            vec![PathBuf::from("/data/corpus/nfs share")]
        );
        assert!(mounts_below(info, Path::new("/elsewhere")).is_empty());
    }

    #[test]
    fn a_vouch_needs_the_mark_and_no_change_since_the_update_began() {
        let l = Ledger::default();
        let v = [7u8; 32];
        // Nothing published yet.
        l.own_notice(Path::new("/i/nianbao-watch/mark-1"));
        assert_eq!(l.vouch_after(1), None);
        // An update that began after 0 notices, none since: vouched.
        l.lock().fresh = Some((0, v));
        l.own_notice(Path::new("/i/nianbao-watch/mark-2"));
        assert_eq!(l.vouch_after(2), Some(v));
        // A change read after the update began: no vouch until the next update.
        l.changed();
        l.own_notice(Path::new("/i/nianbao-watch/mark-3"));
        assert_eq!(l.vouch_after(3), None);
        let before = l.before_update();
        l.lock().fresh = Some((before, v));
        l.own_notice(Path::new("/i/nianbao-watch/mark-4"));
        assert_eq!(l.vouch_after(4), Some(v));
        // The mark's notice not read (yet): no vouch, whatever the state.
        assert_eq!(l.vouch_after(5), None);
        // Lost notices: never again.
        l.broken();
        l.own_notice(Path::new("/i/nianbao-watch/mark-6"));
        assert_eq!(l.vouch_after(6), None);
    }

    #[test]
    fn other_files_of_the_folder_are_not_marks() {
        let l = Ledger::default();
        l.own_notice(Path::new("/i/nianbao-watch/sock"));
        l.own_notice(Path::new("/i/nianbao-watch/mark-x"));
        assert_eq!(l.lock().mark_seen, 0);
    }

    #[test]
    fn view_hex_round_trips_and_rejects_garbage() {
        let v: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(unhex(&hex(&v)), Some(v));
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(&"g".repeat(64)), None);
    }
}
