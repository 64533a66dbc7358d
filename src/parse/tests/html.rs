//! HTML: autodiscovery, listings, item pages and the selector report on docker.cn excerpts.

use chrono_tz::Asia::Shanghai;
use url::Url;

use super::fixture;
use crate::config::Selectors;
use crate::parse::html::{discover_feeds, item_page, listing, selector_report};
use crate::parse::{ParseContext, Timestamp};

fn minima() -> Selectors {
    Selectors {
        items: "ul.post-list a.post-link".into(),
        title: Some("h1.post-title".into()),
        date: Some("time.dt-published".into()),
        content: Some("div.post-content".into()),
        next: Some(".pagination a.next".into()),
        max_pages: 5,
    }
}

#[test]
fn autodiscovery() {
    let base = Url::parse("http://docker.cn/").unwrap();
    let feeds = discover_feeds(&fixture("docker-cn-index.html"), &base);
    assert_eq!(feeds, [Url::parse("http://docker.cn/feed.xml").unwrap()]);

    let html = r#"<html><head><base href="http://cdn.example/sub/">
      <link rel="alternate" type="application/rss+xml" href="rss.xml">
      <link rel="Alternate home" type="application/atom+xml; charset=utf-8" href="/atom.xml">
      <link rel="alternate" type="application/feed+json" href="feed.json">
      <link rel="alternate" type="text/html" href="other.html">
      <link rel="stylesheet" type="application/rss+xml" href="no.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="rss.xml"></head></html>"#;
    let feeds: Vec<String> = discover_feeds(html, &base).iter().map(Url::to_string).collect();
    assert_eq!(
        feeds,
        ["http://cdn.example/sub/rss.xml", "http://cdn.example/atom.xml", "http://cdn.example/sub/feed.json"]
    );
}

#[test]
fn docker_cn_listing() {
    let base = Url::parse("http://docker.cn/").unwrap();
    let l = listing(&fixture("docker-cn-index.html"), &base, &minima());
    let items: Vec<&str> = l.items.iter().map(Url::as_str).collect();
    assert_eq!(
        items,
        [
            "http://docker.cn/blog/2014/09/29/build-your-own-docker-repository.html",
            "http://docker.cn/blog/2014/09/29/installation-macos.html",
            "http://docker.cn/blog/2014/09/29/installation-windows.html",
        ]
    );
    assert_eq!(l.next.unwrap().as_str(), "http://docker.cn/page2/");

    // Elements containing a link (the <li>), deduplicated.
    let s = Selectors { items: "ul.post-list li, ul.post-list a.post-link".into(), next: None, ..minima() };
    assert_eq!(listing(&fixture("docker-cn-index.html"), &base, &s).items.len(), 3);
    // Invalid selector: nothing, no panic.
    let s = Selectors { items: "ul[[".into(), ..minima() };
    assert!(listing("<ul>", &base, &s).items.is_empty());
}

#[test]
fn docker_cn_full_listing() {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sites/docker.cn/index.html");
    let html = std::fs::read_to_string(p).unwrap();
    let l = listing(&html, &Url::parse("http://docker.cn/").unwrap(), &minima());
    assert_eq!(l.items.len(), 95);
    assert!(l.next.is_none());
}

#[test]
fn docker_cn_item_page() {
    let base = Url::parse("http://docker.cn/blog/2014/09/29/build-your-own-docker-repository.html").unwrap();
    let ctx = ParseContext { base: &base, timezone: Shanghai };
    let it = item_page(&fixture("docker-cn-post.html"), &minima(), ctx);
    assert_eq!(it.title, "创建自己的 Docker Repository");
    assert_eq!(it.published.map(|t| format!("{t:?}")), Some("At(2014-09-29T16:10:36+08:00)".into()));
    assert_eq!(it.canonical.as_ref(), Some(&base));
    assert_eq!(it.url.as_ref(), Some(&base));
    assert_eq!(it.lang.as_deref(), Some("zh"));
    assert_eq!(it.author.as_deref(), Some("Docker 中文社区"));
    let c = &it.content_html.sanitized();
    assert!(c.starts_with("\n    <h5>作者：<a href=\"http://www.weibo.com/tchen82\""), "{c}");
    assert!(c.contains(r#"<img src="http://docker.cn/img/x.png">"#), "{c}");
    assert!(!c.contains("script") && !c.contains("onerror") && !c.contains("post-title"), "{c}");

    // Fallbacks without selectors: h1, meta article:published_time, article.
    let bare = Selectors { title: None, date: None, content: None, ..minima() };
    let it = item_page(&fixture("docker-cn-post.html"), &bare, ctx);
    assert_eq!(it.title, "创建自己的 Docker Repository");
    assert!(matches!(it.published, Some(Timestamp::At(_))));
    assert!(it.content_html.sanitized().contains("安装docker-registry"));

    // Nothing at all: <title>, text dates, body.
    let it = item_page(
        "<title> T </title><p class=d>2015-10-26</p><p>x</p>",
        &Selectors { date: Some("p.d".into()), ..bare },
        ctx,
    );
    assert_eq!(it.title, "T");
    assert_eq!(it.published.map(|t| t.date().to_string()), Some("2015-10-26".into()));
    assert!(matches!(it.published, Some(Timestamp::Day(_))));
}

#[test]
fn report() {
    let base = Url::parse("http://docker.cn/").unwrap();
    let r = selector_report(&fixture("docker-cn-index.html"), &base, &minima());
    assert_eq!(r[0].key, "items");
    assert_eq!(r[0].count, 3);
    assert_eq!(r[0].samples[0], "http://docker.cn/blog/2014/09/29/build-your-own-docker-repository.html");
    assert_eq!((r[1].key.as_str(), r[1].count), ("next", 1));
    assert_eq!(r.iter().find(|m| m.key == "title").map(|m| m.count), Some(0));
    let post = selector_report(&fixture("docker-cn-post.html"), &base, &minima());
    let date = post.iter().find(|m| m.key == "date").unwrap();
    assert_eq!(date.samples, ["2014-09-29T16:10:36+08:00 → 2014-09-29"]);
}

#[test]
fn malformed_datetime_falls_back_to_title_text_then_url_path() {
    let sel = crate::config::Selectors {
        items: "a".into(),
        title: None,
        date: None,
        content: None,
        next: None,
        max_pages: 1,
    };
    let base = Url::parse("http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/").unwrap();
    let ctx = ParseContext { base: &base, timezone: chrono_tz::Asia::Shanghai };
    // techparty's real markup: an unparseable datetime beside a readable title.
    let page = r#"<h1>t</h1><time pubdate datetime="2015-26-October" title="2015年10月26日">2015年10月26日</time>"#;
    let day = chrono::NaiveDate::from_ymd_opt(2015, 10, 26).unwrap();
    assert_eq!(item_page(page, &sel, ctx).published, Some(Timestamp::Day(day)));
    // No date on the page at all: the permalink's /YYYY/MM/DD/.
    assert_eq!(item_page("<h1>t</h1>", &sel, ctx).published, Some(Timestamp::Day(day)));
    let undated = Url::parse("http://example.org/about/").unwrap();
    let ctx = ParseContext { base: &undated, timezone: chrono_tz::Asia::Shanghai };
    assert_eq!(item_page("<h1>t</h1>", &sel, ctx).published, None);
}
