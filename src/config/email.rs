//! The `[email]` and `[translate]` tables: how the newsletter is mailed, and the optional
//! LibreTranslate-compatible provider that glosses titles in the other language.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use super::ConfigError;
use super::raw::Locator;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain SMTP (a relay on localhost, tests).
    None,
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte (SMTPS), usually port 465.
    Tls,
}

/// The `[email]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailSettings {
    /// The From header, e.g. `社区周报 <weekly@example.org>`.
    pub from: String,
    /// A Reply-To header.
    pub reply_to: Option<String>,
    /// The subscriber list (CSV or TOML): address, name, language `zh`, `en` or `both`.
    pub subscribers: PathBuf,
    /// Where readers unsubscribe (an https URL; enables one-click List-Unsubscribe-Post).
    pub unsubscribe_url: Option<Url>,
    /// An address that unsubscribes whoever writes to it (List-Unsubscribe mailto).
    pub unsubscribe_mailto: Option<String>,
    /// SMTP server host.
    pub host: String,
    /// SMTP port (default 25, 587 or 465 by `security`).
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// SMTP user name, if the server wants a login.
    pub user: Option<String>,
    /// Name of the environment variable holding the SMTP password.
    pub password_env: Option<String>,
    /// Messages per second at most.
    pub rate: f64,
    /// Seconds allowed for each SMTP command.
    pub timeout_secs: u64,
}

/// The `[translate]` table: a LibreTranslate-compatible `POST /translate` API.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslateSettings {
    /// Base URL of the API (`/translate` is appended).
    pub url: Url,
    /// Name of the environment variable holding the API key, if it needs one.
    pub api_key_env: Option<String>,
    /// Seconds allowed for each request.
    pub timeout_secs: u64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmail {
    from: Option<Spanned<String>>,
    reply_to: Option<String>,
    subscribers: Option<String>,
    unsubscribe_url: Option<Spanned<String>>,
    unsubscribe_mailto: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    security: Option<SmtpSecurity>,
    user: Option<String>,
    password_env: Option<String>,
    rate: Option<Spanned<f64>>,
    timeout: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTranslate {
    url: Spanned<String>,
    api_key_env: Option<String>,
    timeout: Option<u64>,
}

/// The domain that default From addresses and Message-IDs use.
pub(super) fn site_host(site_url: Option<&Url>) -> String {
    site_url.and_then(|u| u.host_str()).unwrap_or("localhost").to_string()
}

pub(super) fn resolve_email(
    loc: &Locator,
    raw: RawEmail,
    base: &Path,
    site_url: Option<&Url>,
) -> Result<EmailSettings, ConfigError> {
    let security = raw.security.unwrap_or(SmtpSecurity::Starttls);
    let from = match raw.from {
        Some(f) if !f.get_ref().contains('@') => {
            return Err(loc.error(Some(f.span()), format!("email.from: {:?} has no address", f.get_ref())));
        }
        Some(f) => f.into_inner(),
        None => format!("digest <newsletter@{}>", site_host(site_url)),
    };
    let unsubscribe_url = match raw.unsubscribe_url {
        Some(u) => Some(
            Url::parse(u.get_ref())
                .map_err(|e| loc.error(Some(u.span()), format!("email.unsubscribe_url: not a URL: {e}")))?,
        ),
        None => None,
    };
    let rate = match raw.rate {
        Some(r) if r.get_ref().is_nan() || *r.get_ref() <= 0.0 => {
            return Err(loc.error(Some(r.span()), "email.rate: must be more than 0 messages per second".into()));
        }
        Some(r) => r.into_inner(),
        None => 1.0,
    };
    Ok(EmailSettings {
        from,
        reply_to: raw.reply_to,
        subscribers: base.join(raw.subscribers.as_deref().unwrap_or("subscribers.csv")),
        unsubscribe_url,
        unsubscribe_mailto: raw.unsubscribe_mailto,
        host: raw.host.unwrap_or_else(|| "localhost".into()),
        port: raw.port.unwrap_or(match security {
            SmtpSecurity::None => 25,
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
        }),
        security,
        user: raw.user,
        password_env: raw.password_env,
        rate,
        timeout_secs: raw.timeout.unwrap_or(30),
    })
}

pub(super) fn resolve_translate(loc: &Locator, raw: RawTranslate) -> Result<TranslateSettings, ConfigError> {
    let url =
        Url::parse(raw.url.get_ref()).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(|| {
            loc.error(Some(raw.url.span()), format!("translate.url: not an http(s) URL: {:?}", raw.url.get_ref()))
        })?;
    Ok(TranslateSettings { url, api_key_env: raw.api_key_env, timeout_secs: raw.timeout.unwrap_or(10) })
}
