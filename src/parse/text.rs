//! Small text helpers shared by the parsers: entity lookup and decoding, tag stripping,
//! whitespace collapsing, HTML escaping.

use std::borrow::Cow;

/// Looks up a named character reference (without `&` and `;`), HTML5 names plus the XML ones.
/// Returns the one or two code points it stands for.
pub fn named_entity(name: &str) -> Option<(char, Option<char>)> {
    // The table is keyed "name;" (plus legacy names without the semicolon, which we ignore);
    // the key is built on the stack (the longest name has 31 characters).
    let mut buf = [0u8; 40];
    let key = buf.get_mut(..name.len() + 1)?;
    key[..name.len()].copy_from_slice(name.as_bytes());
    key[name.len()] = b';';
    let &(a, b) = web_atoms::NAMED_ENTITIES.get(std::str::from_utf8(key).ok()?)?;
    let first = char::from_u32(a)?;
    let second = if b == 0 { None } else { char::from_u32(b) };
    Some((first, second))
}

/// Resolves a numeric reference body such as `#160` or `#xA0`; invalid code points give U+FFFD.
pub fn numeric_entity(body: &str) -> Option<char> {
    let digits = body.strip_prefix('#')?;
    let n = if let Some(hex) = digits.strip_prefix(['x', 'X']) {
        u32::from_str_radix(hex, 16).ok()?
    } else {
        digits.parse::<u32>().ok()?
    };
    Some(match n {
        0 => '\u{FFFD}',
        _ => char::from_u32(n).unwrap_or('\u{FFFD}'),
    })
}

