//! Regexes behind a cheap gate. Most lines of a post match none of the talk and date rules, and
//! the regex crate's fast engines give up on Chinese text where a pattern has Unicode classes or
//! `\b`; a plain `str::contains` test for something every match must hold (a literal, a colon)
//! settles most lines without running the regex. The gate may only say "maybe": whenever it lets
//! a line through, the regex decides, so results are those of the regex alone.

use std::sync::LazyLock;

use std::borrow::Cow;

use regex::{CaptureMatches, Captures, Regex, Replacer};

/// A regex run only on text that passes `needs`, a test true of every text the regex matches.
pub(super) struct Gated {
    re: LazyLock<Regex>,
    needs: fn(&str) -> bool,
}

impl Gated {
    /// `pattern` (compiled once, on first use), run only where `needs` holds.
    pub(super) const fn new(pattern: fn() -> Regex, needs: fn(&str) -> bool) -> Self {
        Gated { re: LazyLock::new(pattern), needs }
    }

    /// Like [`Regex::is_match`].
    pub(super) fn is_match(&self, text: &str) -> bool {
        (self.needs)(text) && self.re.is_match(text)
    }

    /// Like [`Regex::captures`].
    pub(super) fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        if (self.needs)(text) { self.re.captures(text) } else { None }
    }

    /// Like [`Self::captures`] when `maybe` (a cheaper necessary condition known already), else none.
    pub(super) fn captures_if<'h>(&self, maybe: bool, text: &'h str) -> Option<Captures<'h>> {
        if maybe { self.captures(text) } else { None }
    }

    /// Like [`Regex::captures_iter`] when `maybe` (a cheaper necessary condition known already)
    /// and the gate hold, else nothing, without setting up a search (which allocates room for
    /// the captures) for nothing.
    pub(super) fn captures_iter_if<'r, 'h>(
        &'r self,
        maybe: bool,
        text: &'h str,
    ) -> std::iter::Flatten<std::option::IntoIter<CaptureMatches<'r, 'h>>> {
        (maybe && (self.needs)(text)).then(|| self.re.captures_iter(text)).into_iter().flatten()
    }

    /// Like [`Regex::replace_all`].
    pub(super) fn replace_all<'h>(&self, text: &'h str, rep: impl Replacer) -> Cow<'h, str> {
        if (self.needs)(text) { self.re.replace_all(text, rep) } else { Cow::Borrowed(text) }
    }
}

/// Whether `text` holds one of the two characters whose lowercase has ASCII letters (U+0130
/// `İ`, U+212A Kelvin sign): where it does not, ASCII case folding finds what lowercasing does.
/// (Two SIMD searches for a lead byte rare in Chinese text, then a look at what follows, rather
/// than `str::contains`, whose search for a character stops at every byte equal to its last one,
/// which here are common in Chinese text.)
pub(super) fn lowercases_to_ascii(text: &str) -> bool {
    has_char(text.as_bytes(), "\u{130}".as_bytes()) || has_char(text.as_bytes(), "\u{212a}".as_bytes())
}

/// Whether `hay` holds `needle`, the UTF-8 of one character: a `memchr` for its lead byte (the
/// only byte of ASCII, else one that starts characters, rarer in Chinese text than the
/// continuation bytes are when it is no Han lead byte), or for its last byte (Han), then a
/// comparison of the rest. In UTF-8 text, the bytes of a character match only at a character.
#[inline]
fn has_char(hay: &[u8], needle: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (needle.first(), needle.last()) else { return true };
    let n = needle.len();
    if n == 1 {
        return memchr::memchr(first, hay).is_some();
    }
    if (0xe3..=0xe9).contains(&first) {
        // Han and its neighbours: lead bytes shared by thousands of characters.
        memchr::memchr_iter(last, hay).any(|p| p + 1 >= n && hay.get(p + 1 - n..=p) == Some(needle))
    } else {
        memchr::memchr_iter(first, hay).any(|p| hay.get(p..p + n) == Some(needle))
    }
}

