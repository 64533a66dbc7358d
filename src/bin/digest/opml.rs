//! `digest import FILE.opml` and `digest export --opml`: subscription lists in the format
//! every feed reader speaks.

use std::path::Path;

use anyhow::{Context, Result};

use digest::config::Config;
use digest::config::opml::{append_sources, read_feeds, write_feeds};

use crate::EXIT_OK;

/// Appends the OPML file's new feeds to the config file (or only lists them with `dry_run`).
pub fn import(config: &Config, file: &Path, dry_run: bool, quiet: bool) -> Result<u8> {
    let xml = std::fs::read_to_string(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let feeds = read_feeds(&xml).with_context(|| file.display().to_string())?;
    let text =
        std::fs::read_to_string(&config.path).with_context(|| format!("{}: cannot read", config.path.display()))?;
    let done = append_sources(&text, config, &feeds);
    if !dry_run && !done.added.is_empty() {
        // Validate before replacing the file, so a bad import never leaves a broken config.
        Config::from_str(&done.text, &config.path)?;
        digest::deliver::write_atomic(&config.path, done.text.as_bytes())?;
    }
    if !quiet {
        let verb = if dry_run { "would add" } else { "added" };
        for name in &done.added {
            out!("{verb} {name}");
        }
        for feed in &done.skipped {
            out!("skipped {} (already configured: {})", feed.title, feed.url);
        }
        for feed in &done.rejected {
            out!("skipped {} (not an http, https or file URL: {})", feed.title, feed.url);
        }
        out!(
            "{}: {} feeds, {} {verb} to {}, {} already there",
            file.display(),
            feeds.len(),
            done.added.len(),
            config.path.display(),
            done.skipped.len()
        );
    }
    Ok(EXIT_OK)
}

/// Prints (or writes to `out`) the sources as OPML 2.0.
pub fn export(config: &Config, out: Option<&Path>) -> Result<u8> {
    let xml = write_feeds(config)?;
    match out {
        Some(path) => digest::deliver::write_atomic(path, xml.as_bytes())?,
        None => out!("{}", xml.trim_end()),
    }
    Ok(EXIT_OK)
}
