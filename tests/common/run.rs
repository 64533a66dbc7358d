//! Runs the `digest` binary as a child process and measures it: exit code, output, wall time
//! and peak resident memory, plus a check of the state database's integrity.
//!
//! Peak memory is the child's `VmHWM` from `/proc/<pid>/status`, polled every 5 ms while it
//! runs (the high-water mark only grows, so the last reading is the peak up to ~5 ms before
//! exit). `getrusage`'s `ru_maxrss` is no use here: the kernel folds the spawning test
//! process's own peak into it at `exec`.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished `digest` run did.
#[derive(Debug)]
pub struct Finished {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time from spawn to exit.
    pub elapsed: Duration,
    /// Peak resident set size in bytes.
    pub peak_rss: u64,
}

impl Finished {
    /// Stdout and stderr together, for assertions and failure messages.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// `digest ARGS` with the proxy variables cleared for 127.0.0.1 and logging at its default.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_digest"));
    cmd.args(args)
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// `digest ARGS` run in `dir`, with `RUST_LOG` and `DIGEST_CONFIG` cleared and no proxy for
/// 127.0.0.1; the caller adds what else the test needs and collects `.output()`.
pub fn in_dir<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_digest"));
    cmd.args(args).current_dir(dir).env_remove("RUST_LOG").env_remove("DIGEST_CONFIG").env("NO_PROXY", "127.0.0.1");
    cmd
}

/// Runs `digest ARGS` to completion.
pub fn digest(args: &[&str]) -> Finished {
    let started = Instant::now();
    let child = command(args).spawn().expect("spawn digest");
    finish(child, started)
}

/// Waits for a spawned child, collecting its output and its peak memory.
pub fn finish(mut child: Child, started: Instant) -> Finished {
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let out = read(Box::new(child.stdout.take().expect("piped stdout")));
    let err = read(Box::new(child.stderr.take().expect("piped stderr")));
    let status = format!("/proc/{}/status", child.id());
    let poller = std::thread::spawn(move || {
        let mut peak = 0;
        // Ends when the child is reaped and its /proc entry is gone (a zombie has no VmHWM).
        while let Some(kib) = std::fs::read_to_string(&status).ok().as_deref().and_then(vm_hwm_kib) {
            peak = peak.max(kib * 1024);
            std::thread::sleep(Duration::from_millis(5));
        }
        peak
    });
    let code = wait(&mut child);
    let elapsed = started.elapsed();
    let peak_rss = poller.join().unwrap();
    Finished { code, stdout: out.join().unwrap(), stderr: err.join().unwrap(), elapsed, peak_rss }
}

/// The `VmHWM:` line of a `/proc/<pid>/status` text, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for the child; its exit code, `None` when a signal ended it.
fn wait(child: &mut Child) -> Option<i32> {
    child.wait().expect("wait for digest").code()
}

/// Asserts that SQLite finds the database at `path` intact.
pub fn assert_db_intact(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open state database");
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(result, "ok", "{}", path.display());
}
