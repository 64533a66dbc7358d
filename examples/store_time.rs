//! Time of the store alone on a filled state database (issue 7): every post of `SRC` is read
//! once (in the order it was stored), then each round writes them all into a fresh database
//! (`Store::save_run`, then closing it) and reads back what `digest build --week` reads
//! (`posts_between`, `event_posts_between`, `latest_posts`). Wall and process CPU per stage.
//!
//!     cargo run --release --example store_time -- /tmp/state/digest.sqlite 2026-W47 [rounds]
//!
//! `READ_ONLY=1`: only the reads, from that store itself; `REWRITE=1`: each round also writes
//! the same posts again into the store it just wrote (every post merged with itself).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use digest::dedup::Post;
use digest::store::{CachedResponse, RunOutcome, SourceRun, Store};
use digest::week::Week;

/// CPU time of the process, every thread.
fn cpu_now() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall and CPU of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (w, c) = (Instant::now(), cpu_now());
    let t = f();
    (t, w.elapsed(), cpu_now() - c)
}

fn read_all(src: &Path) -> Vec<Post> {
    let conn = rusqlite::Connection::open(src).expect("source store");
    let mut stmt = conn.prepare("SELECT data, content FROM items ORDER BY rowid").expect("query");
    let mut rows = stmt.query([]).expect("rows");
    let mut posts = Vec::new();
    while let Some(r) = rows.next().expect("row") {
        let mut post: Post = serde_json::from_str(r.get_ref(0).unwrap().as_str().unwrap()).expect("json");
        let body = &post.item.parsed.content_html;
        post.item.parsed.content_html = match r.get_ref(1).unwrap() {
            rusqlite::types::ValueRef::Blob(b) => body.with_packed(b).expect("packed"),
            v => body.with_html(v.as_str().unwrap()),
        };
        posts.push(post);
    }
    posts
}

/// What `digest build --week` reads of the store: the week's posts, the posts of the 26 weeks
/// before with events, the newest 50.
fn read_week(db: &Path, week: Week, tz: chrono_tz::Tz) -> (usize, usize, usize) {
    let s = Store::open(db).expect("open");
    let a = s.posts_between(week.first_day(), week.last_day(), tz).expect("week");
    let from = week.first_day() - chrono::Duration::weeks(26);
    let b = s.event_posts_between(from, week.last_day(), tz).expect("events");
    let c = s.latest_posts(50).expect("latest");
    (a.len(), b.len(), c.len())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let src = args.next().unwrap_or_else(|| "/tmp/st5-state/digest.sqlite".into());
    let week = args.next().unwrap_or_else(|| "2026-W47".into());
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let now: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap();
    let tz = chrono_tz::Asia::Shanghai;
    let week = Week::parse(&week, now, tz).expect("week");
    if std::env::var_os("READ_ONLY").is_some() {
        // Only the reads, from `src` itself.
        for _ in 0..rounds {
            let (n, w, c) = timed(|| read_week(Path::new(&src), week, tz));
            eprintln!("read {n:?}: {:.3} s wall {:.3} s CPU", w.as_secs_f64(), c.as_secs_f64());
        }
        return;
    }
    let posts = read_all(Path::new(&src));
    let mut names: Vec<&str> = posts.iter().flat_map(|p| p.sources.iter().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    let runs: Vec<SourceRun> = names
        .iter()
        .map(|n| SourceRun {
            name: n.to_string(),
            url: format!("http://127.0.0.1:8089/{n}.xml"),
            outcome: RunOutcome::Fresh,
            responses: vec![CachedResponse {
                url: format!("http://127.0.0.1:8089/{n}.xml"),
                status: 200,
                validators: Default::default(),
            }],
        })
        .collect();
    eprintln!("{} posts from {} sources", posts.len(), runs.len());
    let dir = tempfile::tempdir_in("/tmp").expect("tmp");
    for round in 0..rounds {
        let db = dir.path().join(format!("r{round}.sqlite"));
        let (_, w, c) = timed(|| {
            let mut s = Store::open(&db).expect("open");
            s.save_run(&runs, &posts, now).expect("save");
        });
        let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        eprintln!("write: {:.3} s wall {:.3} s CPU ({} MB)", w.as_secs_f64(), c.as_secs_f64(), size >> 20);
        if std::env::var_os("REWRITE").is_some() {
            let (_, w, c) = timed(|| {
                let mut s = Store::open(&db).expect("open");
                s.save_run(&runs, &posts, now).expect("save");
            });
            eprintln!("rewrite: {:.3} s wall {:.3} s CPU", w.as_secs_f64(), c.as_secs_f64());
        }
        let (n, w, c) = timed(|| read_week(&db, week, tz));
        eprintln!("read {n:?}: {:.3} s wall {:.3} s CPU", w.as_secs_f64(), c.as_secs_f64());
        std::fs::remove_file(&db).ok();
    }
}
