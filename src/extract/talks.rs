//! Talks: `### 《title》 - speaker` headings, labelled lines (主题/讲师/嘉宾/Speaker),
//! `speaker 《title》` lists, `title，主讲者 speaker`, `title by speaker`, and slide links
//! named after the talk (`基于容器的containerops解决方案-马彬.pdf`). Names are read by
//! [`super::names`].

use std::sync::LazyLock;

use super::Talk;
use super::gate::{Gated, Marks, has_any, has_str, is_numeric};
use super::label::{Labelled, Lead};
use super::names::{bio_name, pure_name, speaker_name, speaker_names, trailing_name};
use super::talks_links::attach_links;
use super::talks_prose::{quote_only, slides_follow, speaker_before_title, speaker_intro, topic_in_sentence};
use super::talks_roster::{ROSTER, Row, roster_row};
use super::talks_title::{Acc, LEAD_NUM, book_like, may_lead_num};
pub use super::talks_title::{clean_title, norm_title};
use super::text::{Doc, lowercase};
use regex::Regex;

/// A speaker label after at most three non-word characters (`(?i)^\W{0,3}…`, see
/// [`Labelled`]): every Chinese one holds 讲, 嘉, 享 or 演, both English ones an `e` (which no
/// other character folds to).
pub(super) static SPEAKER_LABEL: Labelled = Labelled::new(
    Lead::NonWord,
    3,
    || {
        Regex::new(r"(?i)^(?:分享讲师|讲师介绍|讲师|主讲人|主讲者|主讲|演讲者|演讲嘉宾|嘉宾|分享人|分享者|讲者|表演者|speakers?|presenter)\s*[:：]\s*(.*)$").unwrap()
    },
    |t| has_any(t, &[':', '：']) && (has_any(t, &['讲', '嘉', '享', '演']) || has_byte(t, b'e')),
);
/// A topic label after at most three non-word characters or `_` (`(?i)^[\W_]{0,3}…`, see
/// [`Labelled`]): "topic" and "title" both hold a `t` (which no other character folds to).
pub(super) static TOPIC_LABEL: Labelled = Labelled::new(
    Lead::NonWordOrUnderscore,
    3,
    || {
        Regex::new(r"(?i)^(?:\d+\s*#\s*)?(?:第[一二三四五六七八九十\d]{1,2}个?)?(?:主题|题目|议题|topic|title)\s*[一二三四五六七八九十\d]*\s*[:：]\s*(.+)$").unwrap()
    },
    |t| has_any(t, &[':', '：']) && (has_any(t, &['题']) || has_byte(t, b't')),
);
/// A title in 《》, or in <> as some authors write it ("带来<用NodeJs打造聊天室>"); the <> form
/// needs a Han character and no `=`/`/`, so HTML shown as text (`<span class="…">`, `<video>`) is none.
static QUOTED: Gated = Gated::new(
    || Regex::new(r"《([^《》]{2,80})》|<([^<>=/]{0,40}\p{Han}[^<>=/]{0,40})>").unwrap(),
    |t| has_any(t, &['《', '<']),
);
/// Whether `t` holds the ASCII letter `b` in either case.
fn has_byte(t: &str, b: u8) -> bool {
    memchr::memchr2(b.to_ascii_lowercase(), b.to_ascii_uppercase(), t.as_bytes()).is_some()
}
static ZHUJIANG: Gated = Gated::new(
    || Regex::new(r"^(?:Topic\s*\d*\s*[:：]\s*)?(.+?)\s*[,，]\s*主讲(?:者|人)?\s*[:：]?\s*(.+)$").unwrap(),
    |t| has_str(t, "主讲") && has_any(t, &[',', '，']),
);
static BY: Gated = Gated::new(|| Regex::new(r"^(.+?)\s+by\s+(.+)$").unwrap(), |t| has_str(t, "by"));
static TOPIC_PAREN: Gated = Gated::new(
    || Regex::new(r"(?i)^Topic\s*\d*\s*[:：]\s*(.+?)\s*[（(]([^）)]{1,30})[）)]").unwrap(),
    |t| has_any(t, &['(', '（']) && has_any(t, &[':', '：']),
);
pub(super) static DASH_SPEAKER: Gated =
    Gated::new(|| Regex::new(r"^(.+?)\s*(?:\s[-–—]+\s|——|—)\s*(.+)$").unwrap(), |t| has_any(t, &['-', '–', '—']));

