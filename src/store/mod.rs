//! Stage 6: the state database (one SQLite file): sources and their run history, the HTTP
//! cache validators, and every post seen. Versioned schema with forward migrations; writes
//! happen in transactions so a crash never leaves half a source behind.

mod lock;
mod mail;
mod schema;

pub use lock::{LockError, StateLock};

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, params};

use crate::dedup::Post;
use crate::fetch::Validators;
use crate::parse::Timestamp;

/// A database problem, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("state database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The folder for the database could not be made.
    #[error("state folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A stored row could not be read back.
    #[error("state database {path}: item {id} is unreadable: {reason}")]
    Corrupt {
        /// The database file.
        path: String,
        /// The item id.
        id: String,
        /// Why.
        reason: String,
    },
    /// The database was written by a newer digest.
    #[error("state database {path}: schema version {found} is newer than this digest knows ({known}); upgrade digest")]
    TooNew {
        /// The database file.
        path: String,
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
}

/// How one source's last run went, as `digest check` reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceState {
    /// Source name.
    pub name: String,
    /// When it was last fetched (RFC 3339).
    pub last_fetch: Option<String>,
    /// "ok", "not-modified" or "failed".
    pub last_status: Option<String>,
    /// The last error message.
    pub last_error: Option<String>,
    /// Failed runs in a row.
    pub consecutive_failures: i64,
    /// Posts stored from this source.
    pub items: i64,
    /// The HTTP status of the last response recorded for the source's URL (none for a
    /// `file://` source, or before its first successful fetch).
    pub http_status: Option<i64>,
}

/// What happened to one source in a run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    /// Fetched and parsed.
    Fresh,
    /// The server said 304: the stored posts stand.
    NotModified,
    /// It failed; the stored posts are kept.
    Failed(String),
}

/// A response whose validators are kept for the next conditional GET.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedResponse {
    /// The URL requested.
    pub url: String,
    /// HTTP status.
    pub status: u16,
    /// ETag and Last-Modified, verbatim.
    pub validators: Validators,
}

/// One source's run, as recorded in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRun {
    /// Source name.
    pub name: String,
    /// Source URL.
    pub url: String,
    /// How it went.
    pub outcome: RunOutcome,
    /// Responses whose validators to remember.
    pub responses: Vec<CachedResponse>,
}

