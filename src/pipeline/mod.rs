//! Wiring the stages together for the `digest` commands: `fetch` (fetch → parse → extract →
//! dedup → store), `build` (store → render → deliver) and `check`.

mod build;
mod check;
mod export;
mod harvest;
pub mod parse_files;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use check::{CheckReport, check_sources};
pub use export::{Export, ExportItem, export};
pub use harvest::Harvest;

use crate::config::Config;
use crate::dedup;
use crate::deliver::DeliverError;
use crate::fetch::{FetchError, Fetcher};
use crate::render::RenderError;
use crate::store::{RunOutcome, SourceRun, Store, StoreError};
use crate::week::Week;

/// A failure that stops a command (a failing source does not: it is reported in the summary).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The state database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// An output could not be written.
    #[error(transparent)]
    Deliver(#[from] DeliverError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// How one source fared in a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceReport {
    /// Source name.
    pub name: String,
    /// "ok", "not-modified" or "failed".
    pub status: &'static str,
    /// Items parsed this run.
    pub items: usize,
    /// The reason, when it failed.
    pub error: Option<String>,
    /// Problems that did not fail it.
    pub warnings: Vec<String>,
}

/// The outcome of fetching every source.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    /// One report per source, in config order.
    pub sources: Vec<SourceReport>,
    /// Posts stored for the first time.
    pub new_posts: usize,
}

impl RunSummary {
    /// Sources that failed.
    pub fn failed(&self) -> usize {
        self.sources.iter().filter(|s| s.error.is_some()).count()
    }
}

/// Fetches every source concurrently (the fetcher bounds the requests in flight), then merges
/// what came back and stores it in one transaction. A failing source is reported, never fatal.
pub async fn fetch_sources(
    config: &Config,
    store: &mut Store,
    progress: &ProgressBar,
    now: DateTime<Utc>,
) -> Result<RunSummary, PipelineError> {
    let fetcher = Fetcher::new(&config.fetch)?;
    let cache = store.all_validators()?;
    let cores = harvest::cores();
    let options = dedup::DedupOptions::from(&config.dedup);
    // Each item is prepared for dedup in the harvest workers, where its body is at hand.
    let preparer = Arc::new(dedup::Preparer::new(options));
    let shared = harvest::Shared::new(fetcher, cache, config.fetch.robots, cores).with_dedup(Arc::clone(&preparer));
    progress.set_length(config.sources.len() as u64);
    // Sources under way at once: enough to keep every request slot and core busy, few enough
    // that fetched bodies do not pile up in memory while they wait for a core. Permits are
    // handed out first come, first served: sources start in config order.
    let slots = Arc::new(Semaphore::new(config.fetch.concurrency.max(1) + 2 * cores));
    let started = std::time::Instant::now();
    let mut tasks = JoinSet::new();
    for (i, source) in config.sources.iter().cloned().enumerate() {
        let (shared, slots) = (shared.clone(), Arc::clone(&slots));
        tasks.spawn(async move {
            let _slot = slots.acquire().await;
            (i, harvest::harvest(&shared, &source).await)
        });
    }
    let mut results: HashMap<usize, Result<Harvest, String>> = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, result)) => {
                progress.set_message(config.sources[i].name.clone());
                progress.inc(1);
                results.insert(i, result);
            }
            // A panicking source task is a bug, but it must not take the run down.
            Err(e) => tracing::error!("a source task died: {e}"),
        }
    }
    let mut summary = RunSummary::default();
    let mut runs = Vec::with_capacity(config.sources.len());
    // Sized once: growing by doubling would hold two copies of the lists at the peak.
    let total: usize = results.values().filter_map(|r| r.as_ref().ok()).map(|h| h.items.len()).sum();
    let (mut items, mut prepared) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for (i, source) in config.sources.iter().enumerate() {
        let result = results.remove(&i).unwrap_or_else(|| Err("internal error: the source task died".into()));
        let url = source.url.to_string();
        match result {
            Ok(h) => {
                let status = if h.not_modified { "not-modified" } else { "ok" };
                tracing::info!(source = %source.name, status, items = h.items.len(), "fetched");
                // Repairs are normal for real feeds: logged, not shouted (cron mails stderr).
                for w in &h.warnings {
                    tracing::info!(source = %source.name, "{w}");
                }
                summary.sources.push(SourceReport {
                    name: source.name.clone(),
                    status,
                    items: h.items.len(),
                    error: None,
                    warnings: h.warnings,
                });
                let outcome = if h.not_modified { RunOutcome::NotModified } else { RunOutcome::Fresh };
                runs.push(SourceRun { name: source.name.clone(), url, outcome, responses: h.responses });
                // One prepared entry per item (else merge_prepared prepares them itself).
                prepared.extend(h.prepared);
                items.extend(h.items);
            }
            Err(error) => {
                tracing::warn!(source = %source.name, "failed: {error}");
                summary.sources.push(SourceReport {
                    name: source.name.clone(),
                    status: "failed",
                    items: 0,
                    error: Some(error.clone()),
                    warnings: Vec::new(),
                });
                runs.push(SourceRun {
                    name: source.name.clone(),
                    url,
                    outcome: RunOutcome::Failed(error),
                    responses: Vec::new(),
                });
            }
        }
    }
    let (fetched, count) = (started.elapsed(), items.len());
    let posts = dedup::merge_prepared(items, prepared, preparer.options());
    let deduped = started.elapsed();
    summary.new_posts = store.save_run(&runs, &posts, now)?;
    tracing::info!(
        "{count} items from {} sources in {:.2?}, merged into {} posts in {:.2?}, stored in {:.2?}",
        config.sources.len(),
        fetched,
        posts.len(),
        deduped - fetched,
        started.elapsed() - deduped,
    );
    progress.finish_and_clear();
    // Freeing 31k posts took ~50 ms of a cold run's serial end (perf): done on a thread of
    // its own, so that the build (or the exit) need not wait for it.
    let freeing = (posts, runs);
    if let Err(e) = std::thread::Builder::new().name("free".into()).spawn(move || drop(freeing)) {
        tracing::debug!("freeing the run inline: {e}");
    }
    Ok(summary)
}

/// What `build` wrote.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The week built.
    pub week: Week,
    /// Posts in the week's newsletter.
    pub posts: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Renders a week's newsletter (three editions, each as a web page, plain text and an email
/// message), its calendar, the archive page and the merged feeds from the store, and writes
/// them atomically under the output folder.
pub fn build_week(
    config: &Config,
    store: &mut Store,
    week: Week,
    templates: Option<&Path>,
) -> Result<BuildReport, PipelineError> {
    build::build_week(config, store, week, templates, chrono::Utc::now())
}
