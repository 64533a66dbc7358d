//! `digest send` against a real SMTP server on 127.0.0.1: each subscriber gets their edition
//! with both parts, a bad address and a refused recipient (550) are reported while the rest
//! go, the exit code says "partial", and a rerun sends no second copy.

mod common;

use std::process::Command;

use common::issue::{self, WEEK};
use common::smtp_sink::SmtpSink;
use mail_parser::MessageParser;

fn send(config_path: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(["send", "--week", WEEK, "--config"])
        .arg(config_path)
        .args(extra)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn sends_each_edition_once_and_reports_failures() {
    let sink = SmtpSink::start(&["refused@example.org"]);
    let dir = tempfile::tempdir().unwrap();
    issue::build(dir.path(), None);
    let list = dir.path().join("subscribers.csv");
    std::fs::write(
        &list,
        "address,name,language\nzh@example.org,张三,zh\nen@example.org,John Smith,en\nboth@example.org,,both\n\
         not an address,,zh\nrefused@example.org,,en\n",
    )
    .unwrap();
    let config_path = dir.path().join("feeds.toml");
    let mut text = issue::config_text(dir.path(), None);
    text.push_str(&format!(
        "host = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nrate = 20.0\nsubscribers = \"subscribers.csv\"\n",
        sink.port()
    ));
    std::fs::write(&config_path, text).unwrap();

    let (code, out) = send(&config_path, &["--dry-run"]);
    assert_eq!(code, 3, "the bad address fails even in a dry run: {out}");
    assert!(out.contains("would send    zh   zh@example.org"), "{out}");
    assert!(sink.messages().is_empty(), "dry run sends nothing");

    let (code, out) = send(&config_path, &[]);
    assert_eq!(code, 3, "partial: {out}");
    assert!(out.contains("FAILED") && out.contains("not an address") && out.contains("refused@example.org"), "{out}");
    assert!(out.contains("3 sent"), "{out}");
    let got = sink.messages();
    assert_eq!(got.len(), 3, "{got:?}");
    for (rcpt, lang, name, label) in [
        ("zh@example.org", "zh", Some("张三"), "近期活动"),
        ("en@example.org", "en", Some("John Smith"), "Upcoming events"),
        ("both@example.org", "zh, en", None, "近期活动 · Upcoming events"),
    ] {
        let m = got.iter().find(|m| m.to == [rcpt]).unwrap_or_else(|| panic!("{rcpt} got nothing"));
        assert_eq!(m.from, "weekly@example.org");
        let msg = MessageParser::default().parse(&m.data).unwrap();
        let to = msg.to().unwrap().first().unwrap();
        assert_eq!((to.address(), to.name()), (Some(rcpt), name));
        let raw = String::from_utf8_lossy(&m.data);
        assert!(raw.contains(&format!("\r\nContent-Language: {lang}\r\n")), "{rcpt}: {lang}");
        assert!(msg.body_html(0).unwrap().contains(label), "{rcpt}");
        assert!(msg.body_text(0).unwrap().contains(label), "{rcpt}");
        assert!(msg.header("List-Unsubscribe").is_some() && msg.header("List-Unsubscribe-Post").is_some());
        assert!(msg.subject().unwrap().contains("2015-W44"));
    }

    // A rerun (say after a crash) sends nobody a second copy; the failures are retried.
    let (code, out) = send(&config_path, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("already sent  zh   zh@example.org")
            && out.contains("0 sent, 0 would send, 3 already sent, 2 failed"),
        "{out}"
    );
    assert_eq!(sink.messages().len(), 3, "no second copy");
}

#[test]
fn send_needs_a_built_week() {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("feeds.toml");
    std::fs::write(&config_path, issue::config_text(dir.path(), None)).unwrap();
    std::fs::write(dir.path().join("subscribers.csv"), "a@example.org,,zh\n").unwrap();
    let (code, out) = send(&config_path, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not built; run `digest build --week 2015-W44` first"), "{out}");
}
