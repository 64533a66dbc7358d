//! `digest export`: the posts of a date range and the events and talks merged from them, as
//! one JSON document that other tools read. The three arrays and their field names and
//! formats are a fixed interface; fields may be added, never renamed.

use chrono::NaiveDate;
use serde::Serialize;

use super::PipelineError;
use crate::config::Config;
use crate::dedup::{self, MergedEvent, MergedTalk, Post};
use crate::store::Store;

/// The exported document.
#[derive(Debug, Serialize)]
pub struct Export {
    /// Posts published in the range.
    pub items: Vec<ExportItem>,
    /// Events merged from those posts, by date.
    pub events: Vec<MergedEvent>,
    /// Talks merged from those posts.
    pub talks: Vec<MergedTalk>,
}

/// One post.
#[derive(Debug, Serialize)]
pub struct ExportItem {
    /// Stable id.
    pub id: String,
    /// The link as the site publishes it.
    pub url: Option<String>,
    /// Title.
    pub title: String,
    /// RFC 3339 (a date-only value is midnight in the configured zone).
    pub published: Option<String>,
    /// "zh" or "en".
    pub lang: &'static str,
    /// `call_for_speakers`, `announcement`, `registration`, `recap`, `article` or `other`.
    pub post_kind: &'static str,
    /// Every source that carried it.
    pub sources: Vec<String>,
}

/// Builds the export of posts published from `since` to `until` (inclusive, local dates).
pub fn export(config: &Config, store: &Store, since: NaiveDate, until: NaiveDate) -> Result<Export, PipelineError> {
    let posts = store.posts_between(since, until, config.timezone)?;
    let (events, talks) = dedup::merge_events(&posts);
    let items = posts.iter().map(|p| export_item(p, config.timezone)).collect();
    Ok(Export { items, events, talks })
}

fn export_item(post: &Post, tz: chrono_tz::Tz) -> ExportItem {
    let p = &post.item.parsed;
    ExportItem {
        id: post.id.clone(),
        url: p.url.as_ref().map(|u| u.to_string()),
        title: p.title.clone(),
        published: p.published.map(|t| t.to_datetime(tz).to_rfc3339()),
        lang: post.item.lang.code(),
        post_kind: post.item.kind.code(),
        sources: post.sources.clone(),
    }
}
