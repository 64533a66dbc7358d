//! A post as a row of `items`: the values written, and the body read back from `content`.

use chrono::{DateTime, Utc};

use super::instant;
use crate::dedup::Post;
use crate::parse::RawHtml;

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

impl Row<'_> {
    pub(super) fn as_params(&self) -> [&dyn rusqlite::ToSql; 7] {
        [&self.post.id, &self.first_seen, &self.sort, &self.annotated, &self.links, &self.data, &self.content]
    }
}

/// A post's row; `first_seen` as stored and as an instant (the sort key of an undated post).
pub(super) fn row_params<'a>(post: &'a Post, first_seen: &'a str, seen: DateTime<Utc>) -> rusqlite::Result<Row<'a>> {
    // The JSON copy leaves the body out (it has its own column): serialize a copy without it.
    let mut rest = post.clone();
    rest.item.parsed.content_html = rest.item.parsed.content_html.with_html(String::new());
    let data = serde_json::to_string(&rest).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
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
