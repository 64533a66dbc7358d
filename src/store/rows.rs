//! A post as a row of `items`: the values written, and the body read back from `content`.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::instant;
use crate::dedup::Post;
use crate::extract::Item;
use crate::parse::{ParsedItem, RawHtml};

/// The values of a post's row: `id, first_seen, sort_utc, annotated, links, data, content`.
pub(super) struct Row<'a> {
    post: &'a Post,
    first_seen: &'a str,
    sort: i64,
    annotated: bool,
    links: String,
    data: String,
    content: Content<'a>,
}

/// The `content` column: a packed body as the LZ4 blob it is held in (see
/// [`crate::parse::RawHtml::pack`]; about half the bytes to write and keep), else the text.
/// Readers take either (`stored_body`), so stores written before packing read as they are.
enum Content<'a> {
    Text(std::borrow::Cow<'a, str>),
    Packed(&'a [u8]),
}

impl rusqlite::ToSql for Content<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Content::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Content::Packed(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

/// A post's body from its `content` column (text, or a packed blob) with the base `body` had.
pub(super) fn stored_body(body: &RawHtml, content: rusqlite::types::ValueRef<'_>) -> Result<RawHtml, String> {
    use rusqlite::types::ValueRef;
    match content {
        ValueRef::Text(t) => Ok(body.with_html(String::from_utf8_lossy(t))),
        ValueRef::Blob(b) => body.with_packed(b),
        ValueRef::Null => Ok(body.with_html(String::new())),
        other => Err(format!("content is {:?}, not a body", other.data_type())),
    }
}

/// [`stored_body`] with a packed body unpacked: for the posts a read hands out, whose bodies
/// are read (checking a packed body unpacks it, and each read of it unpacked it again).
pub(super) fn unpacked_body(body: &RawHtml, content: rusqlite::types::ValueRef<'_>) -> Result<RawHtml, String> {
    match content {
        rusqlite::types::ValueRef::Blob(b) => body.with_unpacked(b),
        other => stored_body(body, other),
    }
}

impl Row<'_> {
    /// About the bytes the row takes in the database: its JSON copy and its body.
    pub(super) fn bytes(&self) -> usize {
        let content = match &self.content {
            Content::Text(text) => text.len(),
            Content::Packed(bytes) => bytes.len(),
        };
        self.data.len() + self.links.len() + content
    }

    pub(super) fn as_params(&self) -> [&dyn rusqlite::ToSql; 7] {
        [&self.post.id, &self.first_seen, &self.sort, &self.annotated, &self.links, &self.data, &self.content]
    }
}

/// A post's row; `first_seen` as stored and as an instant (the sort key of an undated post).
pub(super) fn row_params<'a>(post: &'a Post, first_seen: &'a str, seen: DateTime<Utc>) -> rusqlite::Result<Row<'a>> {
    let data =
        serde_json::to_string(&without_body(post)).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let p = &post.item.parsed;
    Ok(Row {
        post,
        first_seen,
        sort: p.published.or(p.updated).map(instant).unwrap_or(seen).timestamp(),
        annotated: !post.item.events.is_empty() || !post.item.talks.is_empty(),
        links: post.urls().iter().map(|u| u.as_str()).collect::<Vec<_>>().join("\n"),
        data,
        content: match p.content_html.packed() {
            Some(bytes) => Content::Packed(bytes),
            None => Content::Text(p.content_html.raw()),
        },
    })
}

/// The post as its JSON copy holds it: without the body (it has its own column). Field by
/// field, to leave the body uncopied (cloning the post copied every body once more); the
/// literals name every field, so a field added to these structs must be added here too.
fn without_body(post: &Post) -> Post {
    let Post { id, key, item, sources, alternates } = post;
    let Item { source, parsed, lang, kind, events, talks } = item;
    let ParsedItem {
        guid,
        url,
        canonical,
        title,
        author,
        published,
        updated,
        content_html,
        lang: declared,
        categories,
    } = parsed;
    let parsed = ParsedItem {
        guid: guid.clone(),
        url: url.clone(),
        canonical: canonical.clone(),
        title: title.clone(),
        author: author.clone(),
        published: *published,
        updated: *updated,
        content_html: content_html.with_html(String::new()),
        lang: declared.clone(),
        categories: categories.clone(),
    };
    Post {
        id: id.clone(),
        key: key.clone(),
        item: Item {
            source: source.clone(),
            parsed,
            lang: *lang,
            kind: *kind,
            events: events.clone(),
            talks: talks.clone(),
        },
        sources: sources.clone(),
        alternates: alternates.clone(),
    }
}

/// The statements each post's write runs, prepared once for a run (a statement cache lookup
/// per row showed in profiles).
pub(super) struct Statements<'c> {
    insert: rusqlite::CachedStatement<'c>,
    insert_source: rusqlite::CachedStatement<'c>,
}

impl<'c> Statements<'c> {
    /// Prepares them on the run's transaction.
    pub(super) fn new(tx: &'c rusqlite::Transaction) -> rusqlite::Result<Self> {
        Ok(Statements {
            insert: tx.prepare_cached(
                "INSERT INTO items (id, first_seen, sort_utc, annotated, links, data, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING",
            )?,
            insert_source: tx.prepare_cached("INSERT OR IGNORE INTO item_sources (item_id, source) VALUES (?1, ?2)")?,
        })
    }
}

/// Stores a post: inserted when new (1), else merged into the stored one (0). The first-seen
/// time never changes. The body is kept once, in `content`; `data` is the rest of the post.
/// `row` is the incoming post's, as new (see [`row_params`]).
pub(super) fn upsert_post(
    tx: &rusqlite::Transaction,
    statements: &mut Statements,
    incoming: &Post,
    row: Row<'_>,
    now: DateTime<Utc>,
) -> rusqlite::Result<usize> {
    // A cold store holds none of the posts: try the insert first, which needs no read.
    let inserted = statements.insert.execute(row.as_params())?;
    let post = if inserted == 1 {
        std::borrow::Cow::Borrowed(incoming)
    } else {
        let (seen, data, content): (String, String, rusqlite::types::Value) = tx
            .prepare_cached("SELECT first_seen, data, content FROM items WHERE id = ?1")?
            .query_row([&incoming.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        // A stored version that no longer reads is replaced by the incoming one.
        let old = serde_json::from_str::<Post>(&data).ok().and_then(|mut old| {
            old.item.parsed.content_html = stored_body(&old.item.parsed.content_html, (&content).into()).ok()?;
            Some(old)
        });
        let merged = match old {
            Some(mut old) => {
                crate::dedup::merge_into(&mut old, incoming.clone());
                old
            }
            None => incoming.clone(),
        };
        let first_seen = DateTime::parse_from_rfc3339(&seen).map(|d| d.with_timezone(&Utc)).unwrap_or(now);
        let row = row_params(&merged, &seen, first_seen)?;
        tx.prepare_cached(
            "UPDATE items SET sort_utc = ?3, annotated = ?4, links = ?5, data = ?6, content = ?7 WHERE id = ?1",
        )?
        .execute(row.as_params())?;
        std::borrow::Cow::Owned(merged)
    };
    for source in &post.sources {
        statements.insert_source.execute(params![post.id, source])?;
    }
    Ok(inserted)
}
