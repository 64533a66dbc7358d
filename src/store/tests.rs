use super::*;
use crate::dedup::merge;
use crate::extract::{Item, Lang, PostKind};
use crate::parse::{ParsedItem, RawHtml};
use chrono::FixedOffset;

fn post_at(url: &str, published: Option<Timestamp>) -> Post {
    let item = Item {
        source: "src".into(),
        parsed: ParsedItem {
            guid: None,
            url: Some(url::Url::parse(url).unwrap()),
            canonical: None,
            title: format!("title of {url}"),
            author: None,
            published,
            updated: None,
            content_html: "<p>x</p>".into(),
            lang: None,
            categories: vec![],
        },
        lang: Lang::Zh,
        kind: PostKind::Other,
        events: vec![],
        talks: vec![],
    };
    merge(vec![item]).remove(0)
}

fn run(name: &str, outcome: RunOutcome, responses: Vec<CachedResponse>) -> SourceRun {
    SourceRun { name: name.into(), url: "http://a.org/feed".into(), outcome, responses }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2015, 11, 2, 1, 0, 0).unwrap()
}

#[test]
fn rerunning_never_duplicates_and_keeps_first_seen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/digest.sqlite");
    let posts = vec![post_at("http://a.org/1", Some(Timestamp::Day(day(2015, 10, 26))))];
    let v = Validators { etag: Some("\"abc\"".into()), last_modified: Some("Mon, 26 Oct 2015 00:00:00 GMT".into()) };
    {
        let mut s = Store::open(&path).unwrap();
        let new = s
            .save_run(
                &[run(
                    "src",
                    RunOutcome::Fresh,
                    vec![CachedResponse { url: "http://a.org/feed".into(), status: 200, validators: v.clone() }],
                )],
                &posts,
                now(),
            )
            .unwrap();
        assert_eq!(new, 1);
    }
    let mut s = Store::open(&path).unwrap();
    let later = now() + chrono::Duration::days(7);
    let new = s.save_run(&[run("src", RunOutcome::NotModified, vec![])], &posts, later).unwrap();
    assert_eq!(new, 0);
    assert_eq!(s.post_count().unwrap(), 1);
    assert_eq!(s.validators("http://a.org/feed").unwrap(), v);
    assert_eq!(s.validators("http://a.org/other").unwrap(), Validators::default());
    let first_seen: String = s.conn.query_row("SELECT first_seen FROM items", [], |r| r.get(0)).unwrap();
    assert_eq!(first_seen, now().to_rfc3339());
}

#[test]
fn week_selection_uses_local_dates() {
    let mut s = Store::in_memory().unwrap();
    let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
    let posts = vec![
        // Sunday 2015-10-25 23:30 UTC is Monday 07:30 in Shanghai: inside W44 there.
        post_at(
            "http://a.org/mon",
            Some(Timestamp::At(Utc.with_ymd_and_hms(2015, 10, 25, 23, 30, 0).unwrap().fixed_offset())),
        ),
        post_at("http://a.org/sun", Some(Timestamp::Day(day(2015, 11, 1)))),
        post_at("http://a.org/next", Some(Timestamp::At(shanghai.with_ymd_and_hms(2015, 11, 2, 0, 0, 0).unwrap()))),
        post_at("http://a.org/undated", None),
    ];
    s.save_run(&[run("src", RunOutcome::Fresh, vec![])], &posts, now() - chrono::Duration::days(3)).unwrap();
    let got: Vec<String> = s
        .posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::Asia::Shanghai)
        .unwrap()
        .into_iter()
        .map(|p| p.item.parsed.url.unwrap().path().to_string())
        .collect();
    // The undated post counts on the day it was first seen (2015-10-30).
    assert_eq!(got, vec!["/mon", "/undated", "/sun"]);
    let in_utc = s.posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap();
    assert!(in_utc.iter().all(|p| p.item.parsed.url.as_ref().unwrap().path() != "/mon"));
    assert_eq!(s.latest_posts(1).unwrap()[0].item.parsed.url.as_ref().unwrap().path(), "/next");
}

