//! Talks: `### 《title》 - speaker` headings, labelled lines (主题/讲师/嘉宾/Speaker),
//! `speaker 《title》` lists, `title，主讲者 speaker`, `title by speaker`, and slide links
//! named after the talk (`基于容器的containerops解决方案-马彬.pdf`). Names are read by
//! [`super::names`].

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use url::Url;

use super::Talk;
use super::names::{bio_name, han_count, pure_name, speaker_name, speaker_names, trailing_name};
use super::text::{Doc, percent_decode};

static SPEAKER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W{0,3}(?:分享讲师|讲师介绍|讲师|主讲人|主讲者|主讲|演讲者|演讲嘉宾|嘉宾|分享人|分享者|讲者|表演者|speakers?|presenter)\s*[:：]\s*(.*)$").unwrap()
});
static TOPIC_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\W_]{0,3}(?:\d+\s*#\s*)?(?:第[一二三四五六七八九十\d]{1,2}个?)?(?:主题|题目|议题|topic|title)\s*[一二三四五六七八九十\d]*\s*[:：]\s*(.+)$").unwrap()
});
/// A title in 《》, or in <> as some authors write it ("带来<用NodeJs打造聊天室>").
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"《([^《》]{2,80})》|<([^<>]{2,80})>").unwrap());
static LEAD_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[\d一二三四五六七八九十]{1,2}\s*[.、．，,)）]\s*|[_\s]*\d+\s*#\s*)").unwrap()
});
static ZHUJIANG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Topic\s*\d*\s*[:：]\s*)?(.+?)\s*[,，]\s*主讲(?:者|人)?\s*[:：]?\s*(.+)$")
        .unwrap()
});
static BY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.+?)\s+by\s+(.+)$").unwrap());
static TOPIC_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^Topic\s*\d*\s*[:：]\s*(.+?)\s*[（(]([^）)]{1,30})[）)]").unwrap()
});
static DASH_SPEAKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s*(?:\s[-–—]+\s|——|—)\s*(.+)$").unwrap());

static FROM_WHOM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"主题来自于?\s*([^(（:：，,]{1,20})(?:[(（].*?[)）])?\s*[:：]\s*(.+?)。?$").unwrap()
});
static BY_WHOM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([^，,]+?)[，,]\s*由\s*([^，,。\s]{1,12}?)\s*(?:提供)?(?:分享|主讲|带来)")
        .unwrap()
});
static SAID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^\s，。,、“”"]{2,12}?)\s*[,，]?\s*(?:讲述|分享了?|带来了?|主讲)\s*[“"]([^”"]{2,60})[”"]"#).unwrap()
});
static BROUGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\S{0,8}?带来(?:的)?(?:主题|topic)\s*[:：]\s*(.*)$").unwrap());
static ROSTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:参与人|讲师|分享者|name)\s+(?:topic|主题)|^[^简介述]{0,30}(?:主题|议题|讲师|topic|演讲|小结|如下)[^简介述]{0,8}[:：]\s*$").unwrap()
});
static NAME_ORG_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\**\s*([^\s(（*]{2,12}(?:\s[A-Za-z]+)?)\s*[（(]([^）)]{2,12})[）)]\s*([^。，,]{2,40})$",
    )
    .unwrap()
});
static SLOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}:\d{2}\s*[~～-]\s*\d{1,2}:\d{2}\s+(.+)$").unwrap());
static PAREN_SLIDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*[（(][^）)]*(?:slide|下载|ppt|pdf)[^）)]*[）)]").unwrap());
/// `+ 淘宝网 清笃(廖恺) “nodejs快速入门”`: a name (after an optional organization) and a
/// title in curly quotes ending the line.
static NAME_QUOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[+*\-•\s]*(?:\S{1,12}\s+)?([^\s“”"(（]{2,16})\s*(?:[(（][^)）]{1,16}[)）])?\s*[“"]([^“”"]{2,60})[”"]\s*$"#).unwrap()
});
/// A bio line: "大宝（谢廷宝），前网易……", "庆亮，明朝网络(明朝传奇项目)，…".
static BIO_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[—\-–\s]*([^\s，,（(]{2,16})\s*(?:[（(][^)）]{1,20}[)）])?\s*[，,]\s*\S").unwrap()
});
/// A leading agenda time ("14:00-14:40 ", "* 9:30～10:10", "13:30 ").
static TIME_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s*+\-•]*\d{1,2}[:：]\d{2}(?:\s*[-~～–—至到]\s*\d{1,2}[:：]\d{2})?\s*").unwrap()
});
static PARENS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[(（][^)）]{0,20}[)）]").unwrap());
static BIO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(来自|现任|任职|就职|工程师|架构师|ceo|cto|创始人|负责人|经理|总监|总裁|从业|专家|讲师|联合创始)").unwrap()
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
    BIO_START
        .captures(line)
        .and_then(|c| c.get(0))
        .is_some_and(|m| m.as_str().contains(['(', '（']))
}

