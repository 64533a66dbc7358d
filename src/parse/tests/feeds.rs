//! Each feed format, and the repairs real feeds need.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::{fixture, parse};
use crate::config::SourceKind;
use crate::parse::{Format, ParseError, Timestamp, sniff};

fn day(y: i32, m: u32, d: u32) -> Option<Timestamp> {
    NaiveDate::from_ymd_opt(y, m, d).map(Timestamp::Day)
}

#[test]
fn rss10_rdf() {
    let feed = parse(&fixture("rss10.rdf"), SourceKind::Auto, "http://example.org/index.rdf").unwrap();
    assert_eq!(feed.format, Format::Rss);
    assert_eq!(feed.title.as_deref(), Some("RDF Site"));
    assert_eq!(feed.items.len(), 2);
    let a = &feed.items[0];
    assert_eq!(a.title, "First & best");
    assert_eq!(a.url.as_ref().unwrap().as_str(), "http://example.org/a");
    assert_eq!(a.guid.as_deref(), Some("http://example.org/a"));
    assert_eq!(a.author.as_deref(), Some("张三"));
    assert_eq!(a.categories, ["Docker"]);
    assert_eq!(a.lang.as_deref(), Some("zh-CN"));
    assert_eq!(a.published.map(|t| format!("{t:?}")), Some("At(2015-10-26T13:30:00+08:00)".into()));
    assert!(
        a.content_html.sanitized().contains("<b>content</b>")
            && a.content_html.sanitized().contains(r#"src="http://example.org/img/x.png""#),
        "{}",
        a.content_html.sanitized()
    );
    assert_eq!(feed.items[1].published, day(2015, 10, 27));
}

#[test]
fn rss091_with_html_entities() {
    let feed = parse(&fixture("rss091.xml"), SourceKind::Rss, "http://old.example.com/rss.xml").unwrap();
    assert_eq!(feed.items.len(), 2);
    assert_eq!(feed.items[0].title, "Café opening — tonight");
    assert!(
        feed.items[0].content_html.sanitized().contains("café &amp; bring friends&nbsp;!"),
        "{}",
        feed.items[0].content_html.sanitized()
    );
    assert_eq!(feed.items[1].title, "Second bold news");
    assert_eq!(feed.items[1].url.as_ref().unwrap().as_str(), "http://old.example.com/news/2.html");
    assert_eq!(feed.items[1].lang.as_deref(), Some("en"));
    assert!(feed.warnings.iter().any(|w| w.contains("HTML named entities")), "{:?}", feed.warnings);
}

#[test]
fn json_feed_11_and_10() {
    let feed = parse(&fixture("feed11.json"), SourceKind::Auto, "https://json.example.org/feed.json").unwrap();
    assert_eq!(feed.format, Format::JsonFeed);
    assert_eq!(feed.items.len(), 2);
    assert_eq!(feed.warnings.len(), 1, "the non-object item");
    let a = &feed.items[0];
    assert_eq!(a.title, "Hello & world");
    assert_eq!(a.url.as_ref().unwrap().as_str(), "https://json.example.org/posts/1");
    assert_eq!(
        a.content_html.sanitized(),
        r#"<p>Hi <a href="https://json.example.org/x" rel="noopener noreferrer">x</a></p>"#
    );
    assert_eq!((a.author.as_deref(), a.lang.as_deref()), (Some("Li Lei"), Some("en")));
    assert_eq!(a.updated, day(2015, 10, 27));
    assert_eq!(a.categories, ["go", "docker"]);
    let b = &feed.items[1];
    assert_eq!((b.guid.as_deref(), b.author.as_deref(), b.lang.as_deref()), (Some("2"), Some("Site Team"), Some("zh")));
    assert_eq!(b.content_html.sanitized(), "<p>Line one</p><p>Line &lt;two&gt;</p>");
    assert_eq!(b.published.map(|t| format!("{t:?}")), Some("At(2015-10-28T09:00:00+08:00)".into()));

    let v10 = r#"{"version":"https://jsonfeed.org/version/1","title":"t","author":{"name":"Old"},
        "items":[{"id":"x","url":"https://a.example/x","summary":"s"}]}"#;
    let feed = parse(v10, SourceKind::Jsonfeed, "https://a.example/feed.json").unwrap();
    assert_eq!(feed.items[0].author.as_deref(), Some("Old"));
    assert_eq!(feed.items[0].content_html.sanitized(), "<p>s</p>");
    assert!(matches!(
        parse("{\"version\":\"https://jsonfeed.org/version/1\", \"items\": [", SourceKind::Auto, "https://a.example/"),
        Err(ParseError::Json(_))
    ));
}

