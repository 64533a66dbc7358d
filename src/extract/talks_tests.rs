//! Unit tests of the talk rules (`talks.rs`).

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
    assert_eq!(t[0].slides.as_ref().map(|u| u.as_str()), Some("http://a/b.pdf"));
}

#[test]
fn labelled_and_listed() {
    let d = parse_html(
        "<p>主题一： 页面差异对比与产品监控</p><p>分享讲师： 张云龙</p><p>龙浩 《JAVA下的并发编程》</p><p>autoforms - 开源Django自定义表单引擎，主讲者jeff kit</p>",
    );
    let t = find_talks(&d);
    let got: Vec<(&str, Vec<String>)> = t.iter().map(|t| (t.title.as_str(), t.speakers.clone())).collect();
    assert_eq!(got[0], ("页面差异对比与产品监控", vec!["张云龙".to_string()]));
    assert_eq!(got[1], ("JAVA下的并发编程", vec!["龙浩".to_string()]));
    assert_eq!(got[2], ("autoforms - 开源Django自定义表单引擎", vec!["jeff kit".to_string()]));
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
    let d = parse_html("<p>14:00-14:40 《容器网络》 张三</p><p>14:40～15:20 《日志收集》 - Tim</p>");
    let t = find_talks(&d);
    assert_eq!((t[0].title.as_str(), t[0].speakers.clone()), ("容器网络", vec!["张三".to_string()]));
    assert_eq!((t[1].title.as_str(), t[1].speakers.clone()), ("日志收集", vec!["Tim".to_string()]));
}

#[test]
fn underscored_topic_label_and_glued_name() {
    let d = parse_html("<p>__1#主题：APP的硬件化</p><p>主讲：彭斌XairCraft团队CEO，广州.net俱乐部带头大哥</p>");
    let t = find_talks(&d);
    assert_eq!((t[0].title.as_str(), t[0].speakers.clone()), ("APP的硬件化", vec!["彭斌".to_string()]));
}

#[test]
fn quoted_heading_with_by() {
    let d = parse_html("<h2>《可爱的python》成书体验 by Zoom Quiet</h2><h2>互动环节 by Zoom Quiet</h2>");
    let t = find_talks(&d);
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].title.as_str(), t[0].speakers.clone()), ("可爱的python成书体验", vec!["Zoom Quiet".to_string()]));
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

#[test]
fn roster_gate_lets_every_match_through() {
    let re = Regex::new(
        r"(?i)^(?:参与人|讲师|分享者|name)\s+(?:topic|主题)|^[^简介述]{0,30}(?:主题|议题|讲师|topic|演讲|小结|如下)[^简介述]{0,8}[:：]\s*$",
    )
    .unwrap();
    const PIECES: &[&str] = &[
        "讲师",
        "参与人",
        "分享者",
        "name",
        "NAME",
        "Name",
        " ",
        "\u{3000}",
        "\t",
        "topic",
        "TOPIC",
        "主题",
        "：",
        ":",
        "简",
        "x",
        "如下",
        "演讲",
        "名",
        "\u{a0}",
        "tOpIc",
        "\u{130}",
        "\u{131}",
        "\u{212a}",
        "16:00",
        "top",
    ];
    let mut matched = 0;
    for t in crate::test_docs::random_docs(PIECES, 4, 0x7a1e) {
        let want = re.is_match(&t);
        matched += usize::from(want);
        assert_eq!(ROSTER.is_match(&t), want, "{t:?}");
    }
    assert!(matched > 1_000, "{matched}");
    // Every column name, space and word, whole.
    for p in ["参与人", "讲师", "分享者", "name", "NAME", "naMe", "nam", "x讲师"] {
        for ws in ["", " ", "  ", "\u{3000}", "\t "] {
            for w in ["topic", "TOPIC", "tOpIc", "主题", "主", "top", "\u{131}opic", "x", ""] {
                for tail in ["", "：", " x", "简"] {
                    let t = format!("{p}{ws}{w}{tail}");
                    assert_eq!(ROSTER.is_match(&t), re.is_match(&t), "{t:?}");
                }
            }
        }
    }
    assert!(!ROSTER.is_match("讲师") && ROSTER.is_match("讲师 主题") && ROSTER.is_match("本期主题如下："));
    assert!(!ROSTER.is_match("讲师 16:00") && ROSTER.is_match("NAME\u{3000}Topic x"));
}
