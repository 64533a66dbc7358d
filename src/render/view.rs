//! The template data: plain serializable structs built from stored posts, one per edition
//! (bilingual, Chinese, English) and medium (web page or email). Every field is listed in
//! `templates/README.md`; keep the two in step.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::events::EventEntry;
use super::i18n::{Arg, Catalog, Edition, Text};
use super::text::summary;
use crate::config::Config;
use crate::dedup::Post;
use crate::extract::{Item, Lang, PostKind, Talk};
use crate::week::Week;

/// Titles in the other language, keyed by the original title.
pub type AltTitles = HashMap<String, String>;

/// Where the rendered newsletter is read: links differ (an email needs absolute ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Medium {
    /// `output/<week>/index*.html`: links relative to the page.
    Web,
    /// The `.eml` message: absolute links from `site_url`, none without it.
    Email,
}

/// What one issue is made of, shared by all its editions.
pub struct Issue<'a> {
    /// The configuration (titles, site URL, unsubscribe link, time zone).
    pub config: &'a Config,
    /// The message catalogs.
    pub catalog: &'a Catalog,
    /// The week.
    pub week: Week,
    /// The week's posts, oldest first.
    pub posts: &'a [Post],
    /// The summary of each of `posts`, in the same order ([`summaries`]): made once, shown in
    /// every edition.
    pub summaries: &'a [String],
    /// The events of each of `posts` alone ([`post_events`]), in the same order: made once,
    /// shown in every edition.
    pub post_events: &'a [Vec<EventEntry>],
    /// Upcoming events, sorted.
    pub upcoming: &'a [EventEntry],
    /// Known titles in the other language.
    pub alt_titles: &'a AltTitles,
}

/// Everything a newsletter template sees.
#[derive(Debug, Serialize)]
pub struct NewsletterView {
    /// `both`, `zh` or `en`.
    pub edition: Edition,
    /// `web` or `email`.
    pub medium: Medium,
    /// HTML `lang` of the page: `zh-CN` or `en`.
    pub lang: &'static str,
    /// The newsletter title.
    pub title: Text,
    /// `2015-W44`.
    pub week: String,
    /// Monday, `YYYY-MM-DD`.
    pub week_start: String,
    /// Sunday, `YYYY-MM-DD`.
    pub week_end: String,
    /// `2015年10月26日–11月1日` / `26 Oct – 1 Nov 2015`.
    pub range: Text,
    /// The email subject (title and week in the edition's languages).
    pub subject: String,
    /// The preview line mail clients show after the subject.
    pub preheader: String,
    /// Posts this week (recaps included).
    pub post_count: usize,
    /// Upcoming events listed.
    pub event_count: usize,
    /// Every label, section heading and footer text, by id (`labels.section_new.text`).
    pub labels: BTreeMap<String, Text>,
    /// "No events announced for the next N weeks".
    pub no_events: Text,
    /// This week's posts other than recaps: announcements, calls for speakers,
    /// registrations, articles, others, in that order, oldest first within a kind.
    pub new_posts: Vec<PostView>,
    /// Upcoming events of the next weeks, by date.
    pub upcoming: Vec<EventView>,
    /// This week's recaps, with talks, speakers and slides.
    pub recaps: Vec<PostView>,
    /// Footer links.
    pub links: LinksView,
}

/// Footer links; absent ones are not shown.
#[derive(Debug, Serialize)]
pub struct LinksView {
    /// The web version of this edition (email only).
    pub web: Option<String>,
    /// The Atom feed.
    pub feed: Option<String>,
    /// This week's calendar (`events.ics`).
    pub calendar: Option<String>,
    /// The archive of past issues.
    pub archive: Option<String>,
    /// Where to unsubscribe.
    pub unsubscribe: Option<String>,
    /// The other editions of this issue.
    pub editions: Vec<EditionLink>,
    /// Web version, feed, calendar and archive, in that order, those that exist.
    pub footer: Vec<EditionLink>,
}

/// A labelled link.
#[derive(Debug, Serialize)]
pub struct EditionLink {
    /// Its text (`中文`, `English`, `网页版`…).
    pub label: Text,
    /// Its address.
    pub url: String,
}

/// One post.
#[derive(Debug, Serialize)]
pub struct PostView {
    /// Stable id.
    pub id: String,
    /// Title as published.
    pub title: String,
    /// The title in the other language, when known and the edition's reader needs it.
    pub title_alt: Option<String>,
    /// Link to the post.
    pub url: Option<String>,
    /// `zh` or `en`: the post's language.
    pub lang: &'static str,
    /// Names of the sources that carried it, joined with ", ".
    pub sources: String,
    /// Author, if known.
    pub author: Option<String>,
    /// Publication day, localized.
    pub date: Option<Text>,
    /// Kind code (`recap`, …).
    pub kind: &'static str,
    /// Kind, localized.
    pub kind_label: Text,
    /// Submission or registration deadline, localized.
    pub deadline: Option<Text>,
    /// The first ~160 characters of the text.
    pub summary: String,
    /// Events the post describes.
    pub events: Vec<EventView>,
    /// Talks the post describes.
    pub talks: Vec<TalkView>,
}

