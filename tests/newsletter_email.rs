//! The newsletter as readers meet it: three editions (bilingual, Chinese, English) with their
//! plain-text twins, the `.eml` message parsed by an independent MIME parser, the email-safety
//! rules of the HTML, other-language titles (twin, glossary, translation provider), and
//! byte-identical rebuilds.

mod common;

use common::issue::{self, WEEK};
use mail_parser::{MessageParser, MimeHeaders};

fn read(config: &digest::config::Config, file: &str) -> String {
    std::fs::read_to_string(issue::output(config, file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn editions_show_every_label_in_their_languages() {
    let dir = tempfile::tempdir().unwrap();
    let config = issue::build(dir.path(), None);
    let both = read(&config, &format!("{WEEK}/index.html"));
    let zh = read(&config, &format!("{WEEK}/index.zh.html"));
    let en = read(&config, &format!("{WEEK}/index.en.html"));
    // Dates, times, cities and kinds in both languages.
    assert!(both.contains("11月7日（周六）13:30–17:30 · Sat 7 Nov, 13:30–17:30"), "{both}");
    assert!(both.contains("广州 · Guangzhou"));
    assert!(both.contains("讲师征集 · Call for speakers"));
    // The deadline shows once the extract stage stores one (`Item::deadline`).
    if serde_json::to_value(&issue::posts()[2].item).unwrap().get("deadline").is_some() {
        assert!(both.contains("截止日期 · Deadline: 11月10日（周二） · Tue 10 Nov"), "{both}");
    }
    assert!(both.contains("近期活动 · Upcoming events") && both.contains("活动回顾 · Recaps"));
    // All-day event, and the recap's talks with slides.
    assert!(both.contains("11月21日（周六） · Sat 21 Nov"));
    assert!(both.contains("Docker在美团的实践 — 张三、李四"));
    assert!(both.contains("幻灯片 · Slides"));
    // One language per single-language edition.
    assert!(zh.contains("近期活动") && !zh.contains("Upcoming events") && !zh.contains("Sat 7 Nov"));
    assert!(en.contains("Upcoming events") && !en.contains("近期活动") && en.contains("Sat 7 Nov, 13:30–17:30"));
    assert!(zh.contains("<html lang=\"zh-CN\"") && en.contains("<html lang=\"en\""));
    // Titles stay original; the other language beneath: the twin post, then the glossary.
    assert!(en.contains("Techparty-广州 11 月 7 日 Docker 专场沙龙 开始报名"));
    assert!(en.contains("Docker meetup in Guangzhou on 7 November"), "twin as the English title");
    assert!(en.contains("Techparty-Guangzhou 31 Oct Docker special salon recap"), "glossary gloss");
    assert!(!zh.contains("Techparty-Guangzhou 31 Oct"), "a Chinese reader needs no English gloss");
    // Plain-text twins.
    let txt_both = read(&config, &format!("{WEEK}/newsletter.txt"));
    let txt_zh = read(&config, &format!("{WEEK}/newsletter.zh.txt"));
    let txt_en = read(&config, &format!("{WEEK}/newsletter.en.txt"));
    assert!(txt_both.contains("== 本周新帖 · New this week =="), "{txt_both}");
    assert!(txt_zh.contains("== 近期活动 ==") && !txt_zh.contains("Upcoming"));
    assert!(
        txt_en.contains("== Upcoming events ==") && txt_en.contains("Register: http://www.huodongxing.com/event/1234")
    );
    assert!(!txt_both.contains('<'), "no markup in plain text");
    // The archive lists the week in both languages.
    let archive = read(&config, "index.html");
    assert!(archive.contains("2015-W44/index.zh.html") && archive.contains("往期周报 · All issues"));
}

#[test]
fn templates_hold_no_words_of_their_own() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "hbs") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{} has Chinese text",
                path.display()
            );
            for word in ["Upcoming", "Register", "Slides", "Unsubscribe", "Venue", "Deadline"] {
                assert!(!text.contains(word), "{} hard-codes {word}", path.display());
            }
        }
    }
}

