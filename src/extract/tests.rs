//! Seed documents (Markdown, turned into HTML by a tiny converter) through `analyze`.

use chrono::{NaiveDate, NaiveTime};
use url::Url;

use super::*;
use crate::config::{SourceConfig, SourceKind};
use crate::parse::{ParsedItem, Timestamp};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds/");

fn seed(prefix: &str) -> Option<String> {
    let dir = std::fs::read_dir(SEEDS).ok()?;
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with(prefix) {
            return std::fs::read_to_string(e.path()).ok();
        }
    }
    None
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn inline(s: &str) -> String {
    let re = regex::Regex::new(r"!?\[([^\]]*)\]\(([^)\s]+)\)").unwrap();
    let s = esc(s);
    re.replace_all(&s, |c: &regex::Captures<'_>| {
        if c[0].starts_with('!') { String::new() } else { format!("<a href=\"{}\">{}</a>", &c[2], &c[1]) }
    })
    .replace("**", "")
}

/// Just enough Markdown: front matter (title, categories), headings, tables, lists, fences.
fn markdown(md: &str) -> (String, Vec<String>, String) {
    let (mut title, mut cats) = (String::new(), Vec::new());
    let mut body = md;
    if let Some(rest) = md.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---")
    {
        for l in rest[..end].lines() {
            if let Some(t) = l.strip_prefix("title:") {
                title = t.trim().trim_matches('"').to_string();
            }
            if let Some(c) = l.strip_prefix("categories:") {
                cats = c.split_whitespace().map(str::to_string).collect();
            }
        }
        body = &rest[end + 4..];
    }
    let mut html = String::new();
    let mut table = false;
    let mut fence = false;
    for l in body.lines() {
        let t = l.trim();
        if t.starts_with("```") {
            html.push_str(if fence { "</pre>" } else { "<pre>" });
            fence = !fence;
            continue;
        }
        if fence {
            html.push_str(&esc(l));
            html.push('\n');
            continue;
        }
        if t.starts_with('|') {
            if !table {
                html.push_str("<table>");
                table = true;
            }
            if t.contains("----") {
                continue;
            }
            html.push_str("<tr>");
            for c in t.trim_matches('|').split('|') {
                html.push_str(&format!("<td>{}</td>", inline(c.trim())));
            }
            html.push_str("</tr>");
            continue;
        } else if table {
            html.push_str("</table>");
            table = false;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && t.len() > hashes {
            if hashes == 1 && title.is_empty() {
                title = t[1..].trim().to_string();
                continue;
            }
            html.push_str(&format!("<h{hashes}>{}</h{hashes}>", inline(t[hashes..].trim())));
        } else if let Some(li) = t.strip_prefix("* ") {
            html.push_str(&format!("<li>{}</li>", inline(li)));
        } else if !t.is_empty() {
            html.push_str(&format!("<p>{}</p>", inline(t)));
        }
    }
    (title, cats, html)
}

fn source(city: Option<&str>) -> SourceConfig {
    SourceConfig {
        name: "t".into(),
        url: Url::parse("http://example.org/").unwrap(),
        kind: SourceKind::Auto,
        lang: None,
        city: city.map(str::to_string),
        timezone: chrono_tz::Asia::Shanghai,
        selectors: None,
    }
}

fn item(prefix: &str, published: NaiveDate, lang: Option<&str>) -> Option<Item> {
    let (title, categories, content_html) = markdown(&seed(prefix)?);
    let parsed = ParsedItem {
        guid: None,
        url: Url::parse("http://example.org/post/").ok(),
        canonical: None,
        title,
        author: None,
        published: Some(Timestamp::Day(published)),
        updated: None,
        content_html: content_html.into(),
        lang: lang.map(str::to_string),
        categories,
    };
    Some(analyze(parsed, &source(None)))
}

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}
fn t(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

#[test]
fn seed_001_recap_with_talks() {
    let Some(it) = item("001_", d(2015, 10, 26), Some("en-us")) else {
        return;
    };
    assert_eq!(it.lang, Lang::Zh);
    assert_eq!(it.kind, PostKind::Recap);
    assert_eq!(it.events.len(), 1);
    assert_eq!(it.events[0].date, d(2015, 10, 18));
    assert_eq!(it.events[0].city.as_ref().map(|c| c.en.as_str()), Some("Shenzhen"));
    let titles: Vec<&str> = it.talks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        ["打造Docker航运的基础设施", "基于Docker面向数据处理的微服务架构", "容器技术在Coding的实践及探索方向"]
    );
    assert_eq!(it.talks[1].speakers, ["徐立"]);
    assert!(it.talks[0].slides.as_ref().is_some_and(|u| u.as_str().ends_with(".pdf")));
    assert!(it.talks[0].transcript.as_ref().is_some_and(|u| u.as_str().ends_with(".doc")));
}

