use super::*;
use crate::extract::{Lang, PostKind};
use crate::parse::{ParsedItem, Timestamp};
use url::Url;

fn item(source: &str, url: Option<&str>, guid: Option<&str>, title: &str, content: &str) -> Item {
    Item {
        source: source.into(),
        parsed: ParsedItem {
            guid: guid.map(Into::into),
            url: url.map(|u| Url::parse(u).unwrap()),
            canonical: None,
            title: title.into(),
            author: None,
            published: None,
            updated: None,
            content_html: content.into(),
            lang: None,
            categories: vec![],
        },
        lang: Lang::Zh,
        kind: PostKind::Other,
        events: vec![],
        talks: vec![],
    }
}

#[test]
fn atom_and_rss_copies_of_a_post_merge() {
    let mut atom =
        item("tp-atom", Some("http://www.techparty.org/a/2015/10/26/x/"), Some("/a/2015/10/26/x"), "X", "<p>full</p>");
    atom.parsed.published = Some(Timestamp::Day(chrono::NaiveDate::from_ymd_opt(2015, 10, 26).unwrap()));
    let rss = item(
        "tp-rss",
        Some("http://www.techparty.org/a/2015/10/26/x/"),
        Some("http://www.techparty.org/a/2015/10/26/x"),
        "X",
        "<p>full content, longer</p>",
    );
    let other = item("tp-rss", Some("http://www.techparty.org/a/2015/10/27/y/"), None, "Y", "");
    let posts = merge(vec![atom, rss, other]);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].sources, vec!["tp-atom", "tp-rss"]);
    // The richer copy wins, the missing date is filled from the other.
    assert_eq!(posts[0].item.parsed.content_html.raw(), "<p>full content, longer</p>");
    assert!(posts[0].item.parsed.published.is_some());
    assert_eq!(posts[0].id, key_id(&canonical_url(&Url::parse("http://techparty.org/a/2015/10/26/x").unwrap())));
}

#[test]
fn equal_bodies_rank_equal_whatever_their_bases() {
    // The same post in two feeds of a site: one body, relative links, different bases. The
    // longer base makes the longer sanitized body, but that is no richer: the author decides.
    let body = "<p>slides: <a href=\"slides.pdf\">pdf</a></p>";
    let url = Some("http://example.org/p/1/");
    let mut short = item("a", url, None, "P", body);
    short.parsed.content_html = crate::parse::RawHtml::new(body, Some(Url::parse("http://e.org/").unwrap()));
    let mut long = item("b", url, None, "P", body);
    long.parsed.content_html =
        crate::parse::RawHtml::new(body, Some(Url::parse("http://example.org/a/much/longer/path/").unwrap()));
    long.parsed.author = Some("author".into());
    short.parsed.author = None;
    let mut reversed = (long.clone(), short.clone());
    reversed.0.parsed.author = None;
    reversed.1.parsed.author = Some("author".into());
    for (first, second, winner) in [(short, long, "b"), (reversed.0, reversed.1, "a")] {
        let mut stored = merge(vec![first.clone()]).remove(0);
        let posts = merge(vec![first, second.clone()]);
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].item.source, winner, "merge");
        // The same ranking when the copy arrives in a later run.
        merge_into(&mut stored, merge(vec![second]).remove(0));
        assert_eq!(stored.item.source, winner, "merge_into");
    }
}

#[test]
fn ids_are_stable_and_fall_back_to_guid_then_title() {
    let a = item("s", None, Some("tag:example.org,2015:1"), "A", "");
    let b = item("s", None, None, "B", "");
    assert_eq!(item_key(&a), "guid:s:tag:example.org,2015:1");
    assert_eq!(item_key(&b), "title:s:B");
    assert_eq!(key_id("x"), "2d711642b726b044");
    assert_eq!(merge(vec![a.clone(), a]).len(), 1);
}

/// An item with one event, built through serde so that new optional fields do not break it.
fn event_item(url: &str, published: &str, title: &str, date: &str, venue: Option<&str>) -> Item {
    serde_json::from_value(serde_json::json!({
        "source": "s", "lang": "zh", "kind": "other", "talks": [],
        "events": [{"title": title, "date": date, "start": "13:30:00", "end": null,
                    "city": {"en": "Guangzhou", "zh": "广州"}, "venue": venue, "registration": null}],
        "parsed": {"guid": null, "url": url, "canonical": null, "title": title, "author": null,
                   "published": published, "updated": null, "content_html": format!("<p>{url}</p>"),
                   "lang": null, "categories": []}
    }))
    .unwrap()
}

