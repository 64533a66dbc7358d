//! Stage 4: understand a post: its language, what kind of post it is, and the events and
//! talks it describes.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::SourceConfig;
use crate::parse::ParsedItem;

/// Language of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// "zh" or "en".
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// What a post is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// Call for speakers (演讲征集).
    CallForSpeakers,
    /// An event is announced.
    Announcement,
    /// Registration is open (报名).
    Registration,
    /// Looking back at an event (总结, 回顾).
    Recap,
    /// A technical article.
    Article,
    /// Anything else (site news, notes).
    Other,
}

impl PostKind {
    /// The snake_case name used in exports.
    pub fn code(self) -> &'static str {
        match self {
            PostKind::CallForSpeakers => "call_for_speakers",
            PostKind::Announcement => "announcement",
            PostKind::Registration => "registration",
            PostKind::Recap => "recap",
            PostKind::Article => "article",
            PostKind::Other => "other",
        }
    }
}

/// A city in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct City {
    /// English name, e.g. "Guangzhou".
    pub en: String,
    /// Chinese name, e.g. "广州".
    pub zh: String,
}

/// A meetup found in a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Title (the post's, or the schedule row's activity).
    pub title: String,
    /// Day of the event.
    pub date: NaiveDate,
    /// Start time, local to the event.
    pub start: Option<NaiveTime>,
    /// End time, local to the event.
    pub end: Option<NaiveTime>,
    /// City.
    pub city: Option<City>,
    /// Venue (地点/场地).
    pub venue: Option<String>,
    /// Registration link.
    pub registration: Option<Url>,
}

/// A talk found in a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Talk {
    /// Title without 《》.
    pub title: String,
    /// Speakers.
    pub speakers: Vec<String>,
    /// Slides link.
    pub slides: Option<Url>,
    /// Video or transcript link.
    pub video: Option<Url>,
    /// Index into the post's `events` of the event the talk belongs to.
    pub event: Option<usize>,
}

/// A post with what was understood of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Name of the source it came from.
    pub source: String,
    /// The post as parsed.
    pub parsed: ParsedItem,
    /// Its language.
    pub lang: Lang,
    /// What kind of post it is.
    pub kind: PostKind,
    /// Events it describes.
    pub events: Vec<Event>,
    /// Talks it describes.
    pub talks: Vec<Talk>,
}

/// Analyzes one parsed post from `source`.
pub fn analyze(parsed: ParsedItem, source: &SourceConfig) -> Item {
    let lang = detect_lang(&parsed, source);
    Item { source: source.name.clone(), parsed, lang, kind: PostKind::Other, events: Vec::new(), talks: Vec::new() }
}

/// The declared language when there is one (source hint, then the item's), else Chinese when
/// Han characters make up a noticeable share of the letters.
fn detect_lang(parsed: &ParsedItem, source: &SourceConfig) -> Lang {
    let declared = parsed.lang.as_deref().or(source.lang.as_deref());
    if let Some(code) = declared {
        let code = code.to_ascii_lowercase();
        if code.starts_with("zh") {
            return Lang::Zh;
        }
        if code.starts_with("en") && source.lang.is_some() {
            return Lang::En;
        }
    }
    let text = format!("{} {}", parsed.title, parsed.content_html);
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    // A Han character carries roughly a word; ~5 Latin letters make one.
    if han * 5 >= latin / 4 && han > 0 { Lang::Zh } else { Lang::En }
}
