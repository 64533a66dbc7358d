//! The organizer's commands, run as the real binary: `init`, `sources`, `import` and
//! `export --opml`, `completions`, `man` and the examples in every `--help`.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Reply, TestServer, offline_example};

fn digest(dir: &Path, args: &[&str]) -> Output {
    common::run::in_dir(dir, args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(out: &Output) -> String {
    format!("{}{}", stdout(out), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn init_writes_a_working_commented_config_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = digest(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let written = std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap();
    assert!(written.lines().filter(|l| l.starts_with('#')).count() > 20, "it explains itself");
    assert!(!dir.path().join("templates").exists(), "templates only when asked");
    // It is a valid config as written: `build` runs on it.
    let out = digest(dir.path(), &["build", "--week", "2015-W44", "--no-fetch"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    std::fs::write(dir.path().join("feeds.toml"), "# mine\n").unwrap();
    let out = digest(dir.path(), &["init", "--templates"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("feeds.toml already exists; use --force"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap(), "# mine\n");
    assert!(!dir.path().join("templates").exists(), "nothing is written when anything exists");

    let out = digest(dir.path(), &["init", "--templates", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap(), written);
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in ["newsletter.html.hbs", "newsletter.txt.hbs", "archive.html.hbs", "README.md"] {
        assert_eq!(
            std::fs::read(dir.path().join("templates").join(name)).unwrap(),
            std::fs::read(builtin.join(name)).unwrap(),
            "{name}"
        );
    }
    // The copied templates build the same newsletter as the built-in ones.
    let out = digest(dir.path(), &["build", "--week", "2015-W44", "--no-fetch", "--templates", "templates"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn sources_shows_what_the_store_knows_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start();
    server.route("/gone.xml", Reply::status(404));
    let config = offline_example(dir.path());
    let mut text_cfg = std::fs::read_to_string(&config).unwrap();
    text_cfg = text_cfg.replacen(
        "[[source]]",
        &format!("[[source]]\nname = \"gone\"\nurl = \"{}\"\n\n[[source]]", server.url("/gone.xml")),
        1,
    );
    std::fs::write(&config, text_cfg).unwrap();
    let cfg = config.to_str().unwrap();

    // Before any run: every source is listed as never fetched.
    let out = digest(dir.path(), &["sources", "--config", cfg, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);
    assert!(rows.as_array().unwrap().iter().all(|r| r["status"] == "never" && r["items"] == 0));

    let out = digest(dir.path(), &["fetch", "--config", cfg]);
    assert_eq!(out.status.code(), Some(3), "one source fails: {}", text(&out));
    let out = digest(dir.path(), &["sources", "--config", cfg, "--json"]);
    assert_eq!(out.status.code(), Some(3), "a source whose last run failed: exit 3: {}", text(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = |name: &str| rows.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
    let gone = row("gone");
    assert_eq!(gone["status"], "failed");
    assert_eq!(gone["consecutive_failures"], 1);
    assert!(gone["last_error"].as_str().unwrap().contains("HTTP 404"), "{gone}");
    let rss = row("techparty-rss");
    assert_eq!(rss["status"], "ok");
    assert_eq!(rss["kind"], "rss");
    assert_eq!(rss["http_status"], 200);
    assert!(rss["items"].as_i64().unwrap() > 10, "{rss}");
    assert_eq!(rss["new_this_week"], rss["items"], "everything was first stored now: {rss}");
    assert!(rss["last_fetch"].as_str().is_some());

    // A second failure counts up; the table shows the same.
    digest(dir.path(), &["fetch", "--config", cfg]);
    let out = digest(dir.path(), &["sources", "--config", cfg]);
    let table = stdout(&out);
    assert!(table.starts_with("source"), "{table}");
    let line = table.lines().find(|l| l.starts_with("gone ")).unwrap();
    assert!(line.contains("failed") && line.contains(" 2  ") && line.contains("HTTP 404"), "{line}");
    assert!(!table.contains('\u{1b}'), "no colour when stdout is not a terminal: {table}");
    let line = table.lines().find(|l| l.starts_with("docker-cn-blog ")).unwrap();
    assert!(line.contains("html") && line.contains(" ok ") && line.contains(" 200 "), "{line}");
}

#[test]
fn opml_export_and_import_round_trip_through_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = offline_example(dir.path());
    let cfg = config.to_str().unwrap();
    let out = digest(dir.path(), &["export", "--opml", "--config", cfg, "--out", "subscriptions.opml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let opml = std::fs::read_to_string(dir.path().join("subscriptions.opml")).unwrap();
    assert!(opml.contains("xmlUrl=\"file://") && opml.contains("<opml version=\"2.0\">"), "{opml}");

    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    assert_eq!(digest(&fresh, &["init"]).status.code(), Some(0));
    let before = std::fs::read_to_string(fresh.join("feeds.toml")).unwrap();
    let out = digest(&fresh, &["import", "../subscriptions.opml", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("would add techparty-rss"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(fresh.join("feeds.toml")).unwrap(), before, "a dry run changes nothing");

    let out = digest(&fresh, &["import", "../subscriptions.opml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("2 feeds, 2 added"), "the HTML source has no feed to import: {}", text(&out));
    let after = std::fs::read_to_string(fresh.join("feeds.toml")).unwrap();
    assert!(after.starts_with(&before), "the commented file is kept as it was");
    // The imported sources are real: fetching them works.
    let out = digest(&fresh, &["fetch"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("fetched 2 sources (0 failed)"), "{}", text(&out));
    let out = digest(&fresh, &["import", "../subscriptions.opml"]);
    assert!(stdout(&out).contains("0 added") && stdout(&out).contains("2 already there"), "{}", text(&out));

    std::fs::write(dir.path().join("broken.opml"), "<opml version=\"2.0\"><body>").unwrap();
    let out = digest(&fresh, &["import", "../broken.opml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("broken.opml"), "the error names the file: {}", text(&out));
    assert_eq!(std::fs::read_to_string(fresh.join("feeds.toml")).unwrap(), after);
}

#[test]
fn completions_and_man_page_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let commands =
        ["build", "fetch", "export", "send", "check", "init", "sources", "import", "preview", "completions", "man"];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = digest(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let script = stdout(&out);
        for c in commands {
            assert!(script.contains(c), "{shell} completion lacks {c}");
        }
    }
    let out = digest(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".ie") && page.contains(".TH digest 1"), "{page}");
    for c in commands {
        assert!(page.contains(&format!(".SH \"DIGEST {}\"", c.to_uppercase())), "man page lacks {c}");
    }
    assert!(page.contains("EXIT STATUS") && page.contains("NO_COLOR"), "{page}");
    assert_eq!(digest(dir.path(), &["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn every_command_help_has_examples_and_the_exit_codes_are_documented() {
    let dir = tempfile::tempdir().unwrap();
    let out = digest(dir.path(), &["--help"]);
    assert!(stdout(&out).contains("Exit codes: 0 success, 1 error, 2 usage error, 3 partial"), "{}", text(&out));
    for c in ["build", "fetch", "export", "send", "check", "init", "sources", "import", "preview", "completions", "man"]
    {
        let out = digest(dir.path(), &[c, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("Example"), "`digest {c} --help` shows no example: {}", stdout(&out));
    }
}
