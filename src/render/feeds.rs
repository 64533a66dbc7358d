//! The merged feeds: the latest posts of every source as Atom 1.0, RSS 2.0 and JSON Feed 1.1.
//! Built from stored posts only (no clock), so equal inputs give equal bytes.

use atom_syndication as atom;
use chrono::{DateTime, Datelike, FixedOffset};
use chrono_tz::Tz;
use serde_json::json;

use crate::config::Config;
use crate::dedup::Post;
use crate::parse::Timestamp;

/// What every feed says about itself.
pub struct FeedMeta<'a> {
    /// Feed title.
    pub title: String,
    /// Where the output is published, if configured (for self links and ids).
    pub site_url: Option<&'a url::Url>,
    /// Zone that gives bare dates a time (feeds require one).
    pub timezone: Tz,
}

impl<'a> FeedMeta<'a> {
    /// Feed metadata from the config.
    pub fn from_config(config: &'a Config) -> FeedMeta<'a> {
        FeedMeta {
            title: format!("{} · {}", config.title_zh, config.title_en),
            site_url: config.site_url.as_ref(),
            timezone: config.timezone,
        }
    }

    fn link(&self, file: &str) -> Option<String> {
        self.site_url.and_then(|u| u.join(file).ok()).map(|u| u.to_string())
    }

    fn feed_id(&self) -> String {
        self.link("feed.atom").unwrap_or_else(|| format!("urn:digest:feed:{}", crate::dedup::key_id(&self.title)))
    }
}

/// The id of a post in feeds: its link when it has one, else a URN of its stable id.
fn entry_id(post: &Post) -> String {
    match &post.item.parsed.url {
        Some(u) => u.to_string(),
        None => format!("urn:digest:{}", post.id),
    }
}

/// A bare date becomes local midnight: feeds cannot carry a date without a time.
fn datetime(t: Timestamp, tz: Tz) -> DateTime<FixedOffset> {
    t.to_datetime(tz)
}

fn published(post: &Post, tz: Tz) -> Option<DateTime<FixedOffset>> {
    post.item.parsed.published.map(|t| datetime(t, tz)).filter(expressible)
}

fn updated(post: &Post, tz: Tz) -> Option<DateTime<FixedOffset>> {
    post.item.parsed.updated.or(post.item.parsed.published).map(|t| datetime(t, tz)).filter(expressible)
}

/// Whether RFC 2822 and RFC 3339 can write the date: years 1 to 9999 (chrono's `to_rfc2822`
/// panics outside them, and a feed may claim any year at all).
fn expressible(d: &DateTime<FixedOffset>) -> bool {
    (1..=9999).contains(&d.year())
}

/// The newest change among the posts; the Unix epoch for an empty feed.
fn feed_updated(posts: &[Post], tz: Tz) -> DateTime<FixedOffset> {
    posts.iter().filter_map(|p| updated(p, tz)).max().unwrap_or_default()
}

/// The sanitized body of each post, in order: made once for all three feeds (sanitizing is
/// most of their cost).
pub fn bodies(posts: &[Post]) -> Vec<String> {
    posts.iter().map(|p| p.item.parsed.content_html.sanitized()).collect()
}

/// Atom 1.0; `bodies` are the posts' [`bodies`].
pub fn atom(meta: &FeedMeta, posts: &[Post], bodies: &[String]) -> String {
    let tz = meta.timezone;
    let entries: Vec<atom::Entry> = posts
        .iter()
        .zip(bodies)
        .map(|(post, body)| {
            let p = &post.item.parsed;
            atom::EntryBuilder::default()
                .id(entry_id(post))
                .title(atom::Text::plain(p.title.clone()))
                .updated(updated(post, tz).unwrap_or_default())
                .published(published(post, tz))
                .links(
                    p.url.iter().map(|u| atom::LinkBuilder::default().href(u.to_string()).build()).collect::<Vec<_>>(),
                )
                .authors(
                    p.author.iter().map(|a| atom::PersonBuilder::default().name(a.clone()).build()).collect::<Vec<_>>(),
                )
                .categories(
                    p.categories
                        .iter()
                        .map(|c| atom::CategoryBuilder::default().term(c.clone()).build())
                        .collect::<Vec<_>>(),
                )
                .content(Some(
                    atom::ContentBuilder::default()
                        .content_type(Some("html".to_string()))
                        .value(Some(body.clone()))
                        .lang(Some(post.item.lang.code().to_string()))
                        .build(),
                ))
                .build()
        })
        .collect();
    let mut links = Vec::new();
    if let Some(href) = meta.link("feed.atom") {
        links.push(atom::LinkBuilder::default().href(href).rel("self").build());
    }
    atom::FeedBuilder::default()
        .id(meta.feed_id())
        .title(atom::Text::plain(meta.title.clone()))
        .updated(feed_updated(posts, tz))
        .links(links)
        .generator(Some(atom::Generator {
            value: "digest".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }))
        .entries(entries)
        .build()
        .to_string()
}

/// RSS 2.0; `bodies` are the posts' [`bodies`].
pub fn rss(meta: &FeedMeta, posts: &[Post], bodies: &[String]) -> String {
    let tz = meta.timezone;
    let items: Vec<rss::Item> = posts
        .iter()
        .zip(bodies)
        .map(|(post, body)| {
            let p = &post.item.parsed;
            rss::ItemBuilder::default()
                .title(Some(p.title.clone()))
                .link(p.url.as_ref().map(|u| u.to_string()))
                .guid(Some(rss::Guid { value: entry_id(post), permalink: p.url.is_some() }))
                .pub_date(published(post, tz).map(|d| d.to_rfc2822()))
                .author(None)
                .dublin_core_ext(p.author.as_ref().map(|a| rss::extension::dublincore::DublinCoreExtension {
                    creators: vec![a.clone()],
                    ..Default::default()
                }))
                .categories(
                    p.categories.iter().map(|c| rss::Category { name: c.clone(), domain: None }).collect::<Vec<_>>(),
                )
                .description(Some(body.clone()))
                .build()
        })
        .collect();
    let mut channel = rss::ChannelBuilder::default()
        .title(meta.title.clone())
        .link(meta.site_url.map(|u| u.to_string()).unwrap_or_default())
        .description(meta.title.clone())
        .generator(Some(format!("digest {}", env!("CARGO_PKG_VERSION"))))
        .items(items)
        .build();
    if !posts.is_empty() {
        channel.set_last_build_date(Some(feed_updated(posts, tz).to_rfc2822()));
    }
    channel.to_string()
}

/// JSON Feed 1.1; `bodies` are the posts' [`bodies`].
pub fn json_feed(meta: &FeedMeta, posts: &[Post], bodies: &[String]) -> String {
    let tz = meta.timezone;
    let items: Vec<serde_json::Value> = posts
        .iter()
        .zip(bodies)
        .map(|(post, body)| {
            let p = &post.item.parsed;
            let mut item = json!({
                "id": entry_id(post),
                "title": p.title,
                "content_html": body,
                "language": post.item.lang.code(),
            });
            let obj = item.as_object_mut().expect("json! of an object literal is an object");
            if let Some(u) = &p.url {
                obj.insert("url".into(), json!(u.to_string()));
            }
            if let Some(d) = published(post, tz) {
                obj.insert("date_published".into(), json!(d.to_rfc3339()));
            }
            if let Some(d) = post.item.parsed.updated.map(|t| datetime(t, tz)) {
                obj.insert("date_modified".into(), json!(d.to_rfc3339()));
            }
            if let Some(a) = &p.author {
                obj.insert("authors".into(), json!([{ "name": a }]));
            }
            if !p.categories.is_empty() {
                obj.insert("tags".into(), json!(p.categories));
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "items": items,
    });
    if let Some(obj) = feed.as_object_mut() {
        if let Some(home) = meta.site_url {
            obj.insert("home_page_url".into(), json!(home.to_string()));
        }
        if let Some(self_url) = meta.link("feed.json") {
            obj.insert("feed_url".into(), json!(self_url));
        }
    }
    let mut out = serde_json::to_string_pretty(&feed).unwrap_or_default();
    out.push('\n');
    out
}
