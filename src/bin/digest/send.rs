//! `digest send`: mail a built week to the subscribers.

use anyhow::Result;

use digest::config::Config;
use digest::store::{StateLock, Store};
use digest::week::Week;

use crate::{EXIT_OK, EXIT_PARTIAL};

/// Mails (or, with `dry_run`, lists) the week's editions; exit 3 when some could not be sent.
pub fn send(config: &Config, week: &str, dry_run: bool, quiet: bool) -> Result<u8> {
    use digest::deliver::smtp::{Outcome, send_week};
    let week = Week::parse(week, chrono::Utc::now(), config.timezone)?;
    // Two sends at once could both see an address as not yet sent.
    let _lock = StateLock::acquire(&config.state_dir)?;
    let store = Store::open(&config.database_path())?;
    let report = send_week(&config.email, &config.output_dir, &store, week, dry_run, chrono::Utc::now)?;
    let mut failed = 0;
    for d in &report {
        let (status, why) = match &d.outcome {
            Outcome::Sent => ("sent", ""),
            Outcome::WouldSend => ("would send", ""),
            Outcome::AlreadySent => ("already sent", ""),
            Outcome::Failed(why) => {
                failed += 1;
                ("FAILED", why.as_str())
            }
        };
        if !quiet || !why.is_empty() {
            out!("{:<13} {:<4} {} {why}", status, d.subscriber.edition.code(), d.subscriber.address);
        }
    }
    if !quiet {
        let count = |o: &Outcome| report.iter().filter(|d| &d.outcome == o).count();
        out!(
            "{week}: {} sent, {} would send, {} already sent, {failed} failed",
            count(&Outcome::Sent),
            count(&Outcome::WouldSend),
            count(&Outcome::AlreadySent)
        );
    }
    Ok(if failed > 0 { EXIT_PARTIAL } else { EXIT_OK })
}
