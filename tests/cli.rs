//! The `digest` binary's behaviour at its edges: config errors, `check`, template overrides.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::fixture_proxy::FixtureProxy;

fn digest(dir: &Path, args: &[&str], proxy: Option<&FixtureProxy>) -> Output {
    let mut cmd = common::run::in_dir(dir, args);
    if let Some(p) = proxy {
        cmd.env("HTTP_PROXY", &p.url).env("NO_PROXY", "");
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

const DOCKER_HTML: &str = r#"[[source]]
name = "docker-cn-blog"
url = "http://docker.cn/"
kind = "html"

[source.selectors]
items = "ul.post-list a.post-link"
title = "h1.post-title"
date = "time.dt-published"
content = "div.post-content"
"#;

#[test]
fn config_errors_name_file_line_and_key_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feeds.toml"),
        "[[source]]\nname = \"a\"\nurl = \"http://a.test/\"\nkinds = \"rss\"\n",
    )
    .unwrap();
    let out = digest(dir.path(), &["build", "--no-fetch"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("feeds.toml:4:1") && err.contains("kinds"), "{err}");

    let out = digest(dir.path(), &["--config", "missing.toml", "fetch"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}

#[test]
fn bad_week_and_unknown_option_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feeds.toml"), "").unwrap();
    let out = digest(dir.path(), &["build", "--week", "2015-44", "--no-fetch"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("expected YYYY-Www"), "{}", text(&out));
    let out = digest(dir.path(), &["build", "--bogus"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_shows_status_items_and_what_each_selector_matched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feeds.toml"), DOCKER_HTML).unwrap();
    let proxy = FixtureProxy::start();
    let out = digest(dir.path(), &["check"], Some(&proxy));
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("status: ok, 95 items"), "{t}");
    assert!(t.contains(r#"selector items = "ul.post-list a.post-link": 95 matches"#), "{t}");
    assert!(t.contains("http://docker.cn/blog/2014/09/29/build-your-own-docker-repository.html"), "{t}");
    assert!(t.contains(r#"selector title = "h1.post-title": 1 matches"#), "{t}");
    assert!(t.contains("创建自己的 Docker Repository"), "the title sample is shown: {t}");
    // check stores nothing.
    assert!(!dir.path().join("state").exists());

    let out = digest(dir.path(), &["check", "--json", "--source", "docker-cn-blog"], Some(&proxy));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["items"], 95);
    let out = digest(dir.path(), &["check", "--source", "nope"], Some(&proxy));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no source named `nope`"));
}

#[test]
fn templates_can_be_overridden_and_broken_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feeds.toml"), "").unwrap();
    let tpl = dir.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(tpl.join("newsletter.txt.hbs"), "custom {{week}} {{post_count}}\n").unwrap();
    let out = digest(dir.path(), &["build", "--week", "2015-W44", "--templates", "tpl"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("output/2015-W44/newsletter.txt")).unwrap(),
        "custom 2015-W44 0\n"
    );

    std::fs::write(tpl.join("newsletter.txt.hbs"), "{{#each sections}}oops").unwrap();
    let out = digest(dir.path(), &["build", "--week", "2015-W44", "--templates", "tpl"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("newsletter.txt.hbs"), "{}", text(&out));
    // The earlier output is intact.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("output/2015-W44/newsletter.txt")).unwrap(),
        "custom 2015-W44 0\n"
    );

    std::fs::write(tpl.join("newsletter.txt.hbs"), "{{no_such_variable}}").unwrap();
    let out = digest(dir.path(), &["build", "--week", "2015-W44", "--templates", "tpl"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no_such_variable"), "{}", text(&out));
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    // `digest export | head`: the reader is gone before digest writes.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feeds.toml"), "").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(["export", "--since", "2015-01-01", "--until", "2015-12-31"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