#[test]
fn failures_count_up_and_reset_on_success() {
    let mut s = Store::in_memory().unwrap();
    s.save_run(&[run("bad", RunOutcome::Failed("HTTP 500".into()), vec![])], &[], now()).unwrap();
    s.save_run(&[run("bad", RunOutcome::Failed("HTTP 503".into()), vec![])], &[], now()).unwrap();
    let st = &s.source_states().unwrap()[0];
    assert_eq!((st.consecutive_failures, st.last_error.as_deref()), (2, Some("HTTP 503")));
    let mut post = post_at("http://x/1", None);
    post.sources = vec!["bad".into()];
    s.save_run(&[run("bad", RunOutcome::Fresh, vec![])], &[post], now()).unwrap();
    let st = &s.source_states().unwrap()[0];
    assert_eq!((st.consecutive_failures, st.last_status.as_deref(), st.items), (0, Some("ok"), 1));
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    drop(Store::open(&path).unwrap());
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let err = Store::open(&path).err().unwrap().to_string();
    assert!(err.contains("schema version 99"), "{err}");
}

#[test]
fn a_stored_post_merges_with_a_copy_from_another_source() {
    let mut s = Store::in_memory().unwrap();
    let a = post_at("http://a.org/1", Some(Timestamp::Day(day(2015, 10, 26))));
    let mut b = a.clone();
    b.item.source = "other".into();
    b.sources = vec!["other".into()];
    b.item.parsed.published = None;
    s.save_run(&[], &[a], now()).unwrap();
    s.save_run(&[], &[b], now()).unwrap();
    let got = s.latest_posts(5).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].sources, vec!["src", "other"]);
    assert!(got[0].item.parsed.published.is_some(), "the stored date is kept");
}

fn talk(title: &str) -> crate::extract::Talk {
    crate::extract::Talk {
        title: title.into(),
        speakers: vec![],
        slides: None,
        video: None,
        transcript: None,
        event: None,
    }
}

#[test]
fn a_version_3_store_migrates_keeping_posts_bodies_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("digest.sqlite");
    let mut with_talk = post_at("http://a.org/talk", Some(Timestamp::Day(day(2015, 10, 27))));
    with_talk.item.talks.push(talk("Rust 实践"));
    with_talk.item.parsed.content_html = "<p>正文 \"quoted\" body</p>".into();
    let plain = post_at("http://a.org/plain", Some(Timestamp::Day(day(2015, 10, 28))));
    {
        // Written as digest wrote version 3: the body in a column and again inside `data`.
        let conn = Connection::open(&path).unwrap();
        for sql in &schema::MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        for (p, sort) in [(&with_talk, 1445904000_i64), (&plain, 1445990400)] {
            conn.execute(
                "INSERT INTO items (id, source, url, title, author, published, updated, content, lang, kind,
                 first_seen, sort_utc, data) VALUES (?1, 'src', ?2, ?3, NULL, NULL, NULL, ?4, 'zh', 'other', ?5, ?6, ?7)",
                params![
                    p.id,
                    p.item.parsed.url.as_ref().map(|u| u.as_str()),
                    p.item.parsed.title,
                    p.item.parsed.content_html.raw(),
                    now().to_rfc3339(),
                    sort,
                    version_3_json(p)
                ],
            )
            .unwrap();
            conn.execute("INSERT INTO item_sources (item_id, source) VALUES (?1, 'src')", [&p.id]).unwrap();
        }
    }
    let s = Store::open(&path).unwrap();
    let version: i64 = s.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, schema::VERSION);
    let got = s.posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap();
    assert_eq!(got, vec![with_talk.clone(), plain.clone()]);
    // Each body is stored once, and the table rebuild kept where each post was seen.
    let (in_json, sources): (i64, i64) = s
        .conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM items WHERE json_extract(data, '$.item.parsed.content_html') != ''),
             (SELECT COUNT(*) FROM item_sources)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((in_json, sources), (0, 2));
    let events = s.event_posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap();
    assert_eq!(events.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [with_talk.id.as_str()]);
    assert!(events[0].item.parsed.content_html.is_empty());
}

