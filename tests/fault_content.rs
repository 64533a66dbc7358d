//! Hostile and odd feed content served from 127.0.0.1, each next to a healthy source: entity
//! expansion ("billion laughs") and external entities (nothing is read from disk or the
//! network), markup nested 100 000 deep, invalid UTF-8 and mislabelled encodings, a feed of
//! 100 000 entries, and dates in the far past and future.

mod common;

use std::time::Duration;

use common::Reply;
use common::fault::{FAST_FETCH, Scenario, assert_failed, assert_ok, rss};

const ITEM_DATE: &str = "Fri, 30 Oct 2015 10:00:00 +0800";

/// Every file the build wrote, as text.
fn outputs(s: &Scenario) -> String {
    common::files_under(&s.dir.path().join("output"))
        .iter()
        .map(|path| String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned())
        .collect()
}

#[test]
fn entity_attacks_read_no_file_and_no_url() {
    let mut s = Scenario::new(FAST_FETCH);
    let canary = s.dir.path().join("secret.txt");
    std::fs::write(&canary, "CANARY-7f3a-secret").unwrap();
    let leak = s.bad.url("/leak.dtd");
    let laughs: String = (1..10)
        .map(|i| format!("<!ENTITY l{i} \"&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};&l{p};\">", p = i - 1))
        .collect();
    let doc = |subset: &str, title: &str| {
        rss(&[(title, "http://hostile.test/1", ITEM_DATE)]).replacen(
            "<rss",
            &format!("<!DOCTYPE rss [{subset}]>\n<rss"),
            1,
        )
    };
    let bomb = doc(&format!("<!ENTITY l0 \"lol\">{laughs}"), "Laughs &l9; end");
    let passwd = doc("<!ENTITY x SYSTEM \"file:///etc/passwd\">", "Passwd &x; end");
    let file = doc(&format!("<!ENTITY x SYSTEM \"file://{}\">", canary.display()), "File &x; end");
    let net = doc(&format!("<!ENTITY x SYSTEM \"{leak}\">"), "Net &x; end");
    let param = doc(&format!("<!ENTITY % p SYSTEM \"{leak}\"> %p;"), "Param entity end");
    let external_dtd = rss(&[("External DTD end", "http://hostile.test/5", ITEM_DATE)]).replacen(
        "<rss",
        &format!("<!DOCTYPE rss SYSTEM \"{leak}\">\n<rss"),
        1,
    );
    s.source("billion-laughs", "/laughs.xml", vec![Reply::ok(bomb)])
        .source("entity-passwd", "/passwd.xml", vec![Reply::ok(passwd)])
        .source("entity-file", "/file.xml", vec![Reply::ok(file)])
        .source("entity-url", "/net.xml", vec![Reply::ok(net)])
        .source("entity-param", "/param.xml", vec![Reply::ok(param)])
        .source("external-dtd", "/dtd.xml", vec![Reply::ok(external_dtd)]);
    let run = s.build();
    // No source fails here: the entity declarations are dropped and the items kept.
    assert_eq!(run.code, Some(0), "{}", run.output());
    for name in ["billion-laughs", "entity-passwd", "entity-file", "entity-url", "entity-param", "external-dtd"] {
        assert_ok(&run, name, 1);
    }
    assert!(run.elapsed < Duration::from_secs(10) && run.peak_rss < 256 << 20, "{:?} {}", run.elapsed, run.peak_rss);
    assert!(s.bad.requests_to("/leak.dtd").is_empty(), "an external entity was fetched");
    let all = outputs(&s);
    assert!(all.contains("Laughs") && all.contains("External DTD end"), "items are built");
    assert!(!all.contains("lollol"), "an entity was expanded");
    assert!(!all.contains("CANARY-7f3a-secret") && !all.contains("root:x:0:0"), "a local file was read");
    common::run::assert_db_intact(&s.db_path());
}

#[test]
fn deeply_nested_markup_does_not_overflow_the_stack() {
    let mut s = Scenario::new(FAST_FETCH);
    let depth = 100_000;
    let html = format!("{}deep text{}", "<div>".repeat(depth), "</div>".repeat(depth));
    let escaped = html.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let nested_html = rss(&[("Nested HTML body", "http://hostile.test/n1", ITEM_DATE)])
        .replace("<description>About", &format!("<description>{escaped}About"));
    let nested_cdata = rss(&[("Nested CDATA body", "http://hostile.test/n2", ITEM_DATE)])
        .replace("<description>About", &format!("<description><![CDATA[{html}]]>About"));
    let nested_xml = rss(&[("Nested XML elements", "http://hostile.test/n3", ITEM_DATE)])
        .replace("<description>", &format!("<description>{}", "<x>".repeat(depth)))
        .replace("</description>", &format!("{}</description>", "</x>".repeat(depth)));
    let unclosed_xml = format!("<rss version=\"2.0\"><channel>{}", "<item><title>t".repeat(depth));
    let json = format!(
        "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"j\",\"items\":[{{\"id\":\"1\",\"title\":\"x\",\"x\":{}1{}}}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let page = "<html><body><ul><li><a href=\"/p/1.html\">one</a></li></ul></body></html>";
    s.source("nested-html", "/html.xml", vec![Reply::ok(nested_html)])
        .source("nested-cdata", "/cdata.xml", vec![Reply::ok(nested_cdata)])
        .source("nested-xml", "/xml.xml", vec![Reply::ok(nested_xml)])
        .source("unclosed-xml", "/unclosed.xml", vec![Reply::ok(unclosed_xml)])
        .source("nested-json", "/feed.json", vec![Reply::ok(json).header("Content-Type", "application/feed+json")]);
    s.bad.route("/list.html", Reply::ok(page).header("Content-Type", "text/html"));
    s.bad.route("/p/1.html", Reply::ok(format!("<html><body><h1>Nested page</h1>{html}</body></html>")));
    s.source_toml(&format!(
        "[[source]]\nname = \"nested-page\"\nurl = \"{}\"\nkind = \"html\"\n[source.selectors]\nitems = \"li a\"\ntitle = \"h1\"\ncontent = \"body\"\n",
        s.bad.url("/list.html")
    ));
    let run = s.build();
    s.assert_survived(&run, Duration::from_secs(30), 512);
    for name in ["nested-html", "nested-cdata", "nested-xml", "nested-page"] {
        assert_ok(&run, name, 1);
    }
    assert_failed(&run, "nested-json", "recursion limit exceeded");
    assert_failed(&run, "unclosed-xml", "unexpected end of input inside <title>");
}
