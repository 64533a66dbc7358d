//! The events a newsletter lists and the calendars carry: every event of the given posts,
//! with the talks that belong to it and the post it came from, merged across posts that
//! describe the same meetup, sorted by day and time.
//!
//! [`collect`] is the one seam between posts and the event list.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use url::Url;

use crate::dedup::{self, Post};
use crate::extract::{City, Event, Lang, Talk};

/// One event with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct EventEntry {
    /// The event.
    pub event: Event,
    /// Its talks.
    pub talks: Vec<Talk>,
    /// The post that describes it (the first one, when several do).
    pub post_url: Option<Url>,
    /// That post's title.
    pub post_title: String,
    /// That post's language.
    pub lang: Lang,
    /// Stable id (16 hex digits) from the day, city and title.
    pub id: String,
    /// An earlier issue featured it with other details (day, time, venue, talks, slides).
    pub updated: bool,
}

impl EventEntry {
    /// What a reader would notice changing: day, times, city, venue, registration, and the
    /// talks with their speakers and slides.
    pub fn fingerprint(&self) -> String {
        let e = &self.event;
        let mut text = format!(
            "{}|{:?}|{:?}|{:?}|{:?}|{:?}",
            e.date,
            e.start,
            e.end,
            e.city.as_ref().map(|c| &c.en),
            e.venue,
            e.registration.as_ref().map(Url::as_str)
        );
        for t in &self.talks {
            text.push_str(&format!("|{}:{}:{:?}", t.title, t.speakers.join(","), t.slides.as_ref().map(Url::as_str)));
        }
        dedup::key_id(&text)
    }

    /// Start time, for sorting (all-day events first).
    fn start(&self) -> Option<NaiveTime> {
        self.event.start
    }
}

/// Drops the entries an earlier issue already featured unchanged, and marks the changed ones
/// as updated. `before` maps ids to the fingerprints they were featured with.
pub fn unseen_or_changed(
    entries: Vec<EventEntry>,
    before: &std::collections::HashMap<String, String>,
) -> Vec<EventEntry> {
    entries
        .into_iter()
        .filter_map(|mut e| match before.get(&e.id) {
            Some(fp) if *fp == e.fingerprint() => None,
            Some(_) => {
                e.updated = true;
                Some(e)
            }
            None => Some(e),
        })
        .collect()
}

/// The events of `posts`, one entry per meetup (merged across posts by
/// [`dedup::merge_events`], so ids match `digest export`), sorted by day, start time and title.
pub fn collect(posts: &[Post]) -> Vec<EventEntry> {
    let (events, talks) = dedup::merge_events(posts);
    // Link → the first post carrying it, and event id → its talks, each built once: looking
    // them up per event was quadratic (seconds over a store of 30k posts).
    let mut by_link: HashMap<&str, &Post> = HashMap::new();
    for p in posts {
        for u in p.urls() {
            by_link.entry(u.as_str()).or_insert(p);
        }
    }
    let post_of = |link: &str| by_link.get(link).copied();
    let mut talks_of: HashMap<&str, Vec<&dedup::MergedTalk>> = HashMap::new();
    for t in &talks {
        if let Some(id) = t.event_id.as_deref() {
            talks_of.entry(id).or_default().push(t);
        }
    }
    let mut out: Vec<EventEntry> = events
        .into_iter()
        .map(|m| {
            let sources: Vec<&Post> = m.sources.iter().filter_map(|s| post_of(s)).collect();
            // What the merged event does not carry, from the posts' own statements of it.
            let stated: Vec<&Event> = sources
                .iter()
                .flat_map(|p| p.item.events.iter())
                .filter(|e| e.date == m.date || m.history.iter().any(|c| c.from == e.date.to_string()))
                .collect();
            let first = sources.first();
            let event = Event {
                title: m.title,
                date: m.date,
                start: m.start,
                end: m.end,
                city: m.city.map(|en| City { en, zh: m.city_zh.unwrap_or_default() }),
                venue: m.venue,
                registration: m.registration,
                organizer: stated.iter().find_map(|e| e.organizer.clone()),
                source: first.and_then(|p| p.item.parsed.url.clone()),
                public: stated.iter().find_map(|e| e.public),
                deadline: stated.iter().find_map(|e| e.deadline),
            };
            let talks = talks_of
                .get(m.id.as_str())
                .into_iter()
                .flatten()
                .map(|t| Talk {
                    title: t.title.clone(),
                    speakers: t.speakers.clone(),
                    slides: t.slides.clone(),
                    video: None,
                    transcript: None,
                    event: None,
                })
                .collect();
            EventEntry {
                event,
                talks,
                post_url: first.and_then(|p| p.item.parsed.url.clone()),
                post_title: first.map(|p| p.item.parsed.title.clone()).unwrap_or_default(),
                lang: first.map_or(Lang::Zh, |p| p.item.lang),
                id: m.id,
                updated: false,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.event.date, a.start(), &a.event.title, &a.id).cmp(&(b.event.date, b.start(), &b.event.title, &b.id))
    });
    out
}

/// The entries dated within `[from, to]`.
pub fn between(entries: &[EventEntry], from: NaiveDate, to: NaiveDate) -> Vec<EventEntry> {
    entries.iter().filter(|e| e.event.date >= from && e.event.date <= to).cloned().collect()
}