static FROM_WHOM: Gated = Gated::new(
    || Regex::new(r"主题来自于?\s*([^(（:：，,]{1,20})(?:[(（].*?[)）])?\s*[:：]\s*(.+?)。?$").unwrap(),
    |t| has_str(t, "主题来自"),
);
static BY_WHOM: Gated = Gated::new(
    || Regex::new(r"^([^，,]+?)[，,]\s*由\s*([^，,。\s]{1,12}?)\s*(?:提供)?(?:分享|主讲|带来)").unwrap(),
    |t| t.contains('由') && has_any(t, &[',', '，']),
);
static SAID: Gated = Gated::new(
    || {
        Regex::new(r#"([^\s，。,、“”"]{2,12}?)\s*[,，]?\s*(?:讲述|分享了?|带来了?|主讲)\s*[“"]([^”"]{2,60})[”"]"#)
            .unwrap()
    },
    |t| has_any(t, &['“', '"']) && ["讲述", "分享", "带来", "主讲"].iter().any(|w| t.contains(w)),
);
static BROUGHT: Gated =
    Gated::new(|| Regex::new(r"^\S{0,8}?带来(?:的)?(?:主题|topic)\s*[:：]\s*(.*)$").unwrap(), |t| has_str(t, "带来"));
static NAME_ORG_TITLE: Gated = Gated::new(
    || Regex::new(r"^\**\s*([^\s(（*]{2,12}(?:\s[A-Za-z]+)?)\s*[（(]([^）)]{2,12})[）)]\s*([^。，,]{2,40})$").unwrap(),
    |t| has_any(t, &['(', '（']) && has_any(t, &[')', '）']),
);
static SLOT: Gated = Gated::new(
    || Regex::new(r"^\d{1,2}:\d{2}\s*[~～-]\s*\d{1,2}:\d{2}\s+(.+)$").unwrap(),
    |t| t.chars().next().is_some_and(is_numeric) && t.contains(':'),
);
/// `+ 淘宝网 清笃(廖恺) “nodejs快速入门”`: a name (after an optional organization) and a
/// title in curly quotes ending the line.
static NAME_QUOTE: Gated = Gated::new(
    || {
        Regex::new(r#"^[+*\-•\s]*(?:\S{1,12}\s+)?([^\s“”"(（]{2,16})\s*(?:[(（][^)）]{1,16}[)）])?\s*[“"]([^“”"]{2,60})[”"]\s*$"#).unwrap()
    },
    |t| has_any(t, &['“', '"']) && has_any(t, &['”', '"']),
);
/// A bio line: "大宝（谢廷宝），前网易……", "庆亮，明朝网络(明朝传奇项目)，…".
static BIO_START: Gated = Gated::new(
    || Regex::new(r"^[—\-–\s]*([^\s，,（(]{2,16})\s*(?:[（(][^)）]{1,20}[)）])?\s*[，,]\s*\S").unwrap(),
    |t| has_any(t, &['，', ',']),
);
/// A leading agenda time ("14:00-14:40 ", "* 9:30～10:10", "13:30 ").
static TIME_LEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s*+\-•]*\d{1,2}[:：]\d{2}(?:\s*[-~～–—至到]\s*\d{1,2}[:：]\d{2})?\s*").unwrap());
pub(super) static PARENS: Gated =
    Gated::new(|| Regex::new(r"[(（][^)）]{0,20}[)）]").unwrap(), |t| has_any(t, &['(', '（']));
pub(super) static BIO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(来自|现任|任职|就职|工程师|架构师|ceo|cto|创始人|负责人|经理|总监|总裁|从业|专家|讲师|联合创始)")
        .unwrap()
});

const STOP_HEADINGS: &[&str] = &[
    "报名",
    "时间",
    "地点",
    "费用",
    "其它",
    "其他",
    "简介",
    "交通",
    "赞助",
    "致谢",
    "前言",
    "最后",
    "资料",
    "花絮",
    "记要",
    "嘉宾",
    "内容",
    "主题介绍",
    "本期",
    "更多",
    "现场",
    "幻灯",
    "下载",
    "结语",
    "总述",
    "插曲",
    "录音",
    "直播",
    "讲师介绍",
    "演讲主题介绍",
    "已有主题",
    "主讲主题",
    "活动",
    "合影",
    "ps",
    "规则",
    "惯例",
    "说明",
    "topic",
    "如何",
    "互动",
    "问答",
    "自由交流",
    "抽奖",
    "签到",
    "茶歇",
    "开场",
    "休息",
];
/// "Alvinma(马斌) ，SNG即通产品部……": a bio opening with a name and its alias.
fn aliased_bio(line: &str) -> bool {
    BIO_START.captures(line).and_then(|c| c.get(0)).is_some_and(|m| has_any(m.as_str(), &['(', '（']))
}

