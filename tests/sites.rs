//! End to end over real HTTP: the fixture sites served on 127.0.0.1 under their real host
//! names by `../shared/tools/fixture-proxy`, fetched by the `digest` binary through HTTP_PROXY,
//! stored in a real SQLite file, rendered and written to disk.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::fixture_proxy::{FixtureProxy, shared_dir};
use digest::parse::Timestamp;
use digest::store::Store;

const CONFIG: &str = r#"
title_zh = "珠三角技术社区周报"
title_en = "Pearl River Delta Tech Weekly"

[[source]]
name = "techparty-atom"
url = "http://www.techparty.org/atom.xml"
kind = "atom"
lang = "zh"

[[source]]
name = "techparty-rss"
url = "http://www.techparty.org/feed.xml"
kind = "rss"
lang = "zh"

[[source]]
name = "docker-cn"
url = "http://docker.cn/feed.xml"

[[source]]
name = "docker-cn-blog"
url = "http://docker.cn/"
kind = "html"

[source.selectors]
items = "ul.post-list a.post-link"
title = "h1.post-title"
date = "time.dt-published"
content = "div.post-content"
"#;

/// A config in a temp folder, and the binary run against it through the proxy.
struct Site {
    dir: tempfile::TempDir,
    proxy: FixtureProxy,
}

impl Site {
    fn new(config: &str) -> Site {
        Site::with_sites(config, &[])
    }

