//! Which event instances are the same event (see [`super::events`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::canonical_url;
use super::events::Instance;
use super::near::UnionFind;
#[cfg(doc)]
use super::text::bigram_dice;
use super::text::{normalize, sorted_common};

/// Words of salon titles that say nothing about which salon it is.
const BOILERPLATE: &[&str] = &[
    "techparty",
    "珠三角技术沙龙",
    "珠三角",
    "技术沙龙",
    "沙龙",
    "专场",
    "专题",
    "主题",
    "报名",
    "开始",
    "接受",
    "开放",
    "征集",
    "演讲",
    "活动",
    "总结",
    "回顾",
    "小结",
    "视频和ppt",
    "视频",
    "ppt",
    "广州",
    "深圳",
    "珠海",
    "东莞",
    "佛山",
    "香港",
    "上海",
    "北京",
    "站",
    "场",
    "年",
    "月",
    "日",
    "号",
    "期",
    "的",
    "第",
    "十",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "召集",
    "预告",
    "通知",
    "技术",
    "讨论",
    "交流",
    "聚会",
    "迷你趴",
    "趴",
    "免费",
    "周六",
    "周日",
    "下午",
    "上午",
    "本周",
    "现场",
    "照片",
    "合影",
];
/// Title words of a post that changes an event.
const CHANGE_WORDS: &[&str] =
    &["延期", "改期", "推迟", "变更", "更改", "调整", "改到", "提前", "postponed", "rescheduled", "moved"];

/// The topic of an event: its title (else the post's) without boilerplate, dates or cities.
pub(crate) fn topic(post_title: &str, event_title: &str) -> String {
    let t = if event_title.trim().is_empty() { post_title } else { event_title };
    let mut n = normalize(t);
    n.retain(|c| !c.is_ascii_digit());
    // A `contains` per boilerplate word built a substring searcher each time: 70 of them were
    // two thirds of a topic's 22 k instructions (176 M of a W47 build). A word with a
    // character the title lacks cannot be in it, and removing words only takes characters
    // away, so the title's character mask, made once, skips most words without searching.
    let present = char_mask(&n);
    for (w, &mask) in BOILERPLATE.iter().zip(BOILERPLATE_MASKS.iter()) {
        // Most titles hold none of them: look before making a new string.
        if present & mask == mask && n.contains(w) {
            n = n.replace(w, "");
        }
    }
    n
}

/// [`char_mask`] of each of [`BOILERPLATE`], in its order.
static BOILERPLATE_MASKS: LazyLock<Vec<u128>> = LazyLock::new(|| BOILERPLATE.iter().map(|w| char_mask(w)).collect());

/// One bit per character of `s` (of 128, by a multiplicative hash): the mask of a string
/// holds every bit of the masks of its substrings.
fn char_mask(s: &str) -> u128 {
    s.chars().fold(0, |m, c| m | 1u128 << (u32::from(c).wrapping_mul(0x9E37_79B1) >> 25))
}

/// A topic with what [`topics_compatible`] compares, made once per instance instead of once
/// per pair: its Latin words (3+ letters) and its sorted character bigrams (as
/// [`bigram_dice`] makes them).
struct Topic<'a> {
    text: &'a str,
    words: Vec<&'a str>,
    grams: Vec<(char, char)>,
}

