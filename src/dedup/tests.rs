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
    let mut atom = item("tp-atom", Some("http://www.techparty.org/a/2015/10/26/x/"), Some("/a/2015/10/26/x"), "X", "<p>full</p>");
    atom.parsed.published = Some(Timestamp::Day(chrono::NaiveDate::from_ymd_opt(2015, 10, 26).unwrap()));
    let rss = item("tp-rss", Some("http://www.techparty.org/a/2015/10/26/x/"), Some("http://www.techparty.org/a/2015/10/26/x"), "X", "<p>full content, longer</p>");
    let other = item("tp-rss", Some("http://www.techparty.org/a/2015/10/27/y/"), None, "Y", "");
    let posts = merge(vec![atom, rss, other]);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].sources, vec!["tp-atom", "tp-rss"]);
    // The richer copy wins, the missing date is filled from the other.
    assert_eq!(posts[0].item.parsed.content_html, "<p>full content, longer</p>");
    assert!(posts[0].item.parsed.published.is_some());
    assert_eq!(posts[0].id, key_id(&canonical_url(&Url::parse("http://techparty.org/a/2015/10/26/x").unwrap())));
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
