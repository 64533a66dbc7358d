//! Dates and times as communities write them: `2015年10月31日`, `10 月 31 日`, `10/14/2014`,
//! `2012.01.08`, `10.31` (in a date context), `Oct 31`, `111023 13:30`, `周六（26 日）`;
//! `13:30 - 17:30`, `下午 1 点半`, `1：30至6：00`, `10:00 AM - 5:00 PM`. The year, when
//! missing, is the one that puts the date nearest the publication date.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use regex::Regex;

use super::gate::{has_any, is_numeric};

/// A date found in a line; byte offsets are char boundaries of that line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateHit {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// Year, when written.
    pub year: Option<i32>,
    /// Month (1–12); 0 when only the day was written.
    pub month: u32,
    /// Day of month.
    pub day: u32,
}

static CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*(?:[-–~～至到]\s*\d{1,2}\s*)?[日号號]").unwrap()
});
static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})").unwrap());
static US: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{1,2})/(\d{1,2})/(\d{4})").unwrap());
static EN_MD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?").unwrap()
});
static EN_DM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:,?\s+(\d{4}))?").unwrap()
});
static DOTTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{1,2})\.(\d{1,2})").unwrap());
static COMPACT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{2})(\d{2})(\d{2})\s*\d{1,2}[:：]\d{2}").unwrap());
static DAY_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:周|星期)[一二三四五六日天]\s*[（(]\s*(\d{1,2})\s*[日号]|(\d{1,2})\s*[日号]\s*[（(]?\s*(?:周|星期)[一二三四五六日天]").unwrap()
});

fn month_of(name: &str) -> u32 {
    let n = name.to_ascii_lowercase();
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| n.starts_with(m))
        .map_or(0, |i| i as u32 + 1)
}

fn num(s: Option<regex::Match<'_>>) -> Option<u32> {
    s.and_then(|m| m.as_str().parse().ok())
}

fn valid(month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn overlaps(hits: &[DateHit], s: usize, e: usize) -> bool {
    hits.iter().any(|h| s < h.end && h.start < e)
}

/// Character before byte `i` of `s`, if any.
fn char_before(s: &str, i: usize) -> Option<char> {
    s.get(..i).and_then(|p| p.chars().next_back())
}

/// Character at byte `i` of `s`, if any.
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|p| p.chars().next())
}

/// Any digit, as the date patterns' `\d` (Unicode's decimal digits) reads one.
static DIGIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d").unwrap());

/// Whether `line` may hold a date at all: every date pattern needs a digit. Lines without one
/// skip the regexes.
///
/// Same answer as `DIGIT.is_match(line)`, without running the regex (it has no literal to
/// search for and walks every byte of the line) on most lines: an ASCII digit settles it;
/// U+2000–U+9FFF (lead bytes E2–E9: punctuation, CJK) holds no decimal digit (`\d`, general
/// category Nd), U+F000–U+FFFF only the fullwidth ones (EF BC 90–99), and any other character
/// is one only if `char::is_numeric` (Nd, Nl, No) holds for it; only then does the regex
/// decide. The test `digit_check_is_the_regex` checks every character.
pub(crate) fn may_hold_date(line: &str) -> bool {
    let b = line.as_bytes();
    // One pass without branches per byte: ASCII digits, and lead bytes of characters outside
    // ASCII, U+2000–U+9FFF and U+F000–U+FFFF. Blocks of exactly 32 bytes, the flags or-ed into
    // bytes, so that the compiler vectorizes the block (over slices of any length and `bool`s
    // it did not, and this ran a few instructions per byte of every line of a post).
    let flags = |block: &[u8]| {
        let (mut digit, mut other) = (0u8, 0u8);
        for &x in block {
            digit |= u8::from(x.wrapping_sub(b'0') < 10);
            other |= u8::from(x >= 0xc0) & u8::from(x.wrapping_sub(0xe2) > 7) & u8::from(x != 0xef);
        }
        (digit != 0, other != 0)
    };
    let mut other = false;
    let blocks = b.chunks_exact(32);
    let tail = blocks.remainder();
    for block in blocks {
        let block: &[u8; 32] = block.try_into().expect("chunks_exact(32)");
        let (digit, o) = flags(block);
        if digit {
            return true;
        }
        other |= o;
    }
    // The tail as a block too, padded with zeros (neither digit nor lead byte).
    let mut last = [0u8; 32];
    last[..tail.len()].copy_from_slice(tail);
    let (digit, o) = flags(&last);
    may_hold_date_given(line, digit, other | o)
}

