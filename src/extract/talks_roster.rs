//! Rows of a roster after a "主题如下：" line: "龙浩 开发中遇到的硬件问题", "小路：MySQL配置优化".

use regex::Regex;

use super::gate::{Gated, has_any};
use super::names::{pure_name, speaker_name};
use super::talks::{BIO, DASH_SPEAKER, PARENS};

/// A line that starts a roster: column names ("讲师 主题"), or a line ending in a colon that
/// names talks ("本期主题如下：").
pub(super) static ROSTER: Gated = Gated::new(
    || {
        Regex::new(r"(?i)^(?:参与人|讲师|分享者|name)\s+(?:topic|主题)|^[^简介述]{0,30}(?:主题|议题|讲师|topic|演讲|小结|如下)[^简介述]{0,8}[:：]\s*$").unwrap()
    },
    // Either it starts with a column name, spaces and "topic" or 主题, or it ends with a colon
    // (`\s` is `char::is_whitespace`; no character but ASCII letters folds to those of "name"
    // or "topic"). Table cells such as "讲师 16:00" made lines that ran the regex, whose
    // `[^简介述]{0,30}` made that 9.3 M instructions of the 30-feed fetch, and 2.8 M to compile it.
    |t| {
        let after = ["参与人", "讲师", "分享者"]
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .or_else(|| t.get(..4).filter(|p| p.eq_ignore_ascii_case("name")).and_then(|_| t.get(4..)));
        let column = |a: &str| {
            let word = a.trim_start_matches(char::is_whitespace);
            word.len() < a.len()
                && (word.starts_with("主题") || word.get(..5).is_some_and(|w| w.eq_ignore_ascii_case("topic")))
        };
        after.is_some_and(column) || t.trim_end().ends_with([':', '：'])
    },
);

/// What a line of a roster is.
pub(super) enum Row {
    /// A talk and its speaker.
    Talk(String, String),
    /// Shaped like a row, but no titled talk ("老甘(cngump):Mac工具控和开发相关主题").
    Skip,
    /// Not a row: the roster is over.
    End,
}

/// One row of a roster: "龙浩 开发中遇到的硬件问题", "小路：MySQL配置优化",
/// "Jackei(陈雷): 基于模式的测试", "高可用即时通讯架构——陌陌科技CTO 李志威".
pub(super) fn roster_row(text: &str) -> Row {
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
    let Some(name) = bare.split_whitespace().next().filter(|w| pure_name(w)).and_then(speaker_name) else {
        return Row::End;
    };
    if what.is_empty() || what.chars().count() > 60 || has_any(what, &['，', '。', '；']) || BIO.is_match(what) {
        return Row::End;
    }
    if what.contains("待定") || what.ends_with("主题") || what.ends_with("topic") {
        return Row::Skip;
    }
    Row::Talk(what.to_string(), name)
}
