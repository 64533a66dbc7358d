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

    /// Like [`Regex::captures_iter`].
    pub(super) fn captures_iter<'r, 'h>(&'r self, text: &'h str) -> CaptureMatches<'r, 'h> {
        self.re.captures_iter(if (self.needs)(text) { text } else { "" })
    }

    /// Like [`Regex::replace_all`].
    pub(super) fn replace_all<'h>(&self, text: &'h str, rep: impl Replacer) -> Cow<'h, str> {
        if (self.needs)(text) { self.re.replace_all(text, rep) } else { Cow::Borrowed(text) }
    }
}

/// Whether `text` contains any of `chars`: the same as `text.contains(chars)`, but one
/// `memchr`-backed search per character instead of decoding every character of the text and
/// comparing it with each (which made the gates themselves a hot spot on Chinese text).
#[inline]
pub(super) fn has_any(text: &str, chars: &[char]) -> bool {
    chars.iter().any(|&c| text.contains(c))
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
        assert_eq!(RE.captures_iter("1个 2个").count(), 2);
        assert_eq!(RE.captures_iter("1 2").count(), 0);
        assert_eq!(RE.replace_all("1个 2", "n"), "n 2");
    }

    #[test]
    fn has_any_is_contains_of_a_char_set() {
        for text in ["", "a", "中文：x", "“引号”", "Ａ,b", "末尾。"] {
            for set in [&[':', '：'][..], &['“', '"'], &['。', '，', ','], &[]] {
                assert_eq!(has_any(text, set), text.contains(set), "{text} {set:?}");
            }
        }
    }
}