/// A short plain line read as a talk title when the next line is its speaker's bio
/// ("当webgame邂逅erlang" / "庆亮，明朝网络(明朝传奇项目)，http://…").
fn plain_title_speaker(text: &str, next: Option<&&str>) -> Option<String> {
    // More than 160 bytes are more than 40 characters.
    if text.len() > 160 {
        return None;
    }
    let n = text.chars().count();
    if !(4..=40).contains(&n)
        || has_any(text, &['。', '，', ',', '；', ';', '！', '!', '？', '?', '：', ':'])
        || text.contains("http")
    {
        return None;
    }
    if pure_name(text.trim()) || SPEAKER_LABEL.is_match(text) || {
        let lower = lowercase(text);
        STOP_HEADINGS.iter().any(|s| lower.starts_with(s))
    } {
        return None;
    }
    let next = next?;
    // The regex last: the other tests are cheaper.
    if !(has_any(next, &['（', '(']) || next.contains("http") || BIO.is_match(next)) {
        return None;
    }
    let c = BIO_START.captures(next)?;
    c.get(1).filter(|m| pure_name(m.as_str())).and_then(|m| speaker_name(m.as_str()))
}

/// The speakers a labelled line (讲师：…, Speaker: …) within the next three lines names.
fn speakers_after(lines: &[&str], i: usize) -> Vec<String> {
    for (k, l) in lines.iter().enumerate().skip(i + 1).take(3) {
        if let Some(c) = SPEAKER_LABEL.captures(l) {
            let rest = c.get(1).map_or("", |m| m.as_str()).trim();
            if rest.is_empty() {
                return lines.get(k + 1).map(|n| speaker_names(n)).unwrap_or_default();
            }
            return speaker_names(rest);
        }
        if TOPIC_LABEL.is_match(l) || QUOTED.is_match(l) {
            return Vec::new();
        }
    }
    Vec::new()
}

fn speaker_after(lines: &[&str], i: usize) -> Option<String> {
    speakers_after(lines, i).into_iter().next()
}

/// `sp` with the co-speakers of the labelled line it came from.
fn with_co(sp: Option<String>, lines: &[&str], i: usize) -> Vec<String> {
    let after = speakers_after(lines, i);
    match sp {
        Some(s) if after.first() == Some(&s) => after,
        Some(s) => vec![s],
        None => Vec::new(),
    }
}

fn talk_from_heading(h: &str) -> Option<(String, Option<String>)> {
    // "《可爱的python》成书体验 by Zoom Quiet": the whole part before "by" is the title.
    if let Some(c) = BY.captures(h)
        && c.get(1).is_some_and(|t| QUOTED.is_match(t.as_str()))
    {
        return Some((c.get(1)?.as_str().to_string(), speaker_name(c.get(2)?.as_str())));
    }
    if let Some(c) = QUOTED.captures(h) {
        let m = c.get(0)?;
        let after = h.get(m.end()..).unwrap_or("");
        let sp = speaker_name(after.trim_start_matches([' ', '-', '–', '—', ':', '：']));
        return Some((c.get(1).or_else(|| c.get(2))?.as_str().to_string(), sp));
    }
    let h = TOPIC_LABEL.captures(h).and_then(|c| c.get(1)).map_or(h, |m| m.as_str());
    if let Some(c) = BY.captures(h) {
        return Some((c.get(1)?.as_str().to_string(), speaker_name(c.get(2)?.as_str())));
    }
    if let Some(c) = DASH_SPEAKER.captures(h) {
        let sp = c.get(2).and_then(|m| speaker_name(m.as_str()));
        if sp.is_some() && c.get(2).is_some_and(|m| m.as_str().chars().count() <= 12) {
            return Some((c.get(1)?.as_str().to_string(), sp));
        }
    }
    Some((h.to_string(), None))
}

