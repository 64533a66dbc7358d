//! Gathering one source: fetch, parse and extract, for feed sources (with autodiscovery) and
//! HTML sources (listing pages, then item pages). Runs as one tokio task per source; parsing
//! and extraction, which are CPU-bound, run on the blocking pool (see [`Shared::cpu`]) so that
//! the runtime's workers keep serving the network meanwhile.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::join_all;
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{SourceConfig, SourceKind};
use crate::dedup::{self, Preparer};
use crate::extract::{self, Item};
use crate::fetch::{Body, Document, Fetcher, Request, Response, Validators};
use crate::parse::{self, Format, ParseContext, ParsedItem};
use crate::store::CachedResponse;

/// What one source yielded.
#[derive(Debug, Default)]
pub struct Harvest {
    /// Items found (empty when the server said 304).
    pub items: Vec<Item>,
    /// What dedup prepared of each item (see [`Shared::with_dedup`]), else empty.
    pub prepared: Vec<dedup::Prepared>,
    /// The main URL answered 304: the stored items stand.
    pub not_modified: bool,
    /// Validators to remember.
    pub responses: Vec<CachedResponse>,
    /// Problems that did not fail the source (repaired XML, an item page that failed).
    pub warnings: Vec<String>,
}

/// What every source task shares.
#[derive(Clone)]
pub struct Shared {
    /// The HTTP client.
    pub fetcher: Fetcher,
    /// Stored validators by URL, read once before the run.
    pub cache: Arc<HashMap<String, Validators>>,
    /// Whether robots.txt is honoured for HTML scraping.
    pub robots: bool,
    /// One permit per core: parse and extraction jobs running at once.
    pub cores: Arc<Semaphore>,
    /// Prepares each item for dedup, when the items are to be merged.
    pub dedup: Option<Arc<Preparer>>,
}

impl Shared {
    /// What the source tasks of one run share; `cores` bounds the parse and extraction jobs.
    pub fn new(fetcher: Fetcher, cache: HashMap<String, Validators>, robots: bool, cores: usize) -> Self {
        Shared { fetcher, cache: Arc::new(cache), robots, cores: Arc::new(Semaphore::new(cores.max(1))), dedup: None }
    }

    /// Has each item prepared for dedup by `preparer`, right after its extraction.
    pub fn with_dedup(mut self, preparer: Arc<Preparer>) -> Self {
        self.dedup = Some(preparer);
        self
    }

    /// Runs CPU-bound work (parse, extraction) on the blocking pool, at most one job per core
    /// at once. A job that panics fails its source with an internal error.
    async fn cpu<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
        let _permit = self.cores.acquire().await.map_err(|e| e.to_string())?;
        tokio::task::spawn_blocking(job).await.map_err(|e| format!("internal error: parsing failed: {e}"))
    }
}

/// The cores parsing and extraction may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Fetches and parses one source; an `Err` is the reason the whole source failed.
pub async fn harvest(shared: &Shared, source: &SourceConfig) -> Result<Harvest, String> {
    match source.kind {
        SourceKind::Html => harvest_html(shared, source).await,
        _ => harvest_feed(shared, source).await,
    }
}

async fn get(shared: &Shared, url: &Url, h: &mut Harvest) -> Result<Option<(Url, Document)>, String> {
    let validators = shared.cache.get(url.as_str()).cloned().unwrap_or_default();
    let response: Response =
        shared.fetcher.get(&Request { url: url.clone(), validators }).await.map_err(|e| e.to_string())?;
    // Recorded with or without validators: the status is what `digest sources` shows.
    h.responses.push(CachedResponse {
        url: url.to_string(),
        status: response.status,
        validators: response.validators.clone(),
    });
    Ok(match response.body {
        Body::Fresh(doc) => {
            tracing::debug!(url = %response.final_url, encoding = doc.encoding, "decoded");
            Some((response.final_url, doc))
        }
        Body::NotModified => None,
    })
}

