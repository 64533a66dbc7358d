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

/// Words that a translated slug adds or drops.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "how", "in", "into", "is", "of", "on", "the", "to", "use", "using", "via",
    "with", "your",
];
/// Language suffixes of slugs.
const LANG_SUFFIXES: &[(&str, Lang)] = &[("en", Lang::En), ("english", Lang::En), ("zh", Lang::Zh), ("cn", Lang::Zh)];
/// An anchor carried by more posts than this is too common to look up.
const ANCHOR_CAP: usize = 50;

/// The language a post is in: its slug suffix when it has one, else what extraction found.
fn lang_of(post: &Post) -> Lang {
    slug_parts(post).map(|(_, l)| l).flatten().unwrap_or(post.item.lang)
}

/// The slug's content tokens (sorted, deduplicated, joined with the host) and its language suffix.
fn slug_parts(post: &Post) -> Option<(String, Option<Lang>)> {
    let url = post.item.parsed.url.as_ref()?;
    let host = url.host_str()?.trim_start_matches("www.").to_ascii_lowercase();
    let seg = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let seg = seg.strip_suffix(".html").or_else(|| seg.strip_suffix(".htm")).unwrap_or(seg).to_ascii_lowercase();
    if !seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return None;
    }
    let mut tokens: Vec<&str> = seg.split(['-', '_']).filter(|t| !t.is_empty()).collect();
    let mut lang = None;
    if let Some(last) = tokens.last()
        && let Some((_, l)) = LANG_SUFFIXES.iter().find(|(s, _)| s == last)
    {
        lang = Some(*l);
        tokens.pop();
    }
    let mut content: Vec<&str> = tokens.into_iter().filter(|t| !STOPWORDS.contains(t)).collect();
    // Percent-escape debris (`e7-8f-a0`) and bare numbers are no slug.
    let words = content.iter().filter(|t| t.len() >= 3 && t.bytes().any(|b| b.is_ascii_alphabetic())).count();
    if words < 2 {
        return None;
    }
    content.sort_unstable();
    content.dedup();
    Some((format!("{host}/{}", content.join("-")), lang))
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
fn anchors(html: &str) -> HashSet<u64> {
    let mut out = HashSet::new();
    let h = |s: &str| {
        let mut x: u64 = 0xcbf2_9ce4_8422_2325;
        for b in s.bytes() {
            x = (x ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        fmix(x)
    };
    for part in html.split("href=\"").skip(1) {
        if let Some(end) = part.find('"') {
            out.insert(h(part[..end].trim_end_matches('/')));
        }
    }
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
    let text = crate::parse::text::strip_tags(html);
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
    let langs: Vec<Lang> = posts.iter().map(lang_of).collect();
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    // Slug signal.
    let mut by_slug: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in posts.iter().enumerate() {
        if let Some((key, _)) = slug_parts(p) {
            by_slug.entry(key).or_default().push(i);
        }
    }
    for group in by_slug.values().filter(|g| g.len() > 1 && g.len() <= ANCHOR_CAP) {
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
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