/// Finds the talks of a post.
pub fn find_talks(doc: &Doc) -> Vec<Talk> {
    let lines: Vec<&str> = doc.lines.iter().map(|l| l.text.as_str()).collect();
    let mut acc = Acc::default();
    let mut line_talk: Vec<Option<usize>> = vec![None; lines.len()];
    let mut last_heading_name: Option<String> = None;
    let mut in_roster = false;
    // "+ Frank 分享:" names the speaker of the quoted titles listed right after it.
    let mut intro: Option<String> = None;
    for (i, line) in doc.lines.iter().enumerate() {
        let text = line.text.as_str();
        // Every branch below that looks at prose is skipped unless its rule's characters are there.
        let m = Marks::of(text);
        if m.any(Marks::COLON)
            && m.any(Marks::XIANG | Marks::DAI | Marks::JIANG)
            && let Some(name) = speaker_intro(text)
        {
            intro = Some(name);
            continue;
        }
        if let Some(sp) = intro.as_ref()
            && let Some(title) = quote_only(text)
        {
            if let Some(slot) = line_talk.get_mut(i) {
                *slot = acc.add(title, vec![sp.clone()]);
            }
            continue;
        }
        intro = None;
        // Numbered short lines ("1. 芒果 TV 的 Docker 之路") read like headings.
        let numbered = may_lead_num(text)
            && LEAD_NUM.is_match(text)
            && text.chars().count() <= 40
            && !has_any(text, &['。', '；', ';']);
        let found: Option<usize> = if line.heading >= 2 || numbered {
            let h = TOPIC_LABEL.captures(text).and_then(|c| c.get(1)).map_or(text, |m| m.as_str());
            let lower = lowercase(h);
            if (STOP_HEADINGS.iter().any(|s| lower.trim_start_matches(['#', ' ']).starts_with(s))
                && !QUOTED.is_match(h))
                || SPEAKER_LABEL.is_match(h)
                || h.ends_with(':')
                || h.ends_with('：')
            {
                if speaker_name(h).is_some() {
                    last_heading_name = speaker_name(h);
                }
                None
            } else if let Some((title, sp)) = talk_from_heading(h) {
                let sp = sp.or_else(|| speaker_after(&lines, i)).or_else(|| {
                    // "### 标题" then "赖勇浩，多年网游从业人员……" / "UC优视 资深工程师 李运华".
                    lines
                        .get(i + 1)
                        .filter(|n| !SPEAKER_LABEL.is_match(n) && (BIO.is_match(n) || aliased_bio(n)))
                        .and_then(|n| bio_name(n))
                });
                if sp.is_none() {
                    last_heading_name = speaker_name(h).filter(|n| n.chars().count() <= 20);
                }
                match sp {
                    Some(s) => acc.add(&title, with_co(Some(s), &lines, i)),
                    None if QUOTED.is_match(text) || TOPIC_LABEL.is_match(text) => acc.add(&title, vec![]),
                    None => match slides_follow(doc, i, &title) {
                        Some(t) => acc.same_as_listed(&t).or_else(|| acc.add(&t, vec![])),
                        None => None,
                    },
                }
            } else {
                None
            }
        } else if let Some(c) = BROUGHT.captures_if(m.any(Marks::DAI), text) {
            let rest = c.get(1).map_or("", |m| m.as_str()).trim();
            let title = if rest.is_empty() { lines.get(i + 1).copied().unwrap_or("") } else { rest };
            acc.add(title, last_heading_name.clone().into_iter().collect())
        } else if ROSTER.is_match(text) && !QUOTED.is_match(text) && !has_any(text, &['“', '"']) {
            in_roster = true;
            None
        } else if in_roster && !QUOTED.is_match(text) {
            match roster_row(text) {
                Row::Talk(what, sp) => acc.add(&what, vec![sp]),
                Row::Skip => None,
                Row::End => {
                    in_roster = false;
                    None
                }
            }
        } else if let Some(c) = SLOT.captures(text)
            && let Some(next) = lines.get(i + 1).filter(|n| n.starts_with('-'))
        {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            acc.add(next.trim_start_matches(['-', ' ']), sp.into_iter().collect())
        } else if let Some(c) = NAME_ORG_TITLE
            .captures_if(m.any(Marks::PAREN), text)
            .filter(|_| line.heading == 0 && !QUOTED.is_match(text))
        {
            match c.get(1).and_then(|m| speaker_name(m.as_str())) {
                Some(sp) => c.get(3).and_then(|t| acc.add(t.as_str(), vec![sp])),
                None => None,
            }
        } else if let Some(c) = FROM_WHOM.captures_if(m.any(Marks::ZI), text) {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            c.get(2).and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) =
            BY_WHOM.captures_if(m.all(Marks::YOU | Marks::COMMA), text).filter(|_| !QUOTED.is_match(text))
        {
            let sp = c.get(2).and_then(|m| speaker_name(m.as_str()));
            c.get(1).and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some((title, sp)) = m.all(Marks::DE | Marks::COLON).then(|| topic_in_sentence(text)).flatten() {
            acc.add(&title, vec![sp])
        } else if let Some(c) =
            SAID.captures_if(m.any(Marks::QUOTE) && m.any(Marks::JIANG | Marks::XIANG | Marks::DAI), text)
        {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            c.get(2).and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) = TOPIC_PAREN
            .captures_if(m.all(Marks::PAREN | Marks::COLON), text)
            .or_else(|| ZHUJIANG.captures_if(m.all(Marks::JIANG | Marks::COMMA), text))
        {
            let sp = c.get(2).and_then(|m| speaker_name(m.as_str()));
            c.get(1).and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) = TOPIC_LABEL.captures_if(m.any(Marks::COLON), text) {
            let t = c.get(1).map_or("", |m| m.as_str());
            let (title, sp) = talk_from_heading(t).unwrap_or((t.to_string(), None));
            let sp = sp.or_else(|| speaker_after(&lines, i));
            acc.add(&title, with_co(sp, &lines, i))
        } else if let Some(c) = NAME_QUOTE.captures_if(m.any(Marks::QUOTE), text).filter(|_| !QUOTED.is_match(text)) {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            c.get(2).and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(sp) =
            plain_title_speaker(text, lines.get(i + 1)).filter(|_| line.heading == 0 && !QUOTED.is_match(text))
        {
            acc.add(text, vec![sp])
        } else {
            let mut last = None;
            let mut lower: Option<String> = None;
            for c in QUOTED.captures_iter_if(m.any(Marks::TITLE), text) {
                let Some(m) = c.get(0) else { continue };
                let before = text.get(..m.start()).unwrap_or("");
                let after = text.get(m.end()..).unwrap_or("");
                if book_like(before, after) {
                    continue;
                }
                let title = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
                // "14:00-14:40 《title》 speaker": an agenda slot's time is no speaker.
                let before = TIME_LEAD.replace(before, "");
                let before = before.as_ref();
                // "大郎(qichangxing): 《…》": the handle in parentheses is no part of the name.
                let bare = PARENS.replace_all(before, "");
                let b = bare.trim_end().trim_end_matches(|ch: char| "带来作题为分享主讲讲的：: ".contains(ch));
                let start_of_line = before.chars().count() <= 30 && !before.contains('。');
                let sp = if let Some(sp) = speaker_before_title(before) {
                    Some(sp)
                } else if let Some(p) = after.find("主讲") {
                    after.get(p + "主讲".len()..).and_then(speaker_name)
                } else if start_of_line && !b.is_empty() && b.split_whitespace().count() <= 3 {
                    speaker_name(b.split_whitespace().next().unwrap_or(""))
                } else if before.trim().is_empty() {
                    let rest = after.trim_start_matches([' ', '-', '–', '—', '－', ':', '：']);
                    speaker_name(rest)
                        .or_else(|| trailing_name(rest))
                        .filter(|_| after.trim_start().chars().next().is_some_and(|c| !"的是，,。".contains(c)))
                } else {
                    b.rsplit(['，', ',', '。', '由', ' '])
                        .next()
                        .and_then(speaker_name)
                        .filter(|n| n.chars().count() <= 8)
                };
                let sp = sp.or_else(|| speaker_after(&lines, i));
                let cue = sp.is_some() || {
                    let lower = lower.get_or_insert_with(|| lowercase(text));
                    ["主题", "topic", "分享", "演讲", "讲", "题为"].iter().any(|w| lower.contains(w))
                };
                if cue {
                    last = acc.add(title, with_co(sp, &lines, i)).or(last);
                }
            }
            last
        };
        if let Some(slot) = line_talk.get_mut(i) {
            *slot = found;
        }
    }
    attach_links(doc, &mut acc, &line_talk);
    acc.talks
}

#[cfg(test)]
#[path = "talks_tests.rs"]
mod tests;
