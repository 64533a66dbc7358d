//! `../shared/tools/fixture-proxy` as a child process that is killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running fixture proxy (serves the fixture sites under their real host names).
pub struct FixtureProxy {
    child: Child,
    port: u16,
}

impl FixtureProxy {
    /// Starts the proxy on a free port with extra arguments (`--log FILE`, `--site H=DIR`…);
    /// `None` when python3 or the tool is missing, so callers can skip with a message.
    pub fn start(extra_args: &[&str]) -> Option<FixtureProxy> {
        let tool = Self::tool();
        let mut child = Command::new("python3")
            .arg(&tool)
            .args(["--port", "0"])
            .args(extra_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        // From here on the guard owns the child, so a failed start still kills it.
        let stdout = child.stdout.take();
        let mut proxy = FixtureProxy { child, port: 0 };
        let mut line = String::new();
        BufReader::new(stdout?).read_line(&mut line).ok()?;
        proxy.port = line.trim().rsplit(':').next()?.parse().ok()?;
        Some(proxy)
    }

    /// `../shared/tools/fixture-proxy`, relative to the crate.
    pub fn tool() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/fixture-proxy")
    }

    /// `http://127.0.0.1:PORT`, for HTTP_PROXY or `[fetch] proxy`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for FixtureProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