/// A short plain line read as a talk title when the next line is its speaker's bio
/// ("当webgame邂逅erlang" / "庆亮，明朝网络(明朝传奇项目)，http://…").
fn plain_title_speaker(text: &str, next: Option<&&str>) -> Option<String> {
    let n = text.chars().count();
    if !(4..=40).contains(&n)
        || text.contains(['。', '，', ',', '；', ';', '！', '!', '？', '?', '：', ':'])
        || text.contains("http")
    {
        return None;
    }
    if pure_name(text.trim())
        || SPEAKER_LABEL.is_match(text)
        || STOP_HEADINGS
            .iter()
            .any(|s| text.to_lowercase().starts_with(s))
    {
        return None;
    }
    let next = next?;
    if !(BIO.is_match(next) || next.contains(['（', '(']) || next.contains("http")) {
        return None;
    }
    let c = BIO_START.captures(next)?;
    c.get(1)
        .filter(|m| pure_name(m.as_str()))
        .and_then(|m| speaker_name(m.as_str()))
}

/// Normalized form for comparing titles: NFKC, lowercase, letters and digits only.
pub fn norm_title(s: &str) -> String {
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Cleans a title: no 《》, quotes, numbering, bold markers or trailing punctuation.
pub fn clean_title(s: &str) -> String {
    let s = s.trim().trim_matches(['*', '_', ' ']);
    let s = LEAD_NUM.replace(s, "");
    let s = s
        .trim()
        .trim_start_matches(['《', '“', '"', '「', '<'])
        .trim_end_matches(['》', '”', '"', '」', '>', '。', '，', ',', ' ']);
    s.replace(['《', '》'], "").trim().to_string()
}

/// The speakers a labelled line (讲师：…, Speaker: …) within the next three lines names.
fn speakers_after(lines: &[&str], i: usize) -> Vec<String> {
    for (k, l) in lines.iter().enumerate().skip(i + 1).take(3) {
        if let Some(c) = SPEAKER_LABEL.captures(l) {
            let rest = c.get(1).map_or("", |m| m.as_str()).trim();
            if rest.is_empty() {
                return lines
                    .get(k + 1)
                    .map(|n| speaker_names(n))
                    .unwrap_or_default();
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

fn book_like(before: &str, after: &str) -> bool {
    let b: String = before.chars().rev().take(6).collect();
    [
        "译", "著", "写有", "撰写", "翻译", "出版", "书", "读", "任", "加入", "就职", "礼品",
    ]
    .iter()
    .any(|w| b.contains(&w.chars().rev().collect::<String>()))
        || [
            "译者", "作者", "一书", "联合", "等书", "和《", "、《", "系列", "版", "图书", "项目",
        ]
        .iter()
        .any(|w| after.trim_start().starts_with(w))
}

struct Acc {
    talks: Vec<Talk>,
    keys: Vec<String>,
}

impl Acc {
    fn add(&mut self, title: &str, speakers: Vec<String>) -> Option<usize> {
        let title = clean_title(&PAREN_SLIDE.replace_all(title, ""));
        let key = norm_title(&title);
        if title.starts_with(|c: char| !c.is_alphanumeric())
            || key.chars().count() < 2
            || title.chars().count() > 90
        {
            return None;
        }
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            let t = self.talks.get_mut(i)?;
            for s in speakers {
                if !t.speakers.contains(&s) {
                    t.speakers.push(s);
                }
            }
            return Some(i);
        }
        self.keys.push(key);
        self.talks.push(Talk {
            title,
            speakers,
            slides: None,
            video: None,
            transcript: None,
            event: None,
        });
        Some(self.talks.len() - 1)
    }
}

fn talk_from_heading(h: &str) -> Option<(String, Option<String>)> {
    // "《可爱的python》成书体验 by Zoom Quiet": the whole part before "by" is the title.
    if let Some(c) = BY.captures(h)
        && c.get(1).is_some_and(|t| QUOTED.is_match(t.as_str()))
    {
        return Some((
            c.get(1)?.as_str().to_string(),
            speaker_name(c.get(2)?.as_str()),
        ));
    }
    if let Some(c) = QUOTED.captures(h) {
        let m = c.get(0)?;
        let after = h.get(m.end()..).unwrap_or("");
        let sp = speaker_name(after.trim_start_matches([' ', '-', '–', '—', ':', '：']));
        return Some((c.get(1).or_else(|| c.get(2))?.as_str().to_string(), sp));
    }
    let h = TOPIC_LABEL
        .captures(h)
        .and_then(|c| c.get(1))
        .map_or(h, |m| m.as_str());
    if let Some(c) = BY.captures(h) {
        return Some((
            c.get(1)?.as_str().to_string(),
            speaker_name(c.get(2)?.as_str()),
        ));
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
    let mut acc = Acc {
        talks: Vec::new(),
        keys: Vec::new(),
    };
    let mut line_talk: Vec<Option<usize>> = vec![None; lines.len()];
    let mut last_heading_name: Option<String> = None;
    let mut in_roster = false;
    for (i, line) in doc.lines.iter().enumerate() {
        let text = line.text.as_str();
        // Numbered short lines ("1. 芒果 TV 的 Docker 之路") read like headings.
        let numbered = LEAD_NUM.is_match(text)
            && text.chars().count() <= 40
            && !text.contains(['。', '；', ';']);
        let found: Option<usize> = if line.heading >= 2 || numbered {
            let h = TOPIC_LABEL
                .captures(text)
                .and_then(|c| c.get(1))
                .map_or(text, |m| m.as_str());
            let lower = h.to_lowercase();
            if (STOP_HEADINGS
                .iter()
                .any(|s| lower.trim_start_matches(['#', ' ']).starts_with(s))
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
                        .filter(|n| {
                            !SPEAKER_LABEL.is_match(n) && (BIO.is_match(n) || aliased_bio(n))
                        })
                        .and_then(|n| bio_name(n))
                });
                if sp.is_none() {
                    last_heading_name = speaker_name(h).filter(|n| n.chars().count() <= 20);
                }
                match sp {
                    Some(s) => acc.add(&title, with_co(Some(s), &lines, i)),
                    None if QUOTED.is_match(text) || TOPIC_LABEL.is_match(text) => {
                        acc.add(&title, vec![])
                    }
                    None => None,
                }
            } else {
                None
            }
        } else if let Some(c) = BROUGHT.captures(text) {
            let rest = c.get(1).map_or("", |m| m.as_str()).trim();
            let title = if rest.is_empty() {
                lines.get(i + 1).copied().unwrap_or("")
            } else {
                rest
            };
            acc.add(title, last_heading_name.clone().into_iter().collect())
        } else if ROSTER.is_match(text) && !QUOTED.is_match(text) && !text.contains(['“', '"']) {
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
            acc.add(
                next.trim_start_matches(['-', ' ']),
                sp.into_iter().collect(),
            )
        } else if let Some(c) = NAME_ORG_TITLE.captures(text).filter(|_| line.heading == 0) {
            match c.get(1).and_then(|m| speaker_name(m.as_str())) {
                Some(sp) => c.get(3).and_then(|t| acc.add(t.as_str(), vec![sp])),
                None => None,
            }
        } else if let Some(c) = FROM_WHOM.captures(text) {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            c.get(2)
                .and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) = BY_WHOM.captures(text).filter(|_| !QUOTED.is_match(text)) {
            let sp = c.get(2).and_then(|m| speaker_name(m.as_str()));
            c.get(1)
                .and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) = SAID.captures(text) {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            c.get(2)
                .and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) = TOPIC_PAREN
            .captures(text)
            .or_else(|| ZHUJIANG.captures(text))
        {
            let sp = c.get(2).and_then(|m| speaker_name(m.as_str()));
            c.get(1)
                .and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(c) = TOPIC_LABEL.captures(text) {
            let t = c.get(1).map_or("", |m| m.as_str());
            let (title, sp) = talk_from_heading(t).unwrap_or((t.to_string(), None));
            let sp = sp.or_else(|| speaker_after(&lines, i));
            acc.add(&title, with_co(sp, &lines, i))
        } else if let Some(c) = NAME_QUOTE.captures(text).filter(|_| !QUOTED.is_match(text)) {
            let sp = c.get(1).and_then(|m| speaker_name(m.as_str()));
            c.get(2)
                .and_then(|t| acc.add(t.as_str(), sp.into_iter().collect()))
        } else if let Some(sp) = plain_title_speaker(text, lines.get(i + 1))
            .filter(|_| line.heading == 0 && !QUOTED.is_match(text))
        {
            acc.add(text, vec![sp])
        } else {
            let mut last = None;
            for c in QUOTED.captures_iter(text) {
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
                let b = before
                    .trim_end()
                    .trim_end_matches(|ch: char| "带来作题为分享主讲讲的：: ".contains(ch));
                let start_of_line = before.chars().count() <= 30 && !before.contains('。');
                let sp = if let Some(p) = after.find("主讲") {
                    after.get(p + "主讲".len()..).and_then(speaker_name)
                } else if start_of_line && !b.is_empty() && b.split_whitespace().count() <= 3 {
                    speaker_name(b.split_whitespace().next().unwrap_or(""))
                } else if before.trim().is_empty() {
                    let rest = after.trim_start_matches([' ', '-', '–', '—', '－', ':', '：']);
                    speaker_name(rest)
                        .or_else(|| trailing_name(rest))
                        .filter(|_| {
                            after
                                .trim_start()
                                .chars()
                                .next()
                                .is_some_and(|c| !"的是，,。".contains(c))
                        })
                } else {
                    b.rsplit(['，', ',', '。', '由', ' '])
                        .next()
                        .and_then(speaker_name)
                        .filter(|n| n.chars().count() <= 8)
                };
                let sp = sp.or_else(|| speaker_after(&lines, i));
                let cue = sp.is_some()
                    || ["主题", "topic", "分享", "演讲", "讲", "题为"]
                        .iter()
                        .any(|w| text.to_lowercase().contains(w));
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

/// What a line of a roster is.
enum Row {
    /// A talk and its speaker.
    Talk(String, String),
    /// Shaped like a row, but no titled talk ("老甘(cngump):Mac工具控和开发相关主题").
    Skip,
    /// Not a row: the roster is over.
    End,
}

/// One row of a roster: "龙浩 开发中遇到的硬件问题", "小路：MySQL配置优化",
/// "Jackei(陈雷): 基于模式的测试", "高可用即时通讯架构——陌陌科技CTO 李志威".
fn roster_row(text: &str) -> Row {
    if let Some(c) = DASH_SPEAKER.captures(text)
        && let (Some(t), Some(sp)) = (c.get(1), c.get(2).and_then(|m| speaker_name(m.as_str())))
    {
        return Row::Talk(t.as_str().to_string(), sp);
    }
    let split = match text.split_once(['：', ':']) {
        Some((w, t)) if w.chars().count() <= 24 && !w.contains("http") => Some((w, t)),
        _ => text.split_once(char::is_whitespace),
    };
    let Some((who, what)) = split else {
        return Row::End;
    };
    let what = what.trim();
    // "(黄易成)zergbird", "Jackei(陈雷)", "高亚芳 世纪龙（21cn）": the name outside brackets.
    let bare = PARENS.replace_all(who, " ");
    let Some(name) = bare
        .split_whitespace()
        .next()
        .filter(|w| pure_name(w))
        .and_then(speaker_name)
    else {
        return Row::End;
    };
    if what.is_empty()
        || what.chars().count() > 60
        || what.contains(['，', '。', '；'])
        || BIO.is_match(what)
    {
        return Row::End;
    }
    if what.contains("待定") || what.ends_with("主题") || what.ends_with("topic") {
        return Row::Skip;
    }
    Row::Talk(what.to_string(), name)
}

fn decoded_name(href: &str) -> Option<String> {
    let u = Url::parse(href).ok()?;
    let last = u.path_segments()?.next_back()?.to_string();
    let dec = percent_decode(&last);
    let stem = dec
        .rsplit_once('.')
        .map_or(dec.as_str(), |(s, _)| s)
        .to_string();
    Some(stem)
}

/// Splits "title-马彬" into the title and a trailing short Han name.
fn split_trailing_name(s: &str) -> (String, Option<String>) {
    if let Some((t, n)) = s.rsplit_once(['-', '_', '—']) {
        let n = n.trim();
        if (2..=3).contains(&han_count(n))
            && n.chars().count() == han_count(n)
            && !t.trim().is_empty()
        {
            return (t.trim().to_string(), Some(n.to_string()));
        }
    }
    (s.to_string(), None)
}

fn attach_links(doc: &Doc, acc: &mut Acc, line_talk: &[Option<usize>]) {
    const GENERIC: &[&str] = &[
        "下载", "讲稿", "slide", "幻灯", "在此", "点此", "ppt", "pdf", "这里", "here", "速记",
        "视频", "录音",
    ];
    for l in &doc.links {
        let h = l.href.to_lowercase();
        let doc_ext = [".pdf", ".ppt", ".pptx", ".key", ".doc", ".docx"]
            .iter()
            .any(|e| h.ends_with(e));
        let video = ["youku", "tudou", "video", "youtube", "vimeo"]
            .iter()
            .any(|w| h.contains(w))
            || l.text.contains("视频");
        let slides_host = h.contains("slideshare.net") || h.contains("speakerdeck.com");
        if !(doc_ext || video || slides_host) {
            continue;
        }
        let transcript = l.text.contains("速记")
            || l.text.contains("文字")
            || l.text.to_lowercase().contains("transcript");
        let generic =
            l.text.is_empty() || GENERIC.iter().any(|g| l.text.to_lowercase().contains(g));
        let idx = if !generic && doc_ext {
            let (title, sp) = split_trailing_name(&l.text);
            let sp = sp.or_else(|| decoded_name(&l.href).and_then(|n| split_trailing_name(&n).1));
            acc.add(&title, sp.into_iter().collect())
        } else {
            // The nearest talk on or above the link's line.
            (0..=l.line.min(line_talk.len().saturating_sub(1)))
                .rev()
                .find_map(|i| line_talk.get(i).copied().flatten())
        };
        let (Some(i), Ok(url)) = (idx, Url::parse(&l.href)) else {
            continue;
        };
        let Some(t) = acc.talks.get_mut(i) else {
            continue;
        };
        let slot = if transcript {
            &mut t.transcript
        } else if video && !doc_ext {
            &mut t.video
        } else {
            &mut t.slides
        };
        if slot.is_none() {
            *slot = Some(url);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::parse_html;

    #[test]
    fn heading_with_speaker() {
        let d = parse_html(
            "<h3>《打造Docker航运的基础设施》 - 刘永峰</h3><p>x</p><ul><li><a href=\"http://a/b.pdf\">点此下载讲稿</a></li></ul>",
        );
        let t = find_talks(&d);
        assert_eq!(t[0].title, "打造Docker航运的基础设施");
        assert_eq!(t[0].speakers, vec!["刘永峰"]);
        assert_eq!(
            t[0].slides.as_ref().map(|u| u.as_str()),
            Some("http://a/b.pdf")
        );
    }

    #[test]
    fn labelled_and_listed() {
        let d = parse_html(
            "<p>主题一： 页面差异对比与产品监控</p><p>分享讲师： 张云龙</p><p>龙浩 《JAVA下的并发编程》</p><p>autoforms - 开源Django自定义表单引擎，主讲者jeff kit</p>",
        );
        let t = find_talks(&d);
        let got: Vec<(&str, Vec<String>)> = t
            .iter()
            .map(|t| (t.title.as_str(), t.speakers.clone()))
            .collect();
        assert_eq!(
            got[0],
            ("页面差异对比与产品监控", vec!["张云龙".to_string()])
        );
        assert_eq!(got[1], ("JAVA下的并发编程", vec!["龙浩".to_string()]));
        assert_eq!(
            got[2],
            (
                "autoforms - 开源Django自定义表单引擎",
                vec!["jeff kit".to_string()]
            )
        );
    }

    #[test]
    fn co_speakers_split() {
        assert_eq!(speaker_names("张三、李四"), vec!["张三", "李四"]);
        assert_eq!(speaker_names("Tim & 王五"), vec!["Tim", "王五"]);
        assert_eq!(speaker_names("赵六和钱七"), vec!["赵六", "钱七"]);
        assert_eq!(speaker_names("张三，某公司资深工程师"), vec!["张三"]);
        let d = parse_html("<p>主题：容器编排</p><p>讲师：张三、李四</p>");
        assert_eq!(find_talks(&d)[0].speakers, vec!["张三", "李四"]);
    }

    #[test]
    fn time_slot_before_title() {
        let d = parse_html(
            "<p>14:00-14:40 《容器网络》 张三</p><p>14:40～15:20 《日志收集》 - Tim</p>",
        );
        let t = find_talks(&d);
        assert_eq!(
            (t[0].title.as_str(), t[0].speakers.clone()),
            ("容器网络", vec!["张三".to_string()])
        );
        assert_eq!(
            (t[1].title.as_str(), t[1].speakers.clone()),
            ("日志收集", vec!["Tim".to_string()])
        );
    }

    #[test]
    fn underscored_topic_label_and_glued_name() {
        let d = parse_html(
            "<p>__1#主题：APP的硬件化</p><p>主讲：彭斌XairCraft团队CEO，广州.net俱乐部带头大哥</p>",
        );
        let t = find_talks(&d);
        assert_eq!(
            (t[0].title.as_str(), t[0].speakers.clone()),
            ("APP的硬件化", vec!["彭斌".to_string()])
        );
    }

    #[test]
    fn quoted_heading_with_by() {
        let d = parse_html(
            "<h2>《可爱的python》成书体验 by Zoom Quiet</h2><h2>互动环节 by Zoom Quiet</h2>",
        );
        let t = find_talks(&d);
        assert_eq!(t.len(), 1);
        assert_eq!(
            (t[0].title.as_str(), t[0].speakers.clone()),
            ("可爱的python成书体验", vec!["Zoom Quiet".to_string()])
        );
    }

    #[test]
    fn heading_then_aliased_bio() {
        let d = parse_html(
            "<h2>android音频在voip上的应用</h2><p>Alvinma(马斌) ，SNG即通产品部音视频技术中心员工</p><h2>其它</h2><p>目前，场地待定</p>",
        );
        let t = find_talks(&d);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].speakers, vec!["Alvinma"]);
    }

    #[test]
    fn plain_title_then_bio() {
        let d = parse_html(
            "<p>当webgame邂逅erlang</p><p>庆亮，明朝网络(明朝传奇项目)，http://x.cn/</p><p>1个产品可能已发布</p><p>所以呢,不论是否有技术能力,立即实现</p>",
        );
        let t = find_talks(&d);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].speakers, vec!["庆亮"]);
    }

    #[test]
    fn slide_link_named_after_talk() {
        let d = parse_html(
            "<p><a href=\"http://x/ppt/%E5%9F%BA-%E9%A9%AC%E5%BD%AC.pdf\">基于容器的containerops解决方案-马彬</a></p>",
        );
        let t = find_talks(&d);
        assert_eq!(t[0].title, "基于容器的containerops解决方案");
        assert_eq!(t[0].speakers, vec!["马彬"]);
    }
}
