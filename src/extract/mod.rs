//! Stage 4: understand a post: its language, what kind of post it is, and the events and
//! talks it describes.

pub mod city;
pub mod date;
mod dom;
pub mod events;
mod fasthtml;
mod gate;
pub mod kind;
mod label;
pub mod names;
pub mod schedule;
pub mod slides;
pub mod talks;
mod talks_links;
mod talks_prose;
mod talks_roster;
mod talks_title;
#[cfg(test)]
mod tests;
pub mod text;

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::SourceConfig;
use crate::parse::{ParsedItem, Timestamp};

pub use city::CityTable;
pub use slides::{abstract_and_keywords, clean_slide_text};

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
    /// Who organizes it (主办方).
    pub organizer: Option<String>,
    /// The post it was found in.
    pub source: Option<Url>,
    /// Open to the public (true), closed-door (false), or unknown.
    pub public: Option<bool>,
    /// A submission or registration deadline (截止) the post gives for it (not an event).
    pub deadline: Option<NaiveDate>,
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
    /// Video link.
    pub video: Option<Url>,
    /// Transcript (速记) link.
    pub transcript: Option<Url>,
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

/// Analyzes one parsed post from `source`, with the built-in city table.
pub fn analyze(parsed: ParsedItem, source: &SourceConfig) -> Item {
    static CITIES: LazyLock<CityTable> = LazyLock::new(CityTable::default);
    analyze_with(parsed, source, &CITIES)
}

/// The publication day of a post (its update day when it has no publication date).
pub fn published_day(parsed: &ParsedItem) -> Option<NaiveDate> {
    match parsed.published.or(parsed.updated)? {
        Timestamp::At(t) => Some(t.date_naive()),
        Timestamp::Day(d) => Some(d),
    }
}

/// Analyzes one parsed post with a city table that may carry per-source names.
pub fn analyze_with(parsed: ParsedItem, source: &SourceConfig, cities: &CityTable) -> Item {
    let doc = text::parse_body(&parsed.content_html);
    let (lang, dated) = detect_lang(&parsed, source, &doc);
    let dated = dated.as_deref();
    let published = published_day(&parsed);
    let post = events::PostInfo {
        title: &parsed.title,
        categories: &parsed.categories,
        published,
        city_hint: source.city.as_deref(),
        url: parsed.url.as_ref(),
    };
    // An article that tells of no gathering has no events: none are looked for.
    let mut evs = Vec::new();
    if !events::is_article_without_gathering(&parsed.title, &doc) {
        // The city hint is looked for only when a schedule row needs it (the search over title,
        // categories and URL took ~5% of extraction instructions).
        let hint = || events::event_city(cities, &post, None, None);
        evs = schedule::schedule_events(&doc, published, cities, hint);
        for e in &mut evs {
            e.source = parsed.url.clone();
        }
        if evs.is_empty() {
            evs.extend(events::main_event(&doc, &post, cities, dated));
        }
    }
    // A day long before the post is history it mentions ("沙龙始于2009年8月8日"), not its event.
    if let Some(p) = published {
        evs.retain(|e| (p - e.date).num_days() <= events::STALE_DAYS);
    }
    let kind = kind::after_the_fact(
        kind::classify(&parsed.title, &parsed.categories, &doc, !evs.is_empty()),
        evs.iter().map(|e| e.date),
        published,
    );
    if kind == PostKind::Article {
        evs.clear();
    }
    // Articles and other posts list no talks: none are looked for (a third of the cost of
    // extracting a post, where most posts are neither).
    let mut found_talks = match kind {
        PostKind::Article | PostKind::Other => Vec::new(),
        _ => talks::find_talks(&doc),
    };
    if evs.len() == 1 {
        for t in &mut found_talks {
            t.event = Some(0);
        }
    }
    if let [e] = evs.as_mut_slice() {
        e.deadline = events::deadline(&doc, published, dated);
    }
    Item { source: source.name.clone(), parsed, lang, kind, events: evs, talks: found_talks }
}

/// What one pass over a text tells: its Han characters and Latin words (see [`script_counts`]),
/// and what [`date::may_hold_date`] looks for in its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    han: usize,
    words: usize,
    /// A byte is an ASCII digit.
    digit: bool,
    /// A byte leads a character outside ASCII, U+2000–U+9FFF and U+F000–U+FFFF.
    other: bool,
}

