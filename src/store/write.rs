//! Writing a run: the posts, validators and source outcomes of one fetch, in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{ErrorCode, params};

use super::rows::{Statements, row_params, upsert_post};
use super::schema::SECONDARY_INDEXES;
use super::{RunOutcome, SourceRun, Store, StoreError};
use crate::dedup::Post;

/// SQLite's page cache while a run is written, in KiB (as `PRAGMA cache_size` takes a
/// negative size): enough for the indexes of a cold 30k-post run.
const BULK_CACHE_KIB: i64 = -16 * 1024;

/// Rows handed from the thread that makes them to the writer at a time.
const ROW_BATCH: usize = 256;

/// Bytes of rows written between two early flushes of a bulk run (see [`Writeback`]).
const WRITEBACK_BYTES: usize = 8 << 20;

impl Store {
    /// Records one run atomically: the merged posts, the validators of every URL fetched, and
    /// each source's outcome. A post already stored is merged with the incoming one (see
    /// [`crate::dedup::merge_into`]). Returns how many posts were new to the store.
    pub fn save_run(&mut self, runs: &[SourceRun], posts: &[Post], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        // A cold run writes every post: with SQLite's default 2 MiB page cache the index pages
        // are evicted by the bodies' overflow pages and read back for each row. A larger cache
        // for the run's transaction only (given back below).
        let cache: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0)).map_err(wrap)?;
        self.conn.pragma_update(None, "cache_size", BULK_CACHE_KIB).map_err(wrap)?;
        let bulk = self.begin_bulk(posts.len()).map_err(wrap)?;
        let saved = self.write_run(runs, posts, now, bulk);
        let restored = self
            .conn
            .pragma_update(None, "cache_size", cache)
            .and_then(|()| self.conn.execute_batch("PRAGMA shrink_memory;"))
            .map_err(wrap);
        if bulk {
            self.end_bulk();
        }
        let new = saved?;
        restored?;
        Ok(new)
    }

    /// [`Store::save_run`]'s transaction. The rows (a JSON copy of each post, its links) are
    /// made on a second thread while this one writes the previous ones. A `bulk` write (more
    /// posts than the store holds) drops the secondary indexes and makes them again after the
    /// rows: on a cold run of 31k posts, 9% fewer instructions on the writing thread.
    fn write_run(
        &mut self,
        runs: &[SourceRun],
        posts: &[Post],
        now: DateTime<Utc>,
        bulk: bool,
    ) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        // Opened before the transaction, so that it is closed after it (locals drop in reverse
        // order, on an error too): closing any descriptor of a file drops every POSIX lock the
        // process holds on it, SQLite's included (sqlite.org/howtocorrupt.html, 2.2), and once
        // the transaction is over SQLite holds none on the file in a rollback journal.
        let file = if bulk { self.conn.path().filter(|p| !p.is_empty()).and_then(Writeback::open) } else { None };
        let tx = self.conn.transaction().map_err(wrap)?;
        if bulk {
            for (name, _) in SECONDARY_INDEXES {
                tx.execute_batch(&format!("DROP INDEX {name}")).map_err(wrap)?;
            }
        }
        let now_s = now.to_rfc3339();
        let new = std::thread::scope(|scope| {
            // In batches: handing rows over one at a time (a futex wake per row, the threads
            // taking turns) cost about as much CPU as making them.
            let (send, batches) = std::sync::mpsc::sync_channel::<Vec<_>>(2);
            let now_s = now_s.as_str();
            scope.spawn(move || {
                for chunk in posts.chunks(ROW_BATCH) {
                    // The writer stopped (an error): nothing more to make.
                    if send.send(chunk.iter().map(|post| row_params(post, now_s, now)).collect()).is_err() {
                        break;
                    }
                }
            });
            let mut writeback = file.as_ref().map(|f| Writeback::start(scope, f));
            let mut statements = Statements::new(&tx)?;
            let mut new = 0;
            for (post, row) in posts.iter().zip(batches.into_iter().flatten()) {
                let row = row?;
                if let Some(w) = &mut writeback {
                    w.wrote(row.bytes());
                }
                new += upsert_post(&tx, &mut statements, post, row, now)?;
            }
            if let Some(w) = writeback {
                tracing::debug!("flushed the state database {} times while writing", w.finish());
            }
            Ok(new)
        })
        .map_err(wrap)?;
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
        if bulk {
            for (_, create) in SECONDARY_INDEXES {
                tx.execute_batch(create).map_err(wrap)?;
            }
        }
        tx.commit().map_err(wrap)?;
        Ok(new)
    }

    /// Leaves WAL for a rollback journal when the run brings more posts than the store holds
    /// (a cold store): the WAL would take every page of the run's 100 MB once, and the
    /// checkpoint at commit copy them again into the database, where a rollback journal keeps
    /// only the pages that were there before (a cold store has next to none) and new pages are
    /// written once. With `synchronous = FULL` for that transaction, SQLite's classic atomic
    /// commit: a committed run is as safe as in WAL, a killed one rolls back on the next open.
    /// The benchmark's cold write (31,358 posts, `examples/store_time.rs`): 0.67 -> 0.50 s CPU,
    /// 1.31 -> 0.88 s wall (best of 4; the commit no longer copies 110 MB).
    /// Returns whether the mode changed (leaving WAL needs the only connection to the file: with
    /// another one open it stays, and so does the run).
    pub(super) fn begin_bulk(&self, incoming: usize) -> rusqlite::Result<bool> {
        let stored: i64 = self.conn.query_row("SELECT coalesce(max(rowid), 0) FROM items", [], |r| r.get(0))?;
        if usize::try_from(stored).map_or(true, |stored| stored >= incoming) {
            return Ok(false);
        }
        let mode: String = self.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode != "wal" {
            return Ok(false); // in memory
        }
        // FULL first: from the moment the mode changes, every commit is a rollback journal's.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        match self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)) {
            Ok(mode) if mode == "delete" => Ok(true),
            // Another connection holds the file (SQLITE_BUSY): the run is written in WAL.
            Ok(_)
            | Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error { code: ErrorCode::DatabaseBusy, .. }, _)) => {
                self.conn.pragma_update(None, "synchronous", "NORMAL")?;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Back to WAL after [`Store::begin_bulk`]; the run is committed by then, so a failure
    /// (another process opened the file meanwhile and holds it past the busy timeout) is only
    /// a warning: the mode stays, with `synchronous = FULL`, until the next [`Store::open`].
    pub(super) fn end_bulk(&self) {
        let back = self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)).and_then(|mode| {
            if mode == "wal" { self.conn.pragma_update(None, "synchronous", "NORMAL") } else { Ok(()) }
        });
        if let Err(e) = back {
            tracing::warn!("state database {}: staying in a rollback journal until the next run: {e}", self.path);
        }
    }
}

