//! `events.ics` read back by an independent iCalendar parser (the `icalendar` crate), plus the
//! RFC 5545 rules a parser forgives: CRLF, 75-octet folding, escaping, DATE values.

mod common;

use common::issue::{self, WEEK};
use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime, EventLike};

fn events(text: &str) -> Vec<icalendar::Event> {
    let cal: Calendar = text.parse().unwrap_or_else(|e| panic!("unparsable calendar: {e}\n{text}"));
    cal.components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn week_calendar_parses_with_stable_uids_and_all_day_dates() {
    let dir = tempfile::tempdir().unwrap();
    let config = issue::build(dir.path(), None);
    let text = std::fs::read_to_string(issue::output(&config, &format!("{WEEK}/events.ics"))).unwrap();
    // Raw-format rules.
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    for line in text.split_terminator("\r\n") {
        assert!(line.len() <= 75, "longer than 75 octets: {line}");
    }
    assert!(text.contains("\\,") && text.contains("\\;"), "venue commas and semicolons escaped");

    let evs = events(&text);
    // The week's recap event (31 Oct) plus the two upcoming ones; 7 Nov told twice, listed once.
    assert_eq!(evs.len(), 3, "{text}");
    let gz = evs.iter().find(|e| e.get_summary() == Some("Techparty-广州 11 月 7 日 Docker 专场沙龙")).unwrap();
    match gz.get_start() {
        Some(DatePerhapsTime::DateTime(t)) => assert!(format!("{t:?}").contains("2015-11-07T05:30:00"), "{t:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(gz.get_location(), Some("天河区珠江新城华夏路 8 号, 3 楼; 会议室 A, 广州 · Guangzhou"));
    let desc = gz.get_description().unwrap();
    assert!(desc.contains("打造Docker航运的基础设施 — 刘永峰") && desc.contains("\n"), "{desc}");
    assert!(gz.get_uid().unwrap().ends_with("@weekly.example.org"));
    assert!(gz.get_url().unwrap().starts_with("http://www.techparty.org/"));
    let sz = evs.iter().find(|e| e.get_summary().unwrap().contains("深圳")).unwrap();
    assert_eq!(sz.get_start(), Some(DatePerhapsTime::Date(chrono::NaiveDate::from_ymd_opt(2015, 11, 21).unwrap())));
    assert_eq!(sz.get_end(), Some(DatePerhapsTime::Date(chrono::NaiveDate::from_ymd_opt(2015, 11, 22).unwrap())));

    // UIDs are stable across builds; the all-upcoming calendar has the same events.
    let again = tempfile::tempdir().unwrap();
    let config2 = issue::build(again.path(), None);
    let text2 = std::fs::read_to_string(issue::output(&config2, &format!("{WEEK}/events.ics"))).unwrap();
    assert_eq!(text, text2);
    let all = std::fs::read_to_string(issue::output(&config, "events.ics")).unwrap();
    let uids = |t: &str| events(t).iter().map(|e| e.get_uid().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(uids(&all), uids(&text));
}
