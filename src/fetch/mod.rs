//! Stage 2: fetch bytes over HTTP(S) or from `file://`, and decode them to UTF-8 exactly once.
//!
//! Bounded concurrency (overall and per host), timeouts, retries with backoff (honouring
//! `Retry-After`), a body size cap, conditional GET with stored validators, proxies from the
//! environment, and robots.txt for HTML scraping.

pub mod decode;
mod error;
mod file;
mod http;
mod robots;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use crate::config::FetchSettings;

pub use error::FetchError;

/// HTTP cache validators of one URL, stored verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` response header.
    pub etag: Option<String>,
    /// The `Last-Modified` response header.
    pub last_modified: Option<String>,
}

impl Validators {
    /// These validators, replaced field by field by any that `newer` carries (a 304 may
    /// repeat only some of them).
    pub fn updated_by(&self, newer: Validators) -> Validators {
        Validators {
            etag: newer.etag.or_else(|| self.etag.clone()),
            last_modified: newer.last_modified.or_else(|| self.last_modified.clone()),
        }
    }
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
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A 2xx with a body.
    Fresh(Document),
    /// A 304: what was stored last time is still current.
    NotModified,
}

/// A completed fetch.
#[derive(Debug, Clone, PartialEq)]
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

/// A shareable HTTP client with the configured limits (cheap to clone: clones share the
/// connection pool, the concurrency limits and the robots.txt cache).
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    settings: FetchSettings,
    /// Requests in flight overall.
    overall: Arc<Semaphore>,
    /// Requests in flight per host, created on first use.
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Parsed robots.txt per origin; `None` means "no rules" (missing or unreachable).
    robots: Mutex<HashMap<String, Arc<OnceCell<Option<texting_robots::Robot>>>>>,
}

impl Fetcher {
    /// Builds a client from the `[fetch]` settings.
    ///
    /// Proxies come from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY (either case), which
    /// reqwest reads by default; `settings.proxy` replaces them with one proxy for everything.
    pub fn new(settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client: http::client(settings)?,
                settings: settings.clone(),
                overall: Arc::new(Semaphore::new(settings.concurrency.max(1))),
                hosts: Mutex::default(),
                robots: Mutex::default(),
            }),
        })
    }

    /// The settings this fetcher was built from.
    pub fn settings(&self) -> &FetchSettings {
        &self.inner.settings
    }

    /// Fetches one URL (http, https or file), conditionally when validators are given.
    pub async fn get(&self, request: &Request) -> Result<Response, FetchError> {
        match request.url.scheme() {
            "http" | "https" => self.get_http(request).await,
            "file" => file::get(&request.url, self.inner.settings.max_body_bytes).await,
            other => Err(FetchError::Unsupported {
                url: request.url.to_string(),
                reason: format!("unsupported URL scheme `{other}` (use http, https or file)"),
            }),
        }
    }

    /// Whether robots.txt of the URL's host allows our User-Agent to fetch it.
    ///
    /// Always true for `file://` URLs and when `[fetch] robots = false`.
    pub async fn robots_allowed(&self, url: &Url) -> bool {
        robots::allowed(self, url).await
    }
}

impl Request {
    /// An unconditional GET of `url`.
    pub fn new(url: Url) -> Request {
        Request { url, validators: Validators::default() }
    }
}

impl Response {
    /// The document, unless the server said "not modified".
    pub fn document(&self) -> Option<&Document> {
        match &self.body {
            Body::Fresh(doc) => Some(doc),
            Body::NotModified => None,
        }
    }
}