/// A post as version 3 wrote it into `data`: the body as a string of (sanitized) HTML.
fn version_3_json(p: &Post) -> String {
    let mut v = serde_json::to_value(p).unwrap();
    v["item"]["parsed"]["content_html"] = p.item.parsed.content_html.raw().into();
    v.to_string()
}

#[test]
fn event_posts_include_a_plain_post_carrying_an_event_posts_link() {
    let mut s = Store::in_memory().unwrap();
    let mut with_talk = post_at("http://a.org/talk", Some(Timestamp::Day(day(2015, 10, 27))));
    with_talk.item.talks.push(talk("Go 性能"));
    let mut repost = post_at("http://b.org/repost", Some(Timestamp::Day(day(2015, 10, 26))));
    repost.alternates.push(crate::dedup::Alternate {
        key: "a.org/talk".into(),
        source: "a".into(),
        url: with_talk.item.parsed.url.clone(),
        title: "t".into(),
        lang: Lang::Zh,
        relation: crate::dedup::Relation::Duplicate,
    });
    let unrelated = post_at("http://c.org/other", Some(Timestamp::Day(day(2015, 10, 28))));
    s.save_run(&[], &[with_talk.clone(), repost.clone(), unrelated], now()).unwrap();
    let got = s.event_posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap();
    // Oldest first, as `posts_between` orders them: the repost, then the post with the talk.
    assert_eq!(got.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [repost.id.as_str(), with_talk.id.as_str()]);
}

#[test]
fn packed_bodies_are_kept_packed_and_read_back_as_text() {
    let mut s = Store::in_memory().unwrap();
    let body = "<p>沙龙 <a href=\"s.pdf\">slides</a></p>".repeat(30);
    let mut packed = post_at("http://a.org/packed", Some(Timestamp::Day(day(2015, 10, 27))));
    packed.item.parsed.content_html = RawHtml::new(body.as_str(), url::Url::parse("http://a.org/").ok());
    packed.item.parsed.content_html.pack();
    assert!(packed.item.parsed.content_html.packed().is_some());
    let plain = post_at("http://a.org/plain", Some(Timestamp::Day(day(2015, 10, 28))));
    s.save_run(&[run("src", RunOutcome::Fresh, vec![])], &[packed.clone(), plain], now()).unwrap();
    let types: Vec<String> = s
        .conn
        .prepare("SELECT typeof(content) FROM items ORDER BY sort_utc")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(types, ["blob", "text"]);
    let got = s.posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap();
    assert_eq!(got[0].item.parsed.content_html, packed.item.parsed.content_html);
    assert_eq!(got[0].item.parsed.content_html.raw(), body);
    assert_eq!(got[1].item.parsed.content_html.raw(), "<p>x</p>");
    // Saving the same post again goes through the stored (packed) version and keeps it.
    s.save_run(&[run("src", RunOutcome::Fresh, vec![])], &[packed.clone()], now()).unwrap();
    let again = s.posts_between(day(2015, 10, 27), day(2015, 10, 27), chrono_tz::UTC).unwrap();
    assert_eq!(again[0].item.parsed.content_html.raw(), body);
    // A blob that does not unpack is reported as a corrupt post, naming it.
    for blob in ["x'00ff00ff01'", "x'0500000001'", "x'03000000309fff'"] {
        s.conn.execute(&format!("UPDATE items SET content = {blob} WHERE sort_utc < 1445904000 + 86400"), []).unwrap();
        let err = s.posts_between(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap_err().to_string();
        assert!(err.contains("packed body") && err.contains("034cbc57bb4fe6c3"), "{blob}: {err}");
    }
}

#[test]
fn a_new_store_gets_16k_pages_and_an_old_one_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let page_size = |s: &Store| s.conn.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(page_size(&Store::open(&dir.path().join("new.sqlite")).unwrap()), 16384);
    // A store made before: 4 KiB pages, current schema, one post.
    let path = dir.path().join("old.sqlite");
    let post = post_at("http://a.org/1", Some(Timestamp::Day(day(2015, 10, 26))));
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;").unwrap();
        for sql in schema::MIGRATIONS {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", schema::VERSION).unwrap();
    }
    Store::open(&path).unwrap().save_run(&[], std::slice::from_ref(&post), now()).unwrap();
    let s = Store::open(&path).unwrap();
    assert_eq!(page_size(&s), 4096);
    assert_eq!(s.posts_between(day(2015, 10, 26), day(2015, 10, 26), chrono_tz::UTC).unwrap(), vec![post]);
}

