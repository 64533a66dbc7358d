//! Talk titles for [`super::talks`]: cleaning and normalizing them, the numbering that makes a
//! short line read as a heading, and the talks found so far, deduplicated by title.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::Talk;
use super::gate::{Gated, has_any, is_numeric};

/// Numbering that leads a line ("1. ", "二、", "3 # ").
pub(super) static LEAD_NUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[\d一二三四五六七八九十]{1,2}\s*[.、．，,)）]\s*|[_\s]*\d+\s*#\s*)").unwrap());

/// Whether [`LEAD_NUM`] may match: after `_` and spaces (`\s` is `char::is_whitespace`) comes a
/// number (`char::is_numeric` holds for every `\d`) or a Chinese numeral.
pub(super) fn may_lead_num(t: &str) -> bool {
    t.trim_start_matches(|c: char| c == '_' || c.is_whitespace()).chars().next().is_some_and(|c| {
        is_numeric(c) || matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
    })
}

static PAREN_SLIDE: Gated = Gated::new(
    || Regex::new(r"(?i)\s*[（(][^）)]*(?:slide|下载|ppt|pdf)[^）)]*[）)]").unwrap(),
    |t| has_any(t, &['(', '（']),
);

/// Normalized form for comparing titles: NFKC, lowercase, letters and digits only.
pub fn norm_title(s: &str) -> String {
    s.nfkc().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect()
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

/// Whether a 《title》 between `before` and `after` names a book (translated, written, read), not a talk.
pub(super) fn book_like(before: &str, after: &str) -> bool {
    let b: String = before.chars().rev().take(6).collect();
    ["译", "著", "写有", "撰写", "翻译", "出版", "书", "读", "任", "加入", "就职", "礼品"]
        .iter()
        .any(|w| b.contains(&w.chars().rev().collect::<String>()))
        || ["译者", "作者", "一书", "联合", "等书", "和《", "、《", "系列", "版", "图书", "项目"]
            .iter()
            .any(|w| after.trim_start().starts_with(w))
}

/// Talks found so far, deduplicated by normalized title.
#[derive(Default)]
pub(super) struct Acc {
    pub(super) talks: Vec<Talk>,
    keys: Vec<String>,
}

impl Acc {
    /// The talk already found whose title `title` shortens ("FRS" for "FRS - 开源python文件库系统").
    pub(super) fn same_as_listed(&self, title: &str) -> Option<usize> {
        let key = norm_title(&clean_title(title));
        (key.chars().count() >= 2).then(|| self.keys.iter().position(|k| k.starts_with(&key))).flatten()
    }

    /// Adds a talk (or the speakers of one already found); its index.
    pub(super) fn add(&mut self, title: &str, speakers: Vec<String>) -> Option<usize> {
        let title = clean_title(&PAREN_SLIDE.replace_all(title, ""));
        let key = norm_title(&title);
        if title.starts_with(|c: char| !c.is_alphanumeric()) || key.chars().count() < 2 || title.chars().count() > 90 {
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
        self.talks.push(Talk { title, speakers, slides: None, video: None, transcript: None, event: None });
        Some(self.talks.len() - 1)
    }
}
