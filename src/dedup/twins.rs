//! Chinese/English twins: one article published in both languages, as two pages.
//!
//! Two signals, both checked without comparing all pairs:
//! - **slug**: the last path segment without its language suffix (`-en`, `-zh`, `-cn`) and
//!   without function words (`how`, `to`, `using`, `with`, …) is the same token set on the
//!   same host (`docker-http-proxy-using-golang-en` ↔ `docker-http-proxy-with-golang`);
//! - **content anchors**: the texts share their language-independent parts (URLs, words in
//!   code blocks, long numbers) and the titles share a Latin token, published within a week.
//!
//! Either way the two posts must be in different languages and published close together.

use std::collections::{HashMap, HashSet};

use super::text::fmix;
use crate::dedup::Post;
use crate::extract::Lang;
use crate::parse::RawHtml;

/// Words that a translated slug adds or drops.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "how", "in", "into", "is", "of", "on", "the", "to", "use", "using",
    "via", "with", "your",
];
/// Language suffixes of slugs.
const LANG_SUFFIXES: &[(&str, Lang)] = &[("en", Lang::En), ("english", Lang::En), ("zh", Lang::Zh), ("cn", Lang::Zh)];
/// An anchor carried by more posts than this is too common to look up.
const ANCHOR_CAP: usize = 50;

/// FNV-1a over ASCII-lowercased bytes.
fn hash_lower(bytes: &[u8], seed: u64) -> u64 {
    let mut x = seed ^ 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        x = (x ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
    }
    x
}

/// What a post's slug says: a key for its content tokens (host + the sorted set of slug words
/// without language suffix and function words), and the language suffix. Allocates nothing.
fn slug_info(post: &Post) -> (Option<u64>, Option<Lang>) {
    let Some(url) = post.item.parsed.url.as_ref() else { return (None, None) };
    let Some(host) = url.host_str() else { return (None, None) };
    let host = host.strip_prefix("www.").unwrap_or(host);
    let path = url.path().trim_end_matches('/');
    let seg = path.rsplit('/').next().unwrap_or("");
    let seg = seg.strip_suffix(".html").or_else(|| seg.strip_suffix(".htm")).unwrap_or(seg);
    if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return (None, None);
    }
    let mut tokens = seg.split(['-', '_']).filter(|t| !t.is_empty()).peekable();
    let (mut hashes, mut count, mut words) = ([0u64; 24], 0usize, 0usize);
    let mut lang = None;
    while let Some(t) = tokens.next() {
        let is_last = tokens.peek().is_none();
        if is_last && let Some((_, l)) = LANG_SUFFIXES.iter().find(|(sfx, _)| t.eq_ignore_ascii_case(sfx)) {
            lang = Some(*l);
            continue;
        }
        if STOPWORDS.iter().any(|w| t.eq_ignore_ascii_case(w)) {
            continue;
        }
        // Percent-escape debris (`e7-8f-a0`) and bare numbers are no slug words.
        if t.len() >= 3 && t.bytes().any(|b| b.is_ascii_alphabetic()) {
            words += 1;
        }
        if count < hashes.len() {
            hashes[count] = hash_lower(t.as_bytes(), 1);
            count += 1;
        }
    }
    if words < 2 {
        return (None, lang);
    }
    let hs = &mut hashes[..count];
    hs.sort_unstable();
    let mut key = hash_lower(host.as_bytes(), 2);
    let mut prev = None;
    for &h in hs.iter() {
        if prev != Some(h) {
            key = fmix(key ^ h);
            prev = Some(h);
        }
    }
    (Some(key), lang)
}

/// Days between the posts' publication dates (0 when one is unknown).
fn days_apart(a: &Post, b: &Post) -> i64 {
    let day = |p: &Post| p.item.parsed.published.or(p.item.parsed.updated).map(|t| t.date());
    match (day(a), day(b)) {
        (Some(x), Some(y)) => (x - y).num_days().abs(),
        _ => 0,
    }
}

