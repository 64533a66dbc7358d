//! A scripted HTTP/1.1 server on `127.0.0.1:0` for tests: routes answer with a sequence of
//! canned [`Reply`]s (status, headers, body, delays, stalls, broken connections), anything else
//! can fall through to a static directory, and every request is logged for assertions.
//!
//! ```ignore
//! let server = TestServer::start();
//! server.route("/feed.xml", Reply::ok("<rss/>").header("ETag", "\"v1\""));
//! let url = server.url("/feed.xml");
//! // … fetch it …
//! assert_eq!(server.requests_to("/feed.xml").len(), 1);
//! ```
//!
//! One thread per connection; every response closes its connection. A request counts as in
//! flight ([`TestServer::max_concurrent`]) from when it is read until its answer starts.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::files;

/// One canned response. Build with [`Reply::ok`] / [`Reply::status`] and the chained setters.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Payload,
    send_length: bool,
    delay: Option<Duration>,
    stall_after: Option<u64>,
    close_after: Option<u64>,
}

#[derive(Debug, Clone)]
enum Payload {
    Bytes(Vec<u8>),
    /// `len` copies of `byte`, generated while writing (so 1 GB costs no memory).
    Repeat {
        byte: u8,
        len: u64,
    },
}

impl Reply {
    /// 200 with this body.
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200).body(body)
    }

    /// This status with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Payload::Bytes(Vec::new()),
            send_length: true,
            delay: None,
            stall_after: None,
            close_after: None,
        }
    }

    /// A redirect (301, 302, 307…) to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    /// Adds a header (sent as given; repeatable).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = Payload::Bytes(body.into());
        self
    }

    /// A body of `len` copies of `byte`, streamed without being held in memory.
    pub fn repeat(mut self, byte: u8, len: u64) -> Reply {
        self.body = Payload::Repeat { byte, len };
        self
    }

    /// Gzips the body and sends `Content-Encoding: gzip`.
    pub fn gzip(mut self) -> Reply {
        let raw = match &self.body {
            Payload::Bytes(b) => b.clone(),
            Payload::Repeat { byte, len } => vec![*byte; usize::try_from(*len).unwrap_or(0)],
        };
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&raw).expect("gzip into memory");
        self.body = Payload::Bytes(enc.finish().expect("gzip into memory"));
        self.header("Content-Encoding", "gzip")
    }

    /// Sends no `Content-Length`: the body ends when the connection closes.
    pub fn without_length(mut self) -> Reply {
        self.send_length = false;
        self
    }

    /// Waits this long before sending anything (ends early when the server shuts down).
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    /// Sends the headers and the first `bytes` of the body, then hangs until shutdown.
    pub fn stall_after(mut self, bytes: u64) -> Reply {
        self.stall_after = Some(bytes);
        self
    }

    /// Sends the headers and the first `bytes` of the body, then closes the connection.
    pub fn close_after(mut self, bytes: u64) -> Reply {
        self.close_after = Some(bytes);
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `HEAD`…
    pub method: String,
    /// The request target as sent (path and query, or an absolute URL through a proxy).
    pub target: String,
    /// The path without the query, percent-encoded as sent.
    pub path: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Replies of one path: served in order, the last one repeating forever.
struct Route {
    replies: Vec<Reply>,
    next: usize,
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    root: Mutex<Option<PathBuf>>,
    log: Mutex<Vec<Recorded>>,
    active: AtomicUsize,
    max_active: AtomicUsize,
    stopping: AtomicBool,
    /// Stalled and delayed replies wait on this; shutdown notifies it.
    wake: (Mutex<()>, Condvar),
}

/// The server; shuts down (ending stalls and delays) when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server with no routes (everything is 404) on a free port.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = Arc::clone(&shared);
                std::thread::spawn(move || handle(&state, stream));
            }
        });
        TestServer { addr, state, accept: Some(accept) }
    }

    /// Starts a server that serves the files under `root` for paths without a route:
    /// percent-decoded paths, a directory serves its `index.html` (redirecting to the slashed
    /// path first), `ETag` and `Last-Modified` on every file, 304 for a matching
    /// `If-None-Match` (or, without one, an `If-Modified-Since` not older than the file).
    pub fn serve_dir(root: impl AsRef<Path>) -> TestServer {
        let server = TestServer::start();
        *lock(&server.state.root) = Some(root.as_ref().to_path_buf());
        server
    }

    /// Answers `path` (exact request target, or path without query) with `reply`, always.
    pub fn route(&self, path: &str, reply: Reply) -> &TestServer {
        self.route_seq(path, vec![reply])
    }

    /// Answers `path` with `replies` in order, then keeps repeating the last one.
    pub fn route_seq(&self, path: &str, replies: Vec<Reply>) -> &TestServer {
        assert!(!replies.is_empty(), "route_seq needs at least one reply");
        lock(&self.state.routes).insert(path.to_string(), Route { replies, next: 0 });
        self
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", self.base())).expect("valid test URL")
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.log).clone()
    }

    /// The requests whose path (without query) is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// The most requests that were being answered at the same time.
    pub fn max_concurrent(&self) -> usize {
        self.state.max_active.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        {
            let _guard = lock(&self.state.wake.0);
            self.state.wake.1.notify_all();
        }
        // Wake the blocking accept() so the thread sees `stopping`.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Counts a request as active for its lifetime.
struct Active<'a>(&'a State);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

