//! Whitespace collapsing for [`super`]: runs of whitespace (ASCII, NBSP, U+3000, zero-width
//! spaces…) become one space, and lines are trimmed, as the text is appended.

/// Whether `c` separates words for [`collapse_ws`]: whitespace, U+200B and U+FEFF (what
/// [`char_at`] tells from the bytes).
#[cfg(test)]
pub(super) fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
}

/// Byte length of the character at byte `i` of `s`, and whether it is a separator. Only five
/// lead bytes can start a non-ASCII separator (U+0085 and U+00A0; U+1680; U+2000–U+205F;
/// U+3000; U+FEFF), and the separators among their characters are told by their bytes, so no
/// character is decoded (CJK punctuation such as `，` and `。` starts with 0xEF or 0xE3).
#[inline]
pub(super) fn char_at(s: &str, i: usize) -> (usize, bool) {
    let b = s.as_bytes();
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        x @ 0..=0x7f => (1, matches!(x, b' ' | b'\t'..=b'\r')),
        0xc2 => (2, matches!(at(1), 0x85 | 0xa0)),
        0xe1 => (3, at(1) == 0x9a && at(2) == 0x80),
        // U+2000–U+200B, U+2028, U+2029, U+202F; U+205F.
        0xe2 => (3, matches!((at(1), at(2)), (0x80, 0x80..=0x8b | 0xa8 | 0xa9 | 0xaf) | (0x81, 0x9f))),
        0xe3 => (3, at(1) == 0x80 && at(2) == 0x80),
        0xef => (3, at(1) == 0xbb && at(2) == 0xbf),
        0xc0..=0xdf => (2, false),
        0xe0..=0xef => (3, false),
        _ => (4, false),
    }
}

