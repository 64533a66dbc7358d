//! Writing a run: the posts, validators and source outcomes of one fetch, in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::rows::{row_params, upsert_post};
use super::{RunOutcome, SourceRun, Store, StoreError};
use crate::dedup::Post;

/// SQLite's page cache while a run is written, in KiB (as `PRAGMA cache_size` takes a
/// negative size): enough for the indexes of a cold 30k-post run.
const BULK_CACHE_KIB: i64 = -16 * 1024;

impl Store {
    /// Records one run atomically: the merged posts, the validators of every URL fetched, and
    /// each source's outcome. A post already stored is merged with the incoming one (see
    /// [`crate::dedup::merge_into`]). Returns how many posts were new to the store.
    pub fn save_run(&mut self, runs: &[SourceRun], posts: &[Post], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        // A cold run writes every post: with SQLite's default 2 MiB page cache the index pages
        // are evicted by the bodies' overflow pages and read back for each row. A larger cache
        // for the run's transaction only (given back below); journaling stays as it is.
        let cache: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0)).map_err(wrap)?;
        self.conn.pragma_update(None, "cache_size", BULK_CACHE_KIB).map_err(wrap)?;
        let saved = self.write_run(runs, posts, now);
        let restored = self
            .conn
            .pragma_update(None, "cache_size", cache)
            .and_then(|()| self.conn.execute_batch("PRAGMA shrink_memory;"))
            .map_err(wrap);
        let new = saved?;
        restored?;
        Ok(new)
    }

    /// [`Store::save_run`]'s transaction. The rows (a JSON copy of each post, its links) are
    /// made on a second thread while this one writes the previous ones.
    fn write_run(&mut self, runs: &[SourceRun], posts: &[Post], now: DateTime<Utc>) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(wrap)?;
        let now_s = now.to_rfc3339();
        let new = std::thread::scope(|scope| {
            let (send, rows) = std::sync::mpsc::sync_channel(64);
            let now_s = now_s.as_str();
            scope.spawn(move || {
                for post in posts {
                    // The writer stopped (an error): nothing more to make.
                    if send.send(row_params(post, now_s, now)).is_err() {
                        break;
                    }
                }
            });
            let mut new = 0;
            for (post, row) in posts.iter().zip(rows) {
                new += upsert_post(&tx, post, row?, now)?;
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
        tx.commit().map_err(wrap)?;
        Ok(new)
    }
}