fn handle(state: &State, stream: TcpStream) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    if state.stopping.load(Ordering::SeqCst) {
        return;
    }
    let now = state.active.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_active.fetch_max(now, Ordering::SeqCst);
    let active = Active(state);
    lock(&state.log).push(request.clone());

    let reply = next_reply(state, &request).unwrap_or_else(|| {
        let root = lock(&state.root).clone();
        match root {
            Some(root) => files::reply(&root, &request),
            None => Reply::status(404).body("not found\n"),
        }
    });
    let _ = write_reply(state, stream, &reply, request.method == "HEAD", active);
}

fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    // Consume a request body, if any, so the client is not reset mid-write.
    let len = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if let Some(len) = len.and_then(|(_, v)| v.parse::<u64>().ok()) {
        std::io::copy(&mut reader.take(len), &mut std::io::sink()).ok()?;
    }
    // Through a proxy the target is absolute; route on its path.
    let without_origin = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target.as_str(),
    };
    let path = without_origin.split(['?', '#']).next().unwrap_or("/").to_string();
    Some(Recorded { method, target, path, headers })
}

fn next_reply(state: &State, request: &Recorded) -> Option<Reply> {
    let mut routes = lock(&state.routes);
    let route = match routes.contains_key(&request.target) {
        true => routes.get_mut(&request.target)?,
        false => routes.get_mut(&request.path)?,
    };
    let reply = route.replies[route.next.min(route.replies.len() - 1)].clone();
    route.next += 1;
    Some(reply)
}

/// Blocks for `duration` or until shutdown, whichever comes first.
fn wait(state: &State, duration: Duration) {
    let guard = lock(&state.wake.0);
    let running = |_: &mut ()| !state.stopping.load(Ordering::SeqCst);
    let _ = state.wake.1.wait_timeout_while(guard, duration, running);
}

fn write_reply(
    state: &State,
    mut stream: TcpStream,
    reply: &Reply,
    head: bool,
    active: Active<'_>,
) -> std::io::Result<()> {
    if let Some(delay) = reply.delay {
        wait(state, delay);
    }
    // The request stops counting as in flight before the client can see any of the answer:
    // a client that waits for the whole answer before sending its next request can then
    // never appear to overlap with it while this thread is still closing the connection.
    drop(active);
    let body_len = match &reply.body {
        Payload::Bytes(b) => b.len() as u64,
        Payload::Repeat { len, .. } => *len,
    };
    let mut head_text = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head_text.push_str(&format!("{name}: {value}\r\n"));
    }
    if reply.send_length && !reply.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        head_text.push_str(&format!("Content-Length: {body_len}\r\n"));
    }
    head_text.push_str("Connection: close\r\n\r\n");
    stream.write_all(head_text.as_bytes())?;
    if head {
        return Ok(());
    }
    let limit = [reply.stall_after, reply.close_after].into_iter().flatten().min();
    let to_send = limit.map_or(body_len, |l| l.min(body_len));
    match &reply.body {
        Payload::Bytes(b) => stream.write_all(&b[..usize::try_from(to_send).unwrap_or(b.len())])?,
        Payload::Repeat { byte, .. } => {
            let chunk = vec![*byte; 64 * 1024];
            let mut left = to_send;
            while left > 0 && !state.stopping.load(Ordering::SeqCst) {
                let n = left.min(chunk.len() as u64);
                stream.write_all(&chunk[..n as usize])?;
                left -= n;
            }
        }
    }
    stream.flush()?;
    if reply.stall_after.is_some() {
        wait(state, Duration::from_secs(600));
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