/// Bytes [`collapse_ws`] must look at: 1 for ASCII whitespace, 2 for the lead bytes of the
/// non-ASCII separators (see [`char_at`]); every other byte (ASCII text, continuation bytes,
/// leads of Han text) is copied as part of a word.
static WS_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => 1,
            0xc2 | 0xe1 | 0xe2 | 0xe3 | 0xef => 2,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Whether [`WS_CLASS`] of `x` is not 0, without the table (so that a block of bytes is
/// classified with vector instructions).
#[inline(always)]
fn special(x: u8) -> bool {
    (x == b' ') | (x.wrapping_sub(b'\t') < 5) | (x == 0xc2) | (x.wrapping_sub(0xe1) < 3) | (x == 0xef)
}

/// Where a scan from `i` (in a word) must look at bytes one by one: the first byte that
/// [`special`] holds for, unless it is an ASCII space followed by a byte it does not hold for
/// (a single space between words, kept as it is); the end of `b` when there is none. Goes 16
/// bytes at a time, the flags of a block computed without branches (the compiler vectorizes
/// it) and read as one `u128`. A space ending a block counts as a stop. The last bytes are a
/// block too, padded with tabs (special: the end of the text stops the scan, and a space
/// ending the text is no single space between words), rather than looked at one by one.
fn clean_run_end(b: &[u8], mut i: usize) -> usize {
    while let Some(block) = b.get(i..i + 16) {
        if let Some(k) = first_stop(block.try_into().expect("16 bytes")) {
            return i + k;
        }
        i += 16;
    }
    let mut last = [b'\t'; 16];
    last[..b.len() - i].copy_from_slice(&b[i..]);
    i + first_stop(&last).expect("the padding is special")
}

/// The first stop (see [`clean_run_end`]) in a block, if any.
#[inline(always)]
fn first_stop(block: &[u8; 16]) -> Option<usize> {
    let (mut sv, mut sp) = ([0u8; 16], [0u8; 16]);
    for k in 0..16 {
        sv[k] = u8::from(special(block[k]));
        sp[k] = u8::from(block[k] == b' ');
    }
    let s = u128::from_le_bytes(sv);
    let next = (s >> 8) | (1 << 120);
    let stop = s & !(u128::from_le_bytes(sp) & !next);
    (stop != 0).then(|| (stop.trailing_zeros() / 8) as usize)
}

/// Collapses runs of whitespace (including U+3000 and NBSP) into one space and trims.
pub fn collapse_ws(s: &str) -> String {
    let mut c = Collapsed::default();
    c.push(s);
    c.s
}

/// Text collapsed as it is appended: [`collapse_ws`] of all the text pushed, with a gap
/// (whitespace) wherever [`Collapsed::gap`] was called. The walk appends each text node to
/// its line this way, so the text is copied once, not into a raw buffer and then collapsed.
#[derive(Debug, Default)]
pub(super) struct Collapsed {
    /// The text so far.
    pub(super) s: String,
    /// Whitespace came after the last word.
    pub(super) gap: bool,
}

impl Collapsed {
    /// Appends `text`. Words are found with a byte table ([`WS_CLASS`]); text already in
    /// collapsed form (words between single ASCII spaces) is copied as one run, so an English
    /// line costs one copy rather than one per word: the hottest loop of the walk.
    pub(super) fn push(&mut self, text: &str) {
        self.push_to::<false>(text);
    }

    /// Appends `text` up to its first `\n` and returns where that is (`None`, having appended
    /// all of it, when there is none). The walk splits text nodes into lines at their `\n`s
    /// this way: the scan for separators finds them, where a `memchr` per node and line cost
    /// 4.5 M instructions of the 30-feed fetch (nodes are short, and most have none).
    pub(super) fn push_line(&mut self, text: &str) -> Option<usize> {
        self.push_to::<true>(text)
    }

    /// [`Self::push`], or [`Self::push_line`] when `LINES`.
    #[inline(always)]
    fn push_to<const LINES: bool>(&mut self, text: &str) -> Option<usize> {
        let b = text.as_bytes();
        // The run of `text` copied as it is, up to the end of its last word.
        let mut run: Option<usize> = None;
        let mut end = 0;
        let mut i = 0;
        let mut newline = None;
        while i < b.len() {
            let sep = match WS_CLASS[usize::from(b[i])] {
                0 => 0,
                1 => {
                    if LINES && b[i] == b'\n' {
                        newline = Some(i);
                        break;
                    }
                    1
                }
                _ => match char_at(text, i) {
                    (len, true) => len,
                    (_, false) => 0,
                },
            };
            if sep > 0 {
                self.gap = true;
                i += sep;
                continue;
            }
            let start = i;
            // The word, and the words after it that single ASCII spaces separate: the run
            // keeps such a space as it is, so they are one word here.
            loop {
                i = clean_run_end(b, i);
                let Some(&x) = b.get(i) else { break };
                match WS_CLASS[usize::from(x)] {
                    0 => i += 1,
                    1 => break,
                    _ => match char_at(text, i) {
                        (_, true) => break,
                        (len, false) => i += len,
                    },
                }
            }
            match run {
                // One ASCII space since the last word: it is kept as it is, in the run.
                Some(_) if start == end + 1 && b[end] == b' ' => {}
                Some(r) => {
                    self.s.push_str(&text[r..end]);
                    self.s.push(' ');
                    run = Some(start);
                }
                None => {
                    if self.gap && !self.s.is_empty() {
                        self.s.push(' ');
                    }
                    run = Some(start);
                }
            }
            self.gap = false;
            end = i;
        }
        if let Some(r) = run {
            self.s.push_str(&text[r..end]);
        }
        newline
    }

    /// Whitespace between what was pushed and what comes next.
    pub(super) fn gap(&mut self) {
        self.gap = true;
    }

    /// The collapsed text (an exact-size copy); empties this one, which keeps its buffer.
    pub(super) fn take(&mut self) -> String {
        self.gap = false;
        let t = self.s.as_str().to_owned();
        self.s.clear();
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `collapse_ws` by splitting at separators.
    fn reference(s: &str) -> String {
        s.split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    const PIECES: &[&str] = &[
        " ", "  ", "\n", "\t", "\r\n", "a", "word", "b c", "中文", "，", "。", "、", "“", "”", "《", "》", "\u{3000}",
        "\u{a0}", "\u{85}", "\u{200b}", "\u{2003}", "\u{2028}", "\u{202f}", "\u{205f}", "\u{2010}", "\u{2030}",
        "\u{1680}", "\u{1681}", "\u{feff}", "\u{fefe}", "é", "𝟙", "\u{3001}", "\u{e000}", "x, y.",
    ];

    #[test]
    fn generated_texts_collapse_to_their_words() {
        for s in crate::test_docs::random_docs(PIECES, 24, 0xc011) {
            assert_eq!(collapse_ws(&s), reference(&s), "{s:?}");
        }
    }

    #[test]
    fn push_line_splits_as_memchr_did() {
        for s in crate::test_docs::random_docs(PIECES, 24, 0x11e5).take(5_000) {
            // Old: the pieces between `\n`s pushed, the line taken at each `\n`.
            let (mut old, mut old_lines) = (Collapsed::default(), Vec::new());
            let mut rest = s.as_str();
            while let Some(k) = memchr::memchr(b'\n', rest.as_bytes()) {
                old.push(&rest[..k]);
                old_lines.push(old.take());
                rest = &rest[k + 1..];
            }
            old.push(rest);
            let (mut new, mut new_lines) = (Collapsed::default(), Vec::new());
            let mut rest = s.as_str();
            while let Some(k) = new.push_line(rest) {
                new_lines.push(new.take());
                rest = &rest[k + 1..];
            }
            assert_eq!((new_lines, new.s, new.gap), (old_lines, old.s, old.gap), "{s:?}");
        }
    }
}
