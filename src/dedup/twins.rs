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

use std::collections::HashSet;

use super::text::fmix;
use crate::dedup::Post;
use crate::extract::{Item, Lang};
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
fn slug_info(item: &Item) -> (Option<u64>, Option<Lang>) {
    let Some(url) = item.parsed.url.as_ref() else { return (None, None) };
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

/// FNV-1a, finalized: the hash of an anchor.
fn anchor_hash(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        x = (x ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    fmix(x)
}

/// Whether `b[at..]` starts with `pat` (ASCII, lowercase), ignoring ASCII case.
fn starts_with_nocase(b: &[u8], at: usize, pat: &[u8]) -> bool {
    b.get(at..at + pat.len()).is_some_and(|s| s.eq_ignore_ascii_case(pat))
}

/// Language-independent parts of a post's HTML: link targets, words inside `<pre>`/`<code>`
/// (ASCII-lowercased), numbers of three digits or more; hashed, sorted, without repeats.
/// `markup` is the body's [`RawHtml::visible_markup`].
pub(crate) fn anchors(body: &RawHtml, markup: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let b = markup.as_bytes();
    // One pass over the `<`s finds the links and the blocks, matching tags ignoring ASCII
    // case without a lowercased copy (strip_tags treats tags the same in either case). A
    // block runs from its `<pre` (or `<code`, a prefix: `<preview` counts) to the next
    // `</pre>` (`</code>`) or the end; the next block of its kind opens after that end. The
    // two kinds are followed apart: a block of one may hold one of the other.
    let (mut pre, mut code): (Option<usize>, Option<usize>) = (None, None);
    for at in crate::parse::text::memchr_near_iter(b'<', b) {
        match b.get(at + 1).map(u8::to_ascii_lowercase) {
            Some(b'a') if crate::parse::raw::is_link_at(b, at) => {
                if let Some(href) = body.link_at(markup, at) {
                    out.push(anchor_hash(href.trim_end_matches('/').bytes()));
                }
            }
            Some(b'p') if pre.is_none() && starts_with_nocase(b, at, b"<pre") => pre = Some(at),
            Some(b'c') if code.is_none() && starts_with_nocase(b, at, b"<code") => code = Some(at),
            Some(b'/') => {
                if let Some(i) = pre
                    && starts_with_nocase(b, at, b"</pre>")
                {
                    code_words(&markup[i..at], &mut out);
                    pre = None;
                }
                if let Some(i) = code
                    && starts_with_nocase(b, at, b"</code>")
                {
                    code_words(&markup[i..at], &mut out);
                    code = None;
                }
            }
            _ => {}
        }
    }
    for i in pre.into_iter().chain(code) {
        code_words(&markup[i..], &mut out);
    }
    for_each_number(markup, |num| out.push(anchor_hash(num.bytes())));
    out.sort_unstable();
    out.dedup();
    out
}

/// The anchors of the words (4+ letters, digits or `_`, one a letter; ASCII-lowercased) of a
/// `<pre>` or `<code>` block's text.
fn code_words(block: &str, out: &mut Vec<u64>) {
    let code = crate::parse::text::strip_tags(block);
    for w in code.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        if w.len() >= 4 && w.bytes().any(|b| b.is_ascii_alphabetic()) {
            out.push(anchor_hash(w.bytes().map(|b| b.to_ascii_lowercase())));
        }
    }
}

/// Calls `f` with every run of three or more ASCII digits in `strip_tags(html)`, scanning
/// `html` in place: a tag (`<` then a letter, `/`, `!` or `?`, up to the next `>`) becomes a
/// space as in strip_tags, and any other `<` stays a `<`; both end a run.
// Not inlined into `anchors`: there, the word scan's constants did not stay in registers.
#[inline(never)]
fn for_each_number(html: &str, mut f: impl FnMut(&str)) {
    let b = html.as_bytes();
    let mut run: Option<usize> = None;
    let mut flush = |run: &mut Option<usize>, at: usize| {
        if let Some(start) = run.take()
            && at - start >= 3
        {
            f(&html[start..at]);
        }
    };
    // Outside a run, the scan goes a word (8 bytes) at a time to the next byte that can start
    // a run or a tag (`0`..=`<`: digits, `:`, `;`, `<`): most of a body (letters, CJK,
    // spaces) cannot. It lands on that byte: going on a byte at a time from the start of the
    // block that held it, each byte up to it took the block test again (every tag stops the
    // scan): anchors 41.0M -> 35.3M instructions on the 30-feed corpus.
    // The word test reads only the lowest flag ([`first_stop`]), and the words are the
    // `chunks_exact` of the rest: 17 -> 11 instructions a word (a bound of `i` tested per word
    // kept its bounds check, and the constants did not stay in registers: 19).
    let mut i = 0;
    while i < b.len() {
        if run.is_none() {
            let mut k = 0;
            for word in b[i..].chunks_exact(8) {
                let stops = first_stop(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
                if stops != 0 {
                    k += (stops.trailing_zeros() / 8) as usize;
                    break;
                }
                k += 8;
            }
            i += k;
        }
        let Some(&c) = b.get(i) else { break };
        if c.is_ascii_digit() {
            run.get_or_insert(i);
            i += 1;
            continue;
        }
        flush(&mut run, i);
        let is_tag =
            c == b'<' && b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?'));
        if is_tag && let Some(j) = crate::parse::text::memchr_near(b'>', &b[i + 1..]) {
            i += j + 2;
        } else {
            i += 1;
        }
    }
    flush(&mut run, b.len());
}

/// A high bit set in the byte of `word` (little-endian) that is the first one in `0`..=`<`
/// (the bytes that stop [`for_each_number`]'s word scan), and none below it; zero when no
/// byte is. Flags above the lowest may be wrong (a borrow runs on from a flagged byte), so
/// only `trailing_zeros` is to be read. A byte is in the range when, xored with `0`, it is
/// below 13 ("hasless" of Bit Twiddling Hacks): three operations fewer than the exact mask
/// of [`bytes_between`].
#[inline]
fn first_stop(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let y = word ^ (ONES * u64::from(b'0'));
    y.wrapping_sub(ONES * u64::from(b'<' - b'0' + 1)) & !y & (ONES * 128)
}

/// The high bit of each byte `c` of `word` with `lo < c < hi` (`hi` at most 128), exactly
/// ("hasbetween" of Bit Twiddling Hacks: no borrow or carry crosses a byte). The reference
/// of [`first_stop`] in the tests.
#[cfg(test)]
fn bytes_between(word: u64, lo: u8, hi: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low7 = word & (ONES * 127);
    (ONES * (127 + u64::from(hi))).wrapping_sub(low7)
        & !word
        & low7.wrapping_add(ONES * (127 - u64::from(lo)))
        & (ONES * 128)
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

/// Slug keys and effective languages (the slug's language suffix, else the detected one).
pub(crate) fn slugs_and_langs(posts: &[Post]) -> (Vec<Option<u64>>, Vec<Lang>) {
    posts
        .iter()
        .map(|p| {
            let (key, lang) = slug_info(&p.item);
            (key, lang.unwrap_or(p.item.lang))
        })
        .unzip()
}

/// Whether the content signal can find anything: both languages are present.
pub(crate) fn needs_anchors(langs: &[Lang]) -> bool {
    langs.contains(&Lang::En) && langs.contains(&Lang::Zh)
}

/// Pairs `(a, b)` of indexes into `posts` that are translations of each other.
pub fn twin_pairs(posts: &[Post], max_days: i64) -> Vec<(usize, usize)> {
    let (slugs, langs) = slugs_and_langs(posts);
    let anchors: Vec<Box<[u64]>> = if needs_anchors(&langs) {
        super::par::par_map(posts.len(), |i| {
            let body = &posts[i].item.parsed.content_html;
            anchors(body, &body.visible_markup()).into_boxed_slice()
        })
    } else {
        Vec::new()
    };
    pairs(posts, max_days, &slugs, &langs, &anchors)
}

/// [`twin_pairs`] from the posts' slug keys, languages and [`anchors`] (empty when not
/// [`needs_anchors`]).
pub(crate) fn pairs(
    posts: &[Post],
    max_days: i64,
    slugs: &[Option<u64>],
    langs: &[Lang],
    anchors: &[Box<[u64]>],
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut seen = HashSet::new();
    // Slug signal.
    let mut by_slug: Vec<(u64, u32)> = slugs.iter().enumerate().filter_map(|(i, s)| s.map(|k| (k, i as u32))).collect();
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
    // Content signal: posts of different languages that share an anchor carried by at most
    // ANCHOR_CAP posts, each with three anchors or more.
    if anchors.len() != posts.len() || !needs_anchors(langs) {
        return pairs;
    }
    let mut by_anchor: Vec<(u64, u32)> =
        anchors.iter().enumerate().flat_map(|(i, s)| s.iter().map(move |&a| (a, i as u32))).collect();
    by_anchor.sort_unstable();
    let mut cands: Vec<(u32, u32)> = Vec::new();
    for run in by_anchor.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1 && g.len() <= ANCHOR_CAP) {
        for (x, &(_, a)) in run.iter().enumerate() {
            if anchors[a as usize].len() < 3 {
                continue;
            }
            for &(_, b) in &run[x + 1..] {
                if langs[b as usize] != langs[a as usize] && anchors[b as usize].len() >= 3 {
                    cands.push((a, b));
                }
            }
        }
    }
    cands.sort_unstable();
    cands.dedup();
    for (a, b) in cands {
        let (a, b) = (a as usize, b as usize);
        if seen.contains(&(a, b)) || days_apart(&posts[a], &posts[b]) > 7 {
            continue;
        }
        let (sa, sb) = (&anchors[a], &anchors[b]);
        let inter = super::text::sorted_common(sa, sb);
        let jac = inter as f32 / (sa.len() + sb.len() - inter) as f32;
        if jac < 0.3 {
            continue;
        }
        let shared_title =
            latin_words(&posts[a].item.parsed.title).intersection(&latin_words(&posts[b].item.parsed.title)).count();
        if shared_title >= 1 && seen.insert((a, b)) {
            pairs.push((a, b));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The anchors as first written (a lowercased copy, a hash set), to check the one-pass
    /// version against.
    fn anchors_reference(body: &RawHtml) -> Vec<u64> {
        let mut out = HashSet::new();
        for href in body.links() {
            out.insert(anchor_hash(href.trim_end_matches('/').bytes()));
        }
        let html = body.visible_markup();
        let lower = html.to_ascii_lowercase();
        for (open, close) in [("<pre", "</pre>"), ("<code", "</code>")] {
            let mut rest = lower.as_str();
            while let Some(i) = rest.find(open) {
                let block = &rest[i..];
                let end = block.find(close).unwrap_or(block.len());
                let code = crate::parse::text::strip_tags(&block[..end]).into_owned();
                for w in code.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
                    if w.len() >= 4 && w.bytes().any(|b| b.is_ascii_alphabetic()) {
                        out.insert(anchor_hash(w.bytes()));
                    }
                }
                rest = &block[end..];
            }
        }
        let text = crate::parse::text::strip_tags(&html);
        for num in text.split(|c: char| !c.is_ascii_digit()) {
            if num.len() >= 3 {
                out.insert(anchor_hash(num.bytes()));
            }
        }
        let mut v: Vec<u64> = out.into_iter().collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn anchors_agree_with_the_reference_on_mixed_pieces() {
        const PIECES: &[&str] = &[
            "<pre>",
            "</pre>",
            "<PRE class=x>",
            "</PRE>",
            "<code>",
            "</CODE>",
            "<Code>",
            "<preview>",
            "<",
            ">",
            "<b>",
            "</b>",
            "<!-- 123 -->",
            "<a href=\"http://e.org/x/\">",
            "<A HREF=/y>",
            "</a>",
            "12",
            "345",
            "6",
            "7890",
            " ",
            "Docker_Run",
            "go",
            "中文",
            "&amp;",
            "<1",
            "<?x>",
            "<script>999</script>",
            "x",
        ];
        let base = url::Url::parse("http://example.org/blog/").ok();
        for html in crate::test_docs::random_docs(PIECES, 14, 0x9e37_79b9_7f4a_7c15) {
            let body = RawHtml::new(html.clone(), base.clone());
            assert_eq!(anchors(&body, &body.visible_markup()), anchors_reference(&body), "{html}");
        }
    }

    /// The runs of digits found in place are those of the stripped text, also across long
    /// stretches that the scan passes 8 bytes at a time.
    #[test]
    fn numbers_agree_with_the_stripped_text() {
        for at in 0..8 {
            for c in 0..=255u8 {
                for fill in [0u8, b'0', b'<', b'=', b'a', 0x7f, 0x80, 0xbc, 0xff] {
                    let mut w = [fill; 8];
                    w[at] = c;
                    let want = w
                        .iter()
                        .enumerate()
                        .fold(0u64, |m, (k, &x)| m | (u64::from(x > b'/' && x < b'=') << (8 * k + 7)));
                    let word = u64::from_le_bytes(w);
                    assert_eq!(bytes_between(word, b'/', b'='), want, "{w:?}");
                    // The same first stop, or none.
                    assert_eq!(first_stop(word).trailing_zeros(), want.trailing_zeros(), "{w:?}");
                }
            }
        }
        // Words of several stops and near misses: the lowest flag is the first stop.
        let mut rng = crate::test_docs::Xorshift(0x2545_f491_4f6c_dd1d);
        let bytes = [0u8, 0x0c, 0x0d, b' ', b'/', b'0', b'9', b';', b'<', b'=', b'?', b'a', 0x7f, 0x80, 0xbc, 0xff];
        for _ in 0..200_000 {
            let w: [u8; 8] = std::array::from_fn(|_| bytes[rng.below(bytes.len())]);
            let first = w.iter().position(|&x| (b'0'..=b'<').contains(&x)).map_or(64, |k| 8 * k as u32 + 7);
            assert_eq!(first_stop(u64::from_le_bytes(w)).trailing_zeros(), first, "{w:?}");
        }
        const PIECES: &[&str] = &[
            "123",
            "4",
            "56789",
            "<b>",
            "</p>",
            "<",
            "<1",
            ">",
            ";",
            ":",
            "/",
            "=",
            "a",
            " ",
            "<!-- 99 -->",
            "the quick brown fox jumps over ",
            "中文字符串的测试",
            "<a href=\"/x/2024\">",
        ];
        for html in crate::test_docs::random_docs(PIECES, 12, 0x2545_f491_4f6c_dd1d) {
            let mut found = Vec::new();
            for_each_number(&html, |num| found.push(num.to_string()));
            let text = crate::parse::text::strip_tags(&html);
            let want: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|n| n.len() >= 3).collect();
            assert_eq!(found, want, "{html}");
        }
    }
}