/// [`may_hold_date`] of a line whose bytes were looked at already: `digit`, whether one is an
/// ASCII digit; `other`, whether one leads a character outside ASCII, U+2000–U+9FFF and
/// U+F000–U+FFFF.
pub(crate) fn may_hold_date_given(line: &str, digit: bool, other: bool) -> bool {
    let b = line.as_bytes();
    if digit {
        return true;
    }
    if other {
        return may_hold_date_slow(line);
    }
    // A fullwidth digit (U+FF10–U+FF19: EF BC 90–99); `memchr` for its lead byte, rare in
    // Chinese text, needs no searcher built per line as `memmem` does.
    memchr::memchr_iter(0xef, b)
        .any(|p| b.get(p + 1) == Some(&0xbc) && b.get(p + 2).is_some_and(|x| (0x90..=0x99).contains(x)))
        && DIGIT.is_match(line)
}

/// [`may_hold_date`] one character at a time.
fn may_hold_date_slow(line: &str) -> bool {
    let b = line.as_bytes();
    let (mut i, mut maybe) = (0, false);
    while let Some(&x) = b.get(i) {
        if x < 0x80 {
            if x.is_ascii_digit() {
                return true;
            }
            i += 1;
        } else if (0xe2..=0xe9).contains(&x) {
            i += 3;
        } else {
            let Some(c) = line.get(i..).and_then(|s| s.chars().next()) else { break };
            maybe |= if x == 0xef { ('\u{ff10}'..='\u{ff19}').contains(&c) } else { c.is_numeric() };
            i += c.len_utf8();
        }
    }
    maybe && DIGIT.is_match(line)
}

/// Whether the English month patterns can match: they need a month abbreviation, in any case
/// (the regexes fold case the Unicode way, so `ſ` stands for `s`). This check is what keeps
/// them, whose Unicode `\b` the regex crate's fast engines cannot run on Chinese text, off most
/// lines.
fn may_name_month(line: &str) -> bool {
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    // `has_any` looks for the lead byte of `ſ`; `str::contains` of a character looks for its last
    // byte, common in Chinese text (1.4 M instructions of the 30-feed fetch).
    has_any(line, &['ſ'])
        || line.as_bytes().windows(3).any(|w| {
            let lower = [w[0] | 0x20, w[1] | 0x20, w[2] | 0x20];
            MONTHS.iter().any(|m| **m == lower)
        })
}

/// Whether [`COMPACT`] may match `line` (which holds a colon): six decimal digits in a row, and
/// one right before a colon. Counted over ASCII digits; a line with a character outside ASCII
/// that may be a digit (`char::is_numeric` holds for every `\d`) always passes. Lines with a
/// time and a date seldom have six digits in a row, so the regex (2.3 M instructions to
/// compile, its seven Unicode `\d`s) is seldom built or run.
fn may_be_compact(line: &str) -> bool {
    let b = line.as_bytes();
    if !line.is_ascii() && line.chars().any(|c| !c.is_ascii() && is_numeric(c)) {
        return true;
    }
    let mut run = 0;
    let six = b.iter().any(|x| {
        run = if x.is_ascii_digit() { run + 1 } else { 0 };
        run == 6
    });
    let digit_before = |p: usize| p > 0 && b[p - 1].is_ascii_digit();
    six && (memchr::memchr_iter(b':', b).any(digit_before)
        || memchr::memmem::find_iter(b, "：".as_bytes()).any(digit_before))
}

/// Finds the dates in one line, in order. `loose` also accepts `MM.DD` (for lines that are
/// known to talk about a date: labelled 时间, or naming a meetup).
pub fn find_dates(line: &str, loose: bool) -> Vec<DateHit> {
    if !may_hold_date(line) {
        return Vec::new();
    }
    find_dates_checked(line, loose)
}

