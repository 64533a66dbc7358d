//! The template data: plain serializable structs built from stored posts. Every field is
//! listed in `templates/README.md`; keep the two in step.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use super::text::summary;
use crate::config::Config;
use crate::dedup::Post;
use crate::extract::{Event, PostKind, Talk};
use crate::parse::Timestamp;
use crate::week::Week;

/// Everything a newsletter template sees.
#[derive(Debug, Serialize)]
pub struct NewsletterView {
    /// Chinese title.
    pub title_zh: String,
    /// English title.
    pub title_en: String,
    /// `2015-W44`.
    pub week: String,
    /// Monday, `YYYY-MM-DD`.
    pub week_start: String,
    /// Sunday, `YYYY-MM-DD`.
    pub week_end: String,
    /// `2015年10月26日–11月1日`.
    pub range_zh: String,
    /// `26 Oct – 1 Nov 2015`.
    pub range_en: String,
    /// Number of posts this week.
    pub post_count: usize,
    /// Non-empty sections in a fixed order.
    pub sections: Vec<SectionView>,
}

/// A group of posts of related kinds.
#[derive(Debug, Serialize)]
pub struct SectionView {
    /// Stable key: `events`, `recaps`, `articles`, `other`.
    pub key: &'static str,
    /// Heading in Chinese.
    pub title_zh: &'static str,
    /// Heading in English.
    pub title_en: &'static str,
    /// Posts, oldest first.
    pub posts: Vec<PostView>,
}

/// One post.
#[derive(Debug, Serialize)]
pub struct PostView {
    /// Stable id.
    pub id: String,
    /// Title as published.
    pub title: String,
    /// Link to the post (absent for posts without one).
    pub url: Option<String>,
    /// Names of the sources that carried it, joined with ", ".
    pub sources: String,
    /// Author, if known.
    pub author: Option<String>,
    /// `YYYY-MM-DD` in the configured time zone.
    pub date: Option<String>,
    /// `10月26日（周一）`.
    pub date_zh: Option<String>,
    /// `Mon 26 Oct`.
    pub date_en: Option<String>,
    /// `zh` or `en`.
    pub lang: &'static str,
    /// Post kind code (`recap`, …).
    pub kind: &'static str,
    /// Post kind in Chinese.
    pub kind_zh: &'static str,
    /// Post kind in English.
    pub kind_en: &'static str,
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
    /// Title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `10月31日（周六）`.
    pub date_zh: String,
    /// `Sat 31 Oct`.
    pub date_en: String,
    /// `13:30–17:30`, `13:30` or absent.
    pub time: Option<String>,
    /// City in Chinese.
    pub city_zh: Option<String>,
    /// City in English.
    pub city_en: Option<String>,
    /// Venue.
    pub venue: Option<String>,
    /// Registration link.
    pub registration: Option<String>,
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
    /// Video or transcript link.
    pub video: Option<String>,
}

const SECTIONS: &[(&str, &str, &str)] = &[
    ("events", "活动预告", "Upcoming events"),
    ("recaps", "活动回顾", "Recaps"),
    ("articles", "文章", "Articles"),
    ("other", "其他", "Other posts"),
];

fn section_of(kind: PostKind) -> &'static str {
    match kind {
        PostKind::CallForSpeakers | PostKind::Announcement | PostKind::Registration => "events",
        PostKind::Recap => "recaps",
        PostKind::Article => "articles",
        PostKind::Other => "other",
    }
}

/// Chinese and English names of a post kind.
pub fn kind_names(kind: PostKind) -> (&'static str, &'static str) {
    match kind {
        PostKind::CallForSpeakers => ("讲师征集", "Call for speakers"),
        PostKind::Announcement => ("活动预告", "Announcement"),
        PostKind::Registration => ("报名", "Registration"),
        PostKind::Recap => ("回顾", "Recap"),
        PostKind::Article => ("文章", "Article"),
        PostKind::Other => ("其他", "Other"),
    }
}

/// Builds the newsletter data for a week from its posts (oldest first).
pub fn newsletter(config: &Config, week: Week, posts: &[Post]) -> NewsletterView {
    let tz = config.timezone;
    let sections = SECTIONS
        .iter()
        .filter_map(|&(key, title_zh, title_en)| {
            let posts: Vec<PostView> = posts
                .iter()
                .filter(|p| section_of(p.item.kind) == key)
                .map(|p| post_view(p, tz))
                .collect();
            (!posts.is_empty()).then_some(SectionView { key, title_zh, title_en, posts })
        })
        .collect();
    let (a, b) = (week.first_day(), week.last_day());
    NewsletterView {
        title_zh: config.title_zh.clone(),
        title_en: config.title_en.clone(),
        week: week.to_string(),
        week_start: a.to_string(),
        week_end: b.to_string(),
        range_zh: format!("{}年{}月{}日–{}月{}日", a.year(), a.month(), a.day(), b.month(), b.day()),
        range_en: format!("{} – {} {}", a.format("%-d %b"), b.format("%-d %b"), b.year()),
        post_count: posts.len(),
        sections,
    }
}

fn post_view(post: &Post, tz: Tz) -> PostView {
    let p = &post.item.parsed;
    let day = p.published.or(p.updated).map(|t| local_date(t, tz));
    let (kind_zh, kind_en) = kind_names(post.item.kind);
    PostView {
        id: post.id.clone(),
        title: p.title.clone(),
        url: p.url.as_ref().map(|u| u.to_string()),
        sources: post.sources.join(", "),
        author: p.author.clone(),
        date: day.map(|d| d.to_string()),
        date_zh: day.map(date_zh),
        date_en: day.map(date_en),
        lang: post.item.lang.code(),
        kind: post.item.kind.code(),
        kind_zh,
        kind_en,
        summary: summary(&p.content_html, 160),
        events: post.item.events.iter().map(event_view).collect(),
        talks: post.item.talks.iter().map(talk_view).collect(),
    }
}

fn event_view(e: &Event) -> EventView {
    EventView {
        title: e.title.clone(),
        date: e.date.to_string(),
        date_zh: date_zh(e.date),
        date_en: date_en(e.date),
        time: time_range(e.start, e.end),
        city_zh: e.city.as_ref().map(|c| c.zh.clone()),
        city_en: e.city.as_ref().map(|c| c.en.clone()),
        venue: e.venue.clone(),
        registration: e.registration.as_ref().map(|u| u.to_string()),
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

/// The local date of a timestamp in `tz` (a bare date is its own).
pub fn local_date(t: Timestamp, tz: Tz) -> NaiveDate {
    match t {
        Timestamp::At(d) => d.with_timezone(&tz).date_naive(),
        Timestamp::Day(d) => d,
    }
}

/// `10月31日（周六）`.
pub fn date_zh(d: NaiveDate) -> String {
    const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    format!("{}月{}日（周{}）", d.month(), d.day(), DAYS[d.weekday().num_days_from_monday() as usize])
}

/// `Sat 31 Oct`.
pub fn date_en(d: NaiveDate) -> String {
    let wd = match d.weekday() {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    };
    format!("{wd} {}", d.format("%-d %b"))
}

/// `13:30–17:30`, `13:30`, or nothing.
pub fn time_range(start: Option<NaiveTime>, end: Option<NaiveTime>) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) => Some(format!("{}–{}", s.format("%H:%M"), e.format("%H:%M"))),
        (Some(s), None) => Some(s.format("%H:%M").to_string()),
        _ => None,
    }
}
