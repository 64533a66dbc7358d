//! A LibreTranslate-compatible `POST /translate` server on `127.0.0.1:0`: answers
//! `{"translatedText": "<target>: <q>"}`, or 500 for every request once told to fail, and
//! counts requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The running server.
pub struct LibreTranslate {
    port: u16,
    requests: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

impl LibreTranslate {
    /// Starts the server.
    pub fn start() -> LibreTranslate {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(AtomicUsize::new(0));
        let failing = Arc::new(AtomicBool::new(false));
        let (count, fail) = (Arc::clone(&requests), Arc::clone(&failing));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let mut out = stream.try_clone().expect("clone");
                let mut input = BufReader::new(stream);
                let mut length = 0;
                let mut line = String::new();
                while input.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let _ = input.read_exact(&mut body);
                let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let (status, answer) = if fail.load(Ordering::SeqCst) {
                    ("500 Internal Server Error", serde_json::json!({ "error": "down" }))
                } else {
                    let q = request["q"].as_str().unwrap_or_default();
                    let target = request["target"].as_str().unwrap_or_default();
                    ("200 OK", serde_json::json!({ "translatedText": format!("{target}: {q}") }))
                };
                let body = answer.to_string();
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        LibreTranslate { port, requests, failing }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Requests so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// From now on, answer 500.
    pub fn fail(&self) {
        self.failing.store(true, Ordering::SeqCst);
    }
}
