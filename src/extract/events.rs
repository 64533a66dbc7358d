//! Events from prose: the best-supported date of the post (labelled 时间 lines, the title,
//! lines about holding a meetup), never a deadline; its times, city, venue, organizer and
//! registration link.

use std::cell::OnceCell;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use url::Url;

use super::city::CityTable;
use super::date::{DateHit, find_dates, find_dates_checked, find_time_range, may_hold_date, resolve};
use super::gate::{has_any, has_str, is_numeric};
use super::label::{Labelled, Lead};
use super::text::{Doc, lowercase, percent_decode};
use super::{City, Event};

static DEADLINE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(截止|截至|deadline|投稿|优惠|付款|前报名|之前)").unwrap());
static DEADLINE_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\d{1,2}[:：]\d{2}\s*)?(?:24:00\s*)?(前|之前|截止|止)").unwrap());
static PAST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(随着|之后|继|上次|往届|以前|曾|成立|创立|诞生|发布)").unwrap());
static LABEL_TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)(时间|日期|time|date|when)\s*[:：]?").unwrap());
/// Words that say a line is about holding a meetup (not "活动"/"开始", which any text uses).
static HOLD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(定于|将于|举行|举办|召开|沙龙|聚会|meetup|专场|预计)").unwrap());
/// Title words of a post that announces or recaps a gathering.
static GATHERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(沙龙|聚会|meetup|活动|大会|峰会|专场|报名|workshop|hackathon|conference|summit|techparty|party|研讨会|讲座)").unwrap()
});
/// Lines that mark a post as a (translated) article: bylines and source notes.
/// (Each after at most three non-word characters: `(?i)^\W{0,3}…`, see [`Labelled`].)
pub(super) static BYLINE: Labelled = Labelled::new(
    Lead::NonWord,
    3,
    || Regex::new(r"(?i)^(作者|译者|原文|原文链接|author|translator)\s*[:：]").unwrap(),
    |_| true,
);
/// A venue label after at most four non-word characters (`(?i)^\W{0,4}…`, see [`Labelled`]).
pub(super) static VENUE: Labelled = Labelled::new(
    Lead::NonWord,
    4,
    || Regex::new(r"(?i)^(?:活动|聚会|会议|大会|沙龙)?(?:地点|地址|场地|会场|venue|location)\s*[:：]\s*(.+)$").unwrap(),
    |_| true,
);
/// An organizer label after at most four non-word characters (`(?i)^\W{0,4}…`).
pub(super) static ORGANIZER: Labelled = Labelled::new(
    Lead::NonWord,
    4,
    || Regex::new(r"(?i)^(?:主办方|主办单位|主办|organi[sz]er)\s*[:：]\s*(.+)$").unwrap(),
    |_| true,
);

static FILE_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9A-Za-z])(\d{2})(\d{2})(\d{2})[-_]").unwrap());

/// Whether a `-` or `_` follows a digit in `t`, as in every [`FILE_DATE`] match (`\d` is a
/// Unicode decimal digit, for which `char::is_numeric` holds): the regex runs only on such
/// texts, which links and lines seldom are.
fn digit_then_dash(t: &str) -> bool {
    memchr::memchr2_iter(b'-', b'_', t.as_bytes()).any(|p| t[..p].chars().next_back().is_some_and(is_numeric))
}

/// Recaps that give no date in prose often name their recordings `111218_zhtechparty-1.mp3`:
/// the most frequent such YYMMDD within 60 days before publication.
fn file_name_date(doc: &Doc, published: Option<NaiveDate>) -> Option<NaiveDate> {
    let p = published?;
    let mut counts: Vec<(NaiveDate, usize)> = Vec::new();
    let texts = doc.lines.iter().map(|l| l.text.as_str()).chain(doc.links.iter().map(|l| l.href.as_str()));
    for t in texts.filter(|t| digit_then_dash(t)) {
        for c in FILE_DATE.captures_iter(t) {
            let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
            let (Some(y), Some(m), Some(d)) = (n(1), n(2), n(3)) else {
                continue;
            };
            let Some(date) = NaiveDate::from_ymd_opt(2000 + y as i32, m, d) else {
                continue;
            };
            let age = (p - date).num_days();
            if (0..=60).contains(&age) {
                match counts.iter_mut().find(|(x, _)| *x == date) {
                    Some(e) => e.1 += 1,
                    None => counts.push((date, 1)),
                }
            }
        }
    }
    counts.into_iter().filter(|(_, n)| *n >= 3).max_by_key(|(_, n)| *n).map(|(d, _)| d)
}