/// Flushes the database file to disk on a thread of its own while a bulk run is written, the
/// way RocksDB's `bytes_per_sync` does: SQLite syncs the file only at commit, and the kernel
/// holds a cold run's 110 MB in its page cache until then, so the commit waited for all of it
/// (0.32 s of a 4.2 s cold fetch, the disk idle until that moment). Flushed as it is written,
/// the commit's sync finds only the last pages dirty. Durability is SQLite's as before: these
/// syncs only start early what the commit's own `fsync` does (pages the kernel may write at
/// any time), and a failed one is ignored, as the commit's sync still follows.
struct Writeback<'s> {
    /// A flush wanted; holds one, as a flush that is under way covers what came meanwhile.
    flush: std::sync::mpsc::SyncSender<()>,
    /// The flushing thread; it returns how many flushes it made.
    thread: std::thread::ScopedJoinHandle<'s, usize>,
    unflushed: usize,
}

impl<'s> Writeback<'s> {
    /// The database file, opened for syncing (never written through this handle).
    fn open(path: &str) -> Option<std::fs::File> {
        std::fs::OpenOptions::new().write(true).open(path).ok()
    }

    /// Starts the flushing thread on `file`; it ends with [`Writeback::finish`], or when the
    /// value is dropped (the scope then joins it).
    fn start<'e>(scope: &'s std::thread::Scope<'s, 'e>, file: &'e std::fs::File) -> Self {
        let (flush, wanted) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = scope.spawn(move || {
            let mut flushes = 0;
            for () in wanted {
                match file.sync_data() {
                    Ok(()) => flushes += 1,
                    Err(e) => tracing::debug!("early flush of the state database: {e}"),
                }
            }
            flushes
        });
        Writeback { flush, thread, unflushed: 0 }
    }

    /// Counts `bytes` written; asks for a flush every [`WRITEBACK_BYTES`] (never waiting for one).
    fn wrote(&mut self, bytes: usize) {
        self.unflushed += bytes;
        if self.unflushed >= WRITEBACK_BYTES {
            self.unflushed = 0;
            let _ = self.flush.try_send(());
        }
    }

    /// Waits for the flush under way, if any; returns how many were made.
    fn finish(self) -> usize {
        drop(self.flush);
        self.thread.join().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::{WRITEBACK_BYTES, Writeback};

    #[test]
    fn writeback_flushes_once_per_interval_written_and_not_before() {
        let file = tempfile::tempfile().unwrap();
        std::thread::scope(|scope| {
            let mut w = Writeback::start(scope, &file);
            w.wrote(WRITEBACK_BYTES - 1);
            assert_eq!(w.finish(), 0);
            let mut w = Writeback::start(scope, &file);
            w.wrote(WRITEBACK_BYTES - 1);
            w.wrote(1);
            // Asked while none was waiting: always taken.
            assert_eq!(w.finish(), 1);
            let mut w = Writeback::start(scope, &file);
            for _ in 0..10 {
                w.wrote(WRITEBACK_BYTES / 2);
            }
            // Five asked; one that comes while another waits adds nothing.
            assert!((1..=5).contains(&w.finish()));
        });
    }
}
