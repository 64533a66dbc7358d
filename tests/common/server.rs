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
    reset_after: Option<u64>,
    trickle: Option<Duration>,
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
            reset_after: None,
            trickle: None,
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

    /// Gzips the body and sends `Content-Encoding: gzip` (a repeated body is compressed in
    /// chunks, so a gigabyte bomb costs only its compressed size).
    pub fn gzip(mut self) -> Reply {
        let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let mut enc = self.compress_into(enc);
        self.body = Payload::Bytes(enc.try_finish().map(|()| enc.get_ref().clone()).expect("gzip into memory"));
        self.header("Content-Encoding", "gzip")
    }

    /// Brotli-compresses the body and sends `Content-Encoding: br` (chunked like [`Reply::gzip`]).
    pub fn brotli(mut self) -> Reply {
        let mut enc = self.compress_into(brotli::CompressorWriter::new(Vec::new(), 64 * 1024, 9, 22));
        enc.flush().expect("brotli into memory");
        self.body = Payload::Bytes(enc.into_inner());
        self.header("Content-Encoding", "br")
    }

    fn compress_into<W: Write>(&self, mut enc: W) -> W {
        match &self.body {
            Payload::Bytes(b) => enc.write_all(b).expect("compress into memory"),
            Payload::Repeat { byte, len } => {
                let chunk = vec![*byte; 1 << 20];
                let mut left = *len;
                while left > 0 {
                    let n = left.min(chunk.len() as u64);
                    enc.write_all(&chunk[..n as usize]).expect("compress into memory");
                    left -= n;
                }
            }
        }
        enc
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

    /// Sends the headers and the first `bytes` of the body, then resets the connection (RST).
    pub fn reset_after(mut self, bytes: u64) -> Reply {
        self.reset_after = Some(bytes);
        self
    }

    /// Resets the connection (RST) without answering at all.
    pub fn reset() -> Reply {
        Reply { status: 0, ..Reply::status(200) }
    }

    /// Sends the body one byte per `interval` (a slowloris server that never quite stalls).
    pub fn trickle(mut self, interval: Duration) -> Reply {
        self.trickle = Some(interval);
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
    /// Body bytes written per request path (what the client was actually made to receive).
    sent: Mutex<HashMap<String, u64>>,
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

    /// Body bytes the server managed to write for `path`, over all its requests.
    pub fn bytes_sent(&self, path: &str) -> u64 {
        lock(&self.state.sent).get(path).copied().unwrap_or(0)
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
    let mut counted = Counted { state, path: &request.path, stream };
    let _ = write_reply(state, &mut counted, &reply, request.method == "HEAD", active);
}

/// The connection, counting body bytes written into [`State::sent`].
struct Counted<'a> {
    state: &'a State,
    path: &'a str,
    stream: TcpStream,
}

impl Counted<'_> {
    fn body(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)?;
        *lock(&self.state.sent).entry(self.path.to_string()).or_default() += bytes.len() as u64;
        Ok(())
    }

    /// Closes with RST instead of FIN: SO_LINGER with a zero timeout, then close.
    fn reset(self) {
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: a valid socket fd owned by `self.stream` and a correctly sized option value.
        unsafe {
            use std::os::fd::AsRawFd;
            libc::setsockopt(
                self.stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&raw const linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
        drop(self.stream);
    }
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
    conn: &mut Counted<'_>,
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
    if reply.status == 0 {
        let stream = conn.stream.try_clone()?;
        Counted { state, path: "", stream }.reset();
        return Ok(());
    }
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
    conn.stream.write_all(head_text.as_bytes())?;
    if head {
        return Ok(());
    }
    let limit = [reply.stall_after, reply.close_after, reply.reset_after].into_iter().flatten().min();
    let to_send = limit.map_or(body_len, |l| l.min(body_len));
    let step = if reply.trickle.is_some() { 1 } else { 64 * 1024 };
    let mut sent = 0u64;
    while sent < to_send && !state.stopping.load(Ordering::SeqCst) {
        let n = (to_send - sent).min(step);
        match &reply.body {
            Payload::Bytes(b) => conn.body(&b[sent as usize..(sent + n) as usize])?,
            Payload::Repeat { byte, .. } => conn.body(&vec![*byte; n as usize])?,
        }
        sent += n;
        if let Some(interval) = reply.trickle {
            wait(state, interval);
        }
    }
    conn.stream.flush()?;
    if reply.reset_after.is_some() {
        let stream = conn.stream.try_clone()?;
        Counted { state, path: "", stream }.reset();
    } else if reply.stall_after.is_some() {
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
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
