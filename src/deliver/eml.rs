//! The newsletter as an RFC 5322 message (`newsletter.eml`): multipart/alternative with a
//! UTF-8 text/plain and text/html part, an RFC 2047 encoded subject, List-Unsubscribe
//! headers, and a Message-ID and Date derived from the week and site, so the same inputs give
//! byte-identical messages.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use chrono_tz::Tz;
use url::Url;

use crate::week::Week;

/// The placeholder recipient of the stored message; [`with_recipient`] replaces it.
const UNDISCLOSED: &str = "To: undisclosed-recipients:;\r\n";

/// Everything a newsletter message is made of.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    /// From, e.g. `社区周报 <weekly@example.org>`.
    pub from: &'a str,
    /// Reply-To, if any.
    pub reply_to: Option<&'a str>,
    /// The subject (any script; encoded as needed).
    pub subject: &'a str,
    /// The Date header.
    pub date: DateTime<FixedOffset>,
    /// Message-ID without angle brackets.
    pub message_id: &'a str,
    /// List-Id value without angle brackets, e.g. `weekly.example.org`.
    pub list_id: &'a str,
    /// One-click unsubscribe address (https), if any.
    pub unsubscribe_url: Option<&'a Url>,
    /// Unsubscribe mailbox, if any.
    pub unsubscribe_mailto: Option<&'a str>,
    /// Content-Language, e.g. `zh, en`.
    pub language: &'a str,
    /// The text/plain part.
    pub text: &'a str,
    /// The text/html part.
    pub html: &'a str,
}

/// The Date of week `week`'s message: the Monday after it, 08:00 in `tz`.
pub fn send_date(week: Week, tz: Tz) -> DateTime<FixedOffset> {
    let monday = week.last_day() + Duration::days(1);
    let eight = monday.and_hms_opt(8, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&eight)
        .earliest()
        .map(|d| d.fixed_offset())
        .unwrap_or_else(|| eight.and_utc().fixed_offset())
}

/// `digest.2015-W44.zh@weekly.example.org`: one id per week, edition and site.
pub fn message_id(week: Week, edition: &str, host: &str) -> String {
    format!("digest.{week}.{edition}@{host}")
}

