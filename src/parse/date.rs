//! Dates as feeds write them: RFC 2822, RFC 3339 / ISO 8601, and common variants.
//!
//! Fast path: chrono's strict RFC 3339 and RFC 2822 parsers. Fallbacks: a lenient ISO-like
//! pattern (space or `T`, optional seconds, optional zone, `/` or `年月日` separators) and a
//! lenient RFC 2822-like token parser (missing or wrong weekday, month first, two-digit
//! years, named zones, no zone). Naive times are taken in the given time zone; a date
//! without a time stays [`Timestamp::Day`].
//!
//! `CST` is ambiguous: RFC 2822 says US Central (-06:00), but Chinese sites mean China
//! Standard Time. It is read as +08:00 when the context time zone is a China one.

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use regex::Regex;

/// A point in time, or a bare date when the source gave no time (never an invented 00:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Timestamp {
    /// A date and time with its offset.
    At(DateTime<FixedOffset>),
    /// A date without a time.
    Day(NaiveDate),
}

impl Timestamp {
    /// The calendar date as written (in the timestamp's own offset).
    pub fn date(&self) -> NaiveDate {
        match self {
            Timestamp::At(t) => t.date_naive(),
            Timestamp::Day(d) => *d,
        }
    }

    /// The local date in `tz` (a bare date is its own).
    pub fn local_date(&self, tz: Tz) -> NaiveDate {
        match self {
            Timestamp::At(t) => t.with_timezone(&tz).date_naive(),
            Timestamp::Day(d) => *d,
        }
    }

    /// A point in time; a bare date becomes local midnight in `tz`, for formats that cannot
    /// carry a date without a time (Atom, RSS, JSON Feed, RFC 3339 exports).
    pub fn to_datetime(&self, tz: Tz) -> DateTime<FixedOffset> {
        match self {
            Timestamp::At(t) => *t,
            Timestamp::Day(d) => {
                let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
                tz.from_local_datetime(&midnight)
                    .earliest()
                    .map(|t| t.fixed_offset())
                    .unwrap_or_else(|| midnight.and_utc().fixed_offset())
            }
        }
    }
}

fn is_china(tz: Tz) -> bool {
    matches!(
        tz.name(),
        "Asia/Shanghai"
            | "Asia/Chongqing"
            | "Asia/Chungking"
            | "Asia/Harbin"
            | "PRC"
            | "Asia/Taipei"
            | "Asia/Hong_Kong"
            | "Asia/Macau"
    )
}

/// Parses a feed date; naive times are taken in `tz`.
pub fn parse(text: &str, tz: Tz) -> Option<Timestamp> {
    let t = text.trim();
    if t.is_empty() || t.len() > 100 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(Timestamp::At(d));
    }
    let cst = t.ends_with("CST") && is_china(tz);
    if !cst && let Ok(d) = DateTime::parse_from_rfc2822(t) {
        return Some(Timestamp::At(d));
    }
    parse_iso(t, tz).or_else(|| parse_2822ish(t, tz))
}

fn iso_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?
              (?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?
                 \s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$",
        )
        .unwrap_or_else(|_| unreachable!("static regex"))
    })
}

fn num(caps: &regex::Captures<'_>, i: usize) -> Option<u32> {
    caps.get(i).and_then(|m| m.as_str().parse().ok())
}

/// `+08`, `+0800`, `+08:00` → offset.
fn numeric_offset(z: &str) -> Option<FixedOffset> {
    let sign = match z.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = z.get(1..)?.chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let split = digits.len() - 2;
            (digits.get(..split)?.parse::<i32>().ok()?, digits.get(split..)?.parse::<i32>().ok()?)
        }
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Named zones seen in feeds; `None` for unknown names.
fn named_offset(name: &str, tz: Tz) -> Option<FixedOffset> {
    let hours = match name.to_ascii_uppercase().as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" if is_china(tz) => 8,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "BST" | "CET" | "WEST" => 1,
        "CEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "HKT" | "SGT" | "AWST" => 8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        _ => return None,
    };
    FixedOffset::east_opt(hours * 3600)
}

fn zone(z: &str, tz: Tz) -> Option<FixedOffset> {
    numeric_offset(z).or_else(|| named_offset(z, tz)).or_else(|| {
        // GMT+8, UTC+08:00
        let rest = z.get(3..).filter(|_| z.len() > 3 && matches!(z.get(..3), Some("GMT" | "UTC")))?;
        numeric_offset(rest)
    })
}

/// A local date-time in `offset`, or in `tz` when there is none.
fn at(ndt: NaiveDateTime, offset: Option<FixedOffset>, tz: Tz) -> Option<Timestamp> {
    let dt = match offset {
        Some(o) => o.from_local_datetime(&ndt).single()?,
        None => match tz.from_local_datetime(&ndt).earliest() {
            Some(d) => d.fixed_offset(),
            // In a DST gap: read it as if it were UTC, then convert (keeps the wall clock near).
            None => tz.from_utc_datetime(&ndt).fixed_offset(),
        },
    };
    Some(Timestamp::At(dt))
}

