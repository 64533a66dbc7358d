//! Events and talks across posts: the call for speakers, the registration post and the recap
//! of one salon become one [`MergedEvent`] with the best-known fields and every source link;
//! a talk listed in the announcement and in the recap becomes one [`MergedTalk`].
//!
//! Event instances (an event found in a post) are joined when they are on the same day in a
//! compatible city with compatible titles, when they share a registration link, or when a post
//! announcing a change (延期, 改期, …) names a nearby day in the same city for the same topic.
//! A changed date or venue becomes a [`Change`] in the event's history.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use super::events_match::{cluster_instances, topic};
use super::text::{bigram_dice, normalize};
use super::{Post, canonical_url, key_id};
use crate::extract::{Event, PostKind, Talk};

/// One event, merged from every post that mentions it. Serializes to the export shape
/// `{ id, title, date, start, end, city, city_zh, venue, sources }` (plus `registration` and
/// `history` when known).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedEvent {
    /// Stable id: hash of the first-announced date, the city and the topic of the first post.
    pub id: String,
    /// Title, from the registration or announcement post when there is one.
    pub title: String,
    /// Day (the latest announced one).
    pub date: NaiveDate,
    /// Start time, "HH:MM".
    #[serde(with = "hhmm")]
    pub start: Option<NaiveTime>,
    /// End time, "HH:MM".
    #[serde(with = "hhmm")]
    pub end: Option<NaiveTime>,
    /// City in English.
    pub city: Option<String>,
    /// City in Chinese.
    pub city_zh: Option<String>,
    /// Venue, the most specific known.
    pub venue: Option<String>,
    /// Links of the posts that describe it, oldest first.
    pub sources: Vec<String>,
    /// Registration link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<Url>,
    /// Changes of date, time or venue, in the order they were announced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
}

/// A field of an event that a later post changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// "date", "start", "end" or "venue".
    pub field: String,
    /// The value before.
    pub from: String,
    /// The value after.
    pub to: String,
    /// Link of the post that announced it.
    pub source: String,
}

/// One talk, merged from every post that lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedTalk {
    /// Stable id: hash of the event id (or the first post's key) and the normalized title.
    pub id: String,
    /// Title, as first announced.
    pub title: String,
    /// Speakers, every name seen.
    pub speakers: Vec<String>,
    /// Slides link.
    pub slides: Option<Url>,
    /// The [`MergedEvent::id`] of its event.
    pub event_id: Option<String>,
    /// Links of the posts that list it.
    pub sources: Vec<String>,
}

/// An event as one post states it.
pub(crate) struct Instance<'a> {
    pub post: usize,
    pub event: &'a Event,
    pub published: Option<NaiveDate>,
    pub kind: PostKind,
    pub post_title: &'a str,
    pub url: String,
    /// [`topic`] of the post's title and the event's, made once (clustering compares it,
    /// and the merged event's id hashes the first instance's).
    pub topic: String,
}

/// The link of a post, as listed in `sources`.
fn post_url(p: &Post) -> String {
    p.item.parsed.url.as_ref().map_or_else(|| p.key.clone(), |u| u.to_string())
}

/// How much a kind of post is trusted for the event's practical details (time, venue, title).
fn authority(kind: PostKind) -> u8 {
    match kind {
        PostKind::Registration => 4,
        PostKind::Announcement => 3,
        PostKind::CallForSpeakers => 2,
        PostKind::Recap => 1,
        PostKind::Article | PostKind::Other => 0,
    }
}

/// Trailing words that say what the post is, not what the event is.
const TITLE_TAILS: &[&str] = &[
    "开始接受报名",
    "开始报名",
    "报名开始",
    "开放报名",
    "演讲征集",
    "主题征集",
    "活动总结",
    "总结",
    "回顾",
    "报名",
    "！",
    "!",
];

fn clean_title(t: &str) -> String {
    let mut t = t.trim().trim_end_matches(['-', '－', ' ', '—']).to_string();
    loop {
        let before = t.len();
        for tail in TITLE_TAILS {
            if let Some(s) = t.strip_suffix(tail) {
                t = s.trim_end_matches(['-', '－', ' ', '—', ':', '：']).to_string();
            }
        }
        if t.len() == before {
            return t;
        }
    }
}

