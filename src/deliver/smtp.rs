//! `digest send`: mails a built week's `.eml` editions to the subscribers over SMTP, throttled,
//! recording each (week, address) in the state database right after the server accepts it, so
//! a rerun, or a run resumed after a crash, never sends anyone a second copy.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lettre::Transport;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;

use super::eml;
use super::subscribers::{self, Subscriber, SubscriberError};
use crate::config::{EmailSettings, SmtpSecurity};
use crate::render::Edition;
use crate::store::{Store, StoreError};
use crate::week::Week;

/// A failure that stops `send` before anything goes out.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The week's message is not built.
    #[error("{path}: not built; run `digest build --week {week}` first")]
    NotBuilt {
        /// The missing file.
        path: PathBuf,
        /// The week.
        week: Week,
    },
    /// The subscriber list is unreadable.
    #[error(transparent)]
    Subscribers(#[from] SubscriberError),
    /// The state database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The From address or the SMTP settings are unusable.
    #[error("email settings: {0}")]
    Settings(String),
}

/// What happened to one subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the server now.
    Sent,
    /// Would be sent (`--dry-run`).
    WouldSend,
    /// Got this week's newsletter in an earlier run.
    AlreadySent,
    /// Not sent: the reason.
    Failed(String),
}

/// One line of the send report.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The subscriber.
    pub subscriber: Subscriber,
    /// What happened.
    pub outcome: Outcome,
}

/// Sends week `week` to every subscriber not yet recorded as sent. Per-recipient failures
/// (bad address, refused recipient, connection trouble) are reported in the result, never
/// fatal; `now` stamps the send log.
pub fn send_week(
    settings: &EmailSettings,
    output_dir: &Path,
    store: &Store,
    week: Week,
    dry_run: bool,
    now: impl Fn() -> chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Delivery>, SendError> {
    let mut editions = Vec::new();
    for edition in Edition::ALL {
        let path = output_dir.join(week.to_string()).join(format!("newsletter{}.eml", edition.infix()));
        let bytes = std::fs::read(&path).map_err(|_| SendError::NotBuilt { path: path.clone(), week })?;
        editions.push((edition, bytes));
    }
    let list = subscribers::load(&settings.subscribers)?;
    let from = from_address(&settings.from)?;
    let transport = if dry_run { None } else { Some(transport(settings)?) };
    let gap = Duration::from_secs_f64(1.0 / settings.rate);
    let mut last: Option<Instant> = None;
    let mut report = Vec::with_capacity(list.len());
    let week_key = week.to_string();
    for subscriber in list {
        let outcome = if store.was_sent(&week_key, &subscriber.address)? {
            Outcome::AlreadySent
        } else {
            match (subscriber.address.parse::<Address>(), &transport) {
                (Err(e), _) => Outcome::Failed(format!("bad address: {e}")),
                (Ok(_), None) => Outcome::WouldSend,
                (Ok(to), Some(transport)) => {
                    if let Some(wait) = last.map(|t| gap.saturating_sub(t.elapsed())) {
                        std::thread::sleep(wait);
                    }
                    last = Some(Instant::now());
                    let bytes = &editions
                        .iter()
                        .find(|(e, _)| *e == subscriber.edition)
                        .map(|(_, b)| b)
                        .expect("all editions read");
                    let message = eml::with_recipient(bytes, &subscriber.address, subscriber.name.as_deref());
                    let envelope =
                        Envelope::new(Some(from.clone()), vec![to]).map_err(|e| SendError::Settings(e.to_string()))?;
                    match transport.send_raw(&envelope, &message) {
                        Ok(_) => {
                            let id = message_id_of(bytes);
                            store.record_sent(&week_key, &subscriber.address, subscriber.edition.code(), &id, now())?;
                            Outcome::Sent
                        }
                        Err(e) => Outcome::Failed(smtp_error(&e)),
                    }
                }
            }
        };
        match &outcome {
            Outcome::Failed(why) => tracing::warn!(address = %subscriber.address, "not sent: {why}"),
            Outcome::Sent => tracing::info!(address = %subscriber.address, edition = subscriber.edition.code(), "sent"),
            _ => {}
        }
        report.push(Delivery { subscriber, outcome });
    }
    Ok(report)
}

/// The Message-ID of a stored message (as recorded in the send log).
fn message_id_of(eml: &[u8]) -> String {
    String::from_utf8_lossy(eml)
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn smtp_error(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// The address of a From header such as `周报 <w@example.org>`.
fn from_address(from: &str) -> Result<Address, SendError> {
    let addr = from.rsplit_once('<').map_or(from, |(_, a)| a.trim_end_matches('>')).trim();
    addr.parse().map_err(|e| SendError::Settings(format!("email.from {from:?}: {e}")))
}

fn transport(s: &EmailSettings) -> Result<SmtpTransport, SendError> {
    let bad = |e: lettre::transport::smtp::Error| SendError::Settings(format!("SMTP {}: {e}", s.host));
    let builder = match s.security {
        SmtpSecurity::None => SmtpTransport::builder_dangerous(&s.host),
        SmtpSecurity::Starttls => SmtpTransport::starttls_relay(&s.host).map_err(bad)?,
        SmtpSecurity::Tls => SmtpTransport::relay(&s.host).map_err(bad)?,
    };
    let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(s.timeout_secs)));
    if let Some(user) = &s.user {
        let password = match &s.password_env {
            Some(var) => {
                std::env::var(var).map_err(|_| SendError::Settings(format!("email.password_env: ${var} is not set")))?
            }
            None => String::new(),
        };
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}
