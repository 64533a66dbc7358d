//! `digest check`: validate the config and try every source.

use anyhow::Result;

use digest::config::Config;
use digest::pipeline;
use digest::store::Store;

use crate::{EXIT_OK, EXIT_PARTIAL};

/// Tries every source (or `only`), printing text or JSON; exit 3 when one failed.
pub fn check(config: &Config, only: Option<&str>, json: bool) -> Result<u8> {
    if let Some(name) = only {
        anyhow::ensure!(config.source(name).is_some(), "{}: no source named `{name}`", config.path.display());
    }
    let history = if config.database_path().exists() {
        Store::open(&config.database_path())?.source_states()?
    } else {
        Vec::new()
    };
    let reports = crate::runtime()?.block_on(pipeline::check_sources(config, only, history))?;
    if json {
        out!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        out!("{}: config ok, {} sources", config.path.display(), config.sources.len());
        for r in &reports {
            out!("\n{} ({}) {}", r.name, format!("{:?}", r.kind).to_lowercase(), r.url);
            match &r.error {
                Some(e) => out!("  status: FAILED: {e}"),
                None => out!("  status: ok, {} items", r.items),
            }
            for w in r.warnings.iter().take(5) {
                out!("  warning: {w}");
            }
            for m in &r.selectors {
                out!("  selector {} = {:?}: {} matches", m.key, m.selector, m.count);
                for s in &m.samples {
                    out!("    {s}");
                }
            }
            if let Some(h) = &r.history
                && h.consecutive_failures > 0
            {
                out!(
                    "  history: failed {} runs in a row; last error: {}",
                    h.consecutive_failures,
                    h.last_error.as_deref().unwrap_or("?")
                );
            }
        }
    }
    let failed = reports.iter().any(|r| r.error.is_some());
    Ok(if failed { EXIT_PARTIAL } else { EXIT_OK })
}
