//! Network faults from a scripted server on 127.0.0.1, each next to a healthy source: slow and
//! stalled servers, broken connections, error statuses with and without `Retry-After`,
//! redirect loops and chains. Every run must end within its timeouts, report each broken
//! source with its reason, still build the healthy posts and leave the database intact.

mod common;

use std::time::Duration;

use common::Reply;
use common::fault::{FAST_FETCH, Scenario, assert_failed, assert_ok, healthy_feed};

#[test]
fn slow_and_stalled_servers_end_within_the_timeout() {
    let mut s = Scenario::new(FAST_FETCH);
    s.source("no-headers", "/silent.xml", vec![Reply::ok(healthy_feed()).delay(Duration::from_secs(300))])
        .source("stalled-body", "/stalled.xml", vec![Reply::ok(healthy_feed()).stall_after(40)])
        // Slowloris: a byte every 100 ms keeps the connection alive but never finishes in 2 s.
        .source("slowloris", "/drip.xml", vec![Reply::ok(healthy_feed()).trickle(Duration::from_millis(100))]);
    let run = s.build();
    // Two attempts of at most 2 s each, sources in parallel: well under 10 s.
    s.assert_survived(&run, Duration::from_secs(10), 256);
    for name in ["no-headers", "stalled-body", "slowloris"] {
        assert_failed(&run, name, "timed out after 2s (2 attempts)");
    }
    assert_eq!(s.bad.requests_to("/drip.xml").len(), 2);
}

#[test]
fn connection_resets_and_early_closes_are_network_errors() {
    let mut s = Scenario::new(FAST_FETCH);
    s.source("reset-at-once", "/reset.xml", vec![Reply::reset()])
        .source("reset-mid-body", "/reset-body.xml", vec![Reply::ok(healthy_feed()).reset_after(60)])
        .source("closed-mid-body", "/closed.xml", vec![Reply::ok(healthy_feed()).close_after(60)])
        // A reset on the first try only: the retry succeeds and the source is fine.
        .source("reset-once", "/flaky.xml", vec![Reply::reset(), Reply::ok(healthy_feed())]);
    let run = s.build();
    s.assert_survived(&run, Duration::from_secs(10), 256);
    assert_failed(&run, "reset-at-once", "(2 attempts)");
    assert_failed(&run, "reset-mid-body", "(2 attempts)");
    assert_failed(&run, "closed-mid-body", "(2 attempts)");
    assert_ok(&run, "reset-once", 2);
    assert_eq!(s.bad.requests_to("/reset.xml").len(), 2, "a reset is retried");
}

#[test]
fn error_statuses_with_and_without_retry_after() {
    let mut s = Scenario::new(&format!("{FAST_FETCH}retries = 2\n").replace("retries = 1\n", ""));
    s.source("gone-404", "/404.xml", vec![Reply::status(404).body("not here")])
        .source("gone-410", "/410.xml", vec![Reply::status(410)])
        .source("busy-429", "/429.xml", vec![Reply::status(429).header("Retry-After", "1")])
        .source("down-500", "/500.xml", vec![Reply::status(500)])
        .source("down-503", "/503.xml", vec![Reply::status(503).header("Retry-After", "3600")])
        .source("bad-retry-after", "/503b.xml", vec![Reply::status(503).header("Retry-After", "soon, maybe")])
        // 429 then success: honouring Retry-After gets the feed.
        .source(
            "recovers",
            "/recovers.xml",
            vec![Reply::status(429).header("Retry-After", "1"), Reply::ok(healthy_feed())],
        );
    let run = s.build();
    // Retry-After 3600 is capped at max_retry_after = 1 s: two waits of 1 s, not an hour.
    s.assert_survived(&run, Duration::from_secs(12), 256);
    assert_failed(&run, "gone-404", "HTTP 404 after 1 attempt");
    assert_failed(&run, "gone-410", "HTTP 410 after 1 attempt");
    assert_failed(&run, "busy-429", "HTTP 429 after 3 attempts");
    assert_failed(&run, "down-500", "HTTP 500 after 3 attempts");
    assert_failed(&run, "down-503", "HTTP 503 after 3 attempts");
    assert_failed(&run, "bad-retry-after", "HTTP 503 after 3 attempts");
    assert_ok(&run, "recovers", 2);
    assert_eq!(s.bad.requests_to("/404.xml").len(), 1, "a 404 is not retried");
    assert_eq!(s.bad.requests_to("/410.xml").len(), 1, "a 410 is not retried");
    assert_eq!(s.bad.requests_to("/503.xml").len(), 3);
    assert_eq!(s.bad.requests_to("/recovers.xml").len(), 2);
}

#[test]
fn redirect_loops_and_chains() {
    let mut s = Scenario::new(&format!("{FAST_FETCH}max_redirects = 5\n"));
    let url = |p: &str| s.bad.url(p).to_string();
    let (a, b, self_loop) = (url("/loop-b.xml"), url("/loop-a.xml"), url("/self.xml"));
    s.bad.route("/loop-b.xml", Reply::redirect(302, &b));
    s.source("redirect-loop", "/loop-a.xml", vec![Reply::redirect(301, &a)]);
    s.source("redirect-self", "/self.xml", vec![Reply::redirect(307, &self_loop)]);
    // A chain of 4 hops ends at the feed: followed. A chain of 8 is more than max_redirects.
    for (prefix, hops) in [("short", 4), ("long", 8)] {
        for i in 1..hops {
            let next = s.bad.url(&format!("/{prefix}{}.xml", i + 1)).to_string();
            s.bad.route(&format!("/{prefix}{i}.xml"), Reply::redirect(302, &next));
        }
        s.bad.route(&format!("/{prefix}{hops}.xml"), Reply::ok(healthy_feed()));
    }
    s.source("chain-4", "/short0.xml", vec![Reply::redirect(302, s.bad.url("/short1.xml").as_ref())]);
    s.source("chain-8", "/long0.xml", vec![Reply::redirect(302, s.bad.url("/long1.xml").as_ref())]);
    let run = s.build();
    s.assert_survived(&run, Duration::from_secs(10), 256);
    assert_failed(&run, "redirect-loop", "redirect loop");
    assert_failed(&run, "redirect-self", "redirect loop");
    assert_failed(&run, "chain-8", "too many redirects (more than 5)");
    assert_ok(&run, "chain-4", 2);
    assert_eq!(s.bad.requests_to("/long6.xml").len(), 0, "stopped at the limit");
}