/// Whether `text` contains any of `chars`: the same as `text.contains(chars)`, but one
/// `memchr`-backed search per character (see [`has_char`]) instead of decoding every character
/// of the text and comparing it with each (which made the gates themselves a hot spot on
/// Chinese text).
#[inline]
pub(super) fn has_any(text: &str, chars: &[char]) -> bool {
    chars.iter().any(|&c| has_char(text.as_bytes(), c.encode_utf8(&mut [0; 4]).as_bytes()))
}

/// Whether `hay` holds `needle`, as `str::contains` tells: a `memchr` for one byte of the needle
/// (its first, or its last when the first is a Han lead byte, which thousands of characters
/// share), then a comparison. For the short texts the rules test (titles, headers, lines), the
/// two-way searcher that `str::contains` sets up per call cost more than the search: the rules'
/// `str::contains` calls took 12.3 M instructions of the 30-feed fetch; this, [`has_any`] and
/// [`ByteSet`] in their place take 4 M. A match of UTF-8 in UTF-8 as bytes is one as text.
pub(super) fn has_str(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let (Some(&first), Some(&last)) = (n.first(), n.last()) else { return true };
    let Some(starts) = (h.len() + 1).checked_sub(n.len()) else { return false };
    if (0xe3..=0xe9).contains(&first) {
        // A match starting at `p` ends at `p + n.len() - 1`.
        memchr::memchr_iter(last, &h[n.len() - 1..]).any(|p| h[p..].starts_with(n))
    } else {
        memchr::memchr_iter(first, &h[..starts]).any(|p| h[p..].starts_with(n))
    }
}

/// The bytes a short text holds, as a set: a word with a byte outside it is not in the text.
/// Classifying a post looks for some thirty words in its lowercased title; most titles hold
/// none, and most words have a byte the title lacks, so that one look-up per byte of a word
/// replaces most searches (4.3 M instructions of the 30-feed fetch went to those searches).
pub(super) struct ByteSet([u64; 4]);

impl ByteSet {
    /// The bytes of `text`.
    pub(super) fn of(text: &str) -> Self {
        let mut set = [0u64; 4];
        for &x in text.as_bytes() {
            set[usize::from(x >> 6)] |= 1 << (x & 63);
        }
        ByteSet(set)
    }

    /// Whether every byte of `word` is in the set: true whenever the text holds `word`.
    pub(super) fn may_hold(&self, word: &str) -> bool {
        word.bytes().all(|x| self.0[usize::from(x >> 6)] >> (x & 63) & 1 != 0)
    }
}

/// `char::is_numeric`, without its table search for the CJK ideographs U+4E00–U+9FFF (none of
/// which is a number by category, a test checks), which start most lines of Chinese text.
#[inline]
pub(super) fn is_numeric(c: char) -> bool {
    !('\u{4e00}'..='\u{9fff}').contains(&c) && c.is_numeric()
}

/// Which of the characters the talk rules need a line holds, found in one pass over it (the
/// rules' own gates each search the line again, and on Chinese text `str::contains` of a Han
/// character stops at every byte its last byte equals).
#[derive(Debug, Clone, Copy)]
pub(super) struct Marks(u16);

/// The marked three-byte characters: mark and UTF-8 encoding (as a little-endian `u32`); entry 0
/// matches no character.
const WIDE: [(u16, u32); 12] = [
    (0, 0),
    (Marks::COLON, utf8_code("：")),
    (Marks::COMMA, utf8_code("，")),
    (Marks::PAREN, utf8_code("（")),
    (Marks::QUOTE, utf8_code("“")),
    (Marks::TITLE, utf8_code("《")),
    (Marks::DAI, utf8_code("带")),
    (Marks::ZI, utf8_code("自")),
    (Marks::YOU, utf8_code("由")),
    (Marks::DE, utf8_code("的")),
    (Marks::JIANG, utf8_code("讲")),
    (Marks::XIANG, utf8_code("享")),
];

/// A three-byte character's encoding as a little-endian `u32`.
const fn utf8_code(c: &str) -> u32 {
    let b = c.as_bytes();
    assert!(b.len() == 3);
    u32::from_le_bytes([b[0], b[1], b[2], 0])
}

/// Index into [`WIDE`] by the last byte of a character.
const BY_LAST_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 1;
    while k < WIDE.len() {
        let last = (WIDE[k].1 >> 16) as usize & 0xff;
        assert!(t[last] == 0, "marked characters must end in different bytes");
        t[last] = k as u8;
        k += 1;
    }
    t
};

