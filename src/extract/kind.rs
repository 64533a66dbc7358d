//! What a post is for, from its title first, then its categories and text.

use std::cell::OnceCell;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use regex::bytes::{Regex as BytesRegex, RegexBuilder};

use super::PostKind;
use super::gate::{ByteSet, has_any, has_str, lowercases_to_ascii};
use super::label::{Labelled, Lead};
use super::text::{Doc, lowercase};

/// A line that starts by telling how to sign up: "报名：http://…", "* 报名: 请通过微信".
/// (After at most three non-word characters: `(?i)^\W{0,3}…`, see [`Labelled`].)
pub(super) static SIGN_UP_LABEL: Labelled = Labelled::new(
    Lead::NonWord,
    3,
    || Regex::new(r"(?i)^(?:活动|参会)?(?:报名|sign[ -]?up|registration)\s*[:：]\s*\S").unwrap(),
    // Every match holds 报名, or a colon and "sign" or "registration" (in any case: `s`, `S`
    // or `ſ`, which folds to `s`). Most lines with a colon hold no `s` in Chinese text.
    |t| has_str(t, "报名") || (has_any(t, &[':', '：']) && has_any(t, &['s', 'S', 'ſ'])),
);

/// A line that tells how to sign up: [`SIGN_UP_LABEL`], or anywhere "微信报名", "报名请",
/// "请报名" or "在线报名" (Han text, which case folding leaves alone). The phrases were
/// alternatives of the label's regex, which made it scan every line through; anchored, it
/// looks at the start of a line only, and the phrases are found around each 报名.
fn sign_up_line(t: &str) -> bool {
    // Where 报名 starts: a `memchr` for its last byte, then a comparison (a `memmem` searcher
    // set up per line was 1.8 M instructions of the 30-feed fetch). Two of them cannot overlap.
    const WORD: &[u8] = "报名".as_bytes();
    let b = t.as_bytes();
    let mut starts = memchr::memchr_iter(WORD[WORD.len() - 1], b)
        .filter_map(|e| (e + 1).checked_sub(WORD.len()).filter(|&p| b[p..].starts_with(WORD)));
    SIGN_UP_LABEL.is_match(t)
        || starts.any(|p| {
            let (before, after) = (&t[..p], &t[p + "报名".len()..]);
            before.ends_with("微信") || before.ends_with("请") || before.ends_with("在线") || after.starts_with('请')
        })
}

fn has(s: &str, words: &[&str]) -> bool {
    let l = lowercase(s);
    words.iter().any(|w| l.contains(w))
}

/// Lowercase words looked for in the post's text the way [`has`] finds them, without
/// lowercasing the text: one search for all words, ASCII letters in any case. The two
/// characters whose lowercase is ASCII (U+0130 `İ`, U+212A Kelvin sign) take [`has`]'s path.
struct TextWords {
    words: &'static [&'static str],
    re: LazyLock<BytesRegex>,
}

impl TextWords {
    const fn new(words: &'static [&'static str], re: fn() -> BytesRegex) -> Self {
        TextWords { words, re: LazyLock::new(re) }
    }

    fn found_in(&self, text: &str) -> bool {
        if lowercases_to_ascii(text) { has(text, self.words) } else { self.re.is_match(text.as_bytes()) }
    }
}

/// `words` as one pattern of literals matched with ASCII case folding only.
fn any_word(words: &[&str]) -> BytesRegex {
    let alternation = words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|");
    RegexBuilder::new(&alternation).unicode(false).case_insensitive(true).build().expect("escaped literals")
}

const SIGN_UP_WORDS: &[&str] =
    &["报名方式", "报名地址", "报名链接", "点击这里报名", "报名表", "马上报名", "猛击", "register now"];
static SIGN_UP: TextWords = TextWords::new(SIGN_UP_WORDS, || any_word(SIGN_UP_WORDS));
const CALL_WORDS: &[&str] = &["征集主题", "主题征集", "征集topic", "征集讲师", "演讲征集", "欢迎投稿"];
static CALL: TextWords = TextWords::new(CALL_WORDS, || any_word(CALL_WORDS));
const BYLINE_WORDS: &[&str] = &["作者：", "译者：", "author：", "author:", "原文："];
static BYLINE: TextWords = TextWords::new(BYLINE_WORDS, || any_word(BYLINE_WORDS));