/// The open state database.
pub struct Store {
    conn: Connection,
    path: String,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Folder { path: dir.display().to_string(), source })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Sqlite { path: shown.clone(), source })?;
        let mut store = Store { conn, path: shown };
        store.init()?;
        Ok(store)
    }

    /// An in-memory database (tests, dry runs).
    pub fn in_memory() -> Result<Store, StoreError> {
        let conn =
            Connection::open_in_memory().map_err(|source| StoreError::Sqlite { path: ":memory:".into(), source })?;
        let mut store = Store { conn, path: ":memory:".into() };
        store.init()?;
        Ok(store)
    }

    fn init(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        self.conn
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(wrap)?;
        self.conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(wrap)?;
        schema::migrate(&mut self.conn, &self.path)
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite { path: self.path.clone(), source }
    }

    /// Stored validators of a URL.
    pub fn validators(&self, url: &str) -> Result<Validators, StoreError> {
        self.conn
            .query_row("SELECT etag, last_modified FROM http_cache WHERE url = ?1", [url], |r| {
                Ok(Validators { etag: r.get(0)?, last_modified: r.get(1)? })
            })
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.err(e))
    }

    /// Every stored validator, by URL (read once before a run).
    pub fn all_validators(&self) -> Result<std::collections::HashMap<String, Validators>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT url, etag, last_modified FROM http_cache").map_err(|e| self.err(e))?;

        stmt.query_map([], |r| Ok((r.get(0)?, Validators { etag: r.get(1)?, last_modified: r.get(2)? })))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// Records one run atomically: the merged posts, the validators of every URL fetched, and
    /// each source's outcome. A post already stored is merged with the incoming one (see
    /// [`dedup::merge_into`]). Returns how many posts were new to the store.
    pub fn save_run(&mut self, runs: &[SourceRun], posts: &[Post], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(wrap)?;
        let now_s = now.to_rfc3339();
        let mut new = 0;
        for post in posts {
            new += upsert_post(&tx, post, &now_s, now).map_err(wrap)?;
        }
        for run in runs {
            for c in &run.responses {
                // Cached statements: parsing the SQL once instead of once per row.
                tx.prepare_cached(
                    "INSERT INTO http_cache (url, etag, last_modified, status, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                     status = excluded.status, fetched_at = excluded.fetched_at",
                )
                .and_then(|mut s| {
                    s.execute(params![c.url, c.validators.etag, c.validators.last_modified, c.status, now_s])
                })
                .map_err(wrap)?;
            }
            let (status, error) = match &run.outcome {
                RunOutcome::Fresh => ("ok", None),
                RunOutcome::NotModified => ("not-modified", None),
                RunOutcome::Failed(e) => ("failed", Some(e.as_str())),
            };
            tx.prepare_cached(
                "INSERT INTO sources (name, url, last_fetch, last_status, last_error, consecutive_failures)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(name) DO UPDATE SET url = excluded.url, last_fetch = excluded.last_fetch,
                 last_status = excluded.last_status, last_error = excluded.last_error,
                 consecutive_failures = CASE WHEN excluded.last_error IS NULL THEN 0
                                             ELSE consecutive_failures + 1 END",
            )
            .and_then(|mut s| s.execute(params![run.name, run.url, now_s, status, error, i64::from(error.is_some())]))
            .map_err(wrap)?;
        }
        tx.commit().map_err(wrap)?;
        Ok(new)
    }

    /// The recorded state of every source that has run, by name.
    pub fn source_states(&self) -> Result<Vec<SourceState>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.name, s.last_fetch, s.last_status, s.last_error, s.consecutive_failures,
                 (SELECT COUNT(*) FROM item_sources i WHERE i.source = s.name),
                 (SELECT h.status FROM http_cache h WHERE h.url = s.url)
                 FROM sources s ORDER BY s.name",
            )
            .map_err(|e| self.err(e))?;

        stmt.query_map([], |r| {
            Ok(SourceState {
                name: r.get(0)?,
                last_fetch: r.get(1)?,
                last_status: r.get(2)?,
                last_error: r.get(3)?,
                consecutive_failures: r.get(4)?,
                items: r.get(5)?,
                http_status: r.get(6)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| self.err(e))
    }

    /// For each source, how many of its posts were first stored at or after `since`.
    pub fn new_posts_since(&self, since: DateTime<Utc>) -> Result<HashMap<String, i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT i.source, COUNT(*) FROM item_sources i JOIN items it ON it.id = i.item_id
                 WHERE it.first_seen >= ?1 GROUP BY i.source",
            )
            .map_err(|e| self.err(e))?;
        // `first_seen` is written by `to_rfc3339` in UTC, so the text order is the time order.
        stmt.query_map([since.to_rfc3339()], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<HashMap<_, _>, _>>())
            .map_err(|e| self.err(e))
    }

    /// Posts whose date (published, else updated, else first seen) falls on a local date in
    /// `[from, to]` in `tz`, oldest first.
    pub fn posts_between(&self, from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Vec<Post>, StoreError> {
        // The indexed column is a UTC instant; widen by a day each side and decide exactly on
        // the local date, so date-only values and any zone work.
        let lo = Utc.from_utc_datetime(&from.and_hms_opt(0, 0, 0).unwrap_or_default()) - chrono::Duration::days(1);
        let hi = Utc.from_utc_datetime(&to.and_hms_opt(0, 0, 0).unwrap_or_default()) + chrono::Duration::days(2);
        let posts = self.query_posts(
            "SELECT id, data, first_seen FROM items WHERE sort_utc >= ?1 AND sort_utc < ?2 ORDER BY sort_utc, id",
            params![lo.timestamp(), hi.timestamp()],
        )?;
        Ok(posts
            .into_iter()
            .filter(|(p, seen)| {
                let day = local_day(p, *seen, tz);
                day >= from && day <= to
            })
            .map(|(p, _)| p)
            .collect())
    }

    /// The newest `n` posts, newest first (for the merged feeds).
    pub fn latest_posts(&self, n: usize) -> Result<Vec<Post>, StoreError> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        Ok(self
            .query_posts("SELECT id, data, first_seen FROM items ORDER BY sort_utc DESC, id LIMIT ?1", params![n])?
            .into_iter()
            .map(|(p, _)| p)
            .collect())
    }

    /// What issues before `week` featured of `kind` ("event", "post"): each id with the
    /// fingerprint it had in the latest issue that featured it. Weeks compare as `YYYY-Www`.
    pub fn featured_before(&self, week: &str, kind: &str) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, fingerprint FROM featured WHERE kind = ?1 AND week < ?2 ORDER BY week")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![kind, week], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))?;
        // Later weeks come last and overwrite earlier fingerprints.
        Ok(rows.into_iter().collect())
    }

    /// Records what the issue of `week` features of `kind`, replacing an earlier build of it.
    pub fn record_featured(&mut self, week: &str, kind: &str, items: &[(String, String)]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(wrap)?;
        tx.execute("DELETE FROM featured WHERE week = ?1 AND kind = ?2", params![week, kind]).map_err(wrap)?;
        for (id, fingerprint) in items {
            tx.execute(
                "INSERT OR REPLACE INTO featured (week, kind, id, fingerprint) VALUES (?1, ?2, ?3, ?4)",
                params![week, kind, id, fingerprint],
            )
            .map_err(wrap)?;
        }
        tx.commit().map_err(wrap)
    }

    /// Number of posts stored.
    pub fn post_count(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    fn query_posts(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<(Post, DateTime<Utc>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(id, data, seen)| {
                let post: Post = serde_json::from_str(&data).map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    id: id.clone(),
                    reason: e.to_string(),
                })?;
                let seen = DateTime::parse_from_rfc3339(&seen).map(|d| d.with_timezone(&Utc)).unwrap_or_default();
                Ok((post, seen))
            })
            .collect()
    }
}

