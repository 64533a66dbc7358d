//! `digest sources`: what the state database knows about each configured source. The same
//! record `digest check` prints as "history", as a table; nothing is fetched.

use anyhow::Result;

use digest::config::Config;
use digest::store::Store;
use digest::week::Week;

use crate::{EXIT_OK, EXIT_PARTIAL};

/// One row of the table (and one object of `--json`).
#[derive(serde::Serialize)]
struct Row {
    name: String,
    kind: String,
    url: String,
    /// RFC 3339, or null before the first run.
    last_fetch: Option<String>,
    /// "ok", "not-modified", "failed" or "never".
    status: String,
    http_status: Option<i64>,
    items: i64,
    new_this_week: i64,
    consecutive_failures: i64,
    last_error: Option<String>,
}

/// Prints the table or JSON; exit 3 when a source's last run failed.
pub fn sources(config: &Config, json: bool) -> Result<u8> {
    let (states, new) = if config.database_path().exists() {
        let store = Store::open(&config.database_path())?;
        let (monday, _) = Week::parse("this", chrono::Utc::now(), config.timezone)?.bounds(config.timezone);
        (store.source_states()?, store.new_posts_since(monday)?)
    } else {
        Default::default()
    };
    let rows: Vec<Row> = config
        .sources
        .iter()
        .map(|s| {
            let state = states.iter().find(|h| h.name == s.name);
            Row {
                name: s.name.clone(),
                kind: format!("{:?}", s.kind).to_lowercase(),
                url: s.url.to_string(),
                last_fetch: state.and_then(|h| h.last_fetch.clone()),
                status: state.and_then(|h| h.last_status.clone()).unwrap_or_else(|| "never".into()),
                // A failed run records no response: the error text carries its status.
                http_status: state.filter(|h| h.last_status.as_deref() != Some("failed")).and_then(|h| h.http_status),
                items: state.map_or(0, |h| h.items),
                new_this_week: new.get(&s.name).copied().unwrap_or(0),
                consecutive_failures: state.map_or(0, |h| h.consecutive_failures),
                last_error: state.and_then(|h| h.last_error.clone()),
            }
        })
        .collect();
    if json {
        out!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print_table(&rows, config);
    }
    Ok(if rows.iter().any(|r| r.status == "failed") { EXIT_PARTIAL } else { EXIT_OK })
}

fn print_table(rows: &[Row], config: &Config) {
    let name_width = rows.iter().map(|r| r.name.chars().count()).max().unwrap_or(0).max(6);
    out!(
        "{:<name_width$}  {:<8} {:<16}  {:<12} {:>4} {:>6} {:>8} {:>8}  last error",
        "source",
        "kind",
        "last fetch",
        "status",
        "http",
        "items",
        "new/week",
        "failures"
    );
    for r in rows {
        let when = r.last_fetch.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map_or_else(
            || "-".to_string(),
            |t| t.with_timezone(&config.timezone).format("%Y-%m-%d %H:%M").to_string(),
        );
        let status = format!("{:<12}", r.status);
        let status = if r.status == "failed" { crate::paint_red(&status) } else { status };
        let error: String = r.last_error.as_deref().unwrap_or("").chars().take(100).collect();
        out!(
            "{:<name_width$}  {:<8} {:<16}  {status} {:>4} {:>6} {:>8} {:>8}  {error}",
            r.name,
            r.kind,
            when,
            r.http_status.map_or_else(|| "-".to_string(), |s| s.to_string()),
            r.items,
            r.new_this_week,
            r.consecutive_failures,
        );
    }
}