/// One event.
#[derive(Debug, Serialize)]
pub struct EventView {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The title in the other language, when known and needed.
    pub title_alt: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Day and time: `10月31日（周六）13:30–17:30 · Sat 31 Oct, 13:30–17:30`.
    pub when: Text,
    /// City, localized.
    pub city: Option<Text>,
    /// Venue.
    pub venue: Option<String>,
    /// Registration link.
    pub registration: Option<String>,
    /// The post that describes it.
    pub url: Option<String>,
    /// Its talks.
    pub talks: Vec<TalkView>,
    /// An earlier issue featured it with other details (shown with `label_updated`).
    pub updated: bool,
}

/// One talk.
#[derive(Debug, Serialize)]
pub struct TalkView {
    /// Title.
    pub title: String,
    /// Speakers joined with "、".
    pub speakers: String,
    /// Slides link.
    pub slides: Option<String>,
    /// Video link.
    pub video: Option<String>,
}

/// Kinds in the order "new this week" lists them.
const KIND_ORDER: [PostKind; 5] =
    [PostKind::Announcement, PostKind::CallForSpeakers, PostKind::Registration, PostKind::Article, PostKind::Other];

/// Builds one edition's data.
pub fn newsletter(issue: &Issue, edition: Edition, medium: Medium) -> NewsletterView {
    let c = issue.catalog;
    let config = issue.config;
    let (a, b) = (issue.week.first_day(), issue.week.last_day());
    let title = Text::new(config.title_zh.clone(), config.title_en.clone(), edition);
    let range = c.week_range(edition, a, b);
    let mut new_posts = Vec::new();
    let posts = || issue.posts.iter().zip(issue.summaries.iter().zip(issue.post_events));
    for kind in KIND_ORDER {
        new_posts.extend(posts().filter(|(p, _)| p.item.kind == kind).map(|(p, s)| post_view(issue, p, s, edition)));
    }
    let recaps: Vec<PostView> =
        posts().filter(|(p, _)| p.item.kind == PostKind::Recap).map(|(p, s)| post_view(issue, p, s, edition)).collect();
    let upcoming: Vec<EventView> = issue.upcoming.iter().map(|e| event_view(issue, e, edition)).collect();
    let counts = [("posts", Arg::Num(issue.posts.len() as i64)), ("events", Arg::Num(upcoming.len() as i64))];
    let preheader = c.text(edition, "preheader", &counts).text;
    NewsletterView {
        edition,
        medium,
        lang: edition.html_lang(),
        subject: format!("{} · {}", title.text, issue.week),
        title,
        week: issue.week.to_string(),
        week_start: a.to_string(),
        week_end: b.to_string(),
        range,
        preheader,
        post_count: issue.posts.len(),
        event_count: upcoming.len(),
        labels: c.labels(edition),
        no_events: c.text(edition, "label-no-events", &[("weeks", Arg::Num(i64::from(config.upcoming_weeks)))]),
        new_posts,
        upcoming,
        recaps,
        links: links(issue, edition, medium),
    }
}

/// Turns the serialized view of `edition` for one medium into that for `medium`: only
/// `medium` and `links` depend on it, so the posts and events are not built and serialized
/// again for the email.
pub fn switch_medium(data: &mut serde_json::Value, issue: &Issue, edition: Edition, medium: Medium) {
    if let Some(map) = data.as_object_mut() {
        // Serializing these plain enums and structs cannot fail.
        map.insert("medium".into(), serde_json::to_value(medium).unwrap_or_default());
        map.insert("links".into(), serde_json::to_value(links(issue, edition, medium)).unwrap_or_default());
    }
}