#[test]
fn atom_xml_base_and_xhtml() {
    let text = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/" xml:lang="en">
      <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">My <b>Blog</b></div></title>
      <author><name>Feed Author</name></author>
      <entry xml:base="2015/">
        <title type="text">A &lt;tag&gt; title</title>
        <link rel="edit" href="/edit/1"/><link rel="alternate" type="text/html" href="post.html"/>
        <id>tag:example.org,2015:1</id>
        <published>2015-10-26T13:30:00Z</published><updated>2015-10-26</updated>
        <category term="go"/><category label="Docker"/>
        <content type="xhtml" xml:lang="zh"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <a href="x.html">x</a> &amp; <img src="i.png"/></p></div></content>
      </entry>
      <entry><title>Summary only</title><link href="/abs"/><summary>plain &amp; simple</summary></entry>
    </feed>"#;
    let feed = parse(text, SourceKind::Atom, "http://other.example/feed").unwrap();
    assert_eq!(feed.title.as_deref(), Some("My Blog"));
    let a = &feed.items[0];
    assert_eq!(a.title, "A <tag> title");
    assert_eq!(a.url.as_ref().unwrap().as_str(), "http://example.org/blog/2015/post.html");
    assert_eq!(a.author.as_deref(), Some("Feed Author"));
    assert_eq!(a.lang.as_deref(), Some("zh"));
    assert_eq!(a.categories, ["go", "Docker"]);
    assert_eq!(a.updated, day(2015, 10, 26));
    assert!(
        a.content_html.sanitized().contains(r#"<a href="http://example.org/blog/2015/x.html""#),
        "{}",
        a.content_html.sanitized()
    );
    assert!(
        a.content_html.sanitized().contains(r#"<img src="http://example.org/blog/2015/i.png">"#),
        "{}",
        a.content_html.sanitized()
    );
    // Stored as published, with the xml:base its links resolve against.
    assert!(a.content_html.raw().contains(r#"<a href="x.html">"#), "{}", a.content_html.raw());
    assert_eq!(a.content_html.base().map(|b| b.as_str()), Some("http://example.org/blog/2015/"));
    let b = &feed.items[1];
    assert_eq!(b.url.as_ref().unwrap().as_str(), "http://example.org/abs");
    assert_eq!((b.content_html.sanitized().as_str(), b.lang.as_deref()), ("<p>plain &amp; simple</p>", Some("en")));
}

#[test]
fn bare_amp_nbsp_and_control_chars_are_repaired() {
    let text = "<rss version=\"2.0\"><channel><title>A&B\u{1}</title><item><title>Tom &amp; Jerry&nbsp;&copy; AT&T\u{0}\u{b}</title>\
        <link>http://x.example/?a=1&b=2</link><description>x &lt; y &hellip;</description></item></channel></rss>";
    let feed = parse(text, SourceKind::Auto, "http://x.example/").unwrap();
    assert_eq!(feed.title.as_deref(), Some("A&B"));
    assert_eq!(feed.items[0].title, "Tom & Jerry © AT&T", "nbsp collapses like other whitespace");
    assert_eq!(feed.items[0].url.as_ref().unwrap().as_str(), "http://x.example/?a=1&b=2");
    assert_eq!(feed.items[0].content_html.sanitized(), "x &lt; y …");
    assert_eq!(feed.warnings.len(), 3, "{:?}", feed.warnings);
}

#[test]
fn truncated_feed_keeps_complete_items() {
    let full = fixture("rss091.xml");
    let cut = full.find("<title>Second").unwrap() + 10;
    let feed = parse(&full[..cut], SourceKind::Auto, "http://old.example.com/").unwrap();
    assert_eq!(feed.items.len(), 1);
    assert_eq!(feed.items[0].title, "Café opening — tonight");
    assert!(feed.warnings.iter().any(|w| w.contains("incomplete")), "{:?}", feed.warnings);
    assert!(feed.warnings.iter().any(|w| w.starts_with("line 15, column")), "{:?}", feed.warnings);

    // Cut inside the first item: nothing to keep, so an error with a position.
    let cut = full.find("<title>Caf").unwrap() + 5;
    match parse(&full[..cut], SourceKind::Auto, "http://old.example.com/") {
        Err(ParseError::Xml { line, .. }) => assert_eq!(line, 10),
        other => panic!("{other:?}"),
    }
}

#[test]
fn mismatched_tags_keep_items() {
    let text = "<rss><channel><item><title>One</title><description><p>unclosed</description></item>\
        </bogus><item><title>Two</title></item></channel></rss>";
    let feed = parse(text, SourceKind::Auto, "http://x.example/").unwrap();
    assert_eq!(feed.items.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["One", "Two"]);
    assert!(feed.warnings.iter().any(|w| w.contains("stray </bogus>")), "{:?}", feed.warnings);
}

#[test]
fn billion_laughs_does_not_expand() {
    let mut text = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    text.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..10 {
        text.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", format!("&lol{};", i - 1).repeat(10)));
    }
    text.push_str(" <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n");
    text.push_str(
        "<rss><channel><item><title>&lol9;&xxe;</title><link>http://x.example/1</link></item></channel></rss>",
    );
    let start = Instant::now();
    let feed = parse(&text, SourceKind::Auto, "http://x.example/").unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(feed.items[0].title, "&lol9;&xxe;");
    assert!(feed.warnings.iter().any(|w| w.contains("DOCTYPE")), "{:?}", feed.warnings);
}

#[test]
fn not_a_feed() {
    let html = "<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>";
    assert!(matches!(parse(html, SourceKind::Auto, "http://x.example/"), Err(ParseError::NotAFeed(_))));
    assert!(matches!(parse(html, SourceKind::Rss, "http://x.example/"), Err(ParseError::NotAFeed(_))));
    for garbage in
        ["", "\u{feff}  ", "hello world", "\u{0}\u{1}\u{2}binary", "{\"a\": 1}", "<note><to>x</to></note>", "<<<>>>&&&"]
    {
        match parse(garbage, SourceKind::Auto, "http://x.example/") {
            Err(ParseError::NotAFeed(_) | ParseError::Xml { .. }) => {}
            other => panic!("{garbage:?}: {other:?}"),
        }
    }
}

#[test]
fn forced_kind_falls_back_to_sniffing() {
    let feed = parse(&fixture("rss10.rdf"), SourceKind::Atom, "http://example.org/").unwrap();
    assert_eq!(feed.format, Format::Rss);
    assert!(feed.warnings[0].contains("configured as Atom"));
    // Forced and unsniffable (leading junk) still works when it parses as the forced format.
    let feed =
        parse("junk<rss><channel><item><title>T</title></item></channel></rss>", SourceKind::Rss, "http://x.example/");
    assert_eq!(feed.unwrap().items[0].title, "T");
    assert!(matches!(parse("junk<rss>", SourceKind::Auto, "http://x.example/"), Err(ParseError::NotAFeed(_))));
}

#[test]
fn no_panic_on_any_prefix_or_mutation() {
    for name in ["rss10.rdf", "rss091.xml", "feed11.json"] {
        let full = fixture(name);
        for (cut, _) in full.char_indices() {
            let _ = parse(&full[..cut], SourceKind::Auto, "http://x.example/");
            let _ = parse(&full[cut..], SourceKind::Rss, "http://x.example/");
        }
    }
    let docker = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sites/docker.cn/feed.xml"),
    )
    .unwrap();
    // Cut the real Atom feed in the middle of its 6th entry: the first 5 survive.
    let sixth = docker.match_indices("<entry").nth(5).unwrap().0;
    let feed = parse(&docker[..sixth + 300], SourceKind::Auto, "http://docker.cn/feed.xml").unwrap();
    assert_eq!(feed.items.len(), 5);
}

#[test]
fn sniffing() {
    assert_eq!(sniff("\u{feff}<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\">", None), Some(Format::Rss));
    assert_eq!(sniff("<rdf:RDF xmlns:rdf=\"…\">", None), Some(Format::Rss));
    assert_eq!(sniff("  <feed xmlns=\"http://www.w3.org/2005/Atom\">", None), Some(Format::Atom));
    assert_eq!(sniff("<!DOCTYPE rss PUBLIC \"x\" \"y\">\n<rss>", None), Some(Format::Rss));
    assert_eq!(sniff("{\"version\": \"https://jsonfeed.org/version/1.1\"}", None), Some(Format::JsonFeed));
    assert_eq!(sniff("<!doctype html><html>", None), Some(Format::Html));
    assert_eq!(sniff("<HTML><body>", None), Some(Format::Html));
    assert_eq!(sniff("garbage", Some("application/atom+xml; charset=utf-8")), Some(Format::Atom));
    assert_eq!(sniff("garbage", Some("text/plain")), None);
}

/// Regression (hostile content suite): a `javascript:` item link reached every output.
#[test]
fn item_links_are_http_or_the_feeds_own_scheme() {
    let base = url::Url::parse("http://x.example/feed").unwrap();
    for bad in ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>", "vbscript:x"] {
        assert_eq!(crate::parse::resolve_url(&base, bad), None, "{bad}");
    }
    assert_eq!(crate::parse::resolve_url(&base, "/a").unwrap().as_str(), "http://x.example/a");
    assert!(crate::parse::resolve_url(&base, "https://y.example/").is_some());
    let file = url::Url::parse("file:///srv/feed.xml").unwrap();
    assert_eq!(crate::parse::resolve_url(&file, "post.html").unwrap().as_str(), "file:///srv/post.html");
}
