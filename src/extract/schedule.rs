//! Schedule tables (Date | Start | End | Activity): one event per row, the city carried over
//! from the row before when a row names none, public meetups told from closed-door items.

use std::cell::OnceCell;

use chrono::NaiveDate;

use super::city::CityTable;
use super::date::{find_dates, find_time_range, resolve};
use super::gate::has_str;
use super::text::Doc;
use super::{City, Event};

/// The first column whose (lowercased) header holds one of `words`.
fn col(header: &[String], words: &[&str]) -> Option<usize> {
    header.iter().position(|l| words.iter().any(|w| has_str(l, w)))
}

fn is_closed(s: &str) -> bool {
    let l = s.to_lowercase();
    ["闭门", "内部", "private", "closed", "聚餐", "晚宴", "抵达", "飞抵", "会谈"].iter().any(|w| l.contains(w))
}

fn is_public(s: &str) -> bool {
    let l = s.to_lowercase();
    ["meetup", "公开", "public", "沙龙", "大会"].iter().any(|w| l.contains(w))
}

/// Events from the schedule tables of a post. `hint` gives the city when no row names one yet
/// (asked at most once, and only when such a row makes an event: most tables are no schedule).
pub fn schedule_events(
    doc: &Doc,
    published: Option<NaiveDate>,
    cities: &CityTable,
    hint: impl FnOnce() -> Option<City>,
) -> Vec<Event> {
    if doc.tables.is_empty() {
        return Vec::new();
    }
    // "…除了 X 面向公众开放外，其它皆为闭门活动": the sentence that tells which rows are public,
    // looked for once a row needs it.
    let public_sentence = || {
        doc.plain()
            .split(['。', '\n'])
            .find(|s| (s.contains("公众") || s.contains("公开")) && s.contains("闭门"))
            .unwrap_or("")
            .to_string()
    };
    let sentence: OnceCell<String> = OnceCell::new();
    let hint = std::cell::LazyCell::new(hint);
    let mut out = Vec::new();
    for table in &doc.tables {
        let Some(header) = table.first() else {
            continue;
        };
        // Lowercased once for the four columns looked for.
        let header: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
        let header = header.as_slice();
        let (Some(dc), Some(ac)) =
            (col(header, &["date", "日期"]), col(header, &["activit", "活动", "event", "事项", "内容"]))
        else {
            continue;
        };
        let sc = col(header, &["start", "开始", "time", "时间"]);
        let ec = col(header, &["end", "结束"]);
        // The city a row of this table names last; before one does, the hint's.
        let mut named: Option<City> = None;
        for row in table.iter().skip(1) {
            let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
            let Some(date) = find_dates(cell(Some(dc)), false).first().and_then(|h| resolve(h, published)) else {
                continue;
            };
            let title = cell(Some(ac)).trim().to_string();
            if let Some(c) = cities.first_in(&title) {
                named = Some(c);
            }
            let city = match &named {
                Some(c) => Some(c.clone()),
                None => (*hint).clone(),
            };
            let start = find_time_range(cell(sc)).map(|t| t.0);
            let end = find_time_range(cell(ec)).map(|t| t.0);
            let key: String = title.chars().take(12).collect();
            let public_sentence = sentence.get_or_init(public_sentence).as_str();
            let others_closed = !public_sentence.is_empty()
                && (public_sentence.contains("其它")
                    || public_sentence.contains("其他")
                    || public_sentence.contains("其余"));
            let public = if !key.is_empty() && public_sentence.contains(key.as_str()) {
                Some(true)
            } else if others_closed || is_closed(&title) {
                Some(false)
            } else if is_public(&title) {
                Some(true)
            } else {
                None
            };
            out.push(Event {
                title,
                date,
                start,
                end,
                city,
                venue: None,
                organizer: None,
                registration: None,
                source: None,
                public,
                deadline: None,
            });
        }
    }
    out
}
