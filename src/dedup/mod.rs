//! Stage 5: one entry per post. Items that are the same page (by canonical URL, or by a stable
//! guid when there is no link) merge into one [`Post`] that lists every source it came from.

mod canonical;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use canonical::canonical_url;

use crate::extract::Item;

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
}

/// The key that identifies an item: its canonical link, else its guid, else source + title.
pub fn item_key(item: &Item) -> String {
    let p = &item.parsed;
    if let Some(url) = p.canonical.as_ref().or(p.url.as_ref()) {
        return canonical_url(url);
    }
    match p.guid.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(guid) => match url::Url::parse(guid) {
            Ok(u) if u.has_host() => canonical_url(&u),
            _ => format!("guid:{}:{guid}", item.source),
        },
        None => format!("title:{}:{}", item.source, p.title.trim()),
    }
}

/// The stable id of a key: 16 hex digits of its SHA-256.
pub fn key_id(key: &str) -> String {
    let hash = Sha256::digest(key.as_bytes());
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Merges duplicates, keeping first-seen order.
pub fn merge(items: Vec<Item>) -> Vec<Post> {
    let mut posts: Vec<Post> = Vec::with_capacity(items.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(items.len());
    for item in items {
        let key = item_key(&item);
        match index.get(&key) {
            Some(&i) => absorb(&mut posts[i], item),
            None => {
                index.insert(key.clone(), posts.len());
                posts.push(Post { id: key_id(&key), key, sources: vec![item.source.clone()], item });
            }
        }
    }
    posts
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
    if same_source {
        let old = std::mem::replace(&mut stored.item, incoming.item);
        fill_missing(&mut stored.item, old);
    } else {
        absorb(stored, incoming.item);
    }
}

/// Folds a duplicate into a post: the richer item wins, missing fields are filled in.
fn absorb(post: &mut Post, other: Item) {
    if !post.sources.contains(&other.source) {
        post.sources.push(other.source.clone());
    }
    if richness(&other) > richness(&post.item) {
        let poorer = std::mem::replace(&mut post.item, other);
        fill_missing(&mut post.item, poorer);
    } else {
        fill_missing(&mut post.item, other);
    }
}

fn fill_missing(keep: &mut Item, from: Item) {
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

/// How much a version of an item tells: content length, then having a date and an author.
fn richness(item: &Item) -> (usize, bool, bool) {
    let p = &item.parsed;
    (p.content_html.len(), p.published.is_some(), p.author.is_some())
}

#[cfg(test)]
mod tests;