/// Han characters and Latin words in `text`, counted over pairs of adjacent bytes without
/// branches, in blocks of 32 pairs (the compiler vectorizes a block; decoding every character,
/// this was 1.7% of a run's CPU, and a loop over slices of any length left the bytes after its
/// last 16 to a scalar loop, which on lines of a few dozen bytes were most of them). A word
/// starts at an ASCII letter after a byte that is none (every byte of a character outside
/// ASCII is none, and such a character ends a word). A Han character (U+3400–U+4DBF,
/// U+4E00–U+9FFF) starts with a lead byte 0xE3–0xE9, which no other byte is: 0xE5–0xE9 always;
/// 0xE4 unless the next byte is 0xB7 (U+4DC0–U+4DFF); 0xE3 when the next byte is 0x90 or more
/// (U+3400 on). The same pass finds the bytes [`date::may_hold_date`] looks for (every byte is
/// an `x` once), so that lines are not read again for it: that was 11.4 M instructions of the
/// 30-feed fetch, and adds about a third to this loop's.
fn script_counts(text: &str) -> Scan {
    let b = text.as_bytes();
    let letter = |x: u8| (x | 0x20).wrapping_sub(b'a') < 26;
    let Some(&first) = b.first() else { return Scan { han: 0, words: 0, digit: false, other: false } };
    // Han characters and word starts among the pairs (x[k], y[k]); digits and other lead bytes.
    let block = |x: &[u8; 32], y: &[u8; 32]| {
        let (mut h, mut w, mut d, mut o) = (0u8, 0u8, 0u8, 0u8);
        for k in 0..32 {
            let (x, y) = (x[k], y[k]);
            w += u8::from(letter(y) & !letter(x));
            h += u8::from((0xe5..=0xe9).contains(&x) | ((x == 0xe4) & (y != 0xb7)) | ((x == 0xe3) & (y >= 0x90)));
            d |= u8::from(x.wrapping_sub(b'0') < 10);
            o |= u8::from(x >= 0xc0) & u8::from(x.wrapping_sub(0xe2) > 7) & u8::from(x != 0xef);
        }
        Scan { han: usize::from(h), words: usize::from(w), digit: d != 0, other: o != 0 }
    };
    let mut sum = Scan { han: 0, words: usize::from(letter(first)), digit: false, other: false };
    let mut add = |s: Scan| {
        sum.han += s.han;
        sum.words += s.words;
        sum.digit |= s.digit;
        sum.other |= s.other;
    };
    let mut i = 0;
    while let (Some(x), Some(y)) = (b.get(i..i + 32), b.get(i + 1..i + 33)) {
        add(block(x.try_into().expect("32 bytes"), y.try_into().expect("32 bytes")));
        i += 32;
    }
    // The last pairs, padded with zeros (neither a letter nor a lead byte). The last byte of the
    // text, which starts no pair, is paired with a zero: it is no letter after which one
    // follows, and no lead byte (a lead byte is followed by the rest of its character).
    let mut tail = [0u8; 33];
    tail[..b.len() - i].copy_from_slice(&b[i..]);
    let (x, y) = (tail[..32].try_into().expect("32 bytes"), tail[1..].try_into().expect("32 bytes"));
    add(block(x, y));
    sum
}

/// The source's configured language when there is one; else the item's own declaration
/// unless the text clearly says otherwise; else Han characters vs Latin words in the text
/// (tags stripped: `doc`, the parsed content). A channel-level `en-us` on Chinese posts (techparty) is not trusted.
/// With the language from the text, also [`date::may_hold_date`] of each line, found in the
/// same pass.
fn detect_lang(parsed: &ParsedItem, source: &SourceConfig, doc: &text::Doc) -> (Lang, Option<Vec<bool>>) {
    let code = |c: &str| {
        let c = c.to_ascii_lowercase();
        if c.starts_with("zh") {
            Some(Lang::Zh)
        } else if c.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    };
    if let Some(l) = source.lang.as_deref().and_then(code) {
        return (l, None);
    }
    // Counted line by line: words never run across a line break, so this is the count over
    // the title and `doc.plain()` joined, without building that string.
    let title = script_counts(&parsed.title);
    let (mut han, mut words) = (title.han, title.words);
    let mut dated = Vec::with_capacity(doc.lines.len());
    for line in &doc.lines {
        let s = script_counts(&line.text);
        han += s.han;
        words += s.words;
        dated.push(date::may_hold_date_given(&line.text, s.digit, s.other));
    }
    // A Han character is about half a word of content.
    let by_text = if han > 0 && han >= words { Lang::Zh } else { Lang::En };
    let clear = han.max(words) >= 20 && (han >= 4 * words.max(1) || words >= 4 * han.max(1));
    let lang = match parsed.lang.as_deref().and_then(code) {
        Some(declared) if !clear => declared,
        _ => by_text,
    };
    (lang, Some(dated))
}
