//! Concurrency limits and robots.txt.

use super::*;

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