    fn with_sites(config: &str, extra: &[(&str, &Path)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("feeds.toml"), config).unwrap();
        Site { dir, proxy: FixtureProxy::start_with(extra) }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_digest"))
            .args(args)
            .arg("--config")
            .arg(self.path("feeds.toml"))
            .env("HTTP_PROXY", &self.proxy.url)
            .env("http_proxy", &self.proxy.url)
            .env("NO_PROXY", "")
            .env("no_proxy", "")
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    fn store(&self) -> Store {
        Store::open(&self.path("state/digest.sqlite")).unwrap()
    }
}

/// (title, link) of every `<item>` / `<entry>` of a fixture feed, read with a plain scan so
/// the test does not trust the parser it checks.
fn fixture_entries(file: &Path, item: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let title = regex::Regex::new(r"(?s)<title[^>]*>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>").unwrap();
    let link = regex::Regex::new(r#"(?s)<link>(.*?)</link>|<link href="([^"]+)""#).unwrap();
    text.split(&format!("<{item}"))
        .skip(1)
        .map(|chunk| {
            let t = title.captures(chunk).unwrap()[1].trim().replace("&amp;", "&");
            let l = link.captures(chunk).unwrap();
            let l = l.get(1).or(l.get(2)).unwrap().as_str().trim().to_string();
            (t, l)
        })
        .collect()
}

fn exit_code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

#[test]
fn fetches_every_entry_stores_it_once_then_revalidates_with_304s() {
    let site = Site::new(CONFIG);
    let out = site.run(&["fetch"]);
    assert_eq!(exit_code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));

    let store = site.store();
    let posts = store.latest_posts(10_000).unwrap();
    // 218 techparty posts (Atom's 20 are the RSS feed's newest 20) and 95 docker.cn posts
    // (the feed's 10 are among the 95 on the listing): each once; dedup then folds docker.cn's
    // two zh/en twins and one republished article into the posts they duplicate.
    assert_eq!(posts.len(), 218 + 95 - 3);
    let by_url = |url: &str| {
        posts
            .iter()
            // The shown page, or another version of it folded in by dedup.
            .find(|p| p.urls().iter().any(|u| u.as_str() == url))
            .unwrap_or_else(|| panic!("no post with link {url}"))
    };
    let sites = shared_dir().join("fixtures/sites");
    for (title, link) in fixture_entries(&sites.join("techparty.org/feed.xml"), "item") {
        let post = by_url(&link);
        assert_eq!(post.item.parsed.title, title, "{link}");
        assert!(post.sources.contains(&"techparty-rss".to_string()));
    }
    for (title, link) in fixture_entries(&sites.join("techparty.org/atom.xml"), "entry") {
        let post = by_url(&format!("http://www.techparty.org{link}"));
        assert_eq!(post.item.parsed.title, title);
        assert_eq!(post.sources, ["techparty-atom", "techparty-rss"], "{link}");
    }
    for (title, link) in fixture_entries(&sites.join("docker.cn/feed.xml"), "entry") {
        let post = by_url(&link);
        let titles: Vec<&str> = std::iter::once(post.item.parsed.title.as_str())
            .chain(post.alternates.iter().map(|a| a.title.as_str()))
            .collect();
        assert!(titles.contains(&title.as_str()), "{link}: {titles:?}");
        assert!(post.sources.contains(&"docker-cn-blog".to_string()), "{link}");
    }

    let recap = by_url("http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/");
    assert_eq!(recap.item.parsed.title, "Techparty-深圳 10 月 18 日 Docker 专场沙龙活动总结");
    let day = match recap.item.parsed.published.unwrap() {
        Timestamp::At(d) => d.date_naive(),
        Timestamp::Day(d) => d,
    };
    assert_eq!(day.to_string(), "2015-10-26");
    let macos = by_url("http://docker.cn/blog/2014/09/29/installation-macos.html");
    assert_eq!(macos.item.parsed.title, "Mac OS X 下 Docker 安装教程");
    assert!(
        matches!(macos.item.parsed.published, Some(Timestamp::At(d)) if d.to_rfc3339() == "2014-09-29T15:24:24+08:00")
    );

    // First run: plain GETs naming the project.
    let first = site.proxy.requests();
    assert!(first.iter().all(|r| { r.user_agent.as_deref().is_some_and(|ua| ua.starts_with("digest/")) }));
    site.proxy.clear();

    // Second run: every request is conditional and answered 304; nothing is duplicated.
    let out = site.run(&["fetch"]);
    assert_eq!(exit_code(&out), 0);
    let second = site.proxy.requests();
    let fetched: Vec<_> = second.iter().filter(|r| !r.url.ends_with("/robots.txt")).collect();
    assert!(fetched.len() >= 4, "{second:?}");
    for r in &fetched {
        assert!(r.if_none_match.is_some() && r.if_modified_since.is_some(), "not conditional: {r:?}");
        assert_eq!(r.status, 304, "{r:?}");
    }
    assert_eq!(site.store().post_count().unwrap(), 218 + 95 - 3);
}

#[test]
fn week_2015_w44_lists_the_guangzhou_docker_salon_and_builds_reproducibly() {
    let site = Site::new(CONFIG);
    let out = site.run(&["build", "--week", "2015-W44"]);
    assert_eq!(exit_code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let html = std::fs::read_to_string(site.path("output/2015-W44/index.html")).unwrap();
    for title in [
        "Techparty-深圳 10 月 18 日 Docker 专场沙龙活动总结",
        "http://www.techparty.org/guangzhou/2015/10/27/guangzhou-docker-topic-ready/",
        "http://www.techparty.org/guangzhou/2015/11/01/guangzhou-docker-event-summary/",
        "http://www.techparty.org/party/2015/11/01/techparty-guangzhou-docker/",
    ] {
        assert!(html.contains(title), "missing {title}");
    }
    // 20 October is the week before.
    assert!(!html.contains("/2015/10/20/guangzhou-docker-topics/"));
    let text = std::fs::read_to_string(site.path("output/2015-W44/newsletter.txt")).unwrap();
    assert!(text.contains("guangzhou-docker-event-summary"));
    for feed in ["feed.atom", "feed.rss", "feed.json"] {
        assert!(site.path("output").join(feed).is_file(), "{feed}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.path("output/feed.json")).unwrap()).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["items"].as_array().unwrap().len(), 50);

    // The structured export: the Guangzhou salon announced, opened and recapped in four
    // posts is one event; its talks point at it.
    let out = site.run(&[
        "export",
        "--since",
        "2015-10-01",
        "--until",
        "2015-11-30",
        "--out",
        site.path("export.json").to_str().unwrap(),
    ]);
    assert_eq!(exit_code(&out), 0);
    let export: serde_json::Value = serde_json::from_slice(&std::fs::read(site.path("export.json")).unwrap()).unwrap();
    let gz: Vec<&serde_json::Value> =
        export["events"].as_array().unwrap().iter().filter(|e| e["city"] == "Guangzhou").collect();
    assert_eq!(gz.len(), 1, "{gz:?}");
    let gz = gz[0];
    assert_eq!(
        (gz["date"].as_str(), gz["start"].as_str(), gz["end"].as_str(), gz["city_zh"].as_str()),
        (Some("2015-10-31"), Some("13:30"), Some("17:30"), Some("广州"))
    );
    assert_eq!(gz["sources"].as_array().unwrap().len(), 4, "{gz}");
    assert!(
        gz["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "http://www.techparty.org/guangzhou/2015/10/27/guangzhou-docker-topic-ready/")
    );
    let talk = export["talks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "打造Docker航运的基础设施")
        .expect("the Shenzhen talk");
    assert_eq!(talk["speakers"], serde_json::json!(["刘永峰"]));
    assert!(talk["slides"].as_str().unwrap().ends_with(".pdf"));
    let sz = export["events"].as_array().unwrap().iter().find(|e| e["city"] == "Shenzhen").unwrap();
    assert_eq!(talk["event_id"], sz["id"]);
    let recap = export["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["url"] == "http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/")
        .unwrap();
    assert_eq!((recap["post_kind"].as_str(), recap["lang"].as_str()), (Some("recap"), Some("zh")));
    assert!(chrono::DateTime::parse_from_rfc3339(recap["published"].as_str().unwrap()).is_ok());

    // Same inputs, same bytes: rebuild from the store into a second folder.
    let again =
        site.run(&["build", "--week", "2015-W44", "--no-fetch", "--output", site.path("again").to_str().unwrap()]);
    assert_eq!(exit_code(&again), 0);
    for f in ["2015-W44/index.html", "2015-W44/newsletter.txt", "feed.atom", "feed.rss", "feed.json"] {
        assert_eq!(
            std::fs::read(site.path("output").join(f)).unwrap(),
            std::fs::read(site.path("again").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn a_broken_source_makes_the_build_partial_but_complete() {
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"gone\"\nurl = \"http://no-such-host.techparty.org/feed.xml\"\n\n[[source]]\nname = \"garbage\"\nurl = \"http://www.techparty.org/static/css/main.css\"\nkind = \"rss\"\n"
    );
    let site = Site::new(&config);
    let out = site.run(&["build", "--week", "2015-W44"]);
    assert_eq!(exit_code(&out), 3, "partial");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for name in ["gone", "garbage"] {
        assert!(stdout.contains(name) && stderr.contains(name), "{name} not reported");
    }
    assert!(stderr.contains("404"), "the reason is given: {stderr}");
    let html = std::fs::read_to_string(site.path("output/2015-W44/index.html")).unwrap();
    assert!(html.contains("guangzhou-docker-event-summary"));
    let states = site.store().source_states().unwrap();
    let gone = states.iter().find(|s| s.name == "gone").unwrap();
    assert_eq!((gone.last_status.as_deref(), gone.consecutive_failures), (Some("failed"), 1));
}

#[test]
fn gb18030_copies_of_a_feed_decode_to_the_same_titles() {
    // The techparty Atom feed re-encoded as GB18030: once declared in the XML declaration,
    // once undeclared (left to detection). Served with no charset in Content-Type.
    let original = std::fs::read_to_string(shared_dir().join("fixtures/sites/techparty.org/atom.xml")).unwrap();
    let gb_site = tempfile::tempdir().unwrap();
    let declared = original.replacen(r#"encoding="utf-8""#, r#"encoding="gb18030""#, 1);
    let undeclared = original.replacen(r#" encoding="utf-8""#, "", 1);
    for (name, text) in [("declared.atom", &declared), ("undeclared.atom", &undeclared)] {
        let (bytes, _, lossy) = encoding_rs::GB18030.encode(text);
        assert!(!lossy);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        std::fs::write(gb_site.path().join(name), &bytes).unwrap();
    }
    let config = r#"
[[source]]
name = "utf8"
url = "http://www.techparty.org/atom.xml"

[[source]]
name = "gb-declared"
url = "http://gb.test/declared.atom"

[[source]]
name = "gb-undeclared"
url = "http://gb.test/undeclared.atom"
"#;
    let site = Site::with_sites(config, &[("gb.test", gb_site.path())]);
    let out = site.run(&["fetch"]);
    assert_eq!(exit_code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let posts = site.store().latest_posts(1000).unwrap();
    let titles = |source: &str| {
        let mut t: Vec<String> = posts
            .iter()
            .filter(|p| p.sources.iter().any(|s| s == source))
            .map(|p| p.item.parsed.title.clone())
            .collect();
        t.sort();
        t
    };
    let utf8 = titles("utf8");
    assert_eq!(utf8.len(), 20);
    assert!(utf8.iter().any(|t| t == "官网迁移回 GitHub"));
    assert_eq!(titles("gb-declared"), utf8);
    assert_eq!(titles("gb-undeclared"), utf8);
}

#[test]
fn the_readme_offline_example_builds_without_network() {
    let out_dir = tempfile::tempdir().unwrap();
    let state_dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/offline.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(["build", "--week", "2015-W44", "--config"])
        .arg(&config)
        .arg("--output")
        .arg(out_dir.path())
        .arg("--state")
        .arg(state_dir.path())
        // Any attempt to use the network would fail through this dead proxy.
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(out_dir.path().join("2015-W44/index.html")).unwrap();
    assert!(html.contains("Techparty-深圳 10 月 18 日 Docker 专场沙龙活动总结"));
    let feed = std::fs::read_to_string(out_dir.path().join("feed.atom")).unwrap();
    assert!(feed.contains("创建自己的 Docker Repository"), "docker.cn posts reach the merged feed");
    // Stored posts are merged: the feed's 6 posts also on the scraped listing appear once.
    assert_eq!(feed.matches("<entry>").count(), 40 + 10);
}