/// Classifies a post. `has_event` tells whether an event date was found.
pub fn classify(title: &str, categories: &[String], doc: &Doc, has_event: bool) -> PostKind {
    // What [`has`] finds, with the title and the categories lowercased once.
    let (title_l, cats_l) = (lowercase(title), lowercase(&categories.join(" ")));
    let title_bytes = ByteSet::of(&title_l);
    let in_title = |words: &[&str]| words.iter().any(|w| title_bytes.may_hold(w) && has_str(&title_l, w));
    if in_title(&["征集", "call for speakers", "call for papers", "call for proposals", "cfp"]) {
        return PostKind::CallForSpeakers;
    }
    if in_title(&["总结", "回顾", "后记", "小结", "记要", "报道", "讲稿", "汇总", "recap", "summary", "review"])
    {
        return PostKind::Recap;
    }
    if in_title(&["报名", "召集", "registration", "sign up", "signup"]) {
        return PostKind::Registration;
    }
    if in_title(&["推荐", "峰会", "大会", "工作坊", "安排", "summit", "conference"]) && has_event {
        return PostKind::Announcement;
    }
    if has_str(&cats_l, "总结") && has_event {
        return PostKind::Recap;
    }
    // The lines joined, only on the paths that read them.
    let plain = OnceCell::new();
    let text = || plain.get_or_init(|| doc.plain());
    if has_event {
        if has_str(&cats_l, "报名") || SIGN_UP.found_in(text()) || doc.lines.iter().any(|l| sign_up_line(&l.text)) {
            return PostKind::Registration;
        }
        if CALL.found_in(text()) {
            return PostKind::CallForSpeakers;
        }
        return PostKind::Announcement;
    }
    if in_title(&["发布", "宣布", "融资", "released", "announc"]) {
        return PostKind::Other;
    }
    if doc.has_code || BYLINE.found_in(text()) {
        return PostKind::Article;
    }
    PostKind::Other
}

/// A post that announces or opens registration for events that all took place before it was
/// published looks back at them: a recap (a report, a photo post).
pub fn after_the_fact(
    kind: PostKind,
    mut event_days: impl Iterator<Item = NaiveDate>,
    published: Option<NaiveDate>,
) -> PostKind {
    let Some(p) = published else {
        return kind;
    };
    let mut any = false;
    let all_past = event_days.all(|d| {
        any = true;
        d < p
    });
    if matches!(kind, PostKind::Announcement | PostKind::Registration) && any && all_past {
        PostKind::Recap
    } else {
        kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::parse_html;

    #[test]
    fn sign_up_line_makes_a_registration() {
        let d = parse_html("<p>时间：2月25日 13:30</p><p>报名：http://f.example/form/</p>");
        assert_eq!(classify("新语言专场", &[], &d, true), PostKind::Registration);
        let d = parse_html("<p>时间：2月25日 13:30</p>");
        assert_eq!(classify("新语言专场", &[], &d, true), PostKind::Announcement);
    }

    #[test]
    fn sign_up_line_is_the_one_regex() {
        let re = Regex::new(
            r"(?i)^\W{0,3}(?:活动|参会)?(?:报名|sign[ -]?up|registration)\s*[:：]\s*\S|微信报名|报名请|请报名|在线报名",
        )
        .unwrap();
        let lines = "报名：http://x|* 报名: 请通过微信|微信报名|欢迎在线报名参加|报名请发邮件|请报名|报名|已报名|报名：|\
                     Sign-up: now|REGISTRATION：x|活动报名 : y|参会报名：z|x 报名：y|请 报名|报名 请|在线 报名|\
                     微信报名报名请|请报|名请|";
        for t in lines.split('|') {
            assert_eq!(sign_up_line(t), re.is_match(t), "{t}");
        }
        const PIECES: &[&str] =
            &["报名", "报", "名", "请", "微信", "在线", "：", ":", " ", "* ", "sign", "Sign-up", "x", "活动", "中"];
        let mut matched = 0;
        for t in crate::test_docs::random_docs(PIECES, 5, 0x519) {
            let want = re.is_match(&t);
            matched += usize::from(want);
            assert_eq!(sign_up_line(&t), want, "{t}");
        }
        assert!(matched > 1_000, "{matched}");
    }

    #[test]
    fn events_before_publication_make_a_recap() {
        let day = |m, d| NaiveDate::from_ymd_opt(2011, m, d).unwrap();
        let past = [day(4, 23), day(4, 24)];
        assert_eq!(after_the_fact(PostKind::Announcement, past.into_iter(), Some(day(4, 28))), PostKind::Recap);
        assert_eq!(after_the_fact(PostKind::Registration, past.into_iter(), Some(day(4, 20))), PostKind::Registration);
        // A rescheduling notice: one day past, the new one to come.
        let moved = [day(3, 19), day(3, 26)];
        assert_eq!(after_the_fact(PostKind::Announcement, moved.into_iter(), Some(day(3, 20))), PostKind::Announcement);
        assert_eq!(
            after_the_fact(PostKind::CallForSpeakers, past.into_iter(), Some(day(5, 1))),
            PostKind::CallForSpeakers
        );
        assert_eq!(after_the_fact(PostKind::Announcement, [].into_iter(), Some(day(5, 1))), PostKind::Announcement);
    }
}