#[test]
fn seed_002_call_for_speakers_deadline_not_event() {
    let Some(it) = item("002_", d(2015, 10, 20), None) else {
        return;
    };
    assert_eq!(it.kind, PostKind::CallForSpeakers);
    assert_eq!(it.events.len(), 1);
    let e = &it.events[0];
    assert_eq!((e.date, e.start, e.end), (d(2015, 10, 31), t(13, 30), t(17, 30)));
    assert_eq!(e.city.as_ref().map(|c| c.zh.as_str()), Some("广州"));
    assert_eq!(e.deadline, Some(d(2015, 10, 30)));
}

#[test]
fn seed_000_schedule_table() {
    let Some(it) = item("000_", d(2014, 10, 25), Some("zh")) else {
        return;
    };
    assert_eq!(it.events.len(), 11);
    let first = &it.events[0];
    assert_eq!((first.date, first.start, first.end), (d(2014, 10, 14), None, t(17, 35)));
    assert_eq!(first.city.as_ref().map(|c| c.en.as_str()), Some("Shanghai"));
    let meetup = it.events.iter().find(|e| e.title.contains("Meetup")).unwrap();
    assert_eq!((meetup.date, meetup.start, meetup.end), (d(2014, 10, 16), t(19, 30), t(21, 30)));
    assert_eq!(meetup.city.as_ref().map(|c| c.en.as_str()), Some("Beijing"));
    assert_eq!(meetup.public, Some(true));
    assert_eq!(it.events.iter().filter(|e| e.public == Some(true)).count(), 1);
    let last = it.events.last().unwrap();
    assert_eq!((last.date, last.start), (d(2014, 10, 18), t(8, 40)));
    assert_eq!(last.city.as_ref().map(|c| c.en.as_str()), Some("Beijing"));
}

#[test]
fn seed_003_slide_text() {
    let Some(raw) = seed("003_") else { return };
    let c = clean_slide_text(&raw);
    for phrase in [
        "持续的验证和提升的文化",
        "用最合适的技术实现",
        "9种编程语言",
        "独立部署、升级、扩展",
        "主人翁精神",
        "代码驱动的自动化",
        "吃自己的狗食",
        "我为程序代言",
        "小步快跑",
        "开发环境的虚拟机",
        "前 EMC 中国研究院首席架构师",
        "CloudFoundry PaaS 平台核心团队",
    ] {
        assert!(c.contains(phrase), "missing {phrase:?} in:\n{c}");
    }
    assert!(!c.contains('\u{fffd}'));
    assert!(!c.chars().any(|ch| ('\u{2e80}'..='\u{2fdf}').contains(&ch)));
    let (summary, keywords) = abstract_and_keywords(&c);
    assert!(summary.contains("EMC"), "{summary}");
    assert!(keywords.iter().any(|k| k == "容器"), "{keywords:?}");
}

