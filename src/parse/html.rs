//! HTML sources: feed autodiscovery, listing pages and item pages through CSS selectors.

use url::Url;

use super::{ParseContext, ParsedItem};
use crate::config::Selectors;

/// Item links and the next listing page found on one listing page.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Item page URLs, absolute, in page order, without repeats.
    pub items: Vec<Url>,
    /// The next listing page, if the `next` selector matched.
    pub next: Option<Url>,
}

/// Feed URLs announced by `<link rel="alternate">` (RSS, Atom, JSON Feed), absolute.
pub fn discover_feeds(_html: &str, _base: &Url) -> Vec<Url> {
    Vec::new()
}

/// Applies the `items` and `next` selectors to a listing page.
pub fn listing(_html: &str, _base: &Url, _selectors: &Selectors) -> Listing {
    Listing::default()
}

/// Scrapes one item page with the title/date/content selectors (and sensible fallbacks).
pub fn item_page(_html: &str, _selectors: &Selectors, ctx: ParseContext<'_>) -> ParsedItem {
    ParsedItem {
        guid: None,
        url: Some(ctx.base.clone()),
        canonical: None,
        title: String::new(),
        author: None,
        published: None,
        updated: None,
        content_html: String::new(),
        lang: None,
        categories: Vec::new(),
    }
}

/// What one selector matched on a page, for `digest check`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SelectorMatch {
    /// The key in `[source.selectors]`.
    pub key: String,
    /// The selector.
    pub selector: String,
    /// How many elements matched.
    pub count: usize,
    /// The first few values (link, text or datetime), shortened.
    pub samples: Vec<String>,
}

/// Applies every configured selector to a page and reports what each matched.
pub fn selector_report(_html: &str, _base: &Url, _selectors: &Selectors) -> Vec<SelectorMatch> {
    Vec::new()
}