fn journal(s: &Store) -> (String, i64) {
    let mode = s.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    (mode, s.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap())
}

/// `n` posts of some 8 KB each, their bodies made from `seed`.
fn many_posts(n: usize, seed: usize) -> Vec<Post> {
    (0..n)
        .map(|i| {
            let mut p = post_at(&format!("http://a.org/{i}"), Some(Timestamp::Day(day(2015, 10, 26))));
            // Text that does not compress away: each post's own numbers.
            let body: String =
                (0..800).map(|k| format!("{:x} ", (i * 7919 + k + seed) * 2654435761 % 1000003)).collect();
            p.item.parsed.content_html = format!("<p>{body}</p>").into();
            p.item.parsed.content_html.pack();
            p
        })
        .collect()
}

#[test]
fn a_cold_run_is_written_with_a_rollback_journal_then_the_store_is_back_in_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut s = Store::open(&path).unwrap();
    assert_eq!(journal(&s), ("wal".into(), 1));
    assert!(s.begin_bulk(1).unwrap());
    assert_eq!(journal(&s), ("delete".into(), 2));
    s.end_bulk();
    assert_eq!(journal(&s), ("wal".into(), 1));
    let posts = many_posts(20, 0);
    assert_eq!(s.save_run(&[], &posts, now()).unwrap(), 20);
    assert_eq!(journal(&s), ("wal".into(), 1));
    // The store holds as many posts as a second run brings: that one stays in WAL.
    assert!(!s.begin_bulk(20).unwrap());
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(journal(&s), ("wal".into(), 1));
    assert_eq!(s.posts_between(day(2015, 10, 26), day(2015, 10, 26), chrono_tz::UTC).unwrap().len(), 20);
}

/// The secondary indexes as `sqlite_master` has them, by name.
fn indexes(s: &Store) -> Vec<(String, String)> {
    let mut q = s
        .conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_bulk_write_leaves_the_migrated_indexes_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("d.sqlite")).unwrap();
    let migrated = indexes(&s);
    let mut listed: Vec<(String, String)> =
        super::schema::SECONDARY_INDEXES.iter().map(|(n, sql)| (n.to_string(), sql.to_string())).collect();
    listed.sort();
    // Word for word what the migrations made (whitespace aside): nothing left out.
    let squeeze = |v: &[(String, String)]| -> Vec<(String, String)> {
        v.iter().map(|(n, sql)| (n.clone(), sql.split_whitespace().collect::<Vec<_>>().join(" "))).collect()
    };
    assert_eq!(squeeze(&migrated), squeeze(&listed));
    // A cold run (bulk) and a warm one (not): the indexes are there after each, and hold
    // every row (SQLite's integrity check compares each index with its table).
    let mut posts = many_posts(30, 1);
    posts[3].sources.push("second".into());
    assert_eq!(s.save_run(&[], &posts, now()).unwrap(), 30);
    assert_eq!(indexes(&s), migrated);
    assert_eq!(s.save_run(&[], &many_posts(5, 2)[..], now()).unwrap(), 0);
    assert_eq!(indexes(&s), migrated);
    let check: String = s.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let plan: String = s
        .conn
        .query_row("EXPLAIN QUERY PLAN SELECT id FROM items WHERE sort_utc > 0 ORDER BY sort_utc", [], |r| r.get(3))
        .unwrap();
    assert!(plan.contains("items_sort"), "{plan}");
}

#[test]
fn a_cold_run_stays_in_wal_while_another_connection_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut s = Store::open(&path).unwrap();
    let reader = Connection::open(&path).unwrap();
    let _: i64 = reader.query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0)).unwrap();
    assert!(!s.begin_bulk(1).unwrap());
    assert_eq!(journal(&s), ("wal".into(), 1));
    assert_eq!(s.save_run(&[], &many_posts(3, 0), now()).unwrap(), 3);
    let n: i64 = reader.query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0)).unwrap();
    assert_eq!((n, journal(&s)), (3, ("wal".into(), 1)));
}