#[test]
fn a_postponed_event_is_one_event_with_history_and_others_stay_apart() {
    let posts = merge(vec![
        event_item("http://t.org/a/", "2015-05-21", "广州 iOS 专题沙龙主题征集", "2015-05-30", Some("广州")),
        event_item(
            "http://t.org/b/",
            "2015-05-27",
            "广州 iOS 专题沙龙延期到6月6日",
            "2015-06-06",
            Some("广州天河区某大厦"),
        ),
        event_item("http://t.org/c/", "2015-06-01", "广州 Docker 专题沙龙报名", "2015-06-13", None),
    ]);
    let (events, _) = merge_events(&posts);
    assert_eq!(events.len(), 2, "{events:?}");
    let ios = events.iter().find(|e| e.sources.len() == 2).unwrap();
    assert_eq!(ios.date.to_string(), "2015-06-06");
    assert_eq!(ios.venue.as_deref(), Some("广州天河区某大厦"));
    assert_eq!(ios.history.len(), 1);
    assert_eq!((ios.history[0].from.as_str(), ios.history[0].to.as_str()), ("2015-05-30", "2015-06-06"));
    let json = serde_json::to_value(ios).unwrap();
    assert_eq!(json["start"], "13:30");
    assert_eq!(json["city"], "Guangzhou");
    assert_eq!(json["city_zh"], "广州");
    // The id is stable across runs and does not move when the date changes.
    let (again, _) = merge_events(&posts[..1]);
    assert_eq!(again[0].id, ios.id);
    let fp = fingerprint(ios, &[]);
    let mut moved = ios.clone();
    moved.venue = Some("别处".into());
    assert_ne!(fingerprint(&moved, &[]), fp);
}

/// Items prepared one by one (as the harvest workers do) merge as `merge_with` merges them:
/// exact duplicates with different bodies, a repost, a translation found by its anchors.
#[test]
fn prepared_items_merge_as_unprepared_ones() {
    let body = "<p>Docker 是基于 Go 语言实现的云开源项目，诞生于2013年初，最初发起者是dotCloud公司。Docker 作为一种Linux容器工具集，是为构建、交付和运行分布式应用而设计的。</p>";
    let code = "<pre><code>docker run --rm -p 8080:80 nginx_proxy</code></pre> 端口 8080 和 20151026 <a href=\"http://github.com/x/proxy\">repo</a>";
    let mut items = vec![
        item("a", Some("http://a.org/p/1"), None, "Docker 专场", body),
        item("b", Some("https://www.a.org/p/1/"), None, "Docker 专场", &format!("{body}<p>更多</p>")),
        item("c", Some("http://c.org/repost"), None, "[转]Docker 专场", &format!("<div>{body}</div>")),
        item("d", Some("http://d.org/zh/http-proxy"), None, "用 Go 写 HTTP proxy", &format!("<p>中文说明</p>{code}")),
        item("d", Some("http://d.org/en/proxy-post"), None, "An HTTP proxy in Go", &format!("<p>In English</p>{code}")),
        item("e", None, Some("tag:e,1"), "Other", "<p>其他内容，完全不同的一段文字，讲的是微信小程序的开发。</p>"),
    ];
    items[4].lang = Lang::En;
    let opts = DedupOptions::default();
    let preparer = Preparer::new(opts.clone());
    let mut prepared: Vec<Prepared> = items.iter().map(|i| preparer.prepare(i)).collect();
    assert!(prepared.iter().all(|p| p.features.anchors.is_some() && p.features.sketch.is_some()));
    // Features that were not prepared are made by the merge.
    prepared[0].features.anchors = None;
    prepared[3].features = prepare::Features::default();
    let merged = merge_prepared(items.clone(), prepared, &opts);
    assert_eq!(merged, merge_with(items.clone(), &opts));
    assert_eq!(merged.len(), 3, "{merged:#?}");
    assert!(merged.iter().any(|p| p.translations().count() == 1));
    // Without one prepared entry per item, it prepares itself.
    assert_eq!(merge_prepared(items.clone(), Vec::new(), &opts), merged);
}
