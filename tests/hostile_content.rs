//! An XSS payload corpus served as a real feed from 127.0.0.1 and built into every output:
//! the newsletter pages, the `.eml` messages, plain text, the merged Atom/RSS/JSON feeds and
//! the calendar. Feeds must parse and give back the exact title text; nothing anywhere may
//! carry an executable payload.

mod common;

use std::path::Path;

use common::Reply;
use common::fault::{FAST_FETCH, Scenario, rss};

/// Titles and bodies of the hostile posts (the RSS below escapes them once, as a feed must).
const TITLES: &[&str] = &[
    "<script>alert('t1')</script> meetup",
    "Talk ]]> & <b>bold</b> < 5 & \"quoted\" 'single'",
    "<img src=x onerror=alert('t3')> workshop",
    "<svg onload=alert('t4')></svg> salon",
    "&lt;script&gt;alert('t5')&lt;/script&gt; double-encoded",
    "javascript:alert('t6') day",
];

const BODIES: &[&str] = &[
    "<p onclick=\"alert('b1')\">click</p><a href=\"javascript:alert('b2')\">js link</a>",
    "<a href=\"JaVaScRiPt:alert('b3')\">mixed case</a><a href=\"&#106;avascript:alert('b4')\">encoded</a>",
    "<a href=\"java&#x09;script:alert('b5')\">tab</a><a href=\"data:text/html,<script>alert('b6')</script>\">data</a>",
    "<svg><script>alert('b7')</script></svg><math><mtext><style><img src=x onerror=alert('b8')></style></mtext></math>",
    "<div style=\"background:url(javascript:alert('b9'))\">css</div><style>*{x:expression(alert('b10'))}</style>",
    "<iframe src=\"http://evil.test/\"></iframe><object data=x></object><form action=x><input></form><base href=\"http://evil.test/\">",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Markers of executable content that must appear in no output.
/// (A title may *say* `javascript:`; as an attribute value or CSS URL it would run.)
const FORBIDDEN: &[&str] = &[
    "<script",
    "=\"javascript:",
    "='javascript:",
    "=javascript:",
    "url(javascript:",
    " onerror=",
    " onload=",
    " onclick=",
    "expression(",
    "<iframe",
    "<object",
    "<svg",
    "<base ",
    "data:text/html",
];

fn check_no_payload(path: &Path, text: &str) {
    let lower = text.to_ascii_lowercase();
    for bad in FORBIDDEN {
        assert!(!lower.contains(bad), "{} contains {bad:?}", path.display());
    }
}

#[test]
fn xss_payloads_are_inert_in_every_output() {
    let mut s = Scenario::new(FAST_FETCH);
    let items: Vec<(String, String)> =
        TITLES.iter().enumerate().map(|(i, t)| (escape(t), format!("http://hostile.test/{i}"))).collect();
    let mut feed = rss(&items
        .iter()
        .map(|(t, l)| (t.as_str(), l.as_str(), "Fri, 30 Oct 2015 10:00:00 +0800"))
        .collect::<Vec<_>>());
    for (i, body) in BODIES.iter().enumerate() {
        let link = format!("<link>http://hostile.test/{i}</link>");
        feed = feed.replacen(&link, &format!("{link}<content:encoded><![CDATA[{body}]]></content:encoded>"), 1);
    }
    feed = feed.replacen(
        "<rss version=\"2.0\">",
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">",
        1,
    );
    // A javascript: item link, too.
    feed = feed.replacen("http://hostile.test/5", "javascript:alert('l1')", 1);
    s.source("hostile", "/hostile.xml", vec![Reply::ok(feed)]);
    let run = s.build();
    assert_eq!(run.code, Some(0), "{}", run.output());
    let out = s.dir.path().join("output");
    let mut checked = 0;
    for path in common::files_under(&out) {
        let bytes = std::fs::read(&path).unwrap();
        let text = match path.extension().and_then(|e| e.to_str()) {
            // The message's parts, decoded from their transfer encoding.
            Some("eml") => {
                let msg = mail_parser::MessageParser::default().parse(&bytes).expect("a parseable message");
                let plain = msg.body_text(0).unwrap_or_default();
                assert!(!plain.contains("javascript:alert('l1')"), "no javascript: link in {}", path.display());
                msg.body_html(0).expect("an HTML part").into_owned()
            }
            _ => String::from_utf8_lossy(&bytes).into_owned(),
        };
        // Plain text is not markup: a title may say "<script>" there, as text.
        if path.extension().is_some_and(|e| e == "txt") {
            assert!(!text.contains("javascript:alert('l1')"), "no javascript: link in {}", path.display());
        } else if path.extension().is_some_and(|e| e == "json" || e == "atom" || e == "rss") {
            check_feed(&path, &bytes);
        } else {
            check_no_payload(&path, &text);
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked} files");
}

/// A merged feed parses, carries the tricky title exactly, and its content has no payload.
fn check_feed(path: &Path, bytes: &[u8]) {
    // Markup in a feed title is taken as HTML and reduced to its text.
    let tricky = "Talk ]]> & bold < 5 & \"quoted\" 'single'";
    let (titles, contents): (Vec<String>, Vec<String>) = match path.extension().and_then(|e| e.to_str()) {
        Some("atom") => {
            let feed: atom_syndication::Feed = String::from_utf8_lossy(bytes).parse().expect("valid Atom");
            feed.entries()
                .iter()
                .map(|e| {
                    (
                        e.title().value.clone(),
                        e.content().and_then(|c| c.value().map(str::to_string)).unwrap_or_default(),
                    )
                })
                .unzip()
        }
        Some("rss") => {
            let ch = rss::Channel::read_from(bytes).expect("valid RSS");
            ch.items()
                .iter()
                .map(|i| {
                    (
                        i.title().unwrap_or_default().to_string(),
                        i.description().unwrap_or_default().to_string() + i.content().unwrap_or_default(),
                    )
                })
                .unzip()
        }
        _ => {
            let v: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| {
                    (
                        i["title"].as_str().unwrap_or_default().to_string(),
                        i["content_html"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .unzip()
        }
    };
    assert!(titles.iter().any(|t| t == tricky), "{}: title not round-tripped: {titles:?}", path.display());
    for c in contents {
        check_no_payload(path, &c);
    }
}