impl<'a> Topic<'a> {
    fn new(text: &'a str) -> Topic<'a> {
        let words = text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3).collect();
        let grams = bigrams(text);
        Topic { text, words, grams }
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Sorted character bigrams of `s`, as [`bigram_dice`] makes them.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let cs: Vec<char> = s.chars().collect();
    let mut g: Vec<(char, char)> = cs.windows(2).map(|w| (w[0], w[1])).collect();
    if cs.len() == 1 {
        g.push((cs[0], '\0'));
    }
    g.sort_unstable();
    g
}

/// Two topics that can be the same event: one is empty, one contains the other, they share a
/// Latin word or most bigrams (`bigram_dice(a, b) >= 0.4`).
fn topics_compatible(a: &Topic, b: &Topic) -> bool {
    let (ta, tb) = (a.text, b.text);
    // Only the longer can contain the other: the length test saves a substring searcher per
    // pair (about a third of the 1,350 instructions a comparison cost on W47).
    if ta.is_empty()
        || tb.is_empty()
        || (tb.len() <= ta.len() && ta.contains(tb))
        || (ta.len() <= tb.len() && tb.contains(ta))
    {
        return true;
    }
    if a.words.iter().any(|w| b.words.contains(w)) {
        return true;
    }
    if a.grams.is_empty() || b.grams.is_empty() {
        return false;
    }
    2.0 * sorted_common(&a.grams, &b.grams) as f32 / (a.grams.len() + b.grams.len()) as f32 >= 0.4
}

fn cities_compatible(a: &Instance<'_>, b: &Instance<'_>) -> bool {
    match (&a.event.city, &b.event.city) {
        (Some(x), Some(y)) => x.en.eq_ignore_ascii_case(&y.en),
        _ => true,
    }
}

/// Groups of instance indexes that are one event (every instance is in exactly one group),
/// ordered by the first instance.
pub(crate) fn cluster_instances(inst: &[Instance<'_>]) -> Vec<Vec<usize>> {
    let mut uf = UnionFind::new(inst.len());
    let topics: Vec<Topic> = inst.iter().map(|i| Topic::new(&i.topic)).collect();
    // The cheap tests come first, and a pair already in one group is not compared again (a
    // union of one group with itself changes nothing): the groups are the same as comparing
    // every pair, with far fewer topic comparisons.
    // Same day, same city, compatible topics.
    let mut by_day: HashMap<chrono::NaiveDate, Vec<usize>> = HashMap::new();
    for (i, x) in inst.iter().enumerate() {
        by_day.entry(x.event.date).or_default().push(i);
    }
    for list in by_day.values() {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                if inst[a].post == inst[b].post || !cities_compatible(&inst[a], &inst[b]) || uf.find(a) == uf.find(b) {
                    continue;
                }
                // Without both cities, the topics themselves must agree (an empty one says nothing).
                let both_cities = inst[a].event.city.is_some() && inst[b].event.city.is_some();
                let topical = if both_cities {
                    topics_compatible(&topics[a], &topics[b])
                } else {
                    !topics[a].is_empty() && !topics[b].is_empty() && topics_compatible(&topics[a], &topics[b])
                };
                if topical {
                    uf.union(a, b);
                }
            }
        }
    }
    // The same registration page.
    let mut by_reg: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, x) in inst.iter().enumerate() {
        if let Some(u) = x.event.registration.as_ref().filter(|u| u.path().trim_matches('/').len() > 3) {
            by_reg.entry(canonical_url(u)).or_default().push(i);
        }
    }
    for list in by_reg.values().filter(|l| l.len() < 20) {
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                let days = (inst[a].event.date - inst[b].event.date).num_days().abs();
                if inst[a].post != inst[b].post
                    && days <= 14
                    && cities_compatible(&inst[a], &inst[b])
                    && uf.find(a) != uf.find(b)
                    && topics_compatible(&topics[a], &topics[b])
                {
                    uf.union(a, b);
                }
            }
        }
    }
    // A post that changes the date: the same city and topic, within three weeks, announced before.
    let mut by_city: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, x) in inst.iter().enumerate() {
        if let Some(c) = &x.event.city {
            by_city.entry(c.en.to_ascii_lowercase()).or_default().push(i);
        }
    }
    for (u, x) in inst.iter().enumerate() {
        let lower = x.post_title.to_lowercase();
        if !CHANGE_WORDS.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let Some(city) = &x.event.city else { continue };
        for &b in by_city.get(&city.en.to_ascii_lowercase()).map_or(&[][..], |v| v.as_slice()) {
            let y = &inst[b];
            let days = (x.event.date - y.event.date).num_days().abs();
            let earlier = match (y.published, x.published) {
                (Some(p), Some(q)) => p <= q,
                _ => true,
            };
            if b != u
                && y.post != x.post
                && days <= 21
                && earlier
                && uf.find(u) != uf.find(b)
                && topics_compatible(&topics[u], &topics[b])
            {
                uf.union(u, b);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for i in 0..inst.len() {
        let r = uf.find(i);
        let g = *slot.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_docs::random_docs;

    /// [`topic`] as it was before the character masks: every word searched for.
    fn topic_simple(post_title: &str, event_title: &str) -> String {
        let t = if event_title.trim().is_empty() { post_title } else { event_title };
        let mut n = normalize(t);
        n.retain(|c| !c.is_ascii_digit());
        for w in BOILERPLATE {
            if n.contains(w) {
                n = n.replace(w, "");
            }
        }
        n
    }

    #[test]
    fn topic_skips_words_as_searching_every_word_does() {
        // Pieces of boilerplate, pieces that make a boilerplate word only once another is
        // removed ("珠三" + "沙龙" + "角"), and other characters, digits and case.
        const PIECES: &[&str] = &[
            "技术",
            "沙龙",
            "珠三",
            "角",
            "第",
            "十",
            "期",
            "广州",
            "站",
            "TechParty",
            "视频和PPT",
            "Rust",
            "Go",
            "语言",
            "分享",
            "报名",
            "开始",
            "2026年",
            "11月",
            "的",
            " ",
            "·",
            "-",
            "ｐｐｔ",
            "延期",
            "活动",
            "云原生",
            "专",
            "场",
            "前端",
            "Meetup",
            "月",
            "日",
            "周六下午",
            "照",
            "片",
        ];
        for (i, title) in random_docs(PIECES, 6, 0x5eed_7091).enumerate() {
            let event = if i % 3 == 0 { String::new() } else { title.chars().rev().collect() };
            assert_eq!(topic(&title, &event), topic_simple(&title, &event), "{title:?} / {event:?}");
        }
        for w in BOILERPLATE {
            assert_eq!(topic(w, ""), topic_simple(w, ""), "{w}");
        }
    }
}