/// Merges the events and talks of `posts`: events ordered by date, talks grouped by event in
/// the order their events were first seen, then the talks of posts without an event.
pub fn merge_events(posts: &[Post]) -> (Vec<MergedEvent>, Vec<MergedTalk>) {
    let mut inst: Vec<Instance<'_>> = Vec::new();
    for (pi, p) in posts.iter().enumerate() {
        for e in &p.item.events {
            inst.push(Instance {
                post: pi,
                event: e,
                published: p.item.parsed.published.or(p.item.parsed.updated).map(|t| t.date()),
                kind: p.item.kind,
                post_title: &p.item.parsed.title,
                url: post_url(p),
                topic: topic(&p.item.parsed.title, &e.title),
            });
        }
    }
    let groups = cluster_instances(&inst);
    let mut events = Vec::with_capacity(groups.len());
    let mut talks = Vec::new();
    let mut event_of: Vec<Option<usize>> = vec![None; inst.len()];
    for group in &groups {
        let mut members: Vec<&Instance<'_>> = group.iter().map(|&i| &inst[i]).collect();
        members.sort_by_key(|m| (m.published.unwrap_or(NaiveDate::MIN), m.post));
        let ev = build_event(&members, posts);
        for &i in group {
            event_of[i] = Some(events.len());
        }
        events.push(ev);
    }
    // Talks, per merged event (or per post when the post has no event).
    let mut per_event: Vec<Vec<(usize, &Talk)>> = vec![Vec::new(); events.len()];
    let mut loose: Vec<(usize, &Talk)> = Vec::new();
    let mut base = 0;
    for (pi, p) in posts.iter().enumerate() {
        let n = p.item.events.len();
        for t in &p.item.talks {
            let idx = t.event.or(if n == 1 { Some(0) } else { None }).filter(|&e| e < n);
            match idx.and_then(|e| event_of[base + e]) {
                Some(ev) => per_event[ev].push((pi, t)),
                None => loose.push((pi, t)),
            }
        }
        base += n;
    }
    for (ev, list) in per_event.into_iter().enumerate() {
        let id = events[ev].id.clone();
        let topic_words = latin_words(&events[ev].title);
        talks.extend(merge_talks(&list, posts, Some(&id), &topic_words));
    }
    for (pi, t) in loose {
        talks.extend(merge_talks(&[(pi, t)], posts, None, &[]));
    }
    events.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    (events, talks)
}

fn build_event(members: &[&Instance<'_>], posts: &[Post]) -> MergedEvent {
    let first = members[0];
    let best = members.iter().max_by_key(|m| (authority(m.kind), m.published)).copied().unwrap_or(first);
    let mut ev = MergedEvent {
        id: String::new(),
        title: clean_title(if best.event.title.trim().is_empty() { best.post_title } else { &best.event.title }),
        date: first.event.date,
        start: None,
        end: None,
        city: None,
        city_zh: None,
        venue: None,
        sources: Vec::new(),
        registration: None,
        history: Vec::new(),
    };
    let city = members.iter().find_map(|m| m.event.city.clone());
    ev.city = city.as_ref().map(|c| c.en.clone());
    ev.city_zh = city.map(|c| c.zh);
    ev.id = key_id(&format!("event:{}:{}:{}", first.event.date, ev.city.as_deref().unwrap_or(""), first.topic));
    for m in members {
        let e = m.event;
        let mut note = |field: &str, from: String, to: String| {
            ev.history.push(Change { field: field.into(), from, to, source: m.url.clone() });
        };
        if e.date != ev.date {
            note("date", ev.date.to_string(), e.date.to_string());
            ev.date = e.date;
        }
        for (field, new, slot) in [("start", e.start, &mut ev.start), ("end", e.end, &mut ev.end)] {
            if let Some(t) = new {
                if let Some(old) = *slot
                    && old != t
                    && authority(m.kind) >= 2
                {
                    note(field, old.format("%H:%M").to_string(), t.format("%H:%M").to_string());
                    *slot = Some(t);
                } else if slot.is_none() {
                    *slot = Some(t);
                }
            }
        }
        if let Some(v) = e.venue.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            match ev.venue.as_deref() {
                None => ev.venue = Some(v.to_string()),
                Some(old) if normalize(old).contains(&normalize(v)) => {}
                Some(old) if normalize(v).contains(&normalize(old)) => ev.venue = Some(v.to_string()),
                Some(old) => {
                    note("venue", old.to_string(), v.to_string());
                    ev.venue = Some(v.to_string());
                }
            }
        }
        if ev.registration.is_none() {
            ev.registration = e.registration.clone();
        }
        let p = &posts[m.post];
        for u in
            std::iter::once(m.url.clone()).chain(p.alternates.iter().filter_map(|a| a.url.as_ref().map(Url::to_string)))
        {
            if !ev.sources.contains(&u) {
                ev.sources.push(u);
            }
        }
    }
    ev
}

