//! `digest build` and `digest fetch`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use digest::config::Config;
use digest::pipeline::{self, RunSummary};
use digest::store::{StateLock, Store};
use digest::week::Week;

use crate::{EXIT_OK, EXIT_PARTIAL};

/// Fetches (unless `no_fetch`), then builds `week`.
pub fn build(config: &Config, week: &str, no_fetch: bool, templates: Option<&Path>, quiet: bool) -> Result<u8> {
    let week = Week::parse(week, chrono::Utc::now(), config.timezone)?;
    let _lock = StateLock::acquire(&config.state_dir)?;
    let mut store = Store::open(&config.database_path())?;
    let summary = if no_fetch { None } else { Some(fetch(config, &mut store, quiet)?) };
    let report = pipeline::build_week(config, &mut store, week, templates)?;
    if !quiet {
        out!("built {}: {} posts in the newsletter", report.week, report.posts);
        for f in &report.files {
            out!("  wrote {}", f.display());
        }
    }
    Ok(exit_code(summary.as_ref()))
}

/// Fetches and stores every source.
pub fn fetch_only(config: &Config, quiet: bool) -> Result<u8> {
    let _lock = StateLock::acquire(&config.state_dir)?;
    let mut store = Store::open(&config.database_path())?;
    let summary = fetch(config, &mut store, quiet)?;
    Ok(exit_code(Some(&summary)))
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{spinner} fetching [{bar:30}] {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn fetch(config: &Config, store: &mut Store, quiet: bool) -> Result<RunSummary> {
    let bar = progress_bar(quiet);
    let summary = crate::runtime()?.block_on(pipeline::fetch_sources(config, store, &bar, chrono::Utc::now()))?;
    print_summary(&summary, quiet);
    Ok(summary)
}

fn print_summary(summary: &RunSummary, quiet: bool) {
    for s in &summary.sources {
        match &s.error {
            // The log already carries the failure to stderr (also under --quiet).
            Some(e) if !quiet => out!("{:<24} {:<13} {e}", s.name, s.status),
            None if !quiet => out!("{:<24} {:<13} {:>5} items", s.name, s.status, s.items),
            _ => {}
        }
    }
    if !quiet {
        out!(
            "fetched {} sources ({} failed), {} new posts",
            summary.sources.len(),
            summary.failed(),
            summary.new_posts
        );
    }
}

fn exit_code(summary: Option<&RunSummary>) -> u8 {
    match summary {
        Some(s) if s.failed() > 0 => EXIT_PARTIAL,
        _ => EXIT_OK,
    }
}
