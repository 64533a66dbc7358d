//! `../shared/tools/fixture-proxy` as a test resource: serves the fixture sites under their
//! real host names on 127.0.0.1, logs every request, and is killed by PID when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running fixture proxy.
pub struct FixtureProxy {
    child: Child,
    /// `http://127.0.0.1:PORT`, for HTTP_PROXY.
    pub url: String,
    /// The JSON-lines request log.
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

/// `../shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// One request as the proxy logged it.
#[derive(Debug, serde::Deserialize)]
pub struct LoggedRequest {
    /// Absolute URL (proxy form) or path.
    pub url: String,
    /// Status answered.
    pub status: u16,
    /// If-None-Match sent.
    pub if_none_match: Option<String>,
    /// If-Modified-Since sent.
    pub if_modified_since: Option<String>,
    /// User-Agent sent.
    pub user_agent: Option<String>,
}

impl FixtureProxy {
    /// Starts the proxy on a free port.
    pub fn start() -> FixtureProxy {
        FixtureProxy::start_with(&[])
    }

    /// Starts the proxy, also serving each `(host, folder)`.
    pub fn start_with(extra_sites: &[(&str, &Path)]) -> FixtureProxy {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("requests.jsonl");
        let mut command = Command::new("python3");
        command.arg(shared_dir().join("tools/fixture-proxy")).args(["--port", "0", "--log"]).arg(&log);
        for (host, folder) in extra_sites {
            command.arg("--site").arg(format!("{host}={}", folder.display()));
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start ../shared/tools/fixture-proxy (needs python3)");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut first)
            .expect("read the proxy's first line");
        let addr =
            first.trim().strip_prefix("listening ").unwrap_or_else(|| panic!("unexpected proxy output {first:?}"));
        FixtureProxy { child, url: format!("http://{addr}"), log, _dir: dir }
    }

    /// Every request logged so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("proxy log line is JSON"))
            .collect()
    }

    /// Forgets the requests logged so far.
    pub fn clear(&self) {
        let _ = std::fs::write(&self.log, "");
    }
}

impl Drop for FixtureProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
