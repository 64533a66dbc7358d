//! The process under stress: two builds at once, SIGKILL at seeded points during a build,
//! `send` killed mid-run, and a source failing several runs in a row. Outputs stay complete,
//! the database consistent, nobody gets a newsletter twice, and failing sources are flagged
//! while their last good posts stay in the newsletter.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::fault::{FAST_FETCH, Scenario, WEEK, assert_failed, rss};
use common::run::{self, assert_db_intact};
use common::{Reply, fixture_site};

/// Every file under `dir`, by path.
fn snapshot(dir: &Path) -> HashMap<PathBuf, Vec<u8>> {
    common::files_under(dir).into_iter().map(|path| (path.clone(), std::fs::read(&path).unwrap())).collect()
}

/// Asserts a published file is complete: it parses as what its name says.
fn assert_complete(path: &Path, bytes: &[u8]) {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let text = String::from_utf8_lossy(bytes);
    let ok = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => text.trim_end().ends_with("</html>"),
        Some("atom") => text.parse::<atom_syndication::Feed>().is_ok(),
        Some("rss") => rss::Channel::read_from(bytes).is_ok(),
        Some("json") => serde_json::from_slice::<serde_json::Value>(bytes).is_ok(),
        Some("ics") => text.trim_end().ends_with("END:VCALENDAR"),
        Some("eml") => mail_parser::MessageParser::default().parse(bytes).is_some_and(|m| m.body_html(0).is_some()),
        Some("txt") => !text.trim().is_empty(),
        _ => true,
    };
    assert!(ok, "{name} is incomplete after a kill");
}

/// How many builds the SIGKILL test kills mid-run.
const KILLS: usize = 6;

#[test]
fn sigkill_at_seeded_points_leaves_outputs_complete_and_the_database_intact() {
    let site = common::TestServer::serve_dir(fixture_site("techparty.org"));
    let mut s = Scenario::new(FAST_FETCH);
    s.source_toml(&format!("[[source]]\nname = \"techparty\"\nurl = \"{}\"\nkind = \"rss\"\n", site.url("/feed.xml")));
    assert_eq!(s.build().code, Some(0));
    // A rebuild (conditional GETs answered 304) is what the kills interrupt: time one.
    let first = s.build();
    assert_eq!(first.code, Some(0), "{}", first.output());
    let out_dir = s.dir.path().join("output");
    let before = snapshot(&out_dir);
    let config = s.config_path();
    // Deterministic "random" points over the length of a full build (xorshift, fixed seed).
    // Build times vary with the machine's load, so the points scale with the fastest build
    // seen so far, and rounds go on (bounded) until enough builds were really killed.
    let mut x: u64 = 0x005e_edd1_6e57;
    let mut full = first.elapsed;
    let (mut killed, mut rounds) = (0, 0);
    while killed < KILLS && rounds < 8 * KILLS {
        let round = rounds;
        rounds += 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let at = full.mul_f64((x % 900) as f64 / 1000.0);
        let mut child = run::command(&["build", "--week", WEEK, "--quiet", "--config", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        // Bounded wait for the kill point (or the end of the build, if it comes first).
        while started.elapsed() < at && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        eprintln!("round {round}: kill at {at:?} of {full:?} -> {status}");
        if status.success() {
            full = full.min(started.elapsed());
        }
        killed += usize::from(std::os::unix::process::ExitStatusExt::signal(&status) == Some(9));
        for (path, bytes) in snapshot(&out_dir) {
            if path.file_name().unwrap().to_string_lossy().starts_with(".digest-") {
                continue; // a temporary file the killed write left: never a published name
            }
            if before.get(&path) != Some(&bytes) {
                assert_complete(&path, &bytes);
            }
        }
        assert_db_intact(&s.db_path());
    }
    assert_eq!(killed, KILLS, "only {killed} of {rounds} builds were killed before they ended");
    // And a full build afterwards gives the same newsletter as before.
    let again = s.build();
    assert_eq!(again.code, Some(0), "{}", again.output());
    let html = |m: &HashMap<PathBuf, Vec<u8>>| m[&s.output("index.html")].clone();
    let after = snapshot(&out_dir);
    assert_eq!(html(&after), html(&before));
    let leftovers: Vec<_> =
        after.keys().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".digest-")).collect();
    assert!(leftovers.is_empty(), "the next build removes the killed writes' temporary files: {leftovers:?}");
}

