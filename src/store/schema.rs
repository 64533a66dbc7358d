//! The schema and its migrations, tracked by SQLite's `user_version`.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema one version up; never edit a released one, append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: sources, HTTP cache, items and where each item was seen.
    "CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        last_fetch TEXT,
        last_status TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE http_cache (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        status INTEGER,
        fetched_at TEXT
    );
    CREATE TABLE items (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        author TEXT,
        published TEXT,
        updated TEXT,
        content TEXT NOT NULL,
        lang TEXT NOT NULL,
        kind TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        sort_utc INTEGER NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX items_sort ON items (sort_utc);
    CREATE TABLE item_sources (
        item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        PRIMARY KEY (item_id, source)
    );
    CREATE INDEX item_sources_source ON item_sources (source);",
    // 2: the translation cache and the send log (one row per week and address).
    "CREATE TABLE translations (
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        text TEXT NOT NULL,
        translated TEXT NOT NULL,
        provider TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (source_lang, target_lang, text)
    );
    CREATE TABLE sent (
        week TEXT NOT NULL,
        address TEXT NOT NULL,
        edition TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (week, address)
    );",
    // 3: what each built issue featured, so a later issue repeats only what changed.
    "CREATE TABLE featured (
        week TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        PRIMARY KEY (week, kind, id)
    );",
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`VERSION`], each step in its own transaction.
pub(super) fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    let wrap = |source| StoreError::Sqlite { path: path.to_string(), source };
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(wrap)?;
    if current > VERSION {
        return Err(StoreError::TooNew { path: path.to_string(), found: current, known: VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        let tx = conn.transaction().map_err(wrap)?;
        tx.execute_batch(sql).map_err(wrap)?;
        tx.pragma_update(None, "user_version", i as i64 + 1).map_err(wrap)?;
        tx.commit().map_err(wrap)?;
    }
    Ok(())
}
