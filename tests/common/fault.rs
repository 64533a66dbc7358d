//! A fault scenario: one healthy feed and any number of broken sources, each served by the
//! scripted [`TestServer`] on 127.0.0.1, built with `digest build` under small timeouts.
//! [`Scenario::assert_survived`] checks what every fault must leave intact: the run ends
//! in time with exit code 3, the healthy items are built, memory stayed bounded and the state
//! database passes `PRAGMA integrity_check`.

use std::path::PathBuf;
use std::time::Duration;

use super::run::{self, Finished};
use super::{Reply, TestServer};

/// The week every scenario builds; the healthy feed's posts fall in it.
pub const WEEK: &str = "2015-W44";

/// Titles of the healthy feed, looked for in the built newsletter.
pub const HEALTHY_TITLES: [&str; 2] =
    ["Healthy source: container meetup recap", "Kubernetes scheduling internals, explained slowly"];

/// Small timeouts so a fault costs seconds: 2 s per attempt, one retry, 1 s Retry-After cap.
pub const FAST_FETCH: &str = "timeout = 2\nconnect_timeout = 2\nretries = 1\nbackoff_ms = 1\nmax_retry_after = 1\n";

/// An RSS 2.0 document with these (title, link, pubDate) items.
pub fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>");
    s.push_str("<title>Test feed</title><link>http://127.0.0.1/</link><description>d</description>\n");
    for (title, link, date) in items {
        s.push_str(&format!(
            "<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>\
             <description>About {title}: what happened and what comes next.</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// The healthy source's feed.
pub fn healthy_feed() -> String {
    rss(&[
        (HEALTHY_TITLES[0], "http://healthy.test/a", "Wed, 28 Oct 2015 10:00:00 +0800"),
        (HEALTHY_TITLES[1], "http://healthy.test/b", "Thu, 29 Oct 2015 10:00:00 +0800"),
    ])
}

/// A build folder with its servers and sources.
pub struct Scenario {
    /// Serves the healthy feed at `/feed.xml`.
    pub healthy: TestServer,
    /// Serves the broken sources.
    pub bad: TestServer,
    /// Config, output and state live here.
    pub dir: tempfile::TempDir,
    fetch: String,
    sources: Vec<String>,
}

impl Scenario {
    /// A scenario with these `[fetch]` settings (TOML lines) and only the healthy source.
    pub fn new(fetch: &str) -> Scenario {
        let healthy = TestServer::start();
        healthy.route("/feed.xml", Reply::ok(healthy_feed()).header("Content-Type", "application/rss+xml"));
        let source = format!("[[source]]\nname = \"healthy\"\nurl = \"{}\"\n", healthy.url("/feed.xml"));
        Scenario {
            healthy,
            bad: TestServer::start(),
            dir: tempfile::tempdir().expect("temp dir"),
            fetch: fetch.to_string(),
            sources: vec![source],
        }
    }

    /// Adds source `name` answered at `path` of the bad server by `replies` in turn.
    pub fn source(&mut self, name: &str, path: &str, replies: Vec<Reply>) -> &mut Scenario {
        self.bad.route_seq(path, replies);
        let url = self.bad.url(path);
        self.source_toml(&format!("[[source]]\nname = \"{name}\"\nurl = \"{url}\"\n"))
    }

    /// Adds a `[[source]]` table as written.
    pub fn source_toml(&mut self, toml: &str) -> &mut Scenario {
        self.sources.push(toml.to_string());
        self
    }

    /// The config file (written by [`Scenario::build`]).
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("feeds.toml")
    }

    /// The state database.
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("state/digest.sqlite")
    }

    /// A file of the built week, e.g. `index.html`.
    pub fn output(&self, file: &str) -> PathBuf {
        self.dir.path().join("output").join(WEEK).join(file)
    }

    /// Writes the config file.
    pub fn build_config(&self) {
        let config =
            format!("output = \"output\"\nstate = \"state\"\n\n[fetch]\n{}\n{}", self.fetch, self.sources.join("\n"));
        std::fs::write(self.config_path(), config).expect("write config");
    }

    /// Writes the config and runs `digest build --week 2015-W44`.
    pub fn build(&self) -> Finished {
        self.build_config();
        let path = self.config_path();
        run::digest(&["build", "--week", WEEK, "--config", path.to_str().expect("utf-8 path")])
    }

    /// The run ended within `max` with exit code 3 (partial), the healthy posts are in the
    /// newsletter, peak memory stayed under `max_rss_mib` and the database is intact.
    pub fn assert_survived(&self, run: &Finished, max: Duration, max_rss_mib: u64) {
        let out = run.output();
        // Shown with --nocapture: the figures the fault table reports.
        eprintln!("run took {:?}, peak RSS {} MiB\n{}", run.elapsed, run.peak_rss >> 20, run.stdout);
        assert_eq!(run.code, Some(3), "partial exit expected:\n{out}");
        assert!(run.elapsed < max, "took {:?}, more than {max:?}:\n{out}", run.elapsed);
        assert!(run.peak_rss < max_rss_mib << 20, "peak RSS {} MiB over {max_rss_mib} MiB", run.peak_rss >> 20);
        let html = std::fs::read_to_string(self.output("index.html")).expect("newsletter built");
        for title in HEALTHY_TITLES {
            assert!(html.contains(title), "healthy post {title:?} missing from the newsletter");
        }
        assert!(run.stdout.contains("healthy") && run.stdout.contains("2 items"), "{out}");
        run::assert_db_intact(&self.db_path());
    }
}

/// Asserts the run's summary reports source `name` as failed with a reason containing `reason`.
pub fn assert_failed(run: &Finished, name: &str, reason: &str) {
    let line = run.stdout.lines().find(|l| l.split_whitespace().next() == Some(name));
    let line = line.unwrap_or_else(|| panic!("no summary line for {name}:\n{}", run.output()));
    assert!(line.contains("failed") && line.contains(reason), "{name}: expected {reason:?} in {line:?}");
}

/// Asserts the run's summary reports source `name` as fetched with `items` items.
pub fn assert_ok(run: &Finished, name: &str, items: usize) {
    let line = run.stdout.lines().find(|l| l.split_whitespace().next() == Some(name));
    let line = line.unwrap_or_else(|| panic!("no summary line for {name}:\n{}", run.output()));
    assert!(line.contains(" ok ") && line.contains(&format!(" {items} items")), "{name}: {line:?}");
}
