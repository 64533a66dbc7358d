//! Talks named in prose rather than in listings: the speaker written just before a quoted
//! title ("是小路分享的《…》", "来自腾讯的dcshi，他的主题是《…》", "由张三带来《…》"), and
//! headings that are talk titles because a slide line follows them ("### 标题" / "讲稿：在此").

use std::sync::LazyLock;

use regex::Regex;

use super::gate::{Gated, has_any};
use super::label::{Labelled, Lead};
use super::names::speaker_name;
use super::text::Doc;

/// "…dcshi，他的主题是" / "…感染源，她的题目为：": the name before a pronoun and a topic word.
static PRONOUN_TOPIC: Gated = Gated::new(
    || {
        Regex::new(r"(?i)([A-Za-z][A-Za-z0-9_.\-]{1,15}|\p{Han}{2,5})\s*[，,]\s*[他她]的?(?:主题|题目|topic|分享|演讲)(?:是|为)?\s*[:：]?\s*$").unwrap()
    },
    |t| has_any(t, &['他', '她']),
);
/// "是小路分享的" / "由张三带来了" / "李四 带来主题": a name right before a verb of giving a talk.
static NAME_VERB: Gated = Gated::new(
    || {
        Regex::new(r"(?:^|[\s，,。、由是的])([A-Za-z][A-Za-z0-9_.\-]{1,15}|\p{Han}{2,4}?)\s*(?:则|也|又|还)?\s*(?:带来|分享|主讲|讲述|讲解)(?:了|的)?\s*(?:主题|题为|名为)?\s*[:：]?\s*$").unwrap()
    },
    |t| ["带来", "分享", "主讲", "讲述", "讲解"].iter().any(|w| t.contains(w)),
);
/// "首先是大宝（http://…）的主题：敏捷网游架构与性能的新玩法。": a name, its topic, the title
/// up to the end of the sentence.
static TOPIC_OF: Gated = Gated::new(
    || {
        Regex::new(r"(?i)(?:^|[\s，,。由是])([A-Za-z][A-Za-z0-9_.\-]{1,15}|\p{Han}{2,4}?)\s*(?:[（(][^）)]{0,40}[）)])?\s*的(?:主题|题目|topic|分享)(?:是|为)?\s*[:：]\s*([^。！!；;《》“”]{2,50})(?:[。！!；;]|$)").unwrap()
    },
    |t| t.contains('的') && has_any(t, &[':', '：']),
);
/// "+ Frank 分享:": a line that only introduces a speaker.
static SPEAKER_INTRO: Gated = Gated::new(
    || {
        Regex::new(
            r"^[+*\-•\s]*([A-Za-z][A-Za-z0-9_.\-]{1,15}|\p{Han}{2,4})\s*(?:分享|带来|主讲)(?:了|的)?\s*[:：]\s*$",
        )
        .unwrap()
    },
    |t| has_any(t, &[':', '：']) && ["分享", "带来", "主讲"].iter().any(|w| t.contains(w)),
);
/// `+ ”史前的SSJS——从JS的ASP到NodeJS”`: a list item that is only a quoted title.
static QUOTE_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^[+*\-•\s]*[“”"]([^“”"]{2,60})[“”"]\s*$"#).unwrap());
/// A line that offers a talk's slides: "讲稿：在此", "在线讲稿：…", "幻灯: …", "Slides: …".
/// (After at most three non-word characters: `(?i)^\W{0,3}…`, see [`Labelled`].)
pub(super) static SLIDE_LINE: Labelled = Labelled::new(
    Lead::NonWord,
    3,
    || Regex::new(r"(?i)^(?:在线|演讲)?(?:讲稿|幻灯片?|slides?|ppt|课件)(?:地址|下载|链接)?\s*[:：]").unwrap(),
    |_| true,
);

/// The speaker that the prose just before a quoted title names, if it clearly names one.
pub(super) fn speaker_before_title(before: &str) -> Option<String> {
    let c = PRONOUN_TOPIC.captures(before).or_else(|| NAME_VERB.captures(before))?;
    let name = c.get(1)?.as_str().trim_start_matches(['是', '由', '的', '了', '为', '而']);
    speaker_name(name)
}

/// A talk a sentence names with its speaker: "首先是大宝（…）的主题：敏捷网游架构与性能的新玩法。".
pub(super) fn topic_in_sentence(text: &str) -> Option<(String, String)> {
    let c = TOPIC_OF.captures(text)?;
    let name = c.get(1)?.as_str().trim_start_matches(['是', '由', '的', '了', '为', '而']);
    Some((c.get(2)?.as_str().trim().to_string(), speaker_name(name)?))
}

/// The speaker a line only introduces ("+ Frank 分享:").
pub(super) fn speaker_intro(text: &str) -> Option<String> {
    SPEAKER_INTRO.captures(text).and_then(|c| c.get(1)).and_then(|m| speaker_name(m.as_str()))
}

/// The title of a line that is only a quoted title.
pub(super) fn quote_only(text: &str) -> Option<&str> {
    QUOTE_ONLY.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str())
}

/// Whether a line offers slides ("讲稿：在此", "Slides: …").
pub(super) fn is_slide_line(text: &str) -> bool {
    SLIDE_LINE.is_match(text)
}

