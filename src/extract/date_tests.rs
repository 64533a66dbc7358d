//! Tests of [`super`]: date and time forms, and the gates against their regexes.

use super::*;

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}
fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}
fn first(s: &str, loose: bool, p: NaiveDate) -> Option<NaiveDate> {
    find_dates(s, loose).first().and_then(|h| resolve(h, Some(p)))
}

#[test]
fn date_forms() {
    let p = d(2015, 10, 20);
    assert_eq!(first("定于 10 月 31 日下午", false, p), Some(d(2015, 10, 31)));
    assert_eq!(first("2015年10月31日", false, p), Some(d(2015, 10, 31)));
    assert_eq!(first("时间：2009 年 11 月 14 日（周六）", false, p), Some(d(2009, 11, 14)));
    assert_eq!(first("| 10/14/2014 | | 17:35 |", false, p), Some(d(2014, 10, 14)));
    assert_eq!(first("沙龙预计举行时间为10.31下午", true, p), Some(d(2015, 10, 31)));
    assert_eq!(first("Docker 1.3 发布", true, p), None);
    assert_eq!(first("See you on Oct 31!", false, p), Some(d(2015, 10, 31)));
    assert_eq!(first("October 31, 2014", false, p), Some(d(2014, 10, 31)));
    assert_eq!(first("时间：2012-02-26（周日）下午二点", false, p), Some(d(2012, 2, 26)));
    assert_eq!(first("于2012.01.08在腾讯大厦", false, p), Some(d(2012, 1, 8)));
    assert_eq!(first("111023 13:30~18:00 珠海潘达咖啡", false, p), Some(d(2011, 10, 23)));
    assert_eq!(first("9月20-21日(09:00-16:30)", false, p), Some(d(2015, 9, 20)));
    assert_eq!(first("在这个周六（26 日）下午", false, d(2013, 10, 22)), Some(d(2013, 10, 26)));
}

#[test]
fn digit_check_is_the_regex() {
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        let s = format!("中{c}，");
        assert_eq!(may_hold_date(&s), DIGIT.is_match(&s), "U+{:04X}", c as u32);
    }
    for s in ["", "abc", "a1", "中文", "时间：１０月", "٣", "〇二", "Ⅻ", "①", "中文，。！", "𝟙", "x\u{0966}"]
    {
        assert_eq!(may_hold_date(s), DIGIT.is_match(s), "{s}");
    }
}

#[test]
fn month_check_is_the_plain_one() {
    const PIECES: &[&str] =
        &["Jan", "oct", "SEP", "a", "n", "J", "ſ", "中", "1", " ", "dec", "M", "ay", "ov", "ep", "é"];
    let plain = |line: &str| {
        line.contains('ſ')
            || line.as_bytes().windows(3).any(|w| {
                let lower = [w[0] | 0x20, w[1] | 0x20, w[2] | 0x20];
                ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
                    .iter()
                    .any(|m| m.as_bytes() == lower)
            })
    };
    let mut named = 0;
    for line in crate::test_docs::random_docs(PIECES, 5, 0x3a7) {
        let want = plain(&line);
        named += usize::from(want);
        assert_eq!(may_name_month(&line), want, "{line:?}");
    }
    assert!(named > 2_000, "{named}");
}

#[test]
fn compact_gate_lets_every_match_through() {
    const PIECES: &[&str] = &[
        "1", "2", "0", "9", "12", "111023", " ", "\u{3000}", ":", "：", "中", "a", "１", "٣", "13:30", "~", "-", "\t",
    ];
    let mut matched = 0;
    for line in crate::test_docs::random_docs(PIECES, 7, 0xc0de).take(20_000) {
        let m = COMPACT.is_match(&line);
        matched += usize::from(m);
        assert!(!m || may_be_compact(&line), "{line:?}");
    }
    assert!(matched > 300, "{matched}");
    assert!(!may_be_compact("QQ群：123456789，下午") && !may_be_compact("111023 at 13"));
    assert!(may_be_compact("111023 13:30") && may_be_compact("١١١٠٢٣ 13:30"));
}

#[test]
fn year_inferred_across_new_year() {
    assert_eq!(first("1 月 5 日举行", false, d(2011, 12, 23)), Some(d(2012, 1, 5)));
    assert_eq!(first("12 月 28 日的活动回顾", false, d(2012, 1, 3)), Some(d(2011, 12, 28)));
    assert_eq!(first("10 月 18 日举办", false, d(2015, 10, 26)), Some(d(2015, 10, 18)));
}

#[test]
fn range_matches_start_where_times_without_am_pm_do() {
    for s in [
        "下午 13:30 - 17:30，晚上7点到9点半 10:00 AM - 5:00 PMx 3点钟",
        "几点建议：1：30至6：00，12:00pm中 一时三十分",
        "2012-02-26（周日）下午二点 am 9:30am",
    ] {
        let want: Vec<_> = RANGE.captures_iter(s).map(|c| c.get(0).map(|m| m.range())).collect();
        let mut got = Vec::new();
        let mut at = 0;
        while let Some(from) = RANGE_START.find_at(s, at).map(|m| m.start()) {
            let m = RANGE.captures_at(s, from).and_then(|c| c.get(0)).unwrap();
            assert_eq!(m.start(), from);
            at = m.end();
            got.push(Some(m.range()));
        }
        assert_eq!(got, want, "{s}");
    }
}

#[test]
fn time_forms() {
    assert_eq!(find_time_range("下午 13:30 - 17:30"), Some((t(13, 30), Some(t(17, 30)))));
    assert_eq!(find_time_range("13:30～18:00（准时开始）"), Some((t(13, 30), Some(t(18, 0)))));
    assert_eq!(find_time_range("下午 2:30 至 5:30"), Some((t(14, 30), Some(t(17, 30)))));
    assert_eq!(find_time_range("下午1：30至6：00"), Some((t(13, 30), Some(t(18, 0)))));
    assert_eq!(find_time_range("下午 1 点半开始"), Some((t(13, 30), None)));
    assert_eq!(find_time_range("下午一时三十分准时开始"), Some((t(13, 30), None)));
    assert_eq!(find_time_range("下午二点"), Some((t(14, 0), None)));
    assert_eq!(find_time_range("10:00 AM - 5:00 PM"), Some((t(10, 0), Some(t(17, 0)))));
    assert_eq!(find_time_range("| 8:40 |"), Some((t(8, 40), None)));
    assert_eq!(find_time_range("几点建议"), None);
}
