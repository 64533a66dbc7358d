//! `digest parse`: files from disk through the real decode + parse path, summary line,
//! per-file errors on stderr, `--files` lists and `--json`.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

fn digest(dir: &Path, args: &[&str]) -> Output {
    common::run::in_dir(dir, args).output().unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn size(path: &Path) -> usize {
    std::fs::metadata(path).unwrap().len() as usize
}

const TECHPARTY: &str = "examples/snapshot/techparty.org/feed.xml";
const DOCKER_ATOM: &str = "examples/snapshot/docker.cn/feed.xml";
const JSON_FEED: &str = "tests/fixtures/parse/feed11.json";

#[test]
fn counts_items_and_bytes_of_rss_atom_and_json_feed_without_a_config() {
    // No feeds.toml in the folder: `parse` needs none.
    let dir = tempfile::tempdir().unwrap();
    let files = [repo(TECHPARTY), repo(DOCKER_ATOM), repo(JSON_FEED)];
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let out = digest(dir.path(), &[&["parse"], args.as_slice()].concat());
    let bytes: usize = files.iter().map(|p| size(p)).sum();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("items=52 bytes={bytes} errors=0\n"));
}

#[test]
fn gb18030_file_is_decoded_and_broken_files_are_named_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let feed = "<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<rss version=\"2.0\"><channel><title>社区</title>\
                <item><title>容器技术沙龙</title><link>http://a.test/1</link><pubDate>Sat, 31 Oct 2015 14:00:00 +0800</pubDate></item>\
                <item><title>第二篇 &amp; more</title><link>http://a.test/2</link></item></channel></rss>";
    let (gb, _, _) = encoding_rs::GB18030.encode(feed);
    std::fs::write(dir.path().join("gb.xml"), &gb).unwrap();
    std::fs::write(dir.path().join("page.html"), "<!DOCTYPE html><html><body>no feed</body></html>").unwrap();
    std::fs::write(dir.path().join("cut.xml"), "<rss><channel><item><title>x").unwrap();
    std::fs::write(dir.path().join("list"), "gb.xml\n\n# comment\npage.html\ncut.xml\nmissing.xml\n").unwrap();

    let out = digest(dir.path(), &["parse", "--files", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let bytes = gb.len() + size(&dir.path().join("page.html")) + size(&dir.path().join("cut.xml"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("items=2 bytes={bytes} errors=3\n"));
    for (file, why) in [("page.html", "HTML page"), ("cut.xml", "line 1"), ("missing.xml", "No such file")] {
        assert!(stderr.lines().any(|l| l.contains(file) && l.contains(why)), "{file}: {stderr}");
    }
    assert!(!stderr.contains("gb.xml"), "{stderr}");

    // --json: the items, decoded from GB18030, with the file they came from.
    let out = digest(dir.path(), &["parse", "--json", "gb.xml"]);
    assert_eq!(out.status.code(), Some(0));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "容器技术沙龙");
    assert_eq!(items[0]["file"], "gb.xml");
    assert_eq!(items[0]["format"], "Rss");
    assert_eq!(items[0]["published"], "2015-10-31T14:00:00+08:00");
    assert_eq!(items[1]["title"], "第二篇 & more");
    assert_eq!(String::from_utf8_lossy(&out.stderr), format!("items=2 bytes={} errors=0\n", gb.len()));
}

#[test]
fn no_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(digest(dir.path(), &["parse"]).status.code(), Some(2));
}
