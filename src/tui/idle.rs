//! Background threads of the browser that run only when a core would otherwise be idle.
//!
//! Looking for changes in the corpus `stat`s every file (about 0.2 s of both cores at 100,000
//! reports, every few seconds) and the lists made after an engine opens take a second of a
//! core: at normal priority either one, landing on a keystroke, delayed its first hits by
//! 20–90 ms (README "Speed"). Under Linux's `SCHED_IDLE` the kernel runs such a thread only
//! when nothing else wants the core and takes the core back the moment a search wakes.
//! Threads they start (the check's `stat` threads, an index update's writers) inherit it.

/// Starts `f` on a thread of its own, at idle priority where the system has one.
pub fn spawn<F>(name: &str, f: F) -> std::io::Result<std::thread::JoinHandle<()>>
where
    F: FnOnce() + Send + 'static,
{
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            // At normal priority the work still gets done, only less politely.
            let _ = lower_this_thread();
            f()
        })
}

/// Puts the calling thread under `SCHED_IDLE`.
#[cfg(target_os = "linux")]
pub fn lower_this_thread() -> std::io::Result<()> {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: pid 0 is the calling thread; `param` is a valid, initialised sched_param.
    let r = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere the thread keeps its priority.
#[cfg(not(target_os = "linux"))]
pub fn lower_this_thread() -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn policy() -> i32 {
        // SAFETY: pid 0 is the calling thread.
        unsafe { libc::sched_getscheduler(0) }
    }

    #[test]
    fn the_thread_and_the_threads_it_starts_run_at_idle_priority() {
        let (tx, rx) = std::sync::mpsc::channel();
        spawn("idle-test", move || {
            let inner = std::thread::spawn(policy).join().unwrap_or(-1);
            let _ = tx.send((policy(), inner));
        })
        .unwrap()
        .join()
        .unwrap();
        assert_eq!(rx.recv().unwrap(), (libc::SCHED_IDLE, libc::SCHED_IDLE));
    }

    #[test]
    fn the_caller_keeps_its_priority() {
        let before = policy();
        spawn("idle-test", || {}).unwrap().join().unwrap();
        assert_eq!(policy(), before);
        assert_ne!(policy(), libc::SCHED_IDLE);
    }
}