/// When line `i` (a heading) is followed by a slide line before the next heading: the title
/// that line gives ("幻灯: “手机软件测试”"), or the heading's own `title` when it only
/// offers a link ("讲稿：在此", "幻灯：http://…", "幻灯：暂缺").
pub(super) fn slides_follow(doc: &Doc, i: usize, title: &str) -> Option<String> {
    const GENERIC: &[&str] = &["在此", "这里", "点此", "暂缺", "下载", "待定", "链接", "见", "here"];
    let line =
        doc.lines.iter().skip(i + 1).take(3).take_while(|l| l.heading == 0).find(|l| SLIDE_LINE.is_match(&l.text))?;
    let value = SLIDE_LINE.strip(&line.text);
    let value = value.trim().trim_matches(['~', '“', '”', '"', ' ']);
    let generic = value.chars().count() < 2
        || value.contains("http")
        || GENERIC.iter().any(|g| value.to_lowercase().starts_with(g));
    Some(if generic { title.to_string() } else { value.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::talks::find_talks;
    use crate::extract::text::parse_html;

    #[test]
    fn speaker_named_in_the_sentence_before_the_title() {
        assert_eq!(speaker_before_title("接下来是小路分享的").as_deref(), Some("小路"));
        assert_eq!(speaker_before_title("第一个做分享的是来自腾讯的dcshi，他的主题是").as_deref(), Some("dcshi"));
        assert_eq!(speaker_before_title("第三个做分享的是感染源，他的主题是").as_deref(), Some("感染源"));
        assert_eq!(speaker_before_title("由张三带来").as_deref(), Some("张三"));
        assert_eq!(speaker_before_title("而老潘则带来了").as_deref(), Some("老潘"));
        assert_eq!(speaker_before_title("Jscex相关的分享"), None);
        assert_eq!(speaker_before_title("本次沙龙的主题是"), None);
    }

    #[test]
    fn topic_named_in_a_sentence() {
        let (t, sp) = topic_in_sentence(
            "首先是大宝（http://weibo.com/sodme）的主题：敏捷网游架构与性能的新玩法。大宝先用操作系统",
        )
        .unwrap();
        assert_eq!((t.as_str(), sp.as_str()), ("敏捷网游架构与性能的新玩法", "大宝"));
        assert_eq!(topic_in_sentence("本期沙龙的主题：移动开发。"), None);
        let d = parse_html("<p>大郎(qichangxing): 《百姓网的故事》</p>");
        assert_eq!(find_talks(&d)[0].speakers, vec!["大郎"]);
    }

    #[test]
    fn quoted_titles_after_a_speaker_line() {
        let d = parse_html(
            "<p>+ Frank 分享:</p><p>+ ”史前的SSJS——从JS的ASP到NodeJS”</p><p>+ “管窥Nodejs的事件”</p>\
             <p>(张鑫,Ext中文网创始人)</p><p>+ “不是谁的主题”</p>",
        );
        let t = find_talks(&d);
        let got: Vec<(&str, Vec<String>)> = t.iter().map(|t| (t.title.as_str(), t.speakers.clone())).collect();
        assert_eq!(
            got,
            [
                ("史前的SSJS——从JS的ASP到NodeJS", vec!["Frank".to_string()]),
                ("管窥Nodejs的事件", vec!["Frank".to_string()])
            ]
        );
    }

    #[test]
    fn prose_talks_keep_their_speakers() {
        let d = parse_html(
            "<p>第一个做分享的是来自腾讯的dcshi，他的主题是《十分钟构建高性能微信后台》（录音）</p>\
             <p>接下来是小路分享的《MySql配置优化》（slide）。</p>",
        );
        let t = find_talks(&d);
        let got: Vec<(&str, Vec<String>)> = t.iter().map(|t| (t.title.as_str(), t.speakers.clone())).collect();
        assert_eq!(got[0], ("十分钟构建高性能微信后台", vec!["dcshi".to_string()]));
        assert_eq!(got[1], ("MySql配置优化", vec!["小路".to_string()]));
    }

    #[test]
    fn heading_followed_by_slides_is_a_talk() {
        let d = parse_html(
            "<h3>WebRTC技术初探</h3><p>讲解如何使用WebRTC进行网页实时通讯</p><p>讲稿：<a href=\"http://s/1\">在此</a></p>\
             <h3>感谢</h3><p>感谢场地提供方</p>",
        );
        let t = find_talks(&d);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].title, "WebRTC技术初探");
        assert_eq!(t[0].slides.as_ref().map(|u| u.as_str()), Some("http://s/1"));
        // The slide line names the talk; the heading is a section name.
        let d = parse_html("<h3>手机测试</h3><p>阿武带来的分享:</p><p>幻灯: “手机软件测试”</p>");
        assert_eq!(find_talks(&d)[0].title, "手机软件测试");
        // A heading that shortens a talk listed above is that talk, not another one.
        let d = parse_html(
            "<p>FRS - 开源python文件库系统,主讲者潘俊勇</p><h3>FRS</h3><p>幻灯：<a href=\"http://s/frs\">http://s/frs</a></p>",
        );
        let t = find_talks(&d);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].slides.as_ref().map(|u| u.as_str()), Some("http://s/frs"));
    }

    #[test]
    fn html_like_angle_brackets_are_no_titles() {
        let d = parse_html(
            "<pre>&lt;span class=\"sh_keyword\"&gt;var&lt;/span&gt; topic 分享</pre><p>讲 &lt;video&gt; 标签</p>",
        );
        assert!(find_talks(&d).is_empty());
        let d = parse_html("<p>梦伯阳 带来 &lt;新闻威客网系统分析&gt;</p>");
        assert_eq!(find_talks(&d)[0].speakers, vec!["梦伯阳"]);
    }
}
