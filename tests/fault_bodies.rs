//! Broken and hostile response bodies from a scripted server on 127.0.0.1, each next to a
//! healthy source: wrong Content-Type, truncated XML, an empty body, a "1 GB" body streamed
//! lazily, gzip and brotli bombs. The cap stops big bodies early (the server counts what it
//! managed to send), memory stays bounded, and the rest of the run is unharmed.

mod common;

use std::time::Duration;

use common::Reply;
use common::fault::{FAST_FETCH, Scenario, assert_failed, assert_ok, healthy_feed};

const GIB: u64 = 1 << 30;
const CAP_FETCH: &str = "max_body_bytes = 1048576\n";

#[test]
fn wrong_content_type_truncated_and_empty_bodies() {
    let mut s = Scenario::new(FAST_FETCH);
    let feed = healthy_feed();
    // A feed cut inside its second item: the first is kept, with a warning.
    let cut = feed.find("Kubernetes").expect("second item");
    s.source("as-html", "/html.xml", vec![Reply::ok(feed.clone()).header("Content-Type", "text/html")])
        .source("as-png", "/png.xml", vec![Reply::ok(feed.clone()).header("Content-Type", "image/png")])
        .source("as-json", "/json.xml", vec![Reply::ok(feed.clone()).header("Content-Type", "application/feed+json")])
        .source("truncated", "/truncated.xml", vec![Reply::ok(&feed.as_bytes()[..cut])])
        .source("cut-in-prolog", "/prolog.xml", vec![Reply::ok(&feed.as_bytes()[..20])])
        .source("empty", "/empty.xml", vec![Reply::ok("")])
        .source("whitespace", "/blank.xml", vec![Reply::ok(" \r\n\t\n")])
        .source("no-content", "/204.xml", vec![Reply::status(204)]);
    let run = s.build();
    s.assert_survived(&run, Duration::from_secs(10), 256);
    // The content decides, not a wrong header.
    for name in ["as-html", "as-png", "as-json"] {
        assert_ok(&run, name, 2);
    }
    assert_ok(&run, "truncated", 1);
    assert!(
        run.stderr.contains("kept the 1 items before it") || run.output().contains("truncated"),
        "{}",
        run.output()
    );
    for name in ["cut-in-prolog", "empty", "whitespace", "no-content"] {
        assert_failed(&run, name, "");
    }
    let out = run.stdout;
    let reason = |name: &str| out.lines().find(|l| l.starts_with(name)).unwrap_or_default().to_string();
    for name in ["empty", "whitespace", "no-content"] {
        assert!(reason(name).contains("not a feed: the document is empty"), "{}", reason(name));
    }
    assert!(reason("cut-in-prolog").contains(r#"starting with "<?xml version"#), "{}", reason("cut-in-prolog"));
}

#[test]
fn a_gigabyte_body_stops_at_the_cap() {
    let mut s = Scenario::new(&format!("{FAST_FETCH}{CAP_FETCH}"));
    s.source("huge-declared", "/declared.xml", vec![Reply::ok("").repeat(b'x', GIB)])
        .source("huge-streamed", "/streamed.xml", vec![Reply::ok("").repeat(b'x', GIB).without_length()])
        // Just under the cap is still read.
        .source("near-cap", "/near.xml", vec![Reply::ok(padded_feed(1_000_000))]);
    let run = s.build();
    s.assert_survived(&run, Duration::from_secs(15), 256);
    assert_failed(&run, "huge-declared", "body larger than the 1 MiB cap");
    assert_failed(&run, "huge-streamed", "body larger than the 1 MiB cap");
    assert_ok(&run, "near-cap", 2);
    // The client stopped reading: the server got rid of the cap plus what the socket
    // buffers hold, nowhere near the gigabyte.
    for path in ["/declared.xml", "/streamed.xml"] {
        let sent = s.bad.bytes_sent(path);
        eprintln!("{path}: server sent {sent} bytes");
        assert!(sent < 64 << 20, "{path}: {sent} bytes sent");
    }
    assert_eq!(s.bad.requests_to("/streamed.xml").len(), 1, "a body over the cap is not retried");
}

#[test]
fn compression_bombs_are_capped_after_inflating() {
    let mut s = Scenario::new(&format!("{FAST_FETCH}{CAP_FETCH}"));
    // 256 MiB of zeros shrink to a few hundred KiB (gzip) or a few hundred bytes (brotli).
    let gzip = Reply::ok("").repeat(0, 256 << 20).gzip();
    let brotli = Reply::ok("").repeat(b'<', 256 << 20).brotli();
    // A real feed, compressed, still works under both encodings.
    s.source("gzip-bomb", "/bomb.gz", vec![gzip])
        .source("brotli-bomb", "/bomb.br", vec![brotli])
        .source("gzip-ok", "/ok.gz", vec![Reply::ok(healthy_feed()).gzip()])
        .source("brotli-ok", "/ok.br", vec![Reply::ok(healthy_feed()).brotli()])
        // A gzip header, then a deflate block of the reserved type 3: invalid data.
        .source("gzip-corrupt", "/corrupt.gz", vec![gzip_with(b"\xff\xff\xff\xff")])
        // A gzip stream cut short looks like a connection closed mid-body: retried.
        .source("gzip-cut", "/cut.gz", vec![gzip_with(b"")]);
    let run = s.build();
    s.assert_survived(&run, Duration::from_secs(15), 256);
    assert_failed(&run, "gzip-bomb", "body larger than the 1 MiB cap");
    assert_failed(&run, "brotli-bomb", "body larger than the 1 MiB cap");
    assert_failed(&run, "gzip-corrupt", "deflate decompression error");
    assert_ok(&run, "gzip-ok", 2);
    assert_ok(&run, "brotli-ok", 2);
    assert_failed(&run, "gzip-cut", "(2 attempts)");
}

/// A 200 declaring gzip whose body is a bare gzip header followed by `deflate`.
fn gzip_with(deflate: &[u8]) -> Reply {
    let mut body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff".to_vec();
    body.extend_from_slice(deflate);
    Reply::ok(body).header("Content-Encoding", "gzip")
}

/// The healthy feed with an XML comment padding it to `len` bytes.
fn padded_feed(len: usize) -> String {
    let feed = healthy_feed();
    let pad = len.saturating_sub(feed.len() + 10);
    feed.replacen("<channel>", &format!("<channel><!--{}-->", "p".repeat(pad)), 1)
}