/// [`find_dates`] of a line [`may_hold_date`] already holds for.
pub(super) fn find_dates_checked(line: &str, loose: bool) -> Vec<DateHit> {
    let mut hits: Vec<DateHit> = Vec::new();
    let push = |hits: &mut Vec<DateHit>, s: usize, e: usize, y: Option<i32>, m: u32, d: u32| {
        if (valid(m, d) || (m == 0 && (1..=31).contains(&d))) && !overlaps(hits, s, e) {
            hits.push(DateHit { start: s, end: e, year: y, month: m, day: d });
        }
    };
    // The regexes run only on lines with what their matches need, each settled by a `memchr`
    // (`str::contains` of a Han character stops at every byte equal to its last one), and no
    // search is set up for the others (its state is large: setting it up cost more than the gate).
    let has = |c: char| has_any(line, &[c]);
    if has('月') {
        for c in CN.captures_iter(line) {
            let m0 = c.get(0).map_or(0..0, |m| m.range());
            let y = num(c.get(1)).map(|y| y as i32);
            if let (Some(m), Some(d)) = (num(c.get(2)), num(c.get(3))) {
                push(&mut hits, m0.start, m0.end, y, m, d);
            }
        }
    }
    if has_any(line, &['-', '/', '.']) {
        for c in ISO.captures_iter(line) {
            let r = c.get(0).map_or(0..0, |m| m.range());
            if char_at(line, r.end).is_some_and(|c| c.is_ascii_digit()) {
                continue;
            }
            if let (Some(y), Some(m), Some(d)) = (num(c.get(1)), num(c.get(2)), num(c.get(3)))
                && (1990..=2100).contains(&y)
            {
                push(&mut hits, r.start, r.end, Some(y as i32), m, d);
            }
        }
    }
    if has('/') {
        for c in US.captures_iter(line) {
            let r = c.get(0).map_or(0..0, |m| m.range());
            if let (Some(m), Some(d), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
                push(&mut hits, r.start, r.end, Some(y as i32), m, d);
            }
        }
    }
    if may_name_month(line) {
        for (re, mi, di) in [(&*EN_MD, 1, 2), (&*EN_DM, 2, 1)] {
            for c in re.captures_iter(line) {
                let r = c.get(0).map_or(0..0, |m| m.range());
                let m = c.get(mi).map_or(0, |m| month_of(m.as_str()));
                if let Some(d) = num(c.get(di)) {
                    push(&mut hits, r.start, r.end, num(c.get(3)).map(|y| y as i32), m, d);
                }
            }
        }
    }
    if has_any(line, &[':', '：']) && may_be_compact(line) {
        for c in COMPACT.captures_iter(line) {
            let r = c.get(0).map_or(0..0, |m| m.range());
            if char_before(line, r.start).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            if let (Some(y), Some(m), Some(d)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
                let end = c.get(3).map_or(r.end, |m| m.end());
                push(&mut hits, r.start, end, Some(2000 + y as i32), m, d);
            }
        }
    }
    if has('周') || (has('星') && super::gate::has_str(line, "星期")) {
        for c in DAY_ONLY.captures_iter(line) {
            let g = c.get(1).or(c.get(2));
            if let (Some(g), Some(d)) = (g, num(g)) {
                push(&mut hits, g.start(), g.end(), None, 0, d);
            }
        }
    }
    if loose && has('.') {
        for c in DOTTED.captures_iter(line) {
            let r = c.get(0).map_or(0..0, |m| m.range());
            let before = char_before(line, r.start);
            let after = char_at(line, r.end);
            let bad = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.');
            if bad(before) || bad(after) {
                continue;
            }
            // "10.31下午", "时间为11.27", "(9.14)"; not "Docker 1.3 发布".
            let tail = line.get(r.end..).unwrap_or("");
            let head = line.get(..r.start).unwrap_or("").trim_end();
            let ctx_after = ["下午", "上午", "晚上", "周", "星期", "号", "日", "（", "(", "）", ")", "，", ","]
                .iter()
                .any(|w| tail.starts_with(w));
            let ctx_before = ["于", "为", "在", "是", "（", "(", "：", ":", "间"].iter().any(|w| head.ends_with(w));
            if !(ctx_after || ctx_before || tail.trim().is_empty()) {
                continue;
            }
            if let (Some(m), Some(d)) = (num(c.get(1)), num(c.get(2))) {
                push(&mut hits, r.start, r.end, None, m, d);
            }
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// Turns a hit into a date, taking the missing year (and month) from the publication date:
/// the candidate nearest to it wins, so a late-December post about `1 月 5 日` means January
/// of the next year.
pub fn resolve(hit: &DateHit, published: Option<NaiveDate>) -> Option<NaiveDate> {
    if let Some(y) = hit.year {
        if hit.month == 0 {
            return None;
        }
        return NaiveDate::from_ymd_opt(y, hit.month, hit.day);
    }
    let p = published?;
    let mut best: Option<(i64, NaiveDate)> = None;
    let candidates: Vec<(i32, u32)> = if hit.month == 0 {
        // Day only: this month or the next, after the post.
        let (y, m) = (p.year(), p.month());
        let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        vec![(y, m), next]
    } else {
        vec![(p.year() - 1, hit.month), (p.year(), hit.month), (p.year() + 1, hit.month)]
    };
    for (y, m) in candidates {
        if let Some(d) = NaiveDate::from_ymd_opt(y, m, hit.day) {
            let mut dist = (d - p).num_days().abs();
            if hit.month == 0 && d < p {
                dist += 1000;
            }
            if best.is_none_or(|(bd, _)| dist < bd) {
                best = Some((dist, d));
            }
        }
    }
    best.map(|(_, d)| d)
}

/// A time without its optional am/pm.
const T0: &str = r"(上午|下午|中午|晚上|早上|凌晨|晚)?\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:[:：]\s*(\d{2})|[点點时時](?:\s*(半|\d{1,2}|[一二三四五六七八九十]{1,3})\s*分?)?)";

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let t = format!(r"{T0}\s*(?i:(am|pm)\b)?");
    Regex::new(&format!(r"{t}(?:\s*(?:-|–|—|~|～|至|到|－|—)+\s*{t})?")).unwrap()
});
/// Where [`RANGE`] matches may start: exactly where a time without am/pm (and without the range's
/// end, which is optional too) matches. Unlike `RANGE`, whose Unicode `\b` makes the regex crate
/// run its backtracker over Chinese text, this runs in the fast engine; `RANGE` then only runs
/// from a start it matches at.
static RANGE_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(T0).unwrap());

