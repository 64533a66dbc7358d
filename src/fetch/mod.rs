//! Stage 2: fetch bytes over HTTP(S) or from `file://`, and decode them to UTF-8 exactly once.
//!
//! Bounded concurrency (overall and per host), timeouts, retries with backoff (honouring
//! `Retry-After`), a body size cap, conditional GET with stored validators, proxies from the
//! environment, and robots.txt for HTML scraping.

pub mod decode;

use url::Url;

use crate::config::FetchSettings;

/// HTTP cache validators of one URL, stored verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` response header.
    pub etag: Option<String>,
    /// The `Last-Modified` response header.
    pub last_modified: Option<String>,
}

/// One GET to make.
#[derive(Debug, Clone)]
pub struct Request {
    /// What to fetch.
    pub url: Url,
    /// Validators from the last response, sent as If-None-Match / If-Modified-Since.
    pub validators: Validators,
}

/// A decoded response body.
#[derive(Debug, Clone)]
pub struct Document {
    /// The body as UTF-8.
    pub text: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The encoding the bytes were decoded from (e.g. "UTF-8", "GB18030").
    pub encoding: &'static str,
    /// Size of the (decompressed) body in bytes.
    pub byte_len: usize,
}

/// What came back.
#[derive(Debug, Clone)]
pub enum Body {
    /// A 2xx with a body.
    Fresh(Document),
    /// A 304: what was stored last time is still current.
    NotModified,
}

/// A completed fetch.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL after redirects.
    pub final_url: Url,
    /// HTTP status (200 for files).
    pub status: u16,
    /// Validators to store for next time (from this response, or kept on 304).
    pub validators: Validators,
    /// The body, or not-modified.
    pub body: Body,
}

/// Why a fetch failed; the message names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Anything; replaced by the fetch stage's real error kinds.
    #[error("{url}: {reason}")]
    Other {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}

/// A shareable HTTP client with the configured limits (cheap to clone).
#[derive(Clone)]
pub struct Fetcher {
    _settings: FetchSettings,
}

impl Fetcher {
    /// Builds a client from the `[fetch]` settings.
    pub fn new(settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        Ok(Fetcher { _settings: settings.clone() })
    }

    /// Fetches one URL (http, https or file), conditionally when validators are given.
    pub async fn get(&self, request: &Request) -> Result<Response, FetchError> {
        Err(FetchError::Other { url: request.url.to_string(), reason: "not built yet".into() })
    }

    /// Whether robots.txt of the URL's host allows our User-Agent to fetch it.
    pub async fn robots_allowed(&self, _url: &Url) -> bool {
        true
    }
}
