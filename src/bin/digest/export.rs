//! `digest export`: posts, events and talks of a date range as JSON.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use digest::config::Config;
use digest::pipeline;
use digest::store::Store;

use crate::EXIT_OK;

/// Prints (or writes to `out`) the JSON export of `[since, until]` (until defaults to today).
pub fn export(config: &Config, since: NaiveDate, until: Option<NaiveDate>, out: Option<&Path>) -> Result<u8> {
    let until = until.unwrap_or_else(|| chrono::Utc::now().with_timezone(&config.timezone).date_naive());
    anyhow::ensure!(since <= until, "--since {since} is after --until {until}");
    let store = Store::open(&config.database_path())?;
    let export = pipeline::export(config, &store, since, until)?;
    let mut json = serde_json::to_string_pretty(&export)?;
    json.push('\n');
    match out {
        Some(path) => digest::deliver::write_atomic(path, json.as_bytes())?,
        None => out!("{}", json.trim_end()),
    }
    Ok(EXIT_OK)
}