#[test]
fn eml_is_multipart_alternative_with_list_headers_and_stable_ids() {
    let dir = tempfile::tempdir().unwrap();
    let config = issue::build(dir.path(), None);
    let bytes = std::fs::read(issue::output(&config, &format!("{WEEK}/newsletter.eml"))).unwrap();
    let raw = String::from_utf8(bytes.clone()).unwrap();
    assert!(raw.is_ascii(), "7-bit clean");
    assert!(raw.split("\r\n").all(|l| l.len() <= 78 && !l.contains('\n')), "CRLF, short lines");
    let msg = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(msg.subject(), Some("珠三角技术社区周报 · Pearl River Delta Tech Weekly · 2015-W44"));
    assert_eq!(msg.message_id(), Some("digest.2015-W44.both@weekly.example.org"));
    assert_eq!(msg.date().unwrap().to_rfc3339(), "2015-11-02T08:00:00+08:00");
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!((from.name(), from.address()), (Some("珠三角周报"), Some("weekly@example.org")));
    assert!(raw.contains("List-Unsubscribe: <mailto:leave@example.org?subject=unsubscribe>,\r\n <https://weekly.example.org/unsubscribe>\r\n"));
    assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
    assert!(msg.content_type().unwrap().c_subtype.as_deref() == Some("alternative"));
    let text = msg.body_text(0).unwrap();
    let html = msg.body_html(0).unwrap();
    assert_eq!(msg.text_body.len(), 1);
    assert_eq!(msg.html_body.len(), 1);
    assert!(
        text.contains("== 近期活动 · Upcoming events ==")
            && text.contains("https://weekly.example.org/2015-W44/index.html")
    );
    assert!(html.contains("<a href=\"https://weekly.example.org/2015-W44/events.ics\""), "absolute links in mail");
    assert!(html.contains("本周 5 篇新帖，2 场近期活动。 · 5 new posts and 2 upcoming events this week."), "preheader");
    // Single-language editions.
    for (lang, label) in [("zh", "近期活动"), ("en", "Upcoming events")] {
        let bytes = std::fs::read(issue::output(&config, &format!("{WEEK}/newsletter.{lang}.eml"))).unwrap();
        let msg = MessageParser::default().parse(&bytes).unwrap();
        assert!(msg.body_html(0).unwrap().contains(label));
        assert_eq!(msg.message_id(), Some(format!("digest.2015-W44.{lang}@weekly.example.org").as_str()));
    }
    // Same inputs, same bytes.
    let again = tempfile::tempdir().unwrap();
    let config2 = issue::build(again.path(), None);
    for file in ["newsletter.eml", "index.html", "newsletter.en.txt", "events.ics"] {
        let a = std::fs::read(issue::output(&config, &format!("{WEEK}/{file}"))).unwrap();
        let b = std::fs::read(issue::output(&config2, &format!("{WEEK}/{file}"))).unwrap();
        assert!(a == b, "{file} differs between identical builds");
    }
}

#[test]
fn html_follows_mail_client_rules() {
    let dir = tempfile::tempdir().unwrap();
    let config = issue::build(dir.path(), None);
    for file in ["index.html", "index.zh.html", "index.en.html"] {
        let html = read(&config, &format!("{WEEK}/{file}"));
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script") && !lower.contains("<form") && !lower.contains("<iframe"), "{file}");
        assert!(
            !lower.contains("<link") && !lower.contains("@import") && !lower.contains("@font-face"),
            "no external CSS or fonts"
        );
        assert!(lower.contains("<table class=\"wrap\" role=\"presentation\""), "table layout");
        assert!(lower.contains("max-width: 600px") || lower.contains("max-width:600px"), "600 px max width");
        assert!(lower.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
        assert!(lower.contains("@media (prefers-color-scheme: dark)"), "dark mode block kept");
        // CSS inlined: the section headings carry their style.
        assert!(html.contains("<h2 id=\"new\" style=\""), "{file}: CSS not inlined");
        // Only the at-rules stay in <style>.
        let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
        assert!(!style.contains("padding: 12px 0") && style.contains("!important"), "only at-rules stay: {style}");
        for img in html.match_indices("<img").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()]) {
            assert!(img.contains("alt=") && img.contains("width="), "{img}");
        }
        assert!(html.len() < 60_000, "{file}: {} bytes", html.len());
    }
    let eml = std::fs::metadata(issue::output(&config, &format!("{WEEK}/newsletter.eml"))).unwrap().len();
    assert!(eml < 102_000, "the message must stay under Gmail's clip: {eml} bytes");
}

#[test]
fn translation_provider_is_used_cached_and_never_required() {
    let server = common::libretranslate::LibreTranslate::start();
    let dir = tempfile::tempdir().unwrap();
    let config = issue::build(dir.path(), Some(&server.url()));
    let asked = server.requests();
    assert!(asked > 0, "the provider was asked");
    let en = read(&config, &format!("{WEEK}/index.en.html"));
    assert!(en.contains("en: 深圳讲师征集：Docker"), "provider's title beneath the original");
    let zh = read(&config, &format!("{WEEK}/index.zh.html"));
    assert!(zh.contains("zh: Understanding Docker networking"), "English titles get Chinese beneath");
    // A rebuild is served from the cache in the state database.
    let mut store = digest::store::Store::open(&config.database_path()).unwrap();
    digest::pipeline::build_week(&config, &mut store, WEEK.parse().unwrap(), None).unwrap();
    assert_eq!(server.requests(), asked, "cached");
    assert_eq!(read(&config, &format!("{WEEK}/index.en.html")), en);
    // A failing provider leaves the original text (and the glossary) and the build succeeds.
    server.fail();
    let other = tempfile::tempdir().unwrap();
    let config = issue::build(other.path(), Some(&server.url()));
    let en = read(&config, &format!("{WEEK}/index.en.html"));
    assert!(!en.contains("en: 深圳") && en.contains("Techparty-Guangzhou 31 Oct Docker special salon recap"));
    assert_eq!(server.requests(), asked + 1, "the first failure turns the provider off for the run");
}
