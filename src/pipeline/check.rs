//! `digest check`: try every source without storing anything, and show what it yields and
//! what each CSS selector matched.

use std::collections::HashMap;

use futures_util::future::join_all;

use super::PipelineError;
use super::harvest::{self, Shared};
use crate::config::{Config, SourceConfig, SourceKind};
use crate::fetch::{Body, Fetcher, Request};
use crate::parse::html::{self, SelectorMatch};
use crate::store::SourceState;

/// What `check` found for one source.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    /// Source name.
    pub name: String,
    /// Source URL.
    pub url: String,
    /// Configured kind.
    pub kind: SourceKind,
    /// "ok" or "failed".
    pub status: &'static str,
    /// Items found now.
    pub items: usize,
    /// Why it failed.
    pub error: Option<String>,
    /// Problems that did not fail it.
    pub warnings: Vec<String>,
    /// For HTML sources: what each selector matched (listing selectors on the listing page,
    /// item selectors on the first item page).
    pub selectors: Vec<SelectorMatch>,
    /// The stored history of the source, if it has run before.
    pub history: Option<SourceState>,
}

/// Checks the named source, or all of them.
pub async fn check_sources(
    config: &Config,
    only: Option<&str>,
    history: Vec<SourceState>,
) -> Result<Vec<CheckReport>, PipelineError> {
    let fetcher = Fetcher::new(&config.fetch)?;
    let shared = Shared::new(fetcher, HashMap::new(), config.fetch.robots, harvest::cores());
    let sources: Vec<&SourceConfig> = config.sources.iter().filter(|s| only.is_none_or(|n| s.name == n)).collect();
    let reports = join_all(sources.into_iter().map(|source| {
        let shared = shared.clone();
        let history = history.iter().find(|h| h.name == source.name).cloned();
        async move {
            let result = harvest::harvest(&shared, source).await;
            let selectors = selector_matches(&shared.fetcher, source).await;
            let (status, items, error, warnings) = match result {
                Ok(h) => ("ok", h.items.len(), None, h.warnings),
                Err(e) => ("failed", 0, Some(e), Vec::new()),
            };
            CheckReport {
                name: source.name.clone(),
                url: source.url.to_string(),
                kind: source.kind,
                status,
                items,
                error,
                warnings,
                selectors,
                history,
            }
        }
    }))
    .await;
    Ok(reports)
}

async fn selector_matches(fetcher: &Fetcher, source: &SourceConfig) -> Vec<SelectorMatch> {
    let Some(sel) = &source.selectors else {
        return Vec::new();
    };
    let fetch = |url: url::Url| async move {
        match fetcher.get(&Request { url, validators: Default::default() }).await {
            Ok(r) => match r.body {
                Body::Fresh(doc) => Some((r.final_url, doc.text)),
                Body::NotModified => None,
            },
            Err(_) => None,
        }
    };
    let Some((base, text)) = fetch(source.url.clone()).await else {
        return Vec::new();
    };
    let listing_only = crate::config::Selectors { title: None, date: None, content: None, ..sel.clone() };
    let mut out = html::selector_report(&text, &base, &listing_only);
    let first = html::listing(&text, &base, sel).items.into_iter().next();
    if let Some((base, text)) = match first {
        Some(u) => fetch(u).await,
        None => None,
    } {
        let item_only = crate::config::Selectors { items: String::new(), next: None, ..sel.clone() };
        out.extend(html::selector_report(&text, &base, &item_only).into_iter().filter(|m| m.key != "items"));
    }
    out
}