#[test]
fn a_second_build_while_one_runs_exits_with_a_clear_message() {
    let s = Scenario::new(FAST_FETCH);
    // The first build holds the lock while its feed takes 1.5 s to answer.
    s.healthy.route("/feed.xml", Reply::ok(common::fault::healthy_feed()).delay(Duration::from_millis(1500)));
    s.build_config();
    let config = s.config_path();
    let args = ["build", "--week", WEEK, "--config", config.to_str().unwrap()];
    let started = Instant::now();
    let first = run::command(&args).spawn().unwrap();
    while s.healthy.requests_to("/feed.xml").is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "first build never fetched");
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = run::digest(&args);
    let first = run::finish(first, started);
    assert_eq!(second.code, Some(1), "{}", second.output());
    assert!(
        second.stderr.contains("another digest run (pid ") && second.stderr.contains("try again"),
        "{}",
        second.stderr
    );
    assert_eq!(first.code, Some(0), "{}", first.output());
    assert_eq!(s.healthy.requests_to("/feed.xml").len(), 1, "the second build fetched nothing");
    assert_db_intact(&s.db_path());
}

#[test]
fn a_source_failing_runs_in_a_row_is_flagged_and_its_posts_kept() {
    let mut s = Scenario::new("timeout = 2\nretries = 0\n");
    let feed = rss(&[("Flaky source: last good post", "http://flaky.test/1", "Fri, 30 Oct 2015 10:00:00 +0800")]);
    s.source("flaky", "/flaky.xml", vec![Reply::ok(feed), Reply::status(500)]);
    assert_eq!(s.build().code, Some(0));
    for _ in 0..3 {
        let run = s.build();
        assert_failed(&run, "flaky", "HTTP 500 after 1 attempt");
        let html = std::fs::read_to_string(s.output("index.html")).unwrap();
        assert!(html.contains("Flaky source: last good post"), "the last good post is kept");
    }
    let check = run::digest(&["check", "--source", "flaky", "--config", s.config_path().to_str().unwrap()]);
    assert_eq!(check.code, Some(3), "{}", check.output());
    assert!(
        check.stdout.contains("history: failed 3 runs in a row; last error:") && check.stdout.contains("HTTP 500"),
        "{}",
        check.stdout
    );
    assert_db_intact(&s.db_path());
}

#[test]
fn send_killed_mid_run_resumes_without_sending_twice() {
    let sink = common::smtp_sink::SmtpSink::stalling_at(3);
    let dir = tempfile::tempdir().unwrap();
    common::issue::build(dir.path(), None);
    let addresses = ["a@example.org", "b@example.org", "c@example.org", "d@example.org"];
    let list: String = addresses.iter().map(|a| format!("{a},,en\n")).collect();
    std::fs::write(dir.path().join("subscribers.csv"), format!("address,name,language\n{list}")).unwrap();
    let mut text = common::issue::config_text(dir.path(), None);
    text.push_str(&format!(
        "host = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nrate = 100.0\nsubscribers = \"subscribers.csv\"\n",
        sink.port()
    ));
    let config = dir.path().join("feeds.toml");
    std::fs::write(&config, text).unwrap();
    let args = ["send", "--week", WEEK, "--config", config.to_str().unwrap()];
    let mut child = run::command(&args).spawn().unwrap();
    let started = Instant::now();
    // Kill it while the server sits on the third message.
    while !sink.stalled() {
        assert!(started.elapsed() < Duration::from_secs(30), "send never reached the third message");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(sink.messages().len(), 2);
    let rerun = run::digest(&args);
    assert_eq!(rerun.code, Some(0), "{}", rerun.output());
    assert!(rerun.stdout.contains("2 sent, 0 would send, 2 already sent, 0 failed"), "{}", rerun.stdout);
    let mut got: Vec<String> = sink.messages().iter().flat_map(|m| m.to.clone()).collect();
    got.sort();
    assert_eq!(got, addresses, "each subscriber exactly once");
    assert_db_intact(&dir.path().join("state/digest.sqlite"));
}