fn parse_iso(t: &str, tz: Tz) -> Option<Timestamp> {
    let c = iso_re().captures(t)?;
    let date = NaiveDate::from_ymd_opt(num(&c, 1)? as i32, num(&c, 2)?, num(&c, 3)?)?;
    let Some(h) = num(&c, 4) else {
        return Some(Timestamp::Day(date));
    };
    let time = NaiveTime::from_hms_opt(h, num(&c, 5)?, num(&c, 6).unwrap_or(0))?;
    let offset = match c.get(7) {
        Some(z) => Some(zone(z.as_str(), tz)?),
        None => None,
    };
    at(date.and_time(time), offset, tz)
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    let m = match w.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn is_weekday(word: &str) -> bool {
    let w = word.trim_end_matches([',', '.']).to_ascii_lowercase();
    matches!(w.get(..3), Some("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun"))
        && w.chars().all(|c| c.is_ascii_alphabetic())
}

/// Lenient RFC 2822: `[Wkd,] D Mon YYYY [hh:mm[:ss]] [zone]`, or `Mon D, YYYY …`.
fn parse_2822ish(t: &str, tz: Tz) -> Option<Timestamp> {
    let cleaned = t.replace(',', " ");
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.first().is_some_and(|w| is_weekday(w)) {
        words.remove(0);
    }
    let mut it = words.into_iter();
    let (a, b) = (it.next()?, it.next()?);
    let (day, mon) = match (a.parse::<u32>(), month(a)) {
        (Ok(d), _) => (d, month(b)?),
        (Err(_), Some(m)) => (b.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse().ok()?, m),
        _ => return None,
    };
    let year_word = it.next()?;
    let mut year: i32 = year_word.parse().ok()?;
    if year_word.len() == 2 {
        year += if year < 50 { 2000 } else { 1900 };
    }
    let date = NaiveDate::from_ymd_opt(year, mon, day)?;
    let Some(time_word) = it.next() else {
        return Some(Timestamp::Day(date));
    };
    let mut parts = time_word.split(':');
    let h = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let s = parts.next().map_or(Some(0), |s| s.split('.').next()?.parse().ok())?;
    let time = NaiveTime::from_hms_opt(h, m, s)?;
    let offset = match it.next() {
        Some(z) => {
            let z = z.trim_matches(|c| c == '(' || c == ')');
            Some(zone(z, tz)?)
        }
        None => None,
    };
    at(date.and_time(time), offset, tz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Asia::Shanghai};

    fn at(s: &str) -> String {
        match parse(s, Shanghai) {
            Some(Timestamp::At(d)) => d.to_rfc3339(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn rfc2822_forms() {
        assert_eq!(at("Mon, 26 Oct 2015 00:00:00 +0000"), "2015-10-26T00:00:00+00:00");
        assert_eq!(at("Mon, 26 Oct 2015 13:30:00 GMT"), "2015-10-26T13:30:00+00:00");
        assert_eq!(at("Mon, 26 Oct 2015 13:30:00 +0800"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("Mon, 26 Oct 2015 13:30:00 CST"), "2015-10-26T13:30:00+08:00");
        assert_eq!(
            parse("Mon, 26 Oct 2015 13:30:00 CST", New_York).map(|t| format!("{t:?}")),
            Some("At(2015-10-26T13:30:00-06:00)".into())
        );
        // wrong weekday, single-digit day, no seconds, full month, two-digit year
        assert_eq!(at("Tue, 6 October 2015 13:30 +08:00"), "2015-10-06T13:30:00+08:00");
        assert_eq!(at("26 Oct 15 13:30:05 EST"), "2015-10-26T13:30:05-05:00");
        assert_eq!(at("Oct 26, 2015 13:30"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("Mon, 26 Oct 2015 13:30:00"), "2015-10-26T13:30:00+08:00");
        assert_eq!(
            parse("Mon, 26 Oct 2015", Shanghai),
            Some(Timestamp::Day(NaiveDate::from_ymd_opt(2015, 10, 26).unwrap()))
        );
    }

    #[test]
    fn iso_forms() {
        assert_eq!(at("2015-10-26T13:30:00+08:00"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("2015-10-26T05:30:00.123Z"), "2015-10-26T05:30:00.123+00:00");
        assert_eq!(at("2015-10-26 13:30"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("2015-10-26T13:30"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("2015-10-26 13:30:00 +0800"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("2015/10/26 13:30:00"), "2015-10-26T13:30:00+08:00");
        assert_eq!(at("2015年10月26日 13:30"), "2015-10-26T13:30:00+08:00");
        assert_eq!(parse("2015-10-26", Shanghai), Some(Timestamp::Day(NaiveDate::from_ymd_opt(2015, 10, 26).unwrap())));
        assert_eq!(at("2015-03-08 02:30"), "2015-03-08T02:30:00+08:00");
        // naive in a DST zone picks the local offset
        assert_eq!(
            parse("2015-07-01 12:00", New_York).map(|t| format!("{t:?}")),
            Some("At(2015-07-01T12:00:00-04:00)".into())
        );
    }

    #[test]
    fn garbage_is_none() {
        for s in
            ["", "yesterday", "2015-13-40", "32 Foo 2015", "Mon, 26 Oct", "99:99", "\u{0}\u{fffd}", "2015-10-26T25:00"]
        {
            assert_eq!(parse(s, Shanghai), None, "{s:?}");
        }
    }
}