/// A date candidate with its support.
#[derive(Debug, Clone)]
struct Cand {
    date: NaiveDate,
    score: i32,
    /// Line index, or None for the title.
    line: Option<usize>,
    hit: DateHit,
}

/// The last `n` characters of `s` (a slice, not a copy).
fn last_chars(s: &str, n: usize) -> &str {
    s.char_indices().rev().take(n).last().map_or(s, |(i, _)| &s[i..])
}

fn is_deadline(line: &str, h: &DateHit) -> bool {
    let before = last_chars(line.get(..h.start).unwrap_or(""), 14);
    let after = line.get(h.end..).unwrap_or("");
    DEADLINE_BEFORE.is_match(before) || DEADLINE_AFTER.is_match(after)
}

/// The support of a date hit on `line`; `hold` is whether [`HOLD`] matches the line.
fn score_line(line: &str, h: &DateHit, hold: bool) -> i32 {
    let before = last_chars(line.get(..h.start).unwrap_or(""), 12);
    let mut s = 0;
    if LABEL_TIME.is_match(before) {
        s += 3;
    }
    if hold {
        s += 1;
    }
    if PAST.is_match(before) {
        s -= 3;
    }
    // "2 月 26 日下午 14:00-18:00": a date with a time of day is an appointment.
    if line.get(h.end..).and_then(find_time_range).is_some() {
        s += 2;
    }
    s
}

/// An article (bylines, code) whose title names no gathering announces no event: dates in it
/// are release days, data points, history.
pub fn is_article_without_gathering(title: &str, doc: &Doc) -> bool {
    // Every byline match has a colon: lines without one skip the regex.
    let article =
        doc.has_code || doc.lines.iter().take(8).any(|l| has_any(&l.text, &[':', '：']) && BYLINE.is_match(&l.text));
    article && !GATHERING.is_match(title)
}

/// `dated`, when known, is [`may_hold_date`] of each line.
fn candidates(title: &str, doc: &Doc, published: Option<NaiveDate>, dated: Option<&[bool]>) -> Vec<Cand> {
    let mut out = Vec::new();
    for h in find_dates(title, true) {
        if let Some(d) = resolve(&h, published) {
            out.push(Cand { date: d, score: 2, line: None, hit: h });
        }
    }
    for (i, l) in doc.lines.iter().enumerate() {
        if !dated.and_then(|d| d.get(i).copied()).unwrap_or_else(|| may_hold_date(&l.text)) {
            continue;
        }
        // HOLD is looked for once per line, and only when needed; `loose` only matters to a
        // line with a `.` (the `MM.DD` form).
        let hold = OnceCell::new();
        let hold = || *hold.get_or_init(|| HOLD.is_match(&l.text));
        let loose = has_any(&l.text, &['.']) && (LABEL_TIME.is_match(&l.text) || hold());
        for h in find_dates_checked(&l.text, loose) {
            if is_deadline(&l.text, &h) {
                continue;
            }
            let s = score_line(&l.text, &h, hold());
            if s <= 0 {
                continue;
            }
            if let Some(d) = resolve(&h, published) {
                out.push(Cand { date: d, score: s, line: Some(i), hit: h });
            }
        }
    }
    out
}

/// The first capture of `re` (VENUE, ORGANIZER: both need a colon) on a line of `doc`.
fn field(doc: &Doc, re: &Labelled) -> Option<String> {
    doc.lines
        .iter()
        .filter(|l| has_any(&l.text, &[':', '：']))
        .find_map(|l| re.captures(&l.text).and_then(|c| c.get(1)).map(|m| m.as_str().trim().to_string()))
}

/// What the caller knows of the post.
pub struct PostInfo<'a> {
    /// Title.
    pub title: &'a str,
    /// Categories and tags.
    pub categories: &'a [String],
    /// Publication day.
    pub published: Option<NaiveDate>,
    /// The source's city hint.
    pub city_hint: Option<&'a str>,
    /// The post's link.
    pub url: Option<&'a Url>,
}