/// The message bytes (CRLF line ends, lines within 78 characters).
pub fn render(m: &Message) -> Vec<u8> {
    let boundary = format!("=_digest_{}", crate::dedup::key_id(m.message_id));
    // The bodies in base64 (4/3 of their size, 78 bytes a line of 76), and the headers.
    let mut h = Vec::with_capacity((m.text.len() + m.html.len()) / 57 * 78 + 4096);
    header(&mut h, "From", &mailbox(m.from));
    if let Some(r) = m.reply_to {
        header(&mut h, "Reply-To", &mailbox(r));
    }
    h.extend_from_slice(UNDISCLOSED.as_bytes());
    header(&mut h, "Subject", &encode_words(m.subject));
    header(&mut h, "Date", &m.date.to_rfc2822());
    header(&mut h, "Message-ID", &format!("<{}>", m.message_id));
    header(&mut h, "MIME-Version", "1.0");
    header(&mut h, "Content-Language", m.language);
    header(&mut h, "List-Id", &format!("<{}>", m.list_id));
    let mut unsubscribe = Vec::new();
    if let Some(mailto) = m.unsubscribe_mailto {
        unsubscribe.push(format!("<mailto:{mailto}?subject=unsubscribe>"));
    }
    if let Some(url) = m.unsubscribe_url {
        unsubscribe.push(format!("<{url}>"));
    }
    if !unsubscribe.is_empty() {
        header(&mut h, "List-Unsubscribe", &unsubscribe.join(",\r\n "));
    }
    if m.unsubscribe_url.is_some_and(|u| u.scheme() == "https") {
        header(&mut h, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    header(&mut h, "Content-Type", &format!("multipart/alternative;\r\n boundary=\"{boundary}\""));
    h.extend_from_slice(b"\r\n");
    for (mime, body) in [("text/plain", m.text), ("text/html", m.html)] {
        h.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        header(&mut h, "Content-Type", &format!("{mime}; charset=utf-8"));
        header(&mut h, "Content-Transfer-Encoding", "base64");
        h.extend_from_slice(b"\r\n");
        base64_lines(&mut h, body.as_bytes());
    }
    h.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    h
}

/// The stored message addressed to one subscriber (its To line replaced).
pub fn with_recipient(eml: &[u8], address: &str, name: Option<&str>) -> Vec<u8> {
    let to = match name.filter(|n| !n.trim().is_empty()) {
        Some(n) => format!("To: {} <{address}>\r\n", display_name(n)),
        None => format!("To: {address}\r\n"),
    };
    let text = String::from_utf8_lossy(eml);
    text.replacen(UNDISCLOSED, &to, 1).into_bytes()
}

fn header(out: &mut Vec<u8>, name: &str, value: &str) {
    for part in [name, ": ", value, "\r\n"] {
        out.extend_from_slice(part.as_bytes());
    }
}

/// `Name <addr>` with the name encoded when it is not plain ASCII.
fn mailbox(text: &str) -> String {
    match text.rsplit_once('<') {
        Some((name, addr)) if !name.trim().is_empty() => {
            format!("{} <{}", display_name(name.trim()), addr.trim())
        }
        _ => text.trim().to_string(),
    }
}

fn display_name(name: &str) -> String {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b" .-_'".contains(&b)) {
        name.to_string()
    } else if name.is_ascii() && !name.contains('"') && !name.contains('\\') {
        format!("\"{name}\"")
    } else {
        encode_words(name)
    }
}

/// RFC 2047 `=?utf-8?B?…?=` words of at most 75 characters, folded; plain ASCII as is.
pub fn encode_words(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) && text.len() <= 70 {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 39 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words.iter().map(|w| format!("=?utf-8?B?{}?=", STANDARD.encode(w))).collect::<Vec<_>>().join("\r\n ")
}

/// `bytes` in base64, 76 characters a line: encoded at once into `out`, then spread over the
/// lines from the back (the message is bytes, so no line is checked as UTF-8 on the way).
fn base64_lines(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    let len = base64::encoded_len(bytes.len(), true).unwrap_or(0);
    let lines = len.div_ceil(76);
    out.resize(start + len + 2 * lines, 0);
    let written = STANDARD.encode_slice(bytes, &mut out[start..start + len]).unwrap_or(0);
    debug_assert_eq!(written, len);
    // Line i moves from start + 76 i to start + 78 i: moving the last first never overwrites
    // a line not yet moved.
    for i in (0..lines).rev() {
        let from = start + 76 * i;
        let end = (from + 76).min(start + len);
        let to = start + 78 * i;
        out.copy_within(from..end, to);
        let tail = to + (end - from);
        out[tail..tail + 2].copy_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(unsub: Option<&Url>) -> Vec<u8> {
        let week: Week = "2015-W44".parse().unwrap();
        render(&Message {
            from: "珠三角周报 <weekly@example.org>",
            reply_to: None,
            subject: "珠三角技术社区周报 · Pearl River Delta Tech Weekly · 2015-W44",
            date: send_date(week, chrono_tz::Asia::Shanghai),
            message_id: &message_id(week, "both", "example.org"),
            list_id: "example.org",
            unsubscribe_url: unsub,
            unsubscribe_mailto: Some("leave@example.org"),
            language: "zh, en",
            text: "你好",
            html: "<p>你好</p>",
        })
    }

    #[test]
    fn base64_lines_are_the_encoding_cut_every_76_characters() {
        for n in [0, 1, 56, 57, 58, 113, 114, 115, 1000] {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 7 % 256) as u8).collect();
            let mut out = b"head".to_vec();
            base64_lines(&mut out, &bytes);
            let lines: String = STANDARD
                .encode(&bytes)
                .as_bytes()
                .chunks(76)
                .map(|l| format!("{}\r\n", String::from_utf8_lossy(l)))
                .collect();
            assert_eq!(String::from_utf8(out).unwrap(), format!("head{lines}"), "{n} bytes");
        }
    }

    #[test]
    fn headers_are_encoded_stable_and_short() {
        let url = Url::parse("https://example.org/unsubscribe").unwrap();
        let a = message(Some(&url));
        assert_eq!(a, message(Some(&url)), "deterministic");
        let text = String::from_utf8(a).unwrap();
        assert!(text.contains("Date: Mon, 2 Nov 2015 08:00:00 +0800\r\n"), "{text}");
        assert!(text.contains("Message-ID: <digest.2015-W44.both@example.org>\r\n"));
        assert!(text.contains("From: =?utf-8?B?"), "{text}");
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
        assert!(text.lines().all(|l| l.len() <= 78), "{text}");
        assert!(text.split("\r\n").all(|l| !l.contains('\n')), "CRLF only");
        assert!(text.is_ascii());
        let to = String::from_utf8(with_recipient(text.as_bytes(), "a@example.org", Some("张三"))).unwrap();
        assert!(to.contains("To: =?utf-8?B?5byg5LiJ?= <a@example.org>\r\n"), "{to}");
        assert!(!message(None).windows(21).any(|w| w == b"List-Unsubscribe-Post"));
    }
}