fn cn_num(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let d =
        |c: char| "零一二三四五六七八九".chars().position(|x| x == c).map(|i| i as u32).or((c == '两').then_some(2));
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        ['十'] => Some(10),
        ['十', b] => Some(10 + d(*b)?),
        [a, '十'] => Some(d(*a)? * 10),
        [a, '十', b] => Some(d(*a)? * 10 + d(*b)?),
        [a] => d(*a),
        _ => None,
    }
}

fn one_time(c: &regex::Captures<'_>, base: usize, prev_pm: bool) -> Option<(NaiveTime, bool)> {
    let period = c.get(base).map(|m| m.as_str());
    let mut h = cn_num(c.get(base + 1)?.as_str())?;
    let mut min = match (c.get(base + 2), c.get(base + 3)) {
        (Some(m), _) => m.as_str().parse().ok()?,
        (None, Some(m)) if m.as_str() == "半" => 30,
        (None, Some(m)) => cn_num(m.as_str())?,
        _ => 0,
    };
    if min > 59 {
        min = 0;
    }
    let ampm = c.get(base + 4).map(|m| m.as_str().to_ascii_lowercase());
    let pm = matches!(period, Some("下午" | "晚上" | "晚"))
        || ampm.as_deref() == Some("pm")
        || (period == Some("中午") && h < 6);
    let am = matches!(period, Some("上午" | "早上" | "凌晨")) || ampm.as_deref() == Some("am");
    if (pm || (prev_pm && !am)) && h < 12 {
        h += 12;
    } else if !am && period.is_none() && (1..=7).contains(&h) {
        // Meetups do not start at 3 a.m.: "1:30-6:00" is the afternoon.
        h += 12;
    }
    Some((NaiveTime::from_hms_opt(h, min, 0)?, pm || h >= 12))
}

/// The first time or time range in `s`: start and optional end.
pub fn find_time_range(s: &str) -> Option<(NaiveTime, Option<NaiveTime>)> {
    // Every time has a colon or 点/时; without one, the regex (slow on Chinese text: its `\b` is
    // Unicode's) need not run.
    if !has_any(s, &[':', '：', '点', '點', '时', '時']) {
        return None;
    }
    // The matches of `RANGE.captures_iter(s)` (none is empty): each starts where the leftmost
    // match of RANGE_START after the previous one does.
    let mut at = 0;
    while let Some(from) = RANGE_START.find_at(s, at).map(|m| m.start()) {
        let Some(c) = RANGE.captures_at(s, from) else { break };
        let whole = c.get(0)?;
        at = whole.end();
        // A bare number followed by 点 inside a word like "几点建议" is not a time: require a
        // period word, a colon, or 点 right after digits.
        let txt = whole.as_str();
        if c.get(3).is_none() && c.get(1).is_none() && !txt.contains('点') && !txt.contains('时') {
            continue;
        }
        if char_before(s, whole.start()).is_some_and(|ch| ch.is_ascii_digit() || ch == ':') {
            continue;
        }
        let Some((start, pm)) = one_time(&c, 1, false) else {
            continue;
        };
        let end = if c.get(7).is_some() {
            one_time(&c, 6, pm).map(|(mut e, _)| {
                if e < start && e.hour() < 12 {
                    e = e.overflowing_add_signed(chrono::Duration::hours(12)).0;
                }
                e
            })
        } else {
            None
        };
        return Some((start, end));
    }
    None
}

#[cfg(test)]
#[path = "date_tests.rs"]
mod tests;