/// Decodes HTML character references (named and numeric); unknown ones stay as written.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        // A reference is at most ~32 chars before its ';'.
        let semi = after.char_indices().take(33).find(|&(_, c)| c == ';').map(|(j, _)| j);
        let decoded = semi.and_then(|j| {
            let body = &after[..j];
            if body.starts_with('#') {
                numeric_entity(body).map(|c| (c, None, j))
            } else {
                named_entity(body).map(|(a, b)| (a, b, j))
            }
        });
        match decoded {
            Some((a, b, j)) => {
                out.push(a);
                if let Some(b) = b {
                    out.push(b);
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Removes HTML tags (a `<` followed by a letter, `/`, `!` or `?`, up to the next `>`).
pub fn strip_tags(s: &str) -> Cow<'_, str> {
    if !s.contains('<') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag = after.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        match (is_tag, after.find('>')) {
            (true, Some(j)) => {
                out.push(' ');
                rest = &after[j + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Collapses runs of whitespace to one space and trims the ends.
pub fn collapse_whitespace(s: &str) -> String {
    // Most titles, names and categories are collapsed already: one byte scan and a copy
    // instead of `split_whitespace`'s decoding of every char.
    if is_collapsed(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `s` has no whitespace (`char::is_whitespace`) but single spaces between other
/// characters, i.e. `collapse_whitespace(s) == s`. Non-ASCII whitespace is recognized by its
/// UTF-8 bytes: U+0085 and U+00A0 (`C2 85`, `C2 A0`), U+1680 (`E1 9A 80`), U+2000–U+200A,
/// U+2028, U+2029, U+202F (`E2 80 xx`), U+205F (`E2 81 9F`) and U+3000 (`E3 80 80`).
fn is_collapsed(s: &str) -> bool {
    let b = s.as_bytes();
    // Whether the byte before is a space (or the start: no leading space).
    let mut after_space = true;
    for (i, &c) in b.iter().enumerate() {
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        let white = match c {
            b' ' => {
                if after_space {
                    return false;
                }
                after_space = true;
                continue;
            }
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => true,
            0xC2 => matches!(at(1), 0x85 | 0xA0),
            0xE1 => at(1) == 0x9A && at(2) == 0x80,
            0xE2 => {
                (at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) || (at(1) == 0x81 && at(2) == 0x9F)
            }
            0xE3 => at(1) == 0x80 && at(2) == 0x80,
            _ => false,
        };
        if white {
            return false;
        }
        after_space = false;
    }
    !after_space || b.is_empty()
}

/// Plain text from a possibly-HTML string: tags stripped, entities decoded, whitespace collapsed.
pub fn plain_text(s: &str) -> String {
    let stripped = strip_tags(s);
    let decoded = decode_entities(&stripped);
    collapse_whitespace(&decoded)
}

/// Escapes `&`, `<`, `>` and `"` for HTML text or attribute values.
pub fn escape_html(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Plain text as HTML paragraphs (blank lines separate paragraphs).
pub fn text_to_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for para in s.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        out.push_str(&escape_html(para));
        out.push_str("</p>");
    }
    out
}

/// Byte offset to a 1-based (line, column) in `text`; columns count characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `memchr::memchr(a, haystack)` for a byte that is most often a few bytes away (the `>` of
/// a tag): see [`memchr2_near`].
#[inline]
pub(crate) fn memchr_near(a: u8, haystack: &[u8]) -> Option<usize> {
    let Some(word) = haystack.first_chunk::<8>() else { return memchr::memchr(a, haystack) };
    let hits = bytes_equal(u64::from_le_bytes(*word), a);
    if hits != 0 {
        return Some((hits.trailing_zeros() / 8) as usize);
    }
    memchr::memchr(a, &haystack[8..]).map(|k| k + 8)
}

/// The offsets of every `a` in `haystack`, as `memchr::memchr_iter` gives them, found by
/// [`memchr_near`]: for the `<`s of markup, which are most often a few bytes apart.
pub(crate) fn memchr_near_iter(a: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + memchr_near(a, haystack.get(from..)?)?;
        from = at + 1;
        Some(at)
    })
}

/// `memchr::memchr2(a, b, haystack)` for scans that stop every few bytes (entity-escaped
/// HTML has an `&` in every tag): the first 8 bytes are looked at as one word, which costs
/// less than setting up the SIMD search for so short a distance.
#[inline]
pub(crate) fn memchr2_near(a: u8, b: u8, haystack: &[u8]) -> Option<usize> {
    let Some(word) = haystack.first_chunk::<8>() else { return memchr::memchr2(a, b, haystack) };
    let word = u64::from_le_bytes(*word);
    let hits = bytes_equal(word, a) | bytes_equal(word, b);
    if hits != 0 {
        return Some((hits.trailing_zeros() / 8) as usize);
    }
    memchr::memchr2(a, b, &haystack[8..]).map(|k| k + 8)
}

/// The high bit of each byte of `word` equal to `b`; exact up to the first such byte (a
/// borrow may flag later bytes too, so only the lowest flag is to be read).
#[inline]
fn bytes_equal(word: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = word ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memchr2_near_agrees_with_memchr2() {
        let text = b"ab&c<d\x00\xff&&<<0123456789abcdef&x\x80\x26\x3c\x25\x3b";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let hay = &text[start..end];
                assert_eq!(memchr2_near(b'&', b'<', hay), memchr::memchr2(b'&', b'<', hay), "{hay:?}");
                assert_eq!(memchr2_near(b'&', b'\r', hay), memchr::memchr2(b'&', b'\r', hay), "{hay:?}");
                assert_eq!(memchr_near(b'<', hay), memchr::memchr(b'<', hay), "{hay:?}");
                assert!(memchr_near_iter(b'&', hay).eq(memchr::memchr_iter(b'&', hay)), "{hay:?}");
            }
        }
        // Every byte before a hit, the hit at every position of the word.
        for hit in 0..8 {
            for other in 0..=255u8 {
                let mut w = [other; 12];
                w[hit] = b'<';
                assert_eq!(memchr2_near(b'&', b'<', &w), memchr::memchr2(b'&', b'<', &w));
                assert_eq!(memchr_near(b'<', &w), memchr::memchr(b'<', &w));
            }
        }
    }

    /// The copy fast path of `collapse_whitespace` gives what `split_whitespace` gives, for
    /// every whitespace char of Unicode and its byte neighbours.
    #[test]
    fn collapse_whitespace_matches_split_whitespace() {
        let reference = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut pieces: Vec<String> =
            ["a", "中", "、", "é", " ", "  ", "\u{0b}", "\u{1c}", "\u{2030}", "\u{205e}"].map(String::from).to_vec();
        // Every char in the blocks where Unicode's whitespace lives, whitespace or not.
        for c in ('\u{0}'..='\u{ff}')
            .chain('\u{1600}'..='\u{16ff}')
            .chain('\u{2000}'..='\u{20ff}')
            .chain('\u{3000}'..='\u{30ff}')
        {
            pieces.push(c.to_string());
        }
        let pieces: &'static [&'static str] = Vec::leak(pieces.into_iter().map(|p| &*String::leak(p)).collect());
        let mut seen = 0;
        for text in crate::test_docs::random_docs(pieces, 3, 0x2545_f491_4f6c_dd1d)
            .take(5_000)
            .chain(pieces.iter().map(|p| format!("x{p}y")))
        {
            assert_eq!(collapse_whitespace(&text), reference(&text), "{text:?}");
            seen += usize::from(is_collapsed(&text));
        }
        assert!(seen > 1_000, "{seen}");
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(is_collapsed(&text), reference(&text) == text, "{c:?}");
        }
    }

    #[test]
    fn decodes_and_strips() {
        assert_eq!(decode_entities("a&nbsp;b &amp; &#x4e2d;&#25991; &bogus; & x"), "a\u{a0}b & 中文 &bogus; & x");
        assert_eq!(plain_text("  <b>Hi</b>&mdash;there\n\n you "), "Hi —there you");
        assert_eq!(plain_text("1 < 2 and 3>2"), "1 < 2 and 3>2");
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(text_to_html("a <b>\n\nc"), "<p>a &lt;b&gt;</p><p>c</p>");
    }
}
