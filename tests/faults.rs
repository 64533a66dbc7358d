//! Sources that fail in the ways real servers do, served by the scripted test server on
//! 127.0.0.1 next to a healthy source: the build completes from the rest, reports each failed
//! source with its reason, and exits "partial" (3).

mod common;

use std::process::Command;

use common::{Reply, TestServer, fixture_site};

#[test]
fn failing_sources_are_reported_and_the_rest_is_built() {
    let healthy = TestServer::serve_dir(fixture_site("techparty.org"));
    let bad = TestServer::start();
    bad.route("/500.xml", Reply::status(500).body("boom"));
    bad.route(
        "/garbage.xml",
        Reply::ok(vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 1, 2, 3]).header("Content-Type", "application/rss+xml"),
    );
    bad.route("/robots.txt", Reply::ok("User-agent: *\nDisallow: /private/\n"));
    bad.route("/private/list.html", Reply::ok("<ul><li><a href='/p/1.html'>x</a></ul>"));
    let config = format!(
        r#"
[fetch]
retries = 1
backoff_ms = 1

[[source]]
name = "healthy"
url = "{healthy}"
kind = "rss"

[[source]]
name = "server-error"
url = "{e500}"

[[source]]
name = "garbage"
url = "{garbage}"

[[source]]
name = "robots"
url = "{private}"
kind = "html"
[source.selectors]
items = "li a"
"#,
        healthy = healthy.url("/feed.xml"),
        e500 = bad.url("/500.xml"),
        garbage = bad.url("/garbage.xml"),
        private = bad.url("/private/list.html"),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feeds.toml"), config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(["build", "--week", "2015-W44", "--config"])
        .arg(dir.path().join("feeds.toml"))
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stdout}{stderr}");
    assert!(stderr.contains("server-error") && stderr.contains("HTTP 500 after 2 attempts"), "{stderr}");
    assert!(stderr.contains("garbage") && stderr.contains("not a feed"), "{stderr}");
    assert!(stderr.contains("robots") && stderr.contains("robots.txt"), "{stderr}");
    assert_eq!(bad.requests_to("/500.xml").len(), 2, "retried once");
    assert!(bad.requests_to("/private/list.html").is_empty(), "robots.txt was honoured");
    assert!(stdout.contains("healthy") && stdout.contains("218 items"), "{stdout}");
    let html = std::fs::read_to_string(dir.path().join("output/2015-W44/index.html")).unwrap();
    assert!(html.contains("guangzhou-docker-event-summary"));
}
