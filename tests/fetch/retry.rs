//! Retries, backoff, Retry-After, redirects, the body cap, timeouts and network errors.

use super::*;

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
    server.route("/b", Reply::redirect(302, server.url("/c?x=1").as_str()));
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