/// Marks of ASCII characters.
const ASCII_MARKS: [u16; 128] = {
    let mut t = [0u16; 128];
    t[b':' as usize] = Marks::COLON;
    t[b',' as usize] = Marks::COMMA;
    t[b'(' as usize] = Marks::PAREN;
    t[b'"' as usize] = Marks::QUOTE;
    t[b'<' as usize] = Marks::TITLE;
    t
};

impl Marks {
    /// `:` or `：`.
    pub(super) const COLON: u16 = 1;
    /// `,` or `，`.
    pub(super) const COMMA: u16 = 1 << 1;
    /// `(` or `（`.
    pub(super) const PAREN: u16 = 1 << 2;
    /// `“` or `"`.
    pub(super) const QUOTE: u16 = 1 << 3;
    /// `《` or `<`.
    pub(super) const TITLE: u16 = 1 << 4;
    /// 带 (带来).
    pub(super) const DAI: u16 = 1 << 5;
    /// 自 (主题来自).
    pub(super) const ZI: u16 = 1 << 6;
    /// 由.
    pub(super) const YOU: u16 = 1 << 7;
    /// 的.
    pub(super) const DE: u16 = 1 << 8;
    /// 讲 (主讲, 讲述).
    pub(super) const JIANG: u16 = 1 << 9;
    /// 享 (分享).
    pub(super) const XIANG: u16 = 1 << 10;

    /// The marks of `text`: a table look-up per ASCII byte, and per three-byte character one by
    /// its last byte (the marked ones all end differently), then a comparison of the whole.
    pub(super) fn of(text: &str) -> Self {
        let b = text.as_bytes();
        let (mut m, mut i) = (0, 0);
        while let Some(&x) = b.get(i) {
            if x < 0x80 {
                m |= ASCII_MARKS[usize::from(x)];
                i += 1;
            } else if x < 0xe0 {
                i += 2;
            } else if x < 0xf0 {
                if let Some(&[p, q, r]) = b.get(i..i + 3) {
                    let (mark, code) = WIDE[usize::from(BY_LAST_BYTE[usize::from(r)])];
                    if u32::from_le_bytes([p, q, r, 0]) == code {
                        m |= mark;
                    }
                }
                i += 3;
            } else {
                i += 4;
            }
        }
        Marks(m)
    }

    /// Whether the text holds all of `marks`.
    pub(super) fn all(self, marks: u16) -> bool {
        self.0 & marks == marks
    }