/// Inserts or refreshes a post; 1 if it was new. The first-seen time never changes.
fn upsert_post(
    tx: &rusqlite::Transaction,
    incoming: &Post,
    now_s: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<usize> {
    let stored: Option<(String, String)> = tx
        .prepare_cached("SELECT first_seen, data FROM items WHERE id = ?1")?
        .query_row([&incoming.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (existed, merged) = match stored {
        Some((seen, data)) => match serde_json::from_str::<Post>(&data) {
            Ok(mut old) => {
                crate::dedup::merge_into(&mut old, incoming.clone());
                (Some(seen), old)
            }
            Err(_) => (Some(seen), incoming.clone()),
        },
        None => (None, incoming.clone()),
    };
    let post = &merged;
    let p = &post.item.parsed;
    let data = serde_json::to_string(post).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let first_seen = existed
        .as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now);
    let sort = p.published.or(p.updated).map(instant).unwrap_or(first_seen);
    tx.prepare_cached(
        "INSERT INTO items (id, source, url, title, author, published, updated, content, lang, kind, first_seen, sort_utc, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET source = excluded.source, url = excluded.url, title = excluded.title,
         author = excluded.author, published = excluded.published, updated = excluded.updated,
         content = excluded.content, lang = excluded.lang, kind = excluded.kind,
         sort_utc = excluded.sort_utc, data = excluded.data",
    )?
    .execute(params![
            post.id,
            post.item.source,
            p.url.as_ref().map(|u| u.as_str()),
            p.title,
            p.author,
            p.published.map(timestamp_text),
            p.updated.map(timestamp_text),
            p.content_html.raw(),
            post.item.lang.code(),
            post.item.kind.code(),
            existed.as_deref().unwrap_or(now_s),
            sort.timestamp(),
            data,
    ])?;
    let mut insert_source =
        tx.prepare_cached("INSERT OR IGNORE INTO item_sources (item_id, source) VALUES (?1, ?2)")?;
    for source in &post.sources {
        insert_source.execute(params![post.id, source])?;
    }
    Ok(usize::from(existed.is_none()))
}

/// The instant a timestamp stands for; a bare date counts as its UTC midnight (only ordering
/// and the widened range query use this).
fn instant(t: Timestamp) -> DateTime<Utc> {
    match t {
        Timestamp::At(d) => d.with_timezone(&Utc),
        Timestamp::Day(d) => Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()),
    }
}

/// RFC 3339 for a point in time, `YYYY-MM-DD` for a bare date.
fn timestamp_text(t: Timestamp) -> String {
    match t {
        Timestamp::At(d) => d.to_rfc3339(),
        Timestamp::Day(d) => d.to_string(),
    }
}

/// The local date a post belongs to in `tz`.
pub fn local_day(post: &Post, first_seen: DateTime<Utc>, tz: Tz) -> NaiveDate {
    let p = &post.item.parsed;
    match p.published.or(p.updated) {
        Some(t) => t.local_date(tz),
        None => first_seen.with_timezone(&tz).date_naive(),
    }
}

#[cfg(test)]
mod tests;
