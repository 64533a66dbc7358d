//! Rows of a roster after a "主题如下：" line: "龙浩 开发中遇到的硬件问题", "小路：MySQL配置优化".

use super::gate::has_any;
use super::names::{pure_name, speaker_name};
use super::talks::{BIO, DASH_SPEAKER, PARENS};

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