async fn harvest_feed(shared: &Shared, source: &SourceConfig) -> Result<Harvest, String> {
    let mut h = Harvest::default();
    let Some((mut base, mut doc)) = get(shared, &source.url, &mut h).await? else {
        h.not_modified = true;
        return Ok(h);
    };
    if source.kind == SourceKind::Auto && parse::sniff(&doc.text, doc.content_type.as_deref()) == Some(Format::Html) {
        if source.selectors.is_some() {
            return Box::pin(harvest_html(shared, source)).await;
        }
        let Some(feed_url) = parse::html::discover_feeds(&doc.text, &base).into_iter().next() else {
            return Err(format!(
                "{} is an HTML page without a feed link; set kind = \"html\" and [source.selectors]",
                source.url
            ));
        };
        tracing::info!(source = %source.name, feed = %feed_url, "discovered feed");
        match get(shared, &feed_url, &mut h).await? {
            Some((b, d)) => (base, doc) = (b, d),
            None => {
                h.not_modified = true;
                return Ok(h);
            }
        }
    }
    let (source, preparer) = (source.clone(), shared.dedup.clone());
    let ((items, prepared), warnings) = shared
        .cpu(move || {
            let ctx = ParseContext { base: &base, timezone: source.timezone };
            let feed = parse::parse_feed(&doc.text, source.kind, ctx).map_err(|e| format!("{base}: {e}"))?;
            drop(doc);
            let warnings: Vec<String> = feed.warnings.into_iter().map(|w| format!("{base}: {w}")).collect();
            Ok::<_, String>((analyze_all(feed.items, &source, preparer.as_deref()), warnings))
        })
        .await??;
    h.warnings.extend(warnings);
    (h.items, h.prepared) = (items, prepared);
    Ok(h)
}

async fn harvest_html(shared: &Shared, source: &SourceConfig) -> Result<Harvest, String> {
    let mut h = Harvest::default();
    let Some(selectors) = &source.selectors else {
        return Err("kind = \"html\" needs [source.selectors]".into());
    };
    let robots = shared.robots;
    let fetcher = &shared.fetcher;
    let mut links: Vec<Url> = Vec::new();
    let mut page = Some(source.url.clone());
    let mut pages = 0;
    while let Some(url) = page.take() {
        if pages >= selectors.max_pages {
            break;
        }
        if robots && !fetcher.robots_allowed(&url).await {
            return Err(format!("{url}: robots.txt disallows fetching it"));
        }
        pages += 1;
        let Some((base, doc)) = get(shared, &url, &mut h).await? else {
            if pages == 1 {
                h.not_modified = true;
                return Ok(h);
            }
            break;
        };
        let listing = parse::html::listing(&doc.text, &base, selectors);
        if pages == 1 && listing.items.is_empty() {
            return Err(format!("{base}: selector `{}` matched no item links", selectors.items));
        }
        for link in listing.items {
            if !links.contains(&link) {
                links.push(link);
            }
        }
        page = listing.next.filter(|n| n != &url);
    }
    let pages = join_all(links.iter().map(|url| async move {
        if robots && !fetcher.robots_allowed(url).await {
            return (url, Err(format!("{url}: robots.txt disallows fetching it")));
        }
        let mut part = Harvest::default();
        let got = get(shared, url, &mut part).await;
        (url, got.map(|doc| (doc, part.responses)))
    }))
    .await;
    let mut fetched: Vec<(Url, Document)> = Vec::new();
    let mut failed = 0;
    for (url, result) in pages {
        match result {
            Ok((doc, responses)) => {
                h.responses.extend(responses);
                fetched.extend(doc);
            }
            Err(e) => {
                failed += 1;
                h.warnings.push(format!("item page {url}: {e}"));
            }
        }
    }
    if failed > 0 && failed == links.len() {
        return Err(format!("all {failed} item pages failed; first: {}", h.warnings[0]));
    }
    let (source, preparer) = (source.clone(), shared.dedup.clone());
    (h.items, h.prepared) = shared
        .cpu(move || {
            let Some(selectors) = &source.selectors else { return Default::default() };
            let parsed: Vec<ParsedItem> = fetched
                .into_iter()
                .map(|(base, doc)| {
                    let ctx = ParseContext { base: &base, timezone: source.timezone };
                    parse::html::item_page(&doc.text, selectors, ctx)
                })
                .collect();
            analyze_all(parsed, &source, preparer.as_deref())
        })
        .await?;
    Ok(h)
}

/// Extracts each item and, with a `dedup` preparer, prepares it for dedup while its body is
/// at hand; then packs the body.
fn analyze_all(
    items: Vec<ParsedItem>,
    source: &SourceConfig,
    dedup: Option<&Preparer>,
) -> (Vec<Item>, Vec<dedup::Prepared>) {
    let mut prepared = Vec::new();
    let items = items
        .into_iter()
        .filter(ParsedItem::has_title_or_link)
        .map(|p| {
            let mut item = extract::analyze(p, source);
            if let Some(preparer) = dedup {
                prepared.push(preparer.prepare(&item));
            }
            // Held until every source is in: from here on the body is only read.
            item.parsed.content_html.pack();
            item
        })
        .collect();
    (items, prepared)
}
