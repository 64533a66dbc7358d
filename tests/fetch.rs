//! The fetch stage against a real HTTP server on 127.0.0.1 (and the fixture proxy).

mod common;

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
    let second = f
        .get(&Request { url: server.url("/feed.xml"), validators: first.validators.clone() })
        .await
        .expect("second");
    let seen = server.requests_to("/feed.xml");
    assert_eq!(seen[1].header("If-None-Match"), Some("\"v1\""));
    assert_eq!(seen[1].header("If-Modified-Since"), Some("Sat, 31 Oct 2015 10:00:00 GMT"));
    assert_eq!(second.status, 304);
    assert_eq!(second.body, Body::NotModified);
    assert_eq!(second.validators.etag.as_deref(), Some("\"v1b\""));
    assert_eq!(second.validators.last_modified.as_deref(), Some("Sat, 31 Oct 2015 10:00:00 GMT"));
}

#[tokio::test]
async fn retries_503_after_retry_after_zero() {
    let server = TestServer::start();
    server.route_seq("/f", vec![Reply::status(503).header("Retry-After", "0"), Reply::ok("fine")]);
    let response = get(&fetcher(&settings()), server.url("/f")).await.expect("second attempt works");
    assert_eq!(doc(&response).text, "fine");
    assert_eq!(server.requests_to("/f").len(), 2);
}

#[tokio::test]
async fn retry_after_on_429_replaces_the_backoff() {
    let server = TestServer::start();
    server.route_seq("/f", vec![Reply::status(429).header("Retry-After", "1"), Reply::ok("fine")]);
    // A one-hour backoff: finishing at all proves the 1 s Retry-After was used instead.
    let s = FetchSettings { backoff_ms: 3_600_000, ..settings() };
    let response = tokio::time::timeout(Duration::from_secs(30), get(&fetcher(&s), server.url("/f")))
        .await
        .expect("Retry-After honoured instead of the backoff")
        .expect("fetched");
    assert_eq!(doc(&response).text, "fine");
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = TestServer::start();
    server.route_seq("/f", vec![Reply::status(503).header("Retry-After", "86400"), Reply::ok("fine")]);
    let s = FetchSettings { max_retry_after_secs: 0, ..settings() };
    let response = tokio::time::timeout(Duration::from_secs(30), get(&fetcher(&s), server.url("/f")))
        .await
        .expect("cap applied")
        .expect("fetched");
    assert_eq!(doc(&response).text, "fine");
}

