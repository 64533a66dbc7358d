//! Runs the `digest` binary as a child process and measures it: exit code, output, wall time
//! and peak resident memory (from `wait4`'s rusage of that very child, so parallel tests do
//! not mix their numbers), plus a check of the state database's integrity.

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
    let (code, peak_rss) = wait4(&child);
    let elapsed = started.elapsed();
    Finished { code, stdout: out.join().unwrap(), stderr: err.join().unwrap(), elapsed, peak_rss }
}

/// Reaps the child with `wait4`, returning its exit code and peak RSS in bytes.
fn wait4(child: &Child) -> (Option<i32>, u64) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits");
    let mut status = 0;
    // SAFETY: rusage is plain old data, zero is a valid value; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waiting on our own child with valid pointers.
        let r = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
        if r == pid {
            break;
        }
        assert_eq!(std::io::Error::last_os_error().kind(), std::io::ErrorKind::Interrupted, "wait4 failed");
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // ru_maxrss is in KiB on Linux.
    (code, u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024)
}

/// Asserts that SQLite finds the database at `path` intact.
pub fn assert_db_intact(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open state database");
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(result, "ok", "{}", path.display());
}
