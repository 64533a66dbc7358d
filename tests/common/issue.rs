//! A sample week (2015-W44) with every kind of post, events with times, an all-day event,
//! talks with slides, a twin post in English, and text that needs escaping, stored and built
//! with a config that has `site_url`, `[email]` and optionally `[translate]`.

use std::path::{Path, PathBuf};

use digest::config::Config;
use digest::dedup::Post;
use digest::store::Store;
use serde_json::json;

/// 2015-W44.
pub const WEEK: &str = "2015-W44";

fn post(id: &str, lang: &str, kind: &str, title: &str, published: &str, url: &str, extra: serde_json::Value) -> Post {
    let mut item = json!({
        "source": "sample",
        "parsed": {
            "guid": null, "url": url, "canonical": null, "title": title, "author": null,
            "published": published, "updated": null,
            "content_html": format!("<p>{title}。这是正文的开头，介绍活动的内容与安排。</p>"),
            "lang": lang, "categories": []
        },
        "lang": lang, "kind": kind, "events": [], "talks": []
    });
    for (k, v) in extra.as_object().unwrap() {
        item[k] = v.clone();
    }
    serde_json::from_value(json!({ "id": id, "key": url, "item": item, "sources": ["sample"] })).unwrap()
}

/// The sample posts.
pub fn posts() -> Vec<Post> {
    let gz = json!({ "en": "Guangzhou", "zh": "广州" });
    let sz = json!({ "en": "Shenzhen", "zh": "深圳" });
    vec![
        post(
            "00000000000000a1",
            "zh",
            "registration",
            "Techparty-广州 11 月 7 日 Docker 专场沙龙 开始报名",
            "2015-10-27T10:00:00+08:00",
            "http://www.techparty.org/guangzhou/2015/10/27/docker/",
            json!({
                "events": [{ "title": "Techparty-广州 11 月 7 日 Docker 专场沙龙", "date": "2015-11-07",
                    "start": "13:30:00", "end": "17:30:00", "city": gz,
                    "venue": "天河区珠江新城华夏路 8 号, 3 楼; 会议室 A", "registration": "http://www.huodongxing.com/event/1234" }],
                "talks": [{ "title": "打造Docker航运的基础设施", "speakers": ["刘永峰"], "slides": null, "video": null, "event": 0 }]
            }),
        ),
        post(
            "00000000000000a2",
            "en",
            "announcement",
            "Docker meetup in Guangzhou on 7 November",
            "2015-10-28T09:00:00+08:00",
            "http://docker.cn/2015/10/28/guangzhou-meetup/",
            json!({
                "events": [{ "title": "Docker meetup in Guangzhou", "date": "2015-11-07", "start": "13:30:00",
                    "end": null, "city": gz, "venue": null, "registration": null }]
            }),
        ),
        post(
            "00000000000000a3",
            "zh",
            "call_for_speakers",
            "深圳讲师征集：Docker",
            "2015-10-29",
            "http://www.techparty.org/shenzhen/2015/10/29/cfp/",
            json!({
                "deadline": "2015-11-10",
                "events": [{ "title": "Techparty 深圳 11 月 21 日沙龙", "date": "2015-11-21", "start": null,
                    "end": null, "city": sz, "venue": null, "registration": null }]
            }),
        ),
        post(
            "00000000000000a4",
            "en",
            "article",
            "Understanding Docker networking: bridges, overlays and you",
            "2015-10-30T12:00:00+08:00",
            "http://docker.cn/2015/10/30/networking/",
            json!({}),
        ),
        post(
            "00000000000000a5",
            "zh",
            "recap",
            "Techparty-广州10月31日Docker专场沙龙活动总结",
            "2015-11-01T20:00:00+08:00",
            "http://www.techparty.org/guangzhou/2015/11/01/docker-summary/",
            json!({
                "events": [{ "title": "Techparty-广州10月31日Docker专场沙龙", "date": "2015-10-31", "start": "13:30:00",
                    "end": "17:30:00", "city": gz, "venue": "广州市天河区", "registration": null }],
                "talks": [
                    { "title": "Docker在美团的实践", "speakers": ["张三", "李四"],
                      "slides": "http://www.techparty.org/slides/2015/10/31/docker-at-meituan-a-very-long-file-name-that-does-not-wrap-easily.pdf",
                      "video": null, "event": 0 },
                    { "title": "容器编排：从 Compose 到 Swarm", "speakers": ["王五"], "slides": null, "video": "http://v.youku.com/v_show/id_X.html", "event": 0 }
                ]
            }),
        ),
    ]
}

/// The config text, with `[translate]` pointing at `translate_url` when given.
pub fn config_text(dir: &Path, translate_url: Option<&str>) -> String {
    let mut text = format!(
        "title_zh = \"珠三角技术社区周报\"\ntitle_en = \"Pearl River Delta Tech Weekly\"\nsite_url = \"https://weekly.example.org/\"\n\
         output = \"{out}\"\nstate = \"{state}\"\nupcoming_weeks = 4\n\n[email]\nfrom = \"珠三角周报 <weekly@example.org>\"\n\
         unsubscribe_url = \"https://weekly.example.org/unsubscribe\"\nunsubscribe_mailto = \"leave@example.org\"\n",
        out = dir.join("output").display(),
        state = dir.join("state").display()
    );
    if let Some(url) = translate_url {
        text.push_str(&format!("\n[translate]\nurl = \"{url}\"\n"));
    }
    text
}

/// Stores the sample posts under `dir` and builds the week; returns the config.
pub fn build(dir: &Path, translate_url: Option<&str>) -> Config {
    let path = dir.join("feeds.toml");
    std::fs::write(&path, config_text(dir, translate_url)).unwrap();
    let config = Config::load(&path).unwrap();
    let mut store = Store::open(&config.database_path()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2015-11-02T07:00:00+08:00").unwrap().to_utc();
    store.save_run(&[], &posts(), now).unwrap();
    digest::pipeline::build_week(&config, &mut store, WEEK.parse().unwrap(), None).unwrap();
    config
}

/// A file of the built output.
pub fn output(config: &Config, file: &str) -> PathBuf {
    config.output_dir.join(file)
}