/// The city of an event: its line, the venue, the title, categories, a city named by a
/// segment of the post's URL path (`/guangzhou/2014/…`, `/深圳/…`), the source hint.
pub fn event_city(cities: &CityTable, post: &PostInfo<'_>, line: Option<&str>, venue: Option<&str>) -> Option<City> {
    line.and_then(|l| {
        let m = cities.mentions(l);
        if m.len() == 1 { m.into_iter().next().map(|(_, c)| c) } else { None }
    })
    .or_else(|| venue.and_then(|v| cities.first_in(v)))
    .or_else(|| cities.first_in(post.title))
    .or_else(|| post.categories.iter().find_map(|c| cities.lookup(c)))
    .or_else(|| post.url.and_then(|u| url_city(cities, u)))
    .or_else(|| post.city_hint.and_then(|h| cities.lookup(h)))
}

/// The first path segment of `url` that is a whole city name (percent-decoded), a weak hint.
pub fn url_city(cities: &CityTable, url: &Url) -> Option<City> {
    url.path_segments()?.find_map(|s| cities.lookup(&percent_decode(s)))
}

/// How many days before its publication a post's event may lie (recaps come within weeks).
pub const STALE_DAYS: i64 = 60;

/// The main event of a post, if it names a date for one. `dated`, when known, is
/// [`may_hold_date`] of each line of `doc`.
pub fn main_event(doc: &Doc, post: &PostInfo<'_>, cities: &CityTable, dated: Option<&[bool]>) -> Option<Event> {
    let mut cands = candidates(post.title, doc, post.published, dated);
    // Days long before the post are history it mentions, not its event.
    cands.retain(|c| post.published.is_none_or(|p| (p - c.date).num_days() <= STALE_DAYS));
    if cands.is_empty()
        && let Some(d) = file_name_date(doc, post.published)
    {
        cands.push(Cand {
            date: d,
            score: 1,
            line: None,
            hit: DateHit { start: 0, end: 0, year: None, month: 0, day: 0 },
        });
    }
    let best = cands.iter().fold(None::<&Cand>, |b, c| match b {
        Some(b) if b.score >= c.score => Some(b),
        _ => Some(c),
    })?;
    let line_text = best.line.and_then(|i| doc.lines.get(i)).map(|l| l.text.as_str());
    // Times: after the date on its line, else on a labelled line with the same date or none.
    let mut times = line_text.and_then(|l| l.get(best.hit.end..)).and_then(find_time_range);
    if times.is_none() {
        times = doc.lines.iter().filter(|l| has_str(&l.text, "开始") || LABEL_TIME.is_match(&l.text)).find_map(|l| {
            let ds = find_dates(&l.text, true);
            let same = ds.iter().all(|h| resolve(h, post.published) == Some(best.date));
            if !same {
                return None;
            }
            let from = ds.last().map_or(0, |h| h.end);
            l.text.get(from..).and_then(find_time_range)
        });
    }
    let venue = field(doc, &VENUE);
    let organizer = field(doc, &ORGANIZER);
    let city = event_city(cities, post, line_text, venue.as_deref());
    let registration = doc
        .links
        .iter()
        .find(|l| {
            let t = lowercase(&l.text);
            let h = lowercase(&l.href);
            has_str(&t, "报名")
                || has_str(&t, "register")
                || has_str(&h, "huodongxing")
                || has_str(&h, "event.weibo")
                || has_str(&h, "register")
        })
        .and_then(|l| Url::parse(&l.href).ok());
    Some(Event {
        title: post.title.to_string(),
        date: best.date,
        start: times.map(|t| t.0),
        end: times.and_then(|t| t.1),
        city,
        venue,
        organizer,
        registration,
        source: post.url.cloned(),
        public: None,
        deadline: None,
    })
}

/// A submission or registration deadline (截止, `… 前`), which is not an event. `dated`, when
/// known, is [`may_hold_date`] of each line of `doc`.
pub fn deadline(doc: &Doc, published: Option<NaiveDate>, dated: Option<&[bool]>) -> Option<NaiveDate> {
    doc.lines.iter().enumerate().find_map(|(i, l)| {
        let hits = match dated.and_then(|d| d.get(i)) {
            Some(&may) => {
                if may {
                    find_dates_checked(&l.text, false)
                } else {
                    Vec::new()
                }
            }
            None => find_dates(&l.text, false),
        };
        hits.into_iter().find(|h| is_deadline(&l.text, h)).and_then(|h| resolve(&h, published))
    })
}