fn links(issue: &Issue, edition: Edition, medium: Medium) -> LinksView {
    let config = issue.config;
    let week = issue.week.to_string();
    let page = |e: Edition| format!("index{}.html", e.infix());
    let unsubscribe = config
        .email
        .unsubscribe_url
        .as_ref()
        .map(|u| u.to_string())
        .or_else(|| config.email.unsubscribe_mailto.as_ref().map(|m| format!("mailto:{m}?subject=unsubscribe")));
    let abs = |path: &str| config.site_url.as_ref().and_then(|u| u.join(path).ok()).map(|u| u.to_string());
    let (web, feed, calendar, archive, edition_url): (_, _, _, _, Box<dyn Fn(Edition) -> Option<String>>) = match medium
    {
        Medium::Web => (
            None,
            Some("../feed.atom".to_string()),
            Some("events.ics".to_string()),
            Some("../index.html".to_string()),
            Box::new(|e| Some(page(e))),
        ),
        Medium::Email => (
            abs(&format!("{week}/{}", page(edition))),
            abs("feed.atom"),
            abs(&format!("{week}/events.ics")),
            abs("index.html"),
            Box::new(|e| abs(&format!("{week}/{}", page(e)))),
        ),
    };
    let editions = Edition::ALL
        .into_iter()
        .filter(|e| *e != edition)
        .filter_map(|e| {
            let label = issue.catalog.text(edition, &format!("edition-{}", e.code()), &[]);
            edition_url(e).map(|url| EditionLink { label, url })
        })
        .collect();
    let footer =
        [("footer-web", &web), ("footer-feed", &feed), ("footer-calendar", &calendar), ("footer-archive", &archive)]
            .into_iter()
            .filter_map(|(id, url)| {
                url.clone().map(|url| EditionLink { label: issue.catalog.text(edition, id, &[]), url })
            })
            .collect();
    LinksView { web, feed, calendar, archive, unsubscribe, editions, footer }
}

/// The title in the other language when this edition's reader needs it.
fn alt_title(issue: &Issue, title: &str, lang: Lang, edition: Edition) -> Option<String> {
    let needed = edition == Edition::Both || !edition.reads(super::glossary::title_lang(title, lang));
    needed.then(|| issue.alt_titles.get(title).cloned()).flatten()
}

/// The summary shown for each post (plain text of its body, at most 160 characters).
pub fn summaries(posts: &[Post]) -> Vec<String> {
    posts.iter().map(|p| summary(&p.item.parsed.content_html.raw(), 160)).collect()
}

/// The events of each post on its own, as its entry in the newsletter shows them.
pub fn post_events(posts: &[Post]) -> Vec<Vec<EventEntry>> {
    posts.iter().map(|p| super::events::collect(std::slice::from_ref(p))).collect()
}

fn post_view(issue: &Issue, post: &Post, (summary, events): (&String, &Vec<EventEntry>), edition: Edition) -> PostView {
    let c = issue.catalog;
    let p = &post.item.parsed;
    let day = p.published.or(p.updated).map(|t| super::local_date(t, issue.config.timezone));
    let kind = post.item.kind;
    let kind_id = format!("kind-{}", kind.code());
    let date_text = |d: NaiveDate| Text::new(c.date(Lang::Zh, d), c.date(Lang::En, d), edition);
    PostView {
        id: post.id.clone(),
        title: p.title.clone(),
        title_alt: alt_title(issue, &p.title, post.item.lang, edition),
        url: p.url.as_ref().map(|u| u.to_string()),
        lang: post.item.lang.code(),
        sources: post.sources.join(", "),
        author: p.author.clone(),
        date: day.map(date_text),
        kind: kind.code(),
        kind_label: c.text(edition, &kind_id, &[]),
        deadline: deadline(&post.item).map(date_text),
        summary: summary.clone(),
        events: events.iter().map(|e| event_view(issue, e, edition)).collect(),
        talks: post.item.talks.iter().map(talk_view).collect(),
    }
}

/// The deadline (截止) the post gives for its event, if any.
fn deadline(item: &Item) -> Option<NaiveDate> {
    item.events.iter().find_map(|e| e.deadline)
}

fn event_view(issue: &Issue, entry: &EventEntry, edition: Edition) -> EventView {
    let c = issue.catalog;
    let e = &entry.event;
    EventView {
        id: entry.id.clone(),
        title: e.title.clone(),
        title_alt: alt_title(issue, &e.title, entry.lang, edition),
        date: e.date.to_string(),
        when: c.when(edition, e.date, e.start, e.end),
        city: e.city.as_ref().map(|city| c.city(edition, city)),
        venue: e.venue.clone(),
        registration: e.registration.as_ref().map(|u| u.to_string()),
        url: entry.post_url.as_ref().map(|u| u.to_string()),
        talks: entry.talks.iter().map(talk_view).collect(),
        updated: entry.updated,
    }
}

fn talk_view(t: &Talk) -> TalkView {
    TalkView {
        title: t.title.clone(),
        speakers: t.speakers.join("、"),
        slides: t.slides.as_ref().map(|u| u.to_string()),
        video: t.video.as_ref().map(|u| u.to_string()),
    }
}

/// The days of the upcoming window after `week`: its next Monday through `weeks` weeks on.
pub fn upcoming_window(week: Week, weeks: u32) -> (NaiveDate, NaiveDate) {
    let from = week.last_day() + Duration::days(1);
    (from, from + Duration::days(7 * i64::from(weeks.max(1)) - 1))
}
