use regex::Regex;

use super::Labelled;
use crate::test_docs::random_docs;

/// Each label regex as one pattern, as it was written before [`Labelled`] (the reference).
fn pairs() -> Vec<(&'static str, &'static Labelled, Regex)> {
    let re = |p: &str| Regex::new(p).unwrap();
    vec![
        (
            "speaker",
            &super::super::talks::SPEAKER_LABEL,
            re(
                r"(?i)^\W{0,3}(?:分享讲师|讲师介绍|讲师|主讲人|主讲者|主讲|演讲者|演讲嘉宾|嘉宾|分享人|分享者|讲者|表演者|speakers?|presenter)\s*[:：]\s*(.*)$",
            ),
        ),
        (
            "topic",
            &super::super::talks::TOPIC_LABEL,
            re(
                r"(?i)^[\W_]{0,3}(?:\d+\s*#\s*)?(?:第[一二三四五六七八九十\d]{1,2}个?)?(?:主题|题目|议题|topic|title)\s*[一二三四五六七八九十\d]*\s*[:：]\s*(.+)$",
            ),
        ),
        (
            "slides",
            &super::super::talks_prose::SLIDE_LINE,
            re(r"(?i)^\W{0,3}(?:在线|演讲)?(?:讲稿|幻灯片?|slides?|ppt|课件)(?:地址|下载|链接)?\s*[:：]"),
        ),
        (
            "sign up",
            &super::super::kind::SIGN_UP_LABEL,
            re(r"(?i)^\W{0,3}(?:活动|参会)?(?:报名|sign[ -]?up|registration)\s*[:：]\s*\S"),
        ),
        (
            "byline",
            &super::super::events::BYLINE,
            re(r"(?i)^\W{0,3}(作者|译者|原文|原文链接|author|translator)\s*[:：]"),
        ),
        (
            "venue",
            &super::super::events::VENUE,
            re(r"(?i)^\W{0,4}(?:活动|聚会|会议|大会|沙龙)?(?:地点|地址|场地|会场|venue|location)\s*[:：]\s*(.+)$"),
        ),
        (
            "organizer",
            &super::super::events::ORGANIZER,
            re(r"(?i)^\W{0,4}(?:主办方|主办单位|主办|organi[sz]er)\s*[:：]\s*(.+)$"),
        ),
    ]
}

/// Leads (symbols, spaces, `_`, letters that are no ASCII, digits of other scripts), labels in
/// several cases, colons and values.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "", " ", "  ", "\t", "\n", "*", "**", "- ", "_", "__", "＿", "#", "【", "】", "•", "·", "\u{a0}", "\u{3000}",
    "\u{200b}", "😀", "Ⓐ", "ſ", "\u{212a}", "Ａ", "١", "１", "é", "\u{301}", "\u{4dc0}", "\u{3400}", "〇", "1.", "12 #",
    "第1个", "第十", "讲师", "主讲", "主讲人", "演讲嘉宾", "嘉宾", "分享者", "Speaker", "SPEAKERS", "presenter", "主题",
    "题目", "Topic", "TITLE", "title 2", "讲稿", "幻灯片", "Slides", "PPT", "在线", "下载", "课件", "报名", "活动", "参会",
    "sign-up", "Sign Up", "ſign up", "registration", "作者", "原文链接", "Author", "translator", "地点", "Venue",
    "LOCATION", "沙龙", "主办方", "主办", "organiser", "ORGANIZER", ":", "：", ": ", "张三", " 李四 ", "http://x.cn/a",
    "a:b", "《题》", "中文", "x",
];

#[test]
fn labelled_regexes_are_the_one_pattern_regexes() {
    let pairs = pairs();
    let mut matched = vec![0usize; pairs.len()];
    for (k, line) in random_docs(PIECES, 6, 0x5eed_1abe_1000_0001).chain(random_docs(PIECES, 3, 77)).enumerate() {
        // Lines that start with a label, often: most random lines would start with anything.
        let line = if k % 3 == 0 { line } else { line.trim_start_matches(['\n']).to_string() };
        for (i, (name, new, old)) in pairs.iter().enumerate() {
            let want = old.captures(&line);
            let got = new.captures(&line);
            assert_eq!(new.is_match(&line), want.is_some(), "{name}: {line:?}");
            assert_eq!(got.is_some(), want.is_some(), "{name}: {line:?}");
            if let (Some(g), Some(w)) = (got, want) {
                matched[i] += 1;
                for j in 1..w.len() {
                    assert_eq!(g.get(j).map(|m| m.as_str()), w.get(j).map(|m| m.as_str()), "{name} {j}: {line:?}");
                }
            }
            assert_eq!(new.strip(&line), old.replace(&line, ""), "{name}: {line:?}");
        }
    }
    // Every rule matched often enough for the comparison to mean something.
    for ((name, ..), n) in pairs.iter().zip(matched) {
        assert!(n >= 50, "{name}: {n} matches");
    }
}

#[test]
fn cjk_ideographs_are_word_characters() {
    let word = Regex::new(r"^\w$").unwrap();
    for c in ('\u{4e00}'..='\u{9fff}').map(String::from) {
        assert!(word.is_match(&c), "{c}");
    }
}
