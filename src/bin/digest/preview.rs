//! `digest preview`: serve the output folder on 127.0.0.1 and rebuild the week from the store
//! whenever a template or the config changes.
//!
//! The server is `tiny_http` on its own thread. Changes are found by polling modification
//! times and sizes a few times a second (hand-written, a dozen lines): it behaves the same on
//! every platform and on network or container mounts, where file-event APIs miss changes, and
//! a handful of files needs nothing faster.

use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

use digest::config::Config;
use digest::pipeline;
use digest::store::{StateLock, Store};
use digest::week::Week;

/// How often the watched files are looked at.
const POLL: Duration = Duration::from_millis(250);

/// Builds once, serves `output/` on `127.0.0.1:port` and rebuilds on every change of the
/// config file or a file in `templates`; runs until interrupted. `load` reads the config
/// (with the command line's overrides), again after each change.
pub fn preview(load: impl Fn() -> Result<Config>, week: &str, templates: Option<&Path>, port: u16) -> Result<u8> {
    let config = load()?;
    let week = Week::parse(week, chrono::Utc::now(), config.timezone)?;
    rebuild(&config, week, templates)?;
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = server.server_addr().to_ip().context("the server has no IP address")?;
    let root = config.output_dir.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            serve(&root, request);
        }
    });
    out!("serving {} at http://{address}/{week}/index.html (Ctrl-C stops)", config.output_dir.display());
    let watched = |config: &Config| {
        let mut files = vec![config.path.clone()];
        if let Some(dir) = templates {
            files.push(dir.to_path_buf());
        }
        files
    };
    let mut seen = fingerprint(&watched(&config));
    loop {
        std::thread::sleep(POLL);
        let now = fingerprint(&watched(&config));
        if now == seen {
            continue;
        }
        // Wait until the files stop changing: an editor may write a file in several steps.
        seen = now;
        loop {
            std::thread::sleep(POLL);
            let settled = fingerprint(&watched(&config));
            if settled == seen {
                break;
            }
            seen = settled;
        }
        // A broken edit is reported and the last good output stays served.
        match load().and_then(|config| rebuild(&config, week, templates)) {
            Ok(()) => out!("rebuilt {week}"),
            Err(e) => eprintln!("digest: error: {e:#}"),
        }
    }
}

fn rebuild(config: &Config, week: Week, templates: Option<&Path>) -> Result<()> {
    let _lock = StateLock::acquire(&config.state_dir)?;
    let mut store = Store::open(&config.database_path())?;
    pipeline::build_week(config, &mut store, week, templates)?;
    Ok(())
}

/// Modification time and size of each file (a folder: of each file directly in it).
fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    for path in paths {
        let mut files = vec![path.clone()];
        if let Ok(entries) = std::fs::read_dir(path) {
            files.extend(entries.flatten().map(|e| e.path()));
        }
        for file in files {
            let meta = std::fs::metadata(&file).ok();
            out.push((file, meta.as_ref().and_then(|m| m.modified().ok()), meta.map_or(0, |m| m.len())));
        }
    }
    out.sort();
    out
}

/// Answers one request with a file under `root` (a folder: its `index.html`); 404 for
/// anything else, including paths that climb out of `root`.
fn serve(root: &Path, request: tiny_http::Request) {
    let path = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    let decoded = url::Url::parse(&format!("http://localhost{path}"))
        .ok()
        .and_then(|u| u.path_segments().map(|s| s.map(decode).collect::<Vec<_>>()));
    let file = decoded.and_then(|segments| {
        let mut file = root.to_path_buf();
        for s in segments.iter().filter(|s| !s.is_empty()) {
            let mut parts = Path::new(s).components();
            match (parts.next(), parts.next()) {
                (Some(Component::Normal(p)), None) => file.push(p),
                _ => return None,
            }
        }
        Some(if file.is_dir() { file.join("index.html") } else { file })
    });
    let response = match file.and_then(|f| Some((std::fs::read(&f).ok()?, content_type(&f)))) {
        Some((body, kind)) => tiny_http::Response::from_data(body).with_header(header("Content-Type", kind)),
        None => tiny_http::Response::from_string("not found\n").with_status_code(404),
    };
    // Errors here are a browser that went away; nothing to do.
    let _ = request.respond(response.with_header(header("Cache-Control", "no-store")));
}

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid ASCII header")
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "txt" | "eml" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "json" => "application/json",
        "css" => "text/css",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}
