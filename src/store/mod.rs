//! Stage 6: the state database (one SQLite file): sources and their run history, the HTTP
//! cache validators, and every post seen. Versioned schema with forward migrations; writes
//! happen in transactions so a crash never leaves half a source behind.

mod lock;
mod mail;
mod rows;
mod schema;
mod write;

pub use lock::{LockError, StateLock};

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, params};

use crate::dedup::Post;
use crate::fetch::Validators;
use crate::parse::Timestamp;
use rows::{stored_body, unpacked_body};

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
    /// The database file (none in memory), for [`Store::reader`].
    file: Option<std::path::PathBuf>,
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
        let mut store = Store { conn, path: shown, file: Some(path.to_path_buf()) };
        store.init()?;
        Ok(store)
    }

    /// An in-memory database (tests, dry runs).
    pub fn in_memory() -> Result<Store, StoreError> {
        let conn =
            Connection::open_in_memory().map_err(|source| StoreError::Sqlite { path: ":memory:".into(), source })?;
        let mut store = Store { conn, path: ":memory:".into(), file: None };
        store.init()?;
        Ok(store)
    }

    /// A second, read-only connection to the same database, to read on another thread beside
    /// this one (a build reads its week's posts so); `None` in memory, where a second
    /// connection would open another, empty database.
    pub fn reader(&self) -> Result<Option<Store>, StoreError> {
        let Some(file) = &self.file else { return Ok(None) };
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(file, flags).map_err(|e| self.err(e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(|e| self.err(e))?;
        Ok(Some(Store { conn, path: self.path.clone(), file: None }))
    }

    fn init(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        // The page size of a new database (an existing one keeps its own): a cold run writes
        // some 100 MB of bodies, and with 16 KiB pages SQLite handles a quarter as many pages
        // (the cold benchmark store's write took a quarter less CPU than with 4 KiB, and the
        // file is a tenth smaller). It must come before WAL, which fixes the size.
        self.conn
            .execute_batch("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .map_err(wrap)?;
        self.conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(wrap)?;
        // Turns foreign keys on once the schema is current.
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
        self.posts_in(from, to, tz, stored_body)
    }

    /// [`Store::posts_between`] with the bodies held unpacked, for a reader of every body (a
    /// build's summaries): checking a packed body unpacks it, and each read unpacked it again.
    /// Costs memory over long ranges, where packed bodies are about half the size.
    pub fn posts_between_unpacked(&self, from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Vec<Post>, StoreError> {
        self.posts_in(from, to, tz, unpacked_body)
    }

    fn posts_in(&self, from: NaiveDate, to: NaiveDate, tz: Tz, body: ReadBody) -> Result<Vec<Post>, StoreError> {
        let (lo, hi) = widened(from, to);
        self.query_posts(
            "SELECT id, first_seen, data, content FROM items WHERE sort_utc >= ?1 AND sort_utc < ?2
             ORDER BY sort_utc, id",
            params![lo, hi],
            |p, seen| (from..=to).contains(&local_day(p, seen, tz)),
            body,
        )
    }

    /// What [`render::events::collect`](crate::render::events::collect) needs of the posts of
    /// `[from, to]` (as [`Store::posts_between`] picks them), without decoding the others: the
    /// posts with events or talks, and any other post carrying one of their links (`collect`
    /// takes an event's post as the first one with its link), oldest first. Their bodies are
    /// not read (`content_html` is empty): events are made without them.
    pub fn event_posts_between(&self, from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Vec<Post>, StoreError> {
        let (lo, hi) = widened(from, to);
        let annotated = self.query_posts(
            "SELECT id, first_seen, data, '' FROM items WHERE annotated AND sort_utc >= ?1 AND sort_utc < ?2
             ORDER BY sort_utc, id",
            params![lo, hi],
            |p, seen| (from..=to).contains(&local_day(p, seen, tz)),
            stored_body,
        )?;
        // An event lists its posts by link, or by key when a post has none.
        let links: std::collections::HashSet<String> = annotated
            .iter()
            .map(|p| p.item.parsed.url.as_ref().map_or_else(|| p.key.clone(), |u| u.to_string()))
            .collect();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid, links FROM items WHERE NOT annotated AND sort_utc >= ?1 AND sort_utc < ?2")
            .map_err(|e| self.err(e))?;
        // Read from the index `items_links` alone, never from the rows.
        let sharing: Vec<i64> = stmt
            .query_map(params![lo, hi], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))?
            .into_iter()
            .filter(|(_, l)| l.lines().any(|l| links.contains(l)))
            .map(|(id, _)| id)
            .collect();
        if sharing.is_empty() {
            return Ok(annotated);
        }
        // Rare (a post merged with another's page in a later run): read again, in order, with them.
        let ids = serde_json::to_string(&sharing).unwrap_or_default();
        self.query_posts(
            "SELECT id, first_seen, data, '' FROM items WHERE sort_utc >= ?1 AND sort_utc < ?2
             AND (annotated OR rowid IN (SELECT value FROM json_each(?3))) ORDER BY sort_utc, id",
            params![lo, hi, ids],
            |p, seen| (from..=to).contains(&local_day(p, seen, tz)),
            stored_body,
        )
    }

    /// The newest `n` posts, newest first (for the merged feeds).
    pub fn latest_posts(&self, n: usize) -> Result<Vec<Post>, StoreError> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        self.query_posts(
            "SELECT id, first_seen, data, content FROM items ORDER BY sort_utc DESC, id LIMIT ?1",
            params![n],
            |_, _| true,
            unpacked_body,
        )
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

    /// Runs a query of `id, first_seen, data, content` rows and decodes the posts that `keep`
    /// accepts (given the post and when it was first seen), their bodies read by `body`.
    fn query_posts(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
        keep: impl Fn(&Post, DateTime<Utc>) -> bool,
        body: ReadBody,
    ) -> Result<Vec<Post>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query(args).map_err(|e| self.err(e))?;
        let mut posts = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let corrupt = |reason: String| StoreError::Corrupt {
                path: self.path.clone(),
                id: row.get::<_, String>(0).unwrap_or_default(),
                reason,
            };
            let seen = row.get_ref(1).and_then(|v| v.as_str().map_err(Into::into)).map_err(|e| self.err(e))?;
            let seen = DateTime::parse_from_rfc3339(seen).map(|d| d.with_timezone(&Utc)).unwrap_or_default();
            let data = row.get_ref(2).and_then(|v| v.as_str().map_err(Into::into)).map_err(|e| self.err(e))?;
            let mut post: Post = serde_json::from_str(data).map_err(|e| corrupt(e.to_string()))?;
            if keep(&post, seen) {
                let content = row.get_ref(3).map_err(|e| self.err(e))?;
                post.item.parsed.content_html = body(&post.item.parsed.content_html, content).map_err(corrupt)?;
                posts.push(post);
            }
        }
        Ok(posts)
    }
}

/// How a read makes a post's body from its `content` column ([`stored_body`] keeps it
/// packed, [`unpacked_body`] not).
type ReadBody = fn(&crate::parse::RawHtml, rusqlite::types::ValueRef<'_>) -> Result<crate::parse::RawHtml, String>;

/// The UTC seconds bounding the local dates `[from, to]` in any zone: the indexed column is a
/// UTC instant, so the range is widened by a day each side and callers decide on the local date.
fn widened(from: NaiveDate, to: NaiveDate) -> (i64, i64) {
    let midnight = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    ((midnight(from) - chrono::Duration::days(1)).timestamp(), (midnight(to) + chrono::Duration::days(2)).timestamp())
}

/// The instant a timestamp stands for; a bare date counts as its UTC midnight (only ordering
/// and the widened range query use this).
fn instant(t: Timestamp) -> DateTime<Utc> {
    match t {
        Timestamp::At(d) => d.with_timezone(&Utc),
        Timestamp::Day(d) => Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()),
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
