//! Any HTML through the HTML side: sanitizing and the raw-body text helpers, item pages with
//! selectors, feed discovery, and the extractor (events, talks, kind) on the raw body, as
//! fetched items reach it. Must never panic. The fast HTML → text path must give html5ever's
//! Doc wherever it does not bail out.
#![no_main]

use digest::config::{Selectors, SourceConfig, SourceKind};
use digest::parse::{ParseContext, ParsedItem, RawHtml, html};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let base = url::Url::parse("http://fuzz.example/post/").expect("static URL");
    let (fast, oracle) = digest::extract::text::parse_both(&text, Some(&base));
    if let Some(fast) = fast {
        assert_eq!(fast, oracle, "fast HTML path differs from html5ever");
    }
    let _ = html::discover_feeds(&text, &base);
    let content_html = RawHtml::new(text.as_ref(), Some(base.clone()));
    let _ = content_html.sanitized();
    let _ = content_html.visible_markup();
    let _ = content_html.links();
    let source = SourceConfig {
        name: "fuzz".into(),
        url: base.clone(),
        kind: SourceKind::Html,
        lang: None,
        city: None,
        timezone: chrono_tz::Asia::Shanghai,
        selectors: None,
    };
    let selectors = Selectors {
        items: "a".into(),
        title: Some("h1, title".into()),
        date: Some("time".into()),
        content: Some("article, body".into()),
        next: Some("a[rel=next]".into()),
        max_pages: 1,
    };
    let _ = html::listing(&text, &base, &selectors);
    let _ = html::item_page(&text, &selectors, ParseContext { base: &base, timezone: source.timezone });
    let title: String = text.chars().take(80).collect();
    let parsed = ParsedItem {
        guid: None,
        url: Some(base.clone()),
        canonical: None,
        title,
        author: None,
        published: None,
        updated: None,
        content_html,
        lang: None,
        categories: Vec::new(),
    };
    let _ = digest::extract::analyze(parsed, &source);
});
