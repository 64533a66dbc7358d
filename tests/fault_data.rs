//! Odd but well-formed data from 127.0.0.1, each next to a healthy source: invalid UTF-8 and
//! mislabelled encodings, a feed of 100 000 entries, and dates in the far past and future.

mod common;

use std::time::Duration;

use common::Reply;
use common::fault::{FAST_FETCH, Scenario, assert_ok, rss};

const ZH: &str = "技术沙龙：容器与云原生实践分享会";

#[test]
fn invalid_utf8_and_mislabelled_encodings_are_decoded_leniently() {
    let mut s = Scenario::new(FAST_FETCH);
    let feed = |title: &str| {
        let link = format!("http://enc.test/{}", title.len());
        rss(&[(title, &link, "Fri, 30 Oct 2015 10:00:00 +0800")])
    };
    let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
    let mut broken = feed("Broken bytes: here").into_bytes();
    let at = broken.windows(5).position(|w| w == b"here<").unwrap();
    broken.splice(at..at, [0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]);
    s.source("invalid-utf8", "/invalid.xml", vec![Reply::ok(broken).header("Content-Type", "text/xml; charset=utf-8")])
        // GBK bytes labelled UTF-8 by the server: the header wins, odd characters become U+FFFD.
        .source(
            "gbk-as-utf8",
            "/gbk.xml",
            vec![
                Reply::ok(gbk(&feed(&format!("GBK {ZH}"))))
                    .header("Content-Type", "application/rss+xml; charset=utf-8"),
            ],
        )
        // The XML declaration says Big5 but the bytes are UTF-8.
        .source("utf8-as-big5", "/big5.xml", vec![Reply::ok(feed(&format!("Big5 {ZH}")).replace("UTF-8", "big5"))])
        // No label at all, GBK: detected.
        .source(
            "gbk-unlabelled",
            "/plain.xml",
            vec![Reply::ok(gbk(&feed(&format!("Detected {ZH}")).replace(" encoding=\"UTF-8\"", "")))],
        )
        // UTF-16 without a BOM, labelled nowhere.
        .source(
            "utf16-no-bom",
            "/utf16.xml",
            vec![Reply::ok(feed("UTF-16").encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>())],
        );
    let run = s.build();
    assert!(run.code == Some(0) || run.code == Some(3), "{}", run.output());
    for name in ["invalid-utf8", "gbk-as-utf8", "utf8-as-big5", "gbk-unlabelled"] {
        assert_ok(&run, name, 1);
    }
    assert!(run.stdout.contains("utf16-no-bom"), "reported either way: {}", run.output());
    let html = std::fs::read_to_string(s.output("index.html")).unwrap();
    let broken = html.find("Broken bytes").map(|i| &html[i..i + 40]).unwrap_or_default();
    assert!(broken.contains('\u{FFFD}'), "invalid bytes become U+FFFD: {broken:?}");
    assert!(html.contains(&format!("Detected {ZH}")), "undeclared GBK is detected");
    assert!(!html.contains('\0'));
    common::run::assert_db_intact(&s.db_path());
}

#[test]
fn a_feed_of_100k_entries_keeps_the_first_thousand_in_bounded_time_and_memory() {
    let mut s = Scenario::new("timeout = 20\nretries = 0\nmax_body_bytes = 33554432\n");
    let items: Vec<(String, String)> =
        (0..100_000).map(|i| (format!("Entry {i}"), format!("http://many.test/{i}"))).collect();
    let refs: Vec<(&str, &str, &str)> =
        items.iter().map(|(t, l)| (t.as_str(), l.as_str(), "Sat, 31 Oct 2015 10:00:00 +0800")).collect();
    let feed = rss(&refs);
    assert!(feed.len() < 32 << 20, "under the body cap: {}", feed.len());
    s.source("hundred-k", "/many.xml", vec![Reply::ok(feed)]);
    let run = s.build();
    eprintln!("100k entries: {:?}, peak RSS {} MiB", run.elapsed, run.peak_rss >> 20);
    assert_eq!(run.code, Some(0), "{}", run.output());
    // Regression: all 100 000 went through extraction, dedup and the store (277 s, 2.2 GiB).
    assert_ok(&run, "hundred-k", 1000);
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
    assert!(run.peak_rss < 1024 << 20, "peak RSS {} MiB", run.peak_rss >> 20);
    common::run::assert_db_intact(&s.db_path());
}

#[test]
fn dates_in_the_far_past_and_future() {
    let mut s = Scenario::new(FAST_FETCH);
    let dates = [
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 +0000",
        "Fri, 31 Dec 9999 23:59:59 -1200",
        "Sat, 01 Jan 10000 00:00:00 GMT",
        "+275760-09-13T00:00:00Z",
        "-0044-03-15T12:00:00+14:00",
        "2015-02-30T10:00:00Z",
        "99999999999999999999",
    ];
    let items: Vec<(String, String, &str)> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("Odd date {i}"), format!("http://dates.test/{i}"), *d))
        .collect();
    let refs: Vec<(&str, &str, &str)> = items.iter().map(|(t, l, d)| (t.as_str(), l.as_str(), *d)).collect();
    let atom = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>a</title>{}</feed>",
        dates
            .iter()
            .enumerate()
            .map(|(i, d)| format!("<entry><title>Atom date {i}</title><id>urn:x:{i}</id><link href=\"http://dates.test/a{i}\"/><updated>{d}</updated></entry>"))
            .collect::<String>()
    );
    s.source("odd-dates", "/dates.xml", vec![Reply::ok(rss(&refs))]).source(
        "odd-atom-dates",
        "/atom.xml",
        vec![Reply::ok(atom)],
    );
    let run = s.build();
    assert_eq!(run.code, Some(0), "{}", run.output());
    assert_ok(&run, "odd-dates", dates.len());
    assert_ok(&run, "odd-atom-dates", dates.len());
    // The merged feeds hold the newest posts, far-future ones included: still valid.
    let atom = std::fs::read_to_string(s.dir.path().join("output/feed.atom")).unwrap();
    atom.parse::<atom_syndication::Feed>().expect("valid Atom");
    let rss = std::fs::read(s.dir.path().join("output/feed.rss")).unwrap();
    rss::Channel::read_from(&rss[..]).expect("valid RSS");
    common::run::assert_db_intact(&s.db_path());
}
