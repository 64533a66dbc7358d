//! The events a newsletter lists and the calendars carry: every event of the given posts,
//! with the talks that belong to it and the post it came from, merged across posts that
//! describe the same meetup, sorted by day and time.
//!
//! [`collect`] is the one seam between posts and the event list: when cross-post merging
//! lands in `dedup`, it is the only function to switch.

use chrono::{NaiveDate, NaiveTime};
use url::Url;

use crate::dedup::{Post, key_id};
use crate::extract::{Event, Lang, Talk};

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
}

impl EventEntry {
    /// Start time, for sorting (all-day events first).
    fn start(&self) -> Option<NaiveTime> {
        self.event.start
    }
}

/// The events of `posts`, one entry per meetup, sorted by day, start time and title.
pub fn collect(posts: &[Post]) -> Vec<EventEntry> {
    let mut out: Vec<EventEntry> = Vec::new();
    for post in posts {
        let item = &post.item;
        let single = item.events.len() == 1;
        for (i, event) in item.events.iter().enumerate() {
            let talks: Vec<Talk> = item
                .talks
                .iter()
                .filter(|t| t.event == Some(i) || (single && t.event.is_none()))
                .cloned()
                .collect();
            let entry = EventEntry {
                id: key_id(&format!(
                    "{}|{}|{}",
                    event.date,
                    event.city.as_ref().map_or("", |c| c.en.as_str()),
                    event.title
                )),
                event: event.clone(),
                talks,
                post_url: item.parsed.url.clone(),
                post_title: item.parsed.title.clone(),
                lang: item.lang,
            };
            match out.iter_mut().find(|e| same_meetup(&e.event, event)) {
                Some(known) => absorb(known, entry),
                None => out.push(entry),
            }
        }
    }
    out.sort_by(|a, b| {
        (a.event.date, a.start(), &a.event.title, &a.id).cmp(&(b.event.date, b.start(), &b.event.title, &b.id))
    });
    out
}

/// The entries dated within `[from, to]`.
pub fn between(entries: &[EventEntry], from: NaiveDate, to: NaiveDate) -> Vec<EventEntry> {
    entries.iter().filter(|e| e.event.date >= from && e.event.date <= to).cloned().collect()
}

/// Two posts describe the same meetup when the day and city agree (or one lacks a city) and
/// the start times do not disagree.
fn same_meetup(a: &Event, b: &Event) -> bool {
    let city = match (&a.city, &b.city) {
        (Some(x), Some(y)) => x.en == y.en,
        _ => true,
    };
    let start = match (a.start, b.start) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    a.date == b.date && city && start
}

/// Fills what `known` lacks from `other` and adds talks it does not have.
fn absorb(known: &mut EventEntry, other: EventEntry) {
    let e = &mut known.event;
    let o = other.event;
    e.start = e.start.or(o.start);
    e.end = e.end.or(o.end);
    e.city = e.city.take().or(o.city);
    e.venue = e.venue.take().or(o.venue);
    e.registration = e.registration.take().or(o.registration);
    for t in other.talks {
        if !known.talks.iter().any(|k| k.title == t.title) {
            known.talks.push(t);
        }
    }
}