#[tokio::test]
async fn server_error_forever_names_status_and_attempts() {
    let server = TestServer::start();
    server.route("/f", Reply::status(500));
    let err = get(&fetcher(&settings()), server.url("/f")).await.expect_err("fails");
    assert!(matches!(err, FetchError::Status { status: 500, attempts: 3, .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("{}: HTTP 500 after 3 attempts", server.url("/f")));
    assert!(err.is_transient());
    assert_eq!(server.requests_to("/f").len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start();
    let err = get(&fetcher(&settings()), server.url("/missing")).await.expect_err("404");
    assert_eq!(err.to_string(), format!("{}: HTTP 404 after 1 attempt", server.url("/missing")));
    assert!(!err.is_transient());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn redirect_chain_followed() {
    let server = TestServer::start();
    server.route("/a", Reply::redirect(301, "/b"));
    server.route("/b", Reply::redirect(302, &server.url("/c?x=1").to_string()));
    server.route("/c", Reply::ok("here"));
    let response = get(&fetcher(&settings()), server.url("/a")).await.expect("followed");
    assert_eq!(response.final_url, server.url("/c?x=1"));
    assert_eq!(doc(&response).text, "here");
}

#[tokio::test]
async fn redirect_loop_and_too_many_redirects() {
    let server = TestServer::start();
    server.route("/a", Reply::redirect(302, "/b"));
    server.route("/b", Reply::redirect(302, "/a"));
    let f = fetcher(&settings());
    let err = get(&f, server.url("/a")).await.expect_err("loop");
    assert!(matches!(&err, FetchError::RedirectLoop { to, .. } if to.ends_with("/a")), "{err:?}");
    assert!(err.to_string().contains("redirect loop"), "{err}");

    for i in 0..10 {
        server.route(&format!("/hop{i}"), Reply::redirect(302, &format!("/hop{}", i + 1)));
    }
    let s = FetchSettings { max_redirects: 3, ..settings() };
    let err = get(&fetcher(&s), server.url("/hop0")).await.expect_err("too many");
    assert!(matches!(err, FetchError::TooManyRedirects { max: 3, .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!("{}: too many redirects", server.url("/hop0"))));
    assert_eq!(server.requests_to("/hop4").len(), 0, "stopped after 3 redirects");
}

#[tokio::test]
async fn body_over_the_cap_stops_reading() {
    let server = TestServer::start();
    // Without Content-Length the cap is hit while streaming; with it, before reading.
    server.route("/stream", Reply::ok("").repeat(b'x', 10 * 1024 * 1024).without_length());
    server.route("/declared", Reply::ok("").repeat(b'x', 1024 * 1024 * 1024));
    let s = FetchSettings { max_body_bytes: 1024, ..settings() };
    let f = fetcher(&s);
    for path in ["/stream", "/declared"] {
        let err = get(&f, server.url(path)).await.expect_err("too large");
        assert!(matches!(err, FetchError::TooLarge { limit: 1024, .. }), "{err:?}");
        assert_eq!(err.to_string(), format!("{}: body larger than the 1 KiB cap", server.url(path)));
    }
    // Exactly at the cap is fine.
    server.route("/exact", Reply::ok(vec![b'y'; 1024]).without_length());
    assert_eq!(doc(&get(&f, server.url("/exact")).await.expect("at cap")).byte_len, 1024);
}

#[tokio::test]
async fn stalled_body_hits_the_total_timeout() {
    let server = TestServer::start();
    server.route("/slow", Reply::ok(vec![b'a'; 100]).stall_after(10));
    let s = FetchSettings { timeout_secs: 1, retries: 0, ..settings() };
    let err = get(&fetcher(&s), server.url("/slow")).await.expect_err("times out");
    assert!(matches!(err, FetchError::Timeout { secs: 1, attempts: 1, .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("{}: timed out after 1s (1 attempt)", server.url("/slow")));
}

#[tokio::test]
async fn connection_closed_mid_body_is_retried() {
    let server = TestServer::start();
    server.route_seq("/f", vec![Reply::ok(vec![b'a'; 1000]).close_after(10), Reply::ok("whole")]);
    let response = get(&fetcher(&settings()), server.url("/f")).await.expect("retried");
    assert_eq!(doc(&response).text, "whole");
}

#[tokio::test]
async fn corrupt_gzip_is_a_body_error_not_retried() {
    let server = TestServer::start();
    server.route("/gz", Reply::ok("this is not gzip at all").header("Content-Encoding", "gzip"));
    let err = get(&fetcher(&settings()), server.url("/gz")).await.expect_err("corrupt");
    assert!(matches!(err, FetchError::Body { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_named() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/feed")).expect("url");
    let err = get(&fetcher(&settings()), url.clone()).await.expect_err("refused");
    assert!(matches!(err, FetchError::Network { attempts: 3, .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("{url}: connection refused (3 attempts)"));
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
async fn chinese_encodings_declared_every_way_and_undeclared() {
    let server = TestServer::start();
    let cases: Vec<(&str, Vec<u8>, Option<&str>, String)> = {
        let xml_gb = format!("<?xml version=\"1.0\" encoding=\"gb2312\"?><rss><title>{ZH}</title></rss>");
        let meta_big5 = format!("<html><head><meta charset=\"big5\"><title>{TW}</title></head></html>");
        let equiv_gbk = format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"></head><p>{ZH}</p>"
        );
        let plain_gb = format!("<p>{}</p>", ZH.repeat(4));
        let plain_big5 = format!("<p>{}</p>", TW.repeat(4));
        vec![
            ("/http-gb18030", GB18030.encode(ZH).0.into_owned(), Some("text/plain; charset=GB18030"), ZH.into()),
            ("/http-big5", BIG5.encode(TW).0.into_owned(), Some("text/html; charset=big5"), TW.into()),
            ("/xml-gb2312", GB18030.encode(&xml_gb).0.into_owned(), Some("application/xml"), xml_gb),
            ("/meta-big5", BIG5.encode(&meta_big5).0.into_owned(), Some("text/html"), meta_big5),
            ("/equiv-gbk", GB18030.encode(&equiv_gbk).0.into_owned(), None, equiv_gbk),
            ("/plain-gb", GB18030.encode(&plain_gb).0.into_owned(), Some("text/html"), plain_gb),
            ("/plain-big5", BIG5.encode(&plain_big5).0.into_owned(), None, plain_big5),
        ]
    };
    for (path, bytes, content_type, _) in &cases {
        let reply = Reply::ok(bytes.clone());
        server.route(path, content_type.map_or(reply.clone(), |ct| reply.header("Content-Type", ct)));
    }
    let f = fetcher(&settings());
    for (path, _, _, expected) in &cases {
        let response = get(&f, server.url(path)).await.expect("fetched");
        assert_eq!(&doc(&response).text, expected, "{path} decoded as {}", doc(&response).encoding);
    }
}

#[tokio::test]
async fn bom_wins_over_a_wrong_header() {
    let server = TestServer::start();
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(ZH.as_bytes());
    server.route("/bom", Reply::ok(body).header("Content-Type", "text/html; charset=big5"));
    let response = get(&fetcher(&settings()), server.url("/bom")).await.expect("fetched");
    assert_eq!((doc(&response).text.as_str(), doc(&response).encoding), (ZH, "UTF-8"));
}

#[tokio::test]
async fn per_host_and_overall_concurrency_are_bounded() {
    for (s, limit) in [
        (FetchSettings { per_host: 2, concurrency: 16, ..settings() }, 2),
        (FetchSettings { per_host: 8, concurrency: 1, ..settings() }, 1),
    ] {
        let server = TestServer::start();
        // Slow replies make requests overlap if the fetcher lets them.
        server.route("/slow", Reply::ok("x").delay(Duration::from_millis(100)));
        let f = fetcher(&s);
        let tasks = (0..8).map(|i| {
            let (f, url) = (f.clone(), server.url(&format!("/slow?{i}")));
            tokio::spawn(async move { f.get(&Request::new(url)).await.map(|r| r.status) })
        });
        for result in join_all(tasks).await {
            assert_eq!(result.expect("task").expect("fetched"), 200);
        }
        assert_eq!(server.requests().len(), 8);
        let max = server.max_concurrent();
        assert!((1..=limit).contains(&max), "{max} requests in flight, limit {limit}");
    }
}

#[tokio::test]
async fn robots_txt_is_honoured_and_fetched_once() {
    let server = TestServer::start();
    server.route("/robots.txt", Reply::ok("User-agent: digest\nDisallow: /private/\n\nUser-agent: *\nDisallow: /"));
    let f = fetcher(&settings());
    assert!(!f.robots_allowed(&server.url("/private/page.html")).await);
    assert!(f.robots_allowed(&server.url("/blog/")).await);
    let private = server.url("/private/x");
    let checks = (0..4).map(|_| f.robots_allowed(&private));
    assert!(join_all(checks).await.iter().all(|allowed| !allowed));
    assert_eq!(server.requests_to("/robots.txt").len(), 1, "cached per origin");

    let off = fetcher(&FetchSettings { robots: false, ..settings() });
    assert!(off.robots_allowed(&server.url("/private/page.html")).await);
    assert!(f.robots_allowed(&url::Url::parse("file:///tmp/x.html").expect("url")).await);
}

#[tokio::test]
async fn robots_txt_missing_or_failing_allows() {
    let missing = TestServer::start();
    let broken = TestServer::start();
    broken.route("/robots.txt", Reply::status(503));
    let f = fetcher(&FetchSettings { retries: 0, ..settings() });
    assert!(f.robots_allowed(&missing.url("/anything")).await);
    assert!(f.robots_allowed(&broken.url("/anything")).await);
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let unreachable = url::Url::parse(&format!("http://127.0.0.1:{port}/x")).expect("url");
    assert!(f.robots_allowed(&unreachable).await);
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

#[tokio::test]
async fn explicit_proxy_setting_reaches_the_fixture_sites() {
    let Some(proxy) = FixtureProxy::start(&[]) else {
        eprintln!("skipped: python3 or {} unavailable", FixtureProxy::tool().display());
        return;
    };
    let s = FetchSettings { proxy: Some(proxy.url()), ..settings() };
    let url = url::Url::parse("http://www.techparty.org/atom.xml").expect("url");
    let response = get(&fetcher(&s), url.clone()).await.expect("through the proxy");
    assert_eq!(response.final_url, url);
    assert!(doc(&response).text.contains("<feed"));
    assert!(doc(&response).content_type.as_deref().is_some_and(|ct| ct.starts_with("application/atom+xml")));
}

/// Runs [`env_proxy_child`] in a child process with HTTP_PROXY set: the environment is
/// process-wide, so setting it here would leak into the tests running alongside.
#[test]
fn http_proxy_environment_is_honoured() {
    let Some(proxy) = FixtureProxy::start(&[]) else {
        eprintln!("skipped: python3 or {} unavailable", FixtureProxy::tool().display());
        return;
    };
    let exe = std::env::current_exe().expect("test binary");
    let output = std::process::Command::new(exe)
        .args(["env_proxy_child", "--exact", "--include-ignored", "--nocapture"])
        .env("DIGEST_ENV_PROXY_CHILD", "1")
        .env("HTTP_PROXY", proxy.url())
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env("NO_PROXY", "")
        .env_remove("no_proxy")
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "child failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 passed"), "child did not run the test:\n{stdout}");
}

#[tokio::test]
#[ignore = "run by http_proxy_environment_is_honoured with HTTP_PROXY set"]
async fn env_proxy_child() {
    assert!(std::env::var_os("DIGEST_ENV_PROXY_CHILD").is_some(), "run through http_proxy_environment_is_honoured");
    let s = FetchSettings { proxy: None, ..settings() };
    let url = url::Url::parse("http://www.techparty.org/atom.xml").expect("url");
    let response = get(&fetcher(&s), url).await.expect("HTTP_PROXY used");
    assert!(doc(&response).text.contains("<feed"));
}
