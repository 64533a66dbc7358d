//! The whole fixture sites' feeds (`../shared/fixtures/sites/`, beside the repo).

use chrono::NaiveDate;

use super::parse;
use crate::config::SourceKind;
use crate::parse::{Format, Timestamp};

fn site(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sites").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn techparty_atom() {
    let feed = parse(&site("techparty.org/atom.xml"), SourceKind::Auto, "http://www.techparty.org/atom.xml").unwrap();
    assert_eq!(feed.format, Format::Atom);
    assert_eq!(feed.title, None, "empty CDATA title");
    assert_eq!(feed.items.len(), 20);
    let first = &feed.items[0];
    assert_eq!(first.title, "官网迁移回 GitHub");
    assert_eq!(first.url.as_ref().unwrap().as_str(), "http://www.techparty.org/doc/2019/03/20/scm-gh-pages/");
    assert_eq!(first.guid.as_deref(), Some("/doc/2019/03/20/scm-gh-pages"));
    assert_eq!(first.author, None, "empty author name is no author");
    assert_eq!(first.updated.map(|t| t.date()), NaiveDate::from_ymd_opt(2019, 3, 20));
    assert!(first.content_html.sanitized().contains("<h2>背景</h2>"), "{}", &first.content_html.sanitized()[..200]);
    for it in &feed.items {
        let u = it.url.as_ref().unwrap();
        assert_eq!(u.host_str(), Some("www.techparty.org"), "{u}");
        assert!(!it.title.is_empty() && !it.content_html.sanitized().is_empty());
    }
    assert!(feed.warnings.is_empty(), "{:?}", feed.warnings);
}

#[test]
fn techparty_rss() {
    let feed = parse(&site("techparty.org/feed.xml"), SourceKind::Rss, "http://www.techparty.org/feed.xml").unwrap();
    assert_eq!(feed.format, Format::Rss);
    assert_eq!(feed.items.len(), 218);
    let it = feed
        .items
        .iter()
        .find(|i| i.title == "Techparty-深圳 10 月 18 日 Docker 专场沙龙活动总结")
        .expect("the Docker event summary");
    assert_eq!(
        it.url.as_ref().unwrap().as_str(),
        "http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/"
    );
    assert_eq!(it.guid.as_deref(), Some("http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary"));
    assert_eq!(it.published.map(|t| t.date()), NaiveDate::from_ymd_opt(2015, 10, 26));
    assert!(matches!(it.published, Some(Timestamp::At(_))));
    assert_eq!(it.lang.as_deref(), Some("en-us"), "channel language as declared");
    assert!(it.content_html.sanitized().starts_with('<') && !it.content_html.sanitized().contains("&lt;p&gt;"));
    assert!(feed.items.iter().all(|i| i.url.is_some() && i.published.is_some()));
    // Real breakage in this feed: bare '&' in 7 titles and `<推荐大会>` in 3.
    assert_eq!(feed.warnings, ["escaped 7 bare '&'", "escaped 3 '<' that start no tag"]);
    let amp = feed.items.iter().find(|i| i.title.starts_with("Techparty-中国iOS")).unwrap();
    assert_eq!(amp.title, "Techparty-中国iOS&Swift沙龙");
    assert!(feed.items.iter().any(|i| i.title == "<推荐大会> 2013全球软件案例研究峰会(11月23-26日)"));
}

#[test]
fn docker_cn_atom() {
    let feed = parse(&site("docker.cn/feed.xml"), SourceKind::Auto, "http://docker.cn/feed.xml").unwrap();
    assert_eq!(feed.format, Format::Atom);
    assert_eq!(feed.title.as_deref(), Some("Docker 中文社区"));
    assert_eq!(feed.items.len(), 10);
    let first = &feed.items[0];
    assert_eq!(first.title, "创建自己的 Docker Repository");
    assert_eq!(
        first.url.as_ref().unwrap().as_str(),
        "http://docker.cn/blog/2014/09/29/build-your-own-docker-repository.html"
    );
    assert_eq!(first.author.as_deref(), Some("Docker 中文社区"));
    assert_eq!(first.published.map(|t| format!("{t:?}")), Some("At(2014-09-29T16:10:36+08:00)".into()));
    assert!(feed.items.iter().all(|i| i.lang.as_deref() == Some("zh")));
    assert!(first.content_html.sanitized().contains(r#"<a href="http://www.weibo.com/tchen82""#));
}
