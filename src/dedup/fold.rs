//! Folding near-duplicate posts and translations into one post each.

use chrono::NaiveDate;

use super::near::{UnionFind, cluster};
use super::par::par_map;
use super::prepare::Features;
use super::text::{BINS, Sketch, bigram_dice, normalize};
use super::twins;
use super::{Alternate, DedupOptions, Post, Relation, fill_missing};

/// Title decorations that a republication adds or drops: `[转]`, `【转载】`, `转：`, `Re:`.
const TITLE_PREFIXES: &[&str] =
    &["[转]", "[转载]", "【转】", "【转载】", "转载:", "转载：", "转:", "转：", "re:", "fw:", "fwd:"];

/// The title without repost prefixes, normalized (NFKC, lowercase, letters and digits only).
pub(crate) fn title_core(title: &str) -> String {
    let mut t = title.trim();
    loop {
        let lower = t.to_lowercase();
        match TITLE_PREFIXES.iter().find(|p| lower.starts_with(*p)) {
            Some(p) => t = t[p.len().min(t.len())..].trim_start(),
            None => break,
        }
        if !t.is_char_boundary(0) {
            break;
        }
    }
    normalize(t)
}

/// Digit runs of a title (`10 月 31 日` → {10, 31}), sorted.
pub(crate) fn title_numbers(title: &str) -> Vec<u32> {
    let folded: String = unicode_normalization::UnicodeNormalization::nfkc(title).collect();
    let mut v: Vec<u32> = folded
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty() && s.len() <= 6)
        .filter_map(|s| s.parse().ok())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Whether two titles can name the same text: no conflicting numbers (one set within the
/// other), and one contains the other or they share most character bigrams.
pub(crate) fn titles_compatible(a: &str, b: &str) -> bool {
    let (na, nb) = (title_numbers(a), title_numbers(b));
    let subset = |x: &[u32], y: &[u32]| x.iter().all(|n| y.contains(n));
    if !(subset(&na, &nb) || subset(&nb, &na)) {
        return false;
    }
    let (ca, cb) = (title_core(a), title_core(b));
    if ca.is_empty() || cb.is_empty() {
        return ca == cb;
    }
    ca.contains(&cb) || cb.contains(&ca) || bigram_dice(&ca, &cb) >= 0.5
}

fn day(p: &Post) -> Option<NaiveDate> {
    p.item.parsed.published.or(p.item.parsed.updated).map(|t| t.date())
}

fn days_apart(a: &Post, b: &Post) -> i64 {
    match (day(a), day(b)) {
        (Some(x), Some(y)) => (x - y).num_days().abs(),
        _ => 0,
    }
}

/// Two posts that describe events on different days or in different cities are different.
fn events_conflict(a: &Post, b: &Post) -> bool {
    let (ea, eb) = (&a.item.events, &b.item.events);
    if ea.is_empty() || eb.is_empty() {
        return false;
    }
    !ea.iter()
        .any(|x| eb.iter().any(|y| x.date == y.date && (x.city.is_none() || y.city.is_none() || x.city == y.city)))
}

/// The near-duplicate decision for a candidate pair with estimated similarity `sim`.
pub(crate) fn near_same(a: &Post, b: &Post, sa: &Sketch, sb: &Sketch, sim: f32, o: &DedupOptions) -> bool {
    if sim < o.near_threshold || events_conflict(a, b) {
        return false;
    }
    let (ta, tb) = (&a.item.parsed.title, &b.item.parsed.title);
    let days = days_apart(a, b);
    let titles = titles_compatible(ta, tb);
    let short = sa.shingles.min(sb.shingles) < o.min_shingles;
    // Very different lengths cannot be the same text, whatever the sketch says.
    let (lo, hi) = (sa.shingles.min(sb.shingles), sa.shingles.max(sb.shingles));
    if lo * 3 < hi * 2 && sim < 0.95 {
        return false;
    }
    if short {
        return sim >= 0.95 && titles && days <= 7;
    }
    if sim >= o.near_strong {
        return titles || days <= o.max_days || sim >= 0.97;
    }
    titles && days <= o.max_days
}

/// Finds near-duplicates and twins among `posts` and folds each group into one post.
/// `features[i]` holds what is known of the body `posts[i]` shows (the rest is computed here).
pub(crate) fn fold_similar(mut posts: Vec<Post>, mut features: Vec<Features>, opts: &DedupOptions) -> Vec<Post> {
    if posts.len() < 2 || !(opts.near_duplicates || opts.translations) {
        return posts;
    }
    let (slugs, langs) = if opts.translations { twins::slugs_and_langs(&posts) } else { (Vec::new(), Vec::new()) };
    let with_anchors = opts.translations && twins::needs_anchors(&langs);
    // A body whose sketch or (when twins can be found by content) anchors were not prepared
    // is read once, on all cores.
    features.resize_with(posts.len(), Features::default);
    let near = opts.near_duplicates;
    let missing: Vec<usize> = (0..posts.len())
        .filter(|&i| (near && features[i].sketch.is_none()) || (with_anchors && features[i].anchors.is_none()))
        .collect();
    let filled = par_map(missing.len(), |j| {
        let i = missing[j];
        // Prepared anchors are not copied: only missing ones are made.
        let want_anchors = with_anchors && features[i].anchors.is_none();
        let have = Features { sketch: features[i].sketch.clone(), anchors: None };
        have.complete(&posts[i].item.parsed.content_html, near, want_anchors)
    });
    for (i, f) in missing.into_iter().zip(filled) {
        features[i].sketch = f.sketch;
        features[i].anchors = features[i].anchors.take().or(f.anchors);
    }
    let empty = Sketch { sig: [0; BINS], shingles: 0 };
    let sketches: Vec<Sketch> = features.iter().map(|f| f.sketch.as_deref().copied().unwrap_or(empty)).collect();
    let anchors: Vec<Box<[u64]>> =
        if with_anchors { features.into_iter().map(|f| f.anchors.unwrap_or_default()).collect() } else { Vec::new() };
    let mut uf = if opts.near_duplicates {
        cluster(&sketches, |a, b, sim| near_same(&posts[a], &posts[b], &sketches[a], &sketches[b], sim, opts))
    } else {
        UnionFind::new(posts.len())
    };
    if opts.translations {
        for (a, b) in twins::pairs(&posts, opts.max_days, &slugs, &langs, &anchors) {
            uf.union(a, b);
        }
    }
    let groups = uf.groups();
    if groups.is_empty() {
        return posts;
    }
    // Take the members out of the list in place, in one pass (the smallest index of a group
    // stays and receives the others; no second list of every post is built), then fold each
    // group into its first member.
    let mut member_of = vec![u32::MAX; posts.len()];
    for (g, group) in groups.iter().enumerate() {
        for &i in group {
            member_of[i] = g as u32;
        }
    }
    let mut first_at: Vec<usize> = vec![usize::MAX; groups.len()];
    // The group of each post taken out, in list order (which is the order extract_if yields).
    let mut taken_from: Vec<usize> = Vec::new();
    let mut i = 0usize;
    let extracted: Vec<Post> = posts
        .extract_if(.., |_| {
            let g = member_of[i];
            i += 1;
            if g == u32::MAX {
                return false;
            }
            let g = g as usize;
            if first_at[g] == usize::MAX {
                // Its index once the earlier members are out.
                first_at[g] = i - 1 - taken_from.len();
                return false;
            }
            taken_from.push(g);
            true
        })
        .collect();
    let mut taken: Vec<Vec<Post>> = (0..groups.len()).map(|_| Vec::new()).collect();
    for (g, p) in taken_from.into_iter().zip(extracted) {
        taken[g].push(p);
    }
    for (g, others) in taken.into_iter().enumerate() {
        let at = first_at[g];
        if at == usize::MAX {
            continue;
        }
        fold_group(&mut posts[at], others);
    }
    posts
}

/// Folds a group into its first post. The earliest published member is shown (its key gives
/// the id, so the id does not change when a later repost appears); the others become alternates.
fn fold_group(slot: &mut Post, others: Vec<Post>) {
    let mut members = others;
    let earliest = (0..members.len()).min_by_key(|&i| (day(&members[i]).unwrap_or(NaiveDate::MAX), i));
    if let Some(e) = earliest
        && day(&members[e]).unwrap_or(NaiveDate::MAX) < day(slot).unwrap_or(NaiveDate::MAX)
    {
        std::mem::swap(slot, &mut members[e]);
    }
    let main = slot;
    for other in members {
        for s in &other.sources {
            if !main.sources.contains(s) {
                main.sources.push(s.clone());
            }
        }
        let relation = if other.item.lang == main.item.lang { Relation::Duplicate } else { Relation::Translation };
        main.alternates.push(Alternate {
            key: other.key.clone(),
            source: other.item.source.clone(),
            url: other.item.parsed.url.clone(),
            title: other.item.parsed.title.clone(),
            lang: other.item.lang,
            relation,
        });
        main.alternates.extend(other.alternates);
        if relation == Relation::Duplicate {
            fill_missing(&mut main.item, other.item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_compatibility() {
        assert!(titles_compatible("[转]Docker 命令行教程", "Docker 命令行教程"));
        assert!(titles_compatible("Docker 命令行教程：在 Docker 容器中运行 Apache", "在 Docker 容器中运行 Apache"));
        assert!(!titles_compatible("Techparty-深圳 10 月 18 日 Docker 专场", "Techparty-广州 10 月 31 日 Docker 专场"));
        assert!(!titles_compatible("微信小程序专场沙龙开始报名", "Docker 专场沙龙演讲征集"));
    }
}
