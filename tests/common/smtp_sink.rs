//! A real SMTP server on `127.0.0.1:0` for tests (RFC 5321 subset: EHLO/HELO, MAIL, RCPT,
//! DATA with dot-unstuffing, RSET, NOOP, QUIT) that keeps every accepted message and answers
//! `550` to the recipients it is told to refuse.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    /// MAIL FROM address.
    pub from: String,
    /// Accepted RCPT TO addresses.
    pub to: Vec<String>,
    /// The message as transmitted (dot-unstuffed, CRLF line ends).
    pub data: Vec<u8>,
}

#[derive(Default)]
struct State {
    refuse: HashSet<String>,
    messages: Vec<Received>,
    /// Hang (never answer) after the DATA of this message number (1-based), once.
    stall_at: Option<usize>,
    stalled: bool,
}

/// The running server; runs until the test process ends.
pub struct SmtpSink {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    /// Starts a server that refuses (550) the given recipients.
    pub fn start(refuse: &[&str]) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State {
            refuse: refuse.iter().map(|r| r.to_lowercase()).collect(),
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = session(stream, &state);
                });
            }
        });
        SmtpSink { port, state }
    }

    /// Starts a server that, once, never answers the end of DATA of message number `n`
    /// (1-based): the client hangs there as on a dead server, and that message is not kept.
    pub fn stalling_at(n: usize) -> SmtpSink {
        let sink = SmtpSink::start(&[]);
        sink.state.lock().unwrap().stall_at = Some(n);
        sink
    }

    /// Whether the stall has happened (a client is hanging on it).
    pub fn stalled(&self) -> bool {
        self.state.lock().unwrap().stalled
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.state.lock().unwrap().messages.clone()
    }
}

fn angle(arg: &str) -> String {
    let arg = arg.trim();
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg.rfind('>').unwrap_or(arg.len());
    arg[start..end.max(start)].to_string()
}

fn session(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP test sink\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 20000000\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = angle(&cmd[10..]);
            to.clear();
            b"250 2.1.0 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = angle(&cmd[8..]);
            if state.lock().unwrap().refuse.contains(&rcpt.to_lowercase()) {
                b"550 5.1.1 mailbox unavailable\r\n"
            } else {
                to.push(rcpt);
                b"250 2.1.5 OK\r\n"
            }
        } else if upper == "DATA" {
            if to.is_empty() {
                b"554 5.5.1 no valid recipients\r\n"
            } else {
                out.write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = Vec::new();
                loop {
                    let mut l = Vec::new();
                    if input.read_until(b'\n', &mut l)? == 0 {
                        return Ok(());
                    }
                    if l == b".\r\n" {
                        break;
                    }
                    let l = if l.starts_with(b"..") { &l[1..] } else { &l[..] };
                    data.extend_from_slice(l);
                }
                let msg = Received { from: from.clone(), to: std::mem::take(&mut to), data };
                let mut st = state.lock().unwrap();
                if !st.stalled && st.stall_at == Some(st.messages.len() + 1) {
                    st.stalled = true;
                    drop(st);
                    // Hold the connection open without answering until the client is gone.
                    let mut rest = Vec::new();
                    let _ = std::io::Read::read_to_end(&mut input, &mut rest);
                    return Ok(());
                }
                st.messages.push(msg);
                b"250 2.0.0 queued\r\n"
            }
        } else if upper == "RSET" {
            to.clear();
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            out.write_all(b"221 2.0.0 bye\r\n")?;
            return Ok(());
        } else {
            b"502 5.5.2 command not recognized\r\n"
        };
        out.write_all(reply)?;
    }
}