    /// Whether the text holds any of `marks`.
    pub(super) fn any(self, marks: u16) -> bool {
        self.0 & marks != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RE: Gated = Gated::new(|| Regex::new(r"(\d+)个").unwrap(), |t| t.contains('个'));

    #[test]
    fn gate_only_skips_lines_the_regex_cannot_match() {
        assert!(RE.is_match("3个"));
        assert!(!RE.is_match("3 items"));
        assert_eq!(RE.captures("有12个").and_then(|c| c.get(1)).map(|m| m.as_str()), Some("12"));
        assert_eq!(RE.captures_iter_if(true, "1个 2个").count(), 2);
        assert_eq!(RE.captures_iter_if(true, "1 2").count(), 0);
        assert_eq!(RE.replace_all("1个 2", "n"), "n 2");
    }

    #[test]
    fn marks_are_the_characters_held() {
        let m = Marks::of("由张三带来：“题目”");
        assert!(m.all(Marks::YOU | Marks::DAI | Marks::COLON | Marks::QUOTE));
        assert!(!m.any(Marks::COMMA | Marks::PAREN | Marks::TITLE | Marks::ZI | Marks::DE | Marks::JIANG));
        assert!(Marks::of("a, b").all(Marks::COMMA) && Marks::of("<x>").all(Marks::TITLE));
        // Each marked character, alone and among others (two- and four-byte ones too).
        let marked = [
            (':', Marks::COLON),
            ('：', Marks::COLON),
            (',', Marks::COMMA),
            ('，', Marks::COMMA),
            ('(', Marks::PAREN),
            ('（', Marks::PAREN),
            ('“', Marks::QUOTE),
            ('"', Marks::QUOTE),
            ('《', Marks::TITLE),
            ('<', Marks::TITLE),
            ('带', Marks::DAI),
            ('自', Marks::ZI),
            ('由', Marks::YOU),
            ('的', Marks::DE),
            ('讲', Marks::JIANG),
            ('享', Marks::XIANG),
        ];
        for (c, mark) in marked {
            assert_eq!(Marks::of(&c.to_string()).0, mark, "{c}");
            assert_eq!(Marks::of(&format!("中文a{c}é𝟙末")).0, mark, "{c}");
        }
        assert_eq!(Marks::of("中文aé𝟙末”》）；").0, 0);
    }

    #[test]
    fn has_str_is_contains() {
        const PIECES: &[&str] =
            &["报名", "报", "名", "主讲", "a", "by", "b", "y", "开始", " ", "中", "\u{8b1b}", "é", "𝟙", ""];
        let docs: Vec<String> = crate::test_docs::random_docs(PIECES, 6, 0x5eed).take(3_000).collect();
        let mut found = 0;
        for hay in &docs {
            for needle in docs.iter().take(40).map(|s| s.as_str()).chain(PIECES.iter().copied()) {
                let want = hay.contains(needle);
                found += usize::from(want);
                assert_eq!(has_str(hay, needle), want, "{hay:?} {needle:?}");
            }
            for k in 0..=hay.len() {
                if let (Some(a), Some(b)) = (hay.get(k..), hay.get(..k)) {
                    assert!(has_str(hay, a) && has_str(hay, b), "{hay:?} {k}");
                }
            }
        }
        assert!(found > 10_000, "{found}");
    }

    #[test]
    fn byte_set_holds_every_word_of_the_text() {
        const PIECES: &[&str] = &["征集", "回顾", "cfp", "summit", "a", " ", "报名", "\u{8b1b}", "é", "𝟙", "总结", "x"];
        let docs: Vec<String> = crate::test_docs::random_docs(PIECES, 4, 0xb17e).take(2_000).collect();
        let mut skipped = 0;
        for text in &docs {
            let set = ByteSet::of(text);
            for word in docs.iter().take(50).map(|s| s.as_str()).chain(PIECES.iter().copied()) {
                assert!(!text.contains(word) || set.may_hold(word), "{text:?} {word:?}");
                skipped += usize::from(!set.may_hold(word));
            }
        }
        assert!(skipped > 10_000, "{skipped}");
    }

    #[test]
    fn is_numeric_is_the_standard_one() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_numeric(c), c.is_numeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn characters_lowercasing_to_ascii() {
        assert!(lowercases_to_ascii("a\u{130}b") && lowercases_to_ascii("\u{212a}"));
        let found: Vec<char> =
            (0x80..=0x10ffff).filter_map(char::from_u32).filter(|c| c.to_lowercase().any(|l| l.is_ascii())).collect();
        assert_eq!(found, ['\u{130}', '\u{212a}']);
    }

    #[test]
    fn has_any_is_contains_of_a_char_set() {
        for text in ["", "a", "中文：x", "“引号”", "Ａ,b", "末尾。"] {
            for set in [&[':', '：'][..], &['“', '"'], &['。', '，', ','], &[]] {
                assert_eq!(has_any(text, set), text.contains(set), "{text} {set:?}");
            }
            assert!(!lowercases_to_ascii(text));
        }
        // Characters sharing lead or last bytes with those of the text, and every length of UTF-8.
        let texts = ["分享讲座，主讲人：由我带来“题目”", "İstanbul \u{212a}elvin é𝟙", "讲x", "x享", "a\u{8b1b}b"];
        let pool = "讲享由带自的题：，（“《》”）。:,(\"<aZ é\u{130}\u{212a}𝟙\u{8b1b}\u{8bb2}\u{4eab}\u{5e26}座人";
        for text in texts {
            for c in pool.chars() {
                assert_eq!(has_any(text, &[c]), text.contains(c), "{text} {c:?}");
            }
            assert_eq!(lowercases_to_ascii(text), text.contains(['\u{130}', '\u{212a}']), "{text}");
        }
    }
}
