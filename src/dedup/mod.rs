//! Stage 5: one entry per post. Items that are the same page (by canonical URL, or by a stable
//! guid when there is no link) merge into one [`Post`] that lists every source it came from;
//! near-duplicates (the same text republished, reposted on another site) and Chinese/English
//! twins are then folded into one post that lists every version as an [`Alternate`].
//! [`merge_events`] merges the events and talks of many posts.

mod canonical;
mod events;
mod events_match;
mod fold;
pub mod near;
mod par;
mod prepare;
pub mod text;
pub mod twins;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

pub use canonical::{canonical_url, canonical_url_with};
pub use events::{Change, MergedEvent, MergedTalk, fingerprint, merge_events, post_fingerprint};
pub use prepare::{Prepared, Preparer};

use crate::extract::{Item, Lang};

/// A post after merging: the best-known version of the item, and everywhere it was seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// Stable id: a hash of the canonical key, the same on every run and machine.
    pub id: String,
    /// The comparison key the id was made from.
    pub key: String,
    /// The item whose fields are shown (the richest of the duplicates).
    pub item: Item,
    /// Names of every source that carried it, in first-seen order.
    pub sources: Vec<String>,
    /// Other pages with the same text (reposts, republications) or its translation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<Alternate>,
}

impl Post {
    /// The versions of the post in another language than the shown item.
    pub fn translations(&self) -> impl Iterator<Item = &Alternate> {
        self.alternates.iter().filter(|a| a.relation == Relation::Translation)
    }

    /// Every page of the post: the shown item's link, then the alternates' links.
    pub fn urls(&self) -> Vec<&Url> {
        let p = &self.item.parsed;
        p.url.iter().chain(self.alternates.iter().filter_map(|a| a.url.as_ref())).collect()
    }
}

/// How an alternate relates to the shown item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same text on another page (a repost, a republication with another title).
    Duplicate,
    /// The same article in another language.
    Translation,
}

/// Another page of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternate {
    /// Its comparison key (see [`item_key`]).
    pub key: String,
    /// The source it came from.
    pub source: String,
    /// Its link.
    pub url: Option<Url>,
    /// Its title.
    pub title: String,
    /// Its language.
    pub lang: Lang,
    /// Repost or translation.
    pub relation: Relation,
}

/// What dedup may merge, and how strictly. The pipeline fills it from config; the default is
/// what [`merge`] uses.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupOptions {
    /// More query parameters to drop from URLs (`name` or `prefix*`), besides the built-in
    /// `utm_*`, `spm`, `from`, `isappinstalled`, ….
    pub tracking_params: Vec<String>,
    /// Fold near-duplicate texts into one post.
    pub near_duplicates: bool,
    /// Estimated Jaccard similarity of the 5-character shingles from which two texts may be
    /// the same (with compatible titles, within `max_days`).
    pub near_threshold: f32,
    /// Similarity from which two long texts are the same even with different titles.
    pub near_strong: f32,
    /// Texts with fewer shingles than this count as short: they need 0.95 similarity,
    /// compatible titles and dates within a week.
    pub min_shingles: u32,
    /// Days between publications within which a near-duplicate or a twin is looked for.
    pub max_days: i64,
    /// Fold Chinese/English twins into one bilingual post.
    pub translations: bool,
}

/// The `[dedup]` table's settings, the rest at their defaults.
impl From<&crate::config::DedupSettings> for DedupOptions {
    fn from(settings: &crate::config::DedupSettings) -> Self {
        DedupOptions {
            tracking_params: settings.tracking_params.clone(),
            near_duplicates: settings.near_duplicates,
            translations: settings.translations,
            ..Default::default()
        }
    }
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            tracking_params: Vec::new(),
            near_duplicates: true,
            near_threshold: 0.8,
            near_strong: 0.9,
            min_shingles: 60,
            max_days: 30,
            translations: true,
        }
    }
}

/// The key that identifies an item: its canonical link, else its guid, else source + title.
pub fn item_key(item: &Item) -> String {
    item_key_with(item, &[])
}

