//! Label regexes (`讲师：…`, `Venue: …`, `* 报名: …`) without their lead of symbols.
//!
//! Seven label rules were written `^\W{0,n}LABEL…` (`[\W_]` for one): up to n non-word
//! characters, then a label. `\W` is the complement of Unicode's word characters, hundreds of
//! ranges, which the regex crate compiles into a large automaton n times over, forwards and
//! backwards: 6–8 M instructions per regex, 46 M of the 336 M that extraction took on the
//! 30-feed run (compiled once per process, but every process pays it). Every label starts
//! with a word character (not `_`), so a lead of non-word characters must be all of them that
//! start the line: [`Labelled`] measures that run (a table-free test for the usual first
//! characters, else one shared `^\W*` regex), and runs the label regex, anchored, on the rest.
//! A test compares both forms on many lines.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// The characters a label's lead may hold.
#[derive(Clone, Copy)]
pub(super) enum Lead {
    /// `\W` (non-word characters).
    NonWord,
    /// `[\W_]` (non-word characters and `_`).
    NonWordOrUnderscore,
}

/// `(?i)^\W*` and `(?i)^[\W_]*`: the run of lead characters that starts a text.
static NON_WORD_RUN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^\W*").unwrap());
static NON_WORD_OR_UNDERSCORE_RUN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^[\W_]*").unwrap());

/// A regex `(?i)^LEAD{0,max}LABEL…`, as `(?i)^LABEL…` (`rest`) on the text after the lead,
/// run only on texts that pass `needs` (a test true of every text it matches). `LABEL` must
/// start with a word character other than `_` in every case variant.
pub(super) struct Labelled {
    lead: Lead,
    max: usize,
    rest: LazyLock<Regex>,
    needs: fn(&str) -> bool,
}

impl Labelled {
    /// The label regex `rest` (compiled on first use) after at most `max` characters of `lead`.
    pub(super) const fn new(lead: Lead, max: usize, rest: fn() -> Regex, needs: fn(&str) -> bool) -> Self {
        Labelled { lead, max, rest: LazyLock::new(rest), needs }
    }

    /// The text after its lead when the lead is short enough for a match.
    fn after_lead<'h>(&self, text: &'h str) -> Option<&'h str> {
        if !(self.needs)(text) {
            return None;
        }
        let run = match text.chars().next() {
            // Word characters (not `_`): ASCII letters and digits, CJK ideographs (a test
            // checks they are all `\w`), which start most lines.
            None => 0,
            Some(c) if c.is_ascii_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c) => 0,
            Some(_) => {
                let re = match self.lead {
                    Lead::NonWord => &NON_WORD_RUN,
                    Lead::NonWordOrUnderscore => &NON_WORD_OR_UNDERSCORE_RUN,
                };
                re.find(text).map_or(0, |m| m.end())
            }
        };
        let (lead, rest) = text.split_at(run);
        (lead.chars().nth(self.max).is_none()).then_some(rest)
    }

    /// Like [`Regex::is_match`] of the whole pattern.
    pub(super) fn is_match(&self, text: &str) -> bool {
        self.after_lead(text).is_some_and(|rest| self.rest.is_match(rest))
    }

    /// Like [`Regex::captures`] of the whole pattern, for its groups' texts (their offsets
    /// count from the end of the lead; group 0 leaves the lead out).
    pub(super) fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.rest.captures(self.after_lead(text)?)
    }

    /// Like [`Self::captures`] when `maybe` (a cheaper necessary condition known already), else none.
    pub(super) fn captures_if<'h>(&self, maybe: bool, text: &'h str) -> Option<Captures<'h>> {
        if maybe { self.captures(text) } else { None }
    }

    /// `text` without its match, like [`Regex::replace`] of the whole pattern with "" (the
    /// pattern is anchored: what it matches starts the text).
    pub(super) fn strip<'h>(&self, text: &'h str) -> Cow<'h, str> {
        let Some(rest) = self.after_lead(text) else { return Cow::Borrowed(text) };
        match self.rest.find(rest) {
            Some(m) => Cow::Borrowed(&rest[m.end()..]),
            None => Cow::Borrowed(text),
        }
    }
}

#[cfg(test)]
#[path = "label_tests.rs"]
mod tests;
