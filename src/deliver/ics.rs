//! Events as an RFC 5545 calendar (`events.ics`): times in UTC (no VTIMEZONE needed), all-day
//! events as DATE values, stable UIDs, escaped text, lines folded at 75 octets, CRLF.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::render::Catalog;
use crate::render::events::EventEntry;
use crate::render::i18n::Edition;

/// What the calendar says about itself.
pub struct CalendarMeta<'a> {
    /// X-WR-CALNAME.
    pub name: &'a str,
    /// Zone of the events' local times.
    pub timezone: Tz,
    /// Domain of the UIDs.
    pub host: &'a str,
    /// DTSTAMP of every event (deterministic: derived from the week, not the clock).
    pub stamp: DateTime<Utc>,
}

/// The calendar of `entries`.
pub fn calendar(meta: &CalendarMeta, catalog: &Catalog, entries: &[EventEntry]) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//digest//community weekly//ZH-EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape(meta.name)),
    ];
    for entry in entries {
        lines.extend(event(meta, catalog, entry));
    }
    lines.push("END:VCALENDAR".to_string());
    let mut out = String::new();
    for line in lines {
        fold(&mut out, &line);
    }
    out
}

fn utc(tz: Tz, day: NaiveDate, time: chrono::NaiveTime) -> String {
    let local = day.and_time(time);
    let instant =
        tz.from_local_datetime(&local).earliest().map(|d| d.with_timezone(&Utc)).unwrap_or_else(|| local.and_utc());
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

fn event(meta: &CalendarMeta, catalog: &Catalog, entry: &EventEntry) -> Vec<String> {
    let e = &entry.event;
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@{}", entry.id, meta.host),
        format!("DTSTAMP:{}", meta.stamp.format("%Y%m%dT%H%M%SZ")),
    ];
    match (e.start, e.end) {
        (Some(start), end) => {
            lines.push(format!("DTSTART:{}", utc(meta.timezone, e.date, start)));
            if let Some(end) = end.filter(|end| *end > start) {
                lines.push(format!("DTEND:{}", utc(meta.timezone, e.date, end)));
            }
        }
        (None, _) => {
            lines.push(format!("DTSTART;VALUE=DATE:{}", e.date.format("%Y%m%d")));
            lines.push(format!("DTEND;VALUE=DATE:{}", (e.date + Duration::days(1)).format("%Y%m%d")));
        }
    }
    lines.push(format!("SUMMARY:{}", escape(&e.title)));
    let city = e.city.as_ref().map(|c| catalog.city(Edition::Both, c).text);
    let location: Vec<&str> = [e.venue.as_deref(), city.as_deref()].into_iter().flatten().collect();
    if !location.is_empty() {
        lines.push(format!("LOCATION:{}", escape(&location.join(", "))));
    }
    if let Some(url) = entry.post_url.as_ref().or(e.registration.as_ref()) {
        lines.push(format!("URL:{url}"));
    }
    let mut desc = Vec::new();
    if entry.post_title != e.title {
        desc.push(entry.post_title.clone());
    }
    if let Some(r) = &e.registration {
        desc.push(format!("{}: {r}", catalog.text(Edition::Both, "label-register", &[]).text));
    }
    if !entry.talks.is_empty() {
        desc.push(format!("{}:", catalog.text(Edition::Both, "label-talks", &[]).text));
        for t in &entry.talks {
            let mut line = format!("- {}", t.title);
            if !t.speakers.is_empty() {
                line.push_str(&format!(" — {}", t.speakers.join("、")));
            }
            if let Some(s) = &t.slides {
                line.push_str(&format!(" ({s})"));
            }
            desc.push(line);
        }
    }
    if let Some(u) = &entry.post_url {
        desc.push(u.to_string());
    }
    if !desc.is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape(&desc.join("\n"))));
    }
    lines.push("END:VEVENT".to_string());
    lines
}

/// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded into chunks of at most 75 octets (continuations start with a space,
/// never inside a UTF-8 character), each ended by CRLF.
fn fold(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_folds_on_character_boundaries() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "广州".repeat(40)));
        for line in out.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(out.lines().skip(1).all(|l| l.starts_with(' ')));
        let unfolded: String = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("SUMMARY:{}", "广州".repeat(40)));
    }
}