/// Latin words (4+ letters) of a title, lowercased.
fn latin_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 4 && w.bytes().any(|b| b.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// How well two talk titles match (0 when they do not): equal, one containing the other,
/// similar bigrams, or a distinctive Latin word in common.
fn talk_score(a: &str, b: &str, topic_words: &[String]) -> f32 {
    let (na, nb) = (normalize(a), normalize(b));
    if na.is_empty() || nb.is_empty() {
        return 0.0;
    }
    if na == nb {
        return 1.0;
    }
    let shorter = na.chars().count().min(nb.chars().count());
    if shorter >= 4 && (na.contains(&nb) || nb.contains(&na)) {
        return 0.9;
    }
    let dice = bigram_dice(&na, &nb);
    if dice >= 0.5 {
        return dice;
    }
    let (wa, wb) = (latin_words(a), latin_words(b));
    if wa.iter().any(|w| w.len() >= 5 && !topic_words.contains(w) && wb.contains(w)) {
        return 0.5;
    }
    0.0
}

fn merge_talks(
    list: &[(usize, &Talk)],
    posts: &[Post],
    event_id: Option<&str>,
    topic_words: &[String],
) -> Vec<MergedTalk> {
    let mut out: Vec<MergedTalk> = Vec::new();
    let mut order: Vec<&(usize, &Talk)> = list.iter().collect();
    order.sort_by_key(|(pi, _)| (posts[*pi].item.parsed.published.map(|t| t.date()).unwrap_or(NaiveDate::MIN), *pi));
    // Which merged talk each post already fed, so two talks of one post never merge.
    let mut fed: Vec<Vec<usize>> = Vec::new();
    for &&(pi, t) in &order {
        let url = post_url(&posts[pi]);
        let best = out
            .iter()
            .enumerate()
            .filter(|(i, _)| !fed[*i].contains(&pi))
            .map(|(i, m)| (i, talk_score(&m.title, &t.title, topic_words)))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        let i = match best {
            Some((i, _)) => i,
            None => {
                let scope = event_id.map_or_else(|| posts[pi].key.clone(), str::to_string);
                out.push(MergedTalk {
                    id: key_id(&format!("talk:{scope}:{}", normalize(&t.title))),
                    title: t.title.trim().to_string(),
                    speakers: Vec::new(),
                    slides: None,
                    event_id: event_id.map(str::to_string),
                    sources: Vec::new(),
                });
                fed.push(Vec::new());
                out.len() - 1
            }
        };
        let m = &mut out[i];
        fed[i].push(pi);
        for s in &t.speakers {
            if !m.speakers.iter().any(|x| normalize(x) == normalize(s)) {
                m.speakers.push(s.trim().to_string());
            }
        }
        if m.slides.is_none() {
            m.slides = t.slides.clone();
        }
        if !m.sources.contains(&url) {
            m.sources.push(url);
        }
    }
    out
}

/// What a reader would want to know changed about an event since it was featured: date,
/// times, city, venue, registration link, and its talks' titles, speakers and slides. Equal
/// fingerprints mean nothing worth re-announcing changed.
pub fn fingerprint(event: &MergedEvent, talks: &[MergedTalk]) -> String {
    let mut h = Sha256::new();
    let t = |x: Option<NaiveTime>| x.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    h.update(format!(
        "{}|{}|{}|{}|{}|{}\n",
        event.date,
        t(event.start),
        t(event.end),
        event.city.as_deref().unwrap_or(""),
        normalize(event.venue.as_deref().unwrap_or("")),
        event.registration.as_ref().map(canonical_url).unwrap_or_default()
    ));
    let mut lines: Vec<String> = talks
        .iter()
        .filter(|k| k.event_id.as_deref() == Some(event.id.as_str()))
        .map(|k| {
            let mut sp: Vec<String> = k.speakers.iter().map(|s| normalize(s)).collect();
            sp.sort();
            format!(
                "{}|{}|{}",
                normalize(&k.title),
                sp.join(","),
                k.slides.as_ref().map(canonical_url).unwrap_or_default()
            )
        })
        .collect();
    lines.sort();
    h.update(lines.join("\n"));
    h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A post's fingerprint: its title, its normalized text and the links of its other versions.
/// A repost found later or a rewritten body changes it; whitespace or markup changes do not.
pub fn post_fingerprint(post: &Post) -> String {
    let mut h = Sha256::new();
    h.update(normalize(&post.item.parsed.title));
    h.update("\n");
    h.update(normalize(&post.item.parsed.content_html.visible_markup()));
    let mut alts: Vec<&str> = post.alternates.iter().map(|a| a.key.as_str()).collect();
    alts.sort_unstable();
    h.update(alts.join("\n"));
    h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `Option<NaiveTime>` as "HH:MM" or null.
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.format("%H:%M").to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveTime>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        Ok(v.and_then(|s| {
            NaiveTime::parse_from_str(&s, "%H:%M").or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M:%S")).ok()
        }))
    }
}