/// The child of the next test: writes a run into the store its environment names.
#[test]
#[ignore = "run by killed_cold_runs_roll_back_whole"]
fn cold_run_child() {
    let Some(path) = std::env::var_os("DIGEST_COLD_RUN_CHILD") else { return };
    let posts = many_posts(3000, 1);
    let mut s = Store::open(std::path::Path::new(&path)).unwrap();
    println!("writing");
    s.save_run(&[run("src", RunOutcome::Fresh, vec![])], &posts, now()).unwrap();
}

/// A run that brings more posts than the store holds (here 3,000 onto 1,000, a third of them
/// changed) is killed at points spread over its write: the store is intact and holds the
/// first run or the second, whole.
#[test]
fn killed_cold_runs_roll_back_whole() {
    use std::io::BufRead;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let (first, second) = (many_posts(1000, 0), many_posts(3000, 1));
    let body = |s: &Store| {
        let p = s.posts_between(day(2015, 10, 26), day(2015, 10, 26), chrono_tz::UTC).unwrap();
        p.into_iter().find(|p| p.id == first[0].id).unwrap().item.parsed.content_html
    };
    let child = || {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "store::tests::cold_run_child", "--nocapture", "--test-threads=1"])
            .env("DIGEST_COLD_RUN_CHILD", &path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole write takes, from the child's "writing".
    let mut full = Duration::MAX;
    let (mut killed, mut rounds) = (0, 0);
    while killed < 4 && rounds < 30 {
        rounds += 1;
        std::fs::remove_file(&path).ok();
        Store::open(&path).unwrap().save_run(&[], &first, now()).unwrap();
        let mut c = child();
        let mut out = std::io::BufReader::new(c.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("writing") && out.read_line(&mut line).unwrap() > 0 {}
        let started = Instant::now();
        if full < Duration::MAX {
            // Kill points spread over the write (a fixed sequence, scaled to this machine).
            let at = full.mul_f64([0.1, 0.5, 0.3, 0.8, 0.6, 0.2, 0.95][rounds % 7]);
            while started.elapsed() < at && c.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(1));
            }
            c.kill().ok();
        }
        let status = c.wait().unwrap();
        if status.success() {
            full = full.min(started.elapsed());
        } else {
            killed += 1;
        }
        let mut s = Store::open(&path).unwrap();
        let check: String = s.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        let count = s.post_count().unwrap();
        eprintln!("round {rounds}: {status} after {:?} of {full:?}: {count} posts", started.elapsed());
        assert_eq!(check, "ok");
        match count {
            1000 => assert!(!status.success() && body(&s) == first[0].item.parsed.content_html),
            3000 => assert_eq!(body(&s), second[0].item.parsed.content_html),
            _ => panic!("a run is stored whole or not at all: {count} posts"),
        }
        assert_eq!(journal(&s), ("wal".into(), 1));
        // And the store takes the next run.
        s.save_run(&[], &many_posts(3, 2), now()).unwrap();
    }
    assert_eq!(killed, 4, "only {killed} of {rounds} runs were killed");
}

#[test]
fn a_reader_reads_what_the_store_holds_and_cannot_write() {
    assert!(Store::in_memory().unwrap().reader().unwrap().is_none());
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("d.sqlite")).unwrap();
    assert_eq!(s.save_run(&[], &many_posts(5, 3), now()).unwrap(), 5);
    let reader = s.reader().unwrap().expect("a file has a second connection");
    let week = |s: &Store| s.posts_between_unpacked(day(2015, 10, 26), day(2015, 11, 1), chrono_tz::UTC).unwrap();
    assert_eq!(week(&reader).len(), 5);
    assert_eq!(week(&reader), week(&s));
    assert!(reader.conn.execute("DELETE FROM items", []).is_err());
    assert_eq!(s.post_count().unwrap(), 5);
}
