//! The fetch stage against a real HTTP server on 127.0.0.1 (and the fixture proxy).

#[path = "fetch/charset.rs"]
mod charset;
mod common;
#[path = "fetch/limits.rs"]
mod limits;
#[path = "fetch/proxy.rs"]
mod proxy;
#[path = "fetch/retry.rs"]
mod retry;

use std::time::Duration;

use common::{FixtureProxy, Reply, TestServer, fixture_site};
use digest::config::FetchSettings;
use digest::fetch::{Body, Document, FetchError, Fetcher, Request, Response, Validators};
use encoding_rs::{BIG5, GB18030};
use futures_util::future::join_all;

const ZH: &str = "技术沙龙：容器与云原生实践分享会，欢迎社区朋友们报名参加本周六下午的活动。";
const TW: &str = "技術沙龍：容器與雲原生實踐分享會，歡迎社區朋友們報名參加本週六下午的活動。";

/// Fast settings: no backoff waits, short timeouts.
fn settings() -> FetchSettings {
    FetchSettings { backoff_ms: 0, timeout_secs: 10, connect_timeout_secs: 5, ..FetchSettings::default() }
}

fn fetcher(settings: &FetchSettings) -> Fetcher {
    Fetcher::new(settings).expect("client builds")
}

async fn get(fetcher: &Fetcher, url: url::Url) -> Result<Response, FetchError> {
    fetcher.get(&Request::new(url)).await
}

fn doc(response: &Response) -> &Document {
    response.document().expect("a fresh body")
}

#[tokio::test]
async fn ok_with_body_and_validators() {
    let server = TestServer::start();
    server.route(
        "/feed.xml",
        Reply::ok("<rss/>")
            .header("Content-Type", "application/rss+xml; charset=utf-8")
            .header("ETag", "W/\"abc\"")
            .header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    let s = settings();
    let response = get(&fetcher(&s), server.url("/feed.xml")).await.expect("fetched");
    assert_eq!(response.status, 200);
    assert_eq!(response.final_url, server.url("/feed.xml"));
    assert_eq!(
        response.validators,
        Validators { etag: Some("W/\"abc\"".into()), last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()) }
    );
    let d = doc(&response);
    assert_eq!((d.text.as_str(), d.encoding, d.byte_len), ("<rss/>", "UTF-8", 6));
    assert_eq!(d.content_type.as_deref(), Some("application/rss+xml; charset=utf-8"));
    let seen = server.requests_to("/feed.xml");
    assert_eq!(seen[0].header("User-Agent"), Some(s.user_agent.as_str()));
    assert_eq!(seen[0].header("If-None-Match"), None);
}

#[tokio::test]
async fn conditional_get_sends_validators_verbatim_and_maps_304() {
    let server = TestServer::start();
    // The 304 repeats only a new ETag: the stored Last-Modified must be kept.
    server.route_seq(
        "/feed.xml",
        vec![
            Reply::ok("v1").header("ETag", "\"v1\"").header("Last-Modified", "Sat, 31 Oct 2015 10:00:00 GMT"),
            Reply::status(304).header("ETag", "\"v1b\""),
        ],
    );
    let f = fetcher(&settings());
    let first = get(&f, server.url("/feed.xml")).await.expect("first");
    let second =
        f.get(&Request { url: server.url("/feed.xml"), validators: first.validators.clone() }).await.expect("second");
    let seen = server.requests_to("/feed.xml");
    assert_eq!(seen[1].header("If-None-Match"), Some("\"v1\""));
    assert_eq!(seen[1].header("If-Modified-Since"), Some("Sat, 31 Oct 2015 10:00:00 GMT"));
    assert_eq!(second.status, 304);
    assert_eq!(second.body, Body::NotModified);
    assert_eq!(second.validators.etag.as_deref(), Some("\"v1b\""));
    assert_eq!(second.validators.last_modified.as_deref(), Some("Sat, 31 Oct 2015 10:00:00 GMT"));
}

#[tokio::test]
async fn gzip_body_is_decompressed() {
    let server = TestServer::start();
    let xml = format!("<?xml version=\"1.0\"?><feed>{}</feed>", ZH.repeat(50));
    server.route("/gz", Reply::ok(xml.clone()).gzip().header("Content-Type", "application/atom+xml"));
    let response = get(&fetcher(&settings()), server.url("/gz")).await.expect("fetched");
    assert_eq!(doc(&response).text, xml);
    assert_eq!(doc(&response).byte_len, xml.len());
    let seen = server.requests_to("/gz");
    assert!(seen[0].header("Accept-Encoding").is_some_and(|v| v.contains("gzip")));
}

#[tokio::test]
async fn file_urls_read_from_disk_under_the_cap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, GB18030.encode(&format!("<?xml version=\"1.0\" encoding=\"gbk\"?><a>{ZH}</a>")).0)
        .expect("write");
    let url = url::Url::from_file_path(&path).expect("file url");
    let response = get(&fetcher(&settings()), url.clone()).await.expect("read");
    assert_eq!((response.status, response.validators.clone()), (200, Validators::default()));
    assert!(doc(&response).text.contains(ZH));

    let err = get(&fetcher(&FetchSettings { max_body_bytes: 10, ..settings() }), url).await.expect_err("cap");
    assert!(matches!(err, FetchError::TooLarge { limit: 10, .. }), "{err:?}");

    let missing = url::Url::from_file_path(dir.path().join("nope.xml")).expect("file url");
    let err = get(&fetcher(&settings()), missing.clone()).await.expect_err("missing");
    assert!(matches!(err, FetchError::FileNotFound { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!("{missing}: file not found: ")), "{err}");
}

#[tokio::test]
async fn serve_dir_serves_the_fixture_sites_with_validators() {
    let server = TestServer::serve_dir(fixture_site("techparty.org"));
    let f = fetcher(&settings());
    let first = get(&f, server.url("/atom.xml")).await.expect("fetched");
    assert!(doc(&first).text.contains("<feed"));
    assert!(first.validators.etag.is_some() && first.validators.last_modified.is_some());
    let again = f.get(&Request { url: server.url("/atom.xml"), validators: first.validators.clone() }).await;
    assert_eq!(again.expect("conditional").body, Body::NotModified);
    // A directory redirects to its slashed form and serves index.html; paths are percent-decoded.
    let index = get(&f, server.url("/about")).await.expect("index");
    assert_eq!(index.final_url, server.url("/about/"));
    let encoded = server.url("/fb活动/沙龙/2011/04/28/ijuzi-techparty-weekend/");
    assert!(encoded.path().starts_with("/fb%E6%B4%BB"));
    let encoded = get(&f, encoded).await.expect("percent-decoded path");
    assert_eq!(encoded.status, 200);
    assert!(get(&f, server.url("/../Cargo.toml")).await.is_err());
}
