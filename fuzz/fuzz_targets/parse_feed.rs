//! Any bytes through the feed parsers (RSS, Atom, JSON Feed, by sniffing and forced), as the
//! pipeline feeds them: decoded first, then parsed. Must never panic or overflow the stack.
#![no_main]

use digest::config::SourceKind;
use digest::fetch::decode::decode;
use digest::parse::{ParseContext, parse_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = decode(data, Some("application/xml"));
    let base = url::Url::parse("http://fuzz.example/feed/").expect("static URL");
    let ctx = ParseContext { base: &base, timezone: chrono_tz::Asia::Shanghai };
    // The first byte picks the configured kind, so forced formats are exercised too.
    let kind = match data.first().map(|b| b % 4) {
        Some(1) => SourceKind::Rss,
        Some(2) => SourceKind::Atom,
        Some(3) => SourceKind::Jsonfeed,
        _ => SourceKind::Auto,
    };
    let _ = parse_feed(&text, kind, ctx);
});
