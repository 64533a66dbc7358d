//! The schema and its migrations, tracked by SQLite's `user_version`.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema one version up; never edit a released one, append a new one.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 4: each post stored once. The body moves out of the JSON copy (`data` now holds the post
    // without `content_html`, which lives only in `content`, the last column so that reading the
    // others never walks its overflow pages); the columns that merely repeated the JSON go.
    // `annotated` (the post has events or talks) and `links` (its links, one per line) let a
    // build read the months before a week without decoding every post. A table rebuild, as
    // SQLite's ALTER TABLE cannot reorder or drop indexed columns: run with foreign keys off.
    "CREATE TABLE items_v4 (
        id TEXT PRIMARY KEY,
        first_seen TEXT NOT NULL,
        sort_utc INTEGER NOT NULL,
        annotated INTEGER NOT NULL,
        links TEXT NOT NULL,
        data TEXT NOT NULL,
        content TEXT NOT NULL
    );
    INSERT INTO items_v4 (id, first_seen, sort_utc, annotated, links, data, content)
    SELECT id, first_seen, sort_utc,
        coalesce(json_array_length(data, '$.item.events'), 0) + coalesce(json_array_length(data, '$.item.talks'), 0) > 0,
        coalesce((SELECT group_concat(u, char(10)) FROM (
            SELECT json_extract(items.data, '$.item.parsed.url') AS u
            UNION ALL SELECT json_extract(a.value, '$.url') FROM json_each(items.data, '$.alternates') AS a
        ) WHERE u IS NOT NULL), ''),
        json_set(data, '$.item.parsed.content_html', ''),
        content
    FROM items;
    DROP TABLE items;
    ALTER TABLE items_v4 RENAME TO items;
    CREATE INDEX items_sort ON items (sort_utc);
    CREATE INDEX items_annotated ON items (sort_utc) WHERE annotated;
    CREATE INDEX items_links ON items (sort_utc, links) WHERE NOT annotated;",
];

/// The indexes besides the tables' keys, as the migrations above leave them. A bulk write
/// drops them and makes them again once its rows are in (see `Store::save_run`): building an
/// index from all rows sorts them once, where keeping it up to date walks the tree per row.
/// A test checks that these are the migrated schema's indexes, word for word.
pub(super) const SECONDARY_INDEXES: &[(&str, &str)] = &[
    ("items_sort", "CREATE INDEX items_sort ON items (sort_utc)"),
    ("items_annotated", "CREATE INDEX items_annotated ON items (sort_utc) WHERE annotated"),
    ("items_links", "CREATE INDEX items_links ON items (sort_utc, links) WHERE NOT annotated"),
    ("item_sources_source", "CREATE INDEX item_sources_source ON item_sources (source)"),
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// The first version that stores each post once; migrating past it frees the old copy.
const POSTS_ONCE: i64 = 4;

/// Brings the database up to [`VERSION`], each step in its own transaction, then turns foreign
/// keys on. Steps run with foreign keys off (a table rebuild would otherwise cascade its DROP
/// into `item_sources`); they keep every id, so
/// the references hold.
pub(super) fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    let wrap = |source| StoreError::Sqlite { path: path.to_string(), source };
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(wrap)?;
    if current > VERSION {
        return Err(StoreError::TooNew { path: path.to_string(), found: current, known: VERSION });
    }
    conn.pragma_update(None, "foreign_keys", false).map_err(wrap)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        let tx = conn.transaction().map_err(wrap)?;
        tx.execute_batch(sql).map_err(wrap)?;
        tx.pragma_update(None, "user_version", i as i64 + 1).map_err(wrap)?;
        tx.commit().map_err(wrap)?;
    }
    if (1..POSTS_ONCE).contains(&current) {
        // The rebuilt table left the old one's pages (each body twice) free: give them back.
        conn.execute_batch("VACUUM").map_err(wrap)?;
    }
    conn.pragma_update(None, "foreign_keys", true).map_err(wrap)
}