/// [`item_key`] with more tracking parameters to ignore.
pub fn item_key_with(item: &Item, extra_tracking: &[String]) -> String {
    let p = &item.parsed;
    if let Some(url) = p.canonical.as_ref().or(p.url.as_ref()) {
        return canonical_url_with(url, extra_tracking);
    }
    match p.guid.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(guid) => match url::Url::parse(guid) {
            Ok(u) if u.has_host() => canonical_url_with(&u, extra_tracking),
            _ => format!("guid:{}:{guid}", item.source),
        },
        None => format!("title:{}:{}", item.source, p.title.trim()),
    }
}

/// The stable id of a key: 16 hex digits of its SHA-256.
pub fn key_id(key: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(16);
    for b in hash.iter().take(8) {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// Merges duplicates with the default options, keeping first-seen order.
pub fn merge(items: Vec<Item>) -> Vec<Post> {
    merge_with(items, &DedupOptions::default())
}

/// Merges duplicates, keeping first-seen order: the same page first (canonical key), then
/// near-duplicate texts and translations (see [`DedupOptions`]).
pub fn merge_with(items: Vec<Item>, opts: &DedupOptions) -> Vec<Post> {
    // Keys only: the sketches and anchors are then made of the shown items alone.
    let keyed = par::par_map(items.len(), |i| prepare::keyed(&items[i], opts));
    merge_prepared(items, keyed, opts)
}

/// [`merge_with`] of items prepared for the same `opts` (`prepared[i]` of `items[i]`, see
/// [`Preparer`]): reads no body for what was prepared. Without one [`Prepared`] per item,
/// prepares itself.
pub fn merge_prepared(items: Vec<Item>, prepared: Vec<Prepared>, opts: &DedupOptions) -> Vec<Post> {
    let prepared = if prepared.len() == items.len() {
        prepared
    } else {
        par::par_map(items.len(), |i| prepare::keyed(&items[i], opts))
    };
    let (posts, features) = merge_exact_prepared(items, prepared);
    fold::fold_similar(posts, features, opts)
}

/// Merges items with the same key only.
pub fn merge_exact(items: Vec<Item>, opts: &DedupOptions) -> Vec<Post> {
    let keyed = par::par_map(items.len(), |i| prepare::keyed(&items[i], opts));
    merge_exact_prepared(items, keyed).0
}

/// [`merge_exact`] with each item's key known; also gives the features of the item each
/// post shows.
fn merge_exact_prepared(items: Vec<Item>, prepared: Vec<Prepared>) -> (Vec<Post>, Vec<prepare::Features>) {
    // The post of each item, numbered in first-seen order.
    let mut post_of: Vec<u32> = Vec::with_capacity(items.len());
    let mut firsts: Vec<usize> = Vec::new();
    {
        let mut index: HashMap<&str, u32> = HashMap::with_capacity(items.len());
        for (i, prep) in prepared.iter().enumerate() {
            let next = firsts.len() as u32;
            let p = *index.entry(prep.key.as_str()).or_insert(next);
            if p == next {
                firsts.push(i);
            }
            post_of.push(p);
        }
    }
    // The sanitized length of each version that must be ranked against another (see
    // `richness`): only posts with several versions whose bodies differ need it, and a body
    // is sanitized once, in parallel. Equal bodies rank equal without sanitizing, also when
    // their bases differ (the same post in two feeds of a site): how long the links grow once
    // made absolute tells nothing about which version is richer.
    let mut differs = vec![false; firsts.len()];
    for (i, &p) in post_of.iter().enumerate() {
        let first = &items[firsts[p as usize]];
        if !items[i].parsed.content_html.same_text(&first.parsed.content_html) {
            differs[p as usize] = true;
        }
    }
    let ranked: Vec<usize> = (0..items.len()).filter(|&i| differs[post_of[i] as usize]).collect();
    let ranked_lens = par::par_map(ranked.len(), |j| items[ranked[j]].parsed.content_html.sanitized_len());
    let mut lens = vec![0usize; items.len()];
    for (&i, len) in ranked.iter().zip(ranked_lens) {
        lens[i] = len;
    }
    let ids = par::par_map(firsts.len(), |p| key_id(&prepared[firsts[p]].key));
    let mut ids = ids.into_iter();
    let mut posts: Vec<Post> = Vec::with_capacity(firsts.len());
    // The sanitized length and the features of the version each post shows.
    let mut shown_len: Vec<usize> = Vec::with_capacity(firsts.len());
    let mut shown_features: Vec<prepare::Features> = Vec::with_capacity(firsts.len());
    for ((item, prep), (&p, &len)) in items.into_iter().zip(prepared).zip(post_of.iter().zip(&lens)) {
        let p = p as usize;
        let Prepared { key, features } = prep;
        if p == posts.len() {
            let id = ids.next().unwrap_or_default();
            posts.push(Post { id, key, sources: vec![item.source.clone()], item, alternates: Vec::new() });
            shown_len.push(len);
            shown_features.push(features);
        } else if absorb_ranked(&mut posts[p], item, len, shown_len[p]) {
            shown_len[p] = len;
            shown_features[p] = features;
        }
    }
    (posts, shown_features)
}

/// Folds a newly fetched post into the stored one of the same id: a fresh copy from the
/// source that supplied the stored version replaces it (the post was edited); a copy from
/// another source only fills gaps, or wins when it is richer.
pub fn merge_into(stored: &mut Post, incoming: Post) {
    let same_source = stored.item.source == incoming.item.source;
    for s in incoming.sources {
        if !stored.sources.contains(&s) {
            stored.sources.push(s);
        }
    }
    for alt in incoming.alternates {
        if alt.key != stored.key && !stored.alternates.iter().any(|a| a.key == alt.key) {
            stored.alternates.push(alt);
        }
    }
    if same_source {
        let old = std::mem::replace(&mut stored.item, incoming.item);
        fill_missing(&mut stored.item, old);
    } else {
        absorb(stored, incoming.item);
    }
}

/// Folds a duplicate into a post: the richer item wins, missing fields are filled in.
fn absorb(post: &mut Post, other: Item) {
    // Equal bodies rank equal, whatever their bases (see `merge_exact_prepared`).
    let (other_len, kept_len) = if other.parsed.content_html.same_text(&post.item.parsed.content_html) {
        (0, 0)
    } else {
        (sanitized_len(&other), sanitized_len(&post.item))
    };
    absorb_ranked(post, other, other_len, kept_len);
}

/// [`absorb`] with the sanitized content lengths of both versions known; true when `other`
/// won and is now shown.
fn absorb_ranked(post: &mut Post, other: Item, other_len: usize, kept_len: usize) -> bool {
    if !post.sources.contains(&other.source) {
        post.sources.push(other.source.clone());
    }
    if richness(&other, other_len) > richness(&post.item, kept_len) {
        let poorer = std::mem::replace(&mut post.item, other);
        fill_missing(&mut post.item, poorer);
        true
    } else {
        fill_missing(&mut post.item, other);
        false
    }
}

pub(crate) fn fill_missing(keep: &mut Item, from: Item) {
    let (k, f) = (&mut keep.parsed, from.parsed);
    k.url = k.url.take().or(f.url);
    k.canonical = k.canonical.take().or(f.canonical);
    k.author = k.author.take().or(f.author);
    k.published = k.published.or(f.published);
    k.updated = k.updated.or(f.updated);
    if k.categories.is_empty() {
        k.categories = f.categories;
    }
    if keep.events.is_empty() {
        keep.events = from.events;
    }
    if keep.talks.is_empty() {
        keep.talks = from.talks;
    }
}

/// How much a version of an item tells: the length of its sanitized content (what an output
/// shows; markup the sanitizer drops does not count; see [`sanitized_len`]), then having a
/// date and an author. Only versions of one post are compared, so only duplicates pay for
/// sanitizing.
fn richness(item: &Item, sanitized_len: usize) -> (usize, bool, bool) {
    let p = &item.parsed;
    (sanitized_len, p.published.is_some(), p.author.is_some())
}

/// The length of an item's sanitized content.
fn sanitized_len(item: &Item) -> usize {
    item.parsed.content_html.sanitized_len()
}

#[cfg(test)]
mod tests;