#[test]
fn article_has_no_event_and_english_is_detected() {
    let parsed = ParsedItem {
        guid: None,
        url: None,
        canonical: None,
        title: "How to Deploy Douban CODE in Ubuntu and Docker".into(),
        author: None,
        published: Some(Timestamp::Day(d(2014, 4, 1))),
        updated: None,
        content_html: "<h3>Author：Zhen JU</h3><p>On Feb 14, 2014 Douban Inc. announced that CODE is open source. \
            This guide shows how to run it in a container step by step, with every command you need.</p><pre>docker run -d code</pre>"
            .into(),
        lang: Some("zh".into()),
        categories: vec![],
    };
    let it = analyze(parsed, &source(None));
    assert_eq!(it.lang, Lang::En);
    assert_eq!(it.kind, PostKind::Article);
    assert!(it.events.is_empty());
}

fn html_item(title: &str, html: &str, published: NaiveDate) -> Item {
    let parsed = ParsedItem {
        guid: None,
        url: Url::parse("http://example.org/post/").ok(),
        canonical: None,
        title: title.into(),
        author: None,
        published: Some(Timestamp::Day(published)),
        updated: None,
        content_html: html.into(),
        lang: None,
        categories: Vec::new(),
    };
    analyze(parsed, &source(Some("广州")))
}

#[test]
fn history_a_post_mentions_is_no_event() {
    // An interview that recalls the first salon: no event, not an announcement.
    let it =
        html_item("沙龙专访", "<p>2009年8月8日，第一次沙龙在广州举行。</p><p>他说社区要长久。</p>", d(2011, 3, 13));
    assert!(it.events.is_empty());
    assert_eq!(it.kind, PostKind::Other);
    // A report that recalls history, then the weekend it reports on.
    let it = html_item(
        "周末",
        "<p>沙龙始于2009年8月8日。</p><p>4月23日下午，我们在广州聚会，赖勇浩带来《珠三角技术沙龙的故事》。</p>",
        d(2011, 4, 28),
    );
    assert_eq!(it.events.iter().map(|e| e.date).collect::<Vec<_>>(), [d(2011, 4, 23)]);
    assert_eq!(it.kind, PostKind::Recap);
    assert_eq!(it.talks.first().map(|t| t.title.as_str()), Some("珠三角技术沙龙的故事"));
}

/// [`super::script_counts`] counts what decoding every character counts.
#[test]
fn script_counts_match_a_char_by_char_count() {
    fn by_chars(text: &str) -> (usize, usize) {
        let (mut han, mut words, mut in_word) = (0, 0, false);
        for c in text.chars() {
            han += usize::from(('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
            words += usize::from(c.is_ascii_alphabetic() && !in_word);
            in_word = c.is_ascii_alphabetic();
        }
        (han, words)
    }
    let edges = "\u{33ff}\u{3400}\u{4000}\u{4dbf}\u{4dc0}\u{4dff}\u{4e00}\u{9fff}\u{a000}\u{3000}\u{e000}";
    // With the counts, the bytes `may_hold_date` looks at give its answer.
    let check = |text: &str| {
        let s = super::script_counts(text);
        assert_eq!((s.han, s.words), by_chars(text), "{text}");
        assert_eq!(
            super::date::may_hold_date_given(text, s.digit, s.other),
            super::date::may_hold_date(text),
            "{text}"
        );
    };
    for text in
        ["", "a", "Z", "广州 Python meetup", "a中b", "x\u{4dc0}y", "é@[`{ſK\u{212a}", "𝟙ab𝟙c", edges, "１０月", "٣"]
    {
        check(text);
    }
    let every: String = (0..=0x10ffff).step_by(7).chain(0x3300..0xa100).filter_map(char::from_u32).collect();
    check(&every);
    const PIECES: &[&str] = &[
        "a", "Z", " ", "中", "\u{3400}", "\u{4dc0}", "1", "９", "\u{ff10}", "，", "٣", "é", "𝟙", "Ⅻ", "①", "x1", "〇",
        "\u{2000}",
    ];
    for text in crate::test_docs::random_docs(PIECES, 40, 0x5ca7) {
        check(&text);
    }
}
