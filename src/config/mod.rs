//! Stage 1: read `feeds.toml` into a validated [`Config`].
//!
//! Only a source's `name` and `url` are required; every other key has a default, so a
//! three-line config works. Unknown keys, bad URLs, bad time zones and CSS selectors that do
//! not parse are reported with the file, line and key.

mod email;
pub mod opml;
mod raw;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use url::Url;

pub use email::{EmailSettings, SmtpSecurity, TranslateSettings};
pub use raw::DEFAULT_USER_AGENT;

/// A problem with the configuration file, located as precisely as the file allows.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read at all.
    #[error("{path}: cannot read config: {source}")]
    Read {
        /// The config file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, has an unknown key, or a value of the wrong type or form.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this was read from (used to resolve relative paths and in messages).
    pub path: PathBuf,
    /// Newsletter title in Chinese.
    pub title_zh: String,
    /// Newsletter title in English.
    pub title_en: String,
    /// Public base URL of the published output, used for self links in feeds (optional).
    pub site_url: Option<Url>,
    /// Time zone for weeks, and for naive times of sources that set none.
    pub timezone: Tz,
    /// Folder the newsletter, feeds and calendars are written to.
    pub output_dir: PathBuf,
    /// Folder holding the state database.
    pub state_dir: PathBuf,
    /// How many items the merged feeds carry.
    pub feed_items: usize,
    /// HTTP behaviour.
    pub fetch: FetchSettings,
    /// What dedup may merge (the `[dedup]` table).
    pub dedup: DedupSettings,
    /// The sources, in file order.
    pub sources: Vec<SourceConfig>,
    /// Weeks after the newsletter's week whose events it lists as upcoming.
    pub upcoming_weeks: u32,
    /// How the newsletter is mailed (`[email]`; defaults when absent).
    pub email: EmailSettings,
    /// The optional translation provider (`[translate]`).
    pub translate: Option<TranslateSettings>,
}

/// HTTP client settings (the `[fetch]` table).
#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    /// User-Agent header sent with every request.
    pub user_agent: String,
    /// Requests in flight overall.
    pub concurrency: usize,
    /// Requests in flight per host.
    pub per_host: usize,
    /// Connect timeout in seconds.
    pub connect_timeout_secs: u64,
    /// Total timeout of one request (headers and body) in seconds.
    pub timeout_secs: u64,
    /// Retries after a timeout, 429 or 5xx.
    pub retries: u32,
    /// Longest wait honoured from a `Retry-After` header, in seconds.
    pub max_retry_after_secs: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Largest response body read, in bytes (after decompression).
    pub max_body_bytes: u64,
    /// Whether robots.txt is honoured for HTML scraping.
    pub robots: bool,
    /// First retry delay in milliseconds; doubles on each further retry.
    pub backoff_ms: u64,
    /// Proxy URL for all requests; overrides HTTP_PROXY / HTTPS_PROXY / NO_PROXY when set.
    pub proxy: Option<String>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: DEFAULT_USER_AGENT.to_string(),
            concurrency: 16,
            per_host: 2,
            connect_timeout_secs: 10,
            timeout_secs: 30,
            retries: 2,
            max_retry_after_secs: 60,
            max_redirects: 5,
            max_body_bytes: 10 * 1024 * 1024,
            robots: true,
            backoff_ms: 500,
            proxy: None,
        }
    }
}

/// The `[dedup]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupSettings {
    /// Query parameters to drop from links besides the built-in tracking ones (`name` or
    /// `prefix*`).
    pub tracking_params: Vec<String>,
    /// Fold near-duplicate texts (reposts) into one post.
    pub near_duplicates: bool,
    /// Fold Chinese/English twins into one bilingual post.
    pub translations: bool,
}

impl Default for DedupSettings {
    fn default() -> Self {
        DedupSettings { tracking_params: Vec::new(), near_duplicates: true, translations: true }
    }
}

/// What a source serves; `Auto` sniffs the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Decide from the response (feed formats, or an HTML page with feed autodiscovery).
    Auto,
    /// RSS 0.9x, 1.0 (RDF) or 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.x.
    Jsonfeed,
    /// An HTML listing scraped through CSS selectors.
    Html,
}

/// One `[[source]]` entry.
#[derive(Debug, Clone)]
pub struct SourceConfig {
    /// Unique name, used in messages and the store.
    pub name: String,
    /// Where to fetch (http, https or file).
    pub url: Url,
    /// What the URL serves.
    pub kind: SourceKind,
    /// Language hint ("zh" or "en"); detected from the text when absent.
    pub lang: Option<String>,
    /// City hint, used by extraction when a post names none.
    pub city: Option<String>,
    /// Time zone for naive times of this source (defaults to the config's).
    pub timezone: Tz,
    /// CSS selectors for HTML sources.
    pub selectors: Option<Selectors>,
}

/// CSS selectors that scrape an HTML listing and its item pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Selectors {
    /// Links to items on the listing page (`a` elements, or elements containing one).
    pub items: String,
    /// The item title on an item page (default: the page's `<h1>`, then `<title>`).
    pub title: Option<String>,
    /// The publication date on an item page (a `datetime` attribute or text).
    pub date: Option<String>,
    /// The item body on an item page (default: `article`, then `main`, then `body`).
    pub content: Option<String>,
    /// The "next page" link on a listing page.
    pub next: Option<String>,
    /// Listing pages followed at most.
    pub max_pages: usize,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Config::from_str(&text, path)
    }

    /// Validates config text; `path` names it in errors and anchors relative paths.
    pub fn from_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        raw::resolve(text, path)
    }

    /// The SQLite state database.
    pub fn database_path(&self) -> PathBuf {
        self.state_dir.join("digest.sqlite")
    }

    /// The domain of `site_url` (`localhost` without one), for Message-IDs and UIDs.
    pub fn site_host(&self) -> String {
        email::site_host(self.site_url.as_ref())
    }

    /// A source by name.
    pub fn source(&self, name: &str) -> Option<&SourceConfig> {
        self.sources.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests;