/// Language-independent parts of a post's HTML: link targets, words inside `<pre>`/`<code>`,
/// numbers of three digits or more; hashed.
fn anchors(body: &RawHtml) -> HashSet<u64> {
    let mut out = HashSet::new();
    let h = |s: &str| {
        let mut x: u64 = 0xcbf2_9ce4_8422_2325;
        for b in s.bytes() {
            x = (x ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        fmix(x)
    };
    for href in body.links() {
        out.insert(h(href.trim_end_matches('/')));
    }
    let html = body.visible_markup();
    let lower = html.to_ascii_lowercase();
    for open in ["<pre", "<code"] {
        let close = if open == "<pre" { "</pre>" } else { "</code>" };
        let mut rest = lower.as_str();
        while let Some(i) = rest.find(open) {
            let block = &rest[i..];
            let end = block.find(close).unwrap_or(block.len());
            let code = crate::parse::text::strip_tags(&block[..end]).into_owned();
            for w in code.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
                if w.len() >= 4 && w.bytes().any(|b| b.is_ascii_alphabetic()) {
                    out.insert(h(w));
                }
            }
            rest = &block[end..];
        }
    }
    let text = crate::parse::text::strip_tags(&html);
    for num in text.split(|c: char| !c.is_ascii_digit()) {
        if num.len() >= 3 {
            out.insert(h(num));
        }
    }
    out
}

/// Latin words (3+ letters, not function words) of a title, lowercased.
fn latin_words(title: &str) -> HashSet<String> {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3 && w.bytes().any(|b| b.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Pairs `(a, b)` of indexes into `posts` that are translations of each other.
pub fn twin_pairs(posts: &[Post], max_days: i64) -> Vec<(usize, usize)> {
    let slugs: Vec<(Option<u64>, Option<Lang>)> = posts.iter().map(slug_info).collect();
    let langs: Vec<Lang> = posts.iter().zip(&slugs).map(|(p, s)| s.1.unwrap_or(p.item.lang)).collect();
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    // Slug signal.
    let mut by_slug: Vec<(u64, u32)> =
        slugs.iter().enumerate().filter_map(|(i, s)| s.0.map(|k| (k, i as u32))).collect();
    by_slug.sort_unstable();
    for run in by_slug.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1 && g.len() <= ANCHOR_CAP) {
        for (x, &(_, a)) in run.iter().enumerate() {
            for &(_, b) in &run[x + 1..] {
                let (a, b) = (a as usize, b as usize);
                if langs[a] != langs[b] && days_apart(&posts[a], &posts[b]) <= max_days && seen.insert((a, b)) {
                    pairs.push((a, b));
                }
            }
        }
    }
    // Content signal, only between posts of the minority language and the others.
    let has_en = langs.contains(&Lang::En);
    let has_zh = langs.contains(&Lang::Zh);
    if !(has_en && has_zh) {
        return pairs;
    }
    let sets: Vec<HashSet<u64>> = posts.iter().map(|p| anchors(&p.item.parsed.content_html)).collect();
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, s) in sets.iter().enumerate() {
        for &a in s {
            index.entry(a).or_default().push(i);
        }
    }
    for (a, set) in sets.iter().enumerate() {
        if set.len() < 3 {
            continue;
        }
        let mut cands: HashSet<usize> = HashSet::new();
        for anchor in set {
            if let Some(list) = index.get(anchor).filter(|l| l.len() <= ANCHOR_CAP) {
                cands.extend(list.iter().copied().filter(|&b| b > a && langs[b] != langs[a]));
            }
        }
        for b in cands {
            if seen.contains(&(a, b)) || sets[b].len() < 3 || days_apart(&posts[a], &posts[b]) > 7 {
                continue;
            }
            let inter = set.intersection(&sets[b]).count();
            let jac = inter as f32 / (set.len() + sets[b].len() - inter) as f32;
            let shared_title = latin_words(&posts[a].item.parsed.title)
                .intersection(&latin_words(&posts[b].item.parsed.title))
                .count();
            if jac >= 0.3 && shared_title >= 1 && seen.insert((a, b)) {
                pairs.push((a, b));
            }
        }
    }
    pairs
}
