//! HTTP(S): one attempt at a time under the concurrency limits, retried with backoff.

use std::error::Error as StdError;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{StatusCode, redirect};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use super::{Body, Document, FetchError, Fetcher, Request, Response, Validators, decode};
use crate::config::FetchSettings;

/// Longest backoff between two attempts, whatever the base and attempt number.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Why our redirect policy stopped a chain (found again in reqwest's error source chain).
#[derive(Debug, thiserror::Error)]
enum RedirectStop {
    #[error("too many redirects")]
    TooMany,
    #[error("redirect loop back to {0}")]
    Loop(Url),
}

/// Builds the reqwest client: timeouts, User-Agent, redirect policy, optional explicit proxy.
pub(super) fn client(settings: &FetchSettings) -> Result<reqwest::Client, FetchError> {
    let max = settings.max_redirects;
    let policy = redirect::Policy::custom(move |attempt| {
        // `previous` starts with the URL first requested, so its length counts redirects taken.
        if attempt.previous().contains(attempt.url()) {
            let to = attempt.url().clone();
            attempt.error(RedirectStop::Loop(to))
        } else if attempt.previous().len() > max {
            attempt.error(RedirectStop::TooMany)
        } else {
            attempt.follow()
        }
    });
    let mut builder = reqwest::Client::builder()
        .user_agent(settings.user_agent.as_str())
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .timeout(Duration::from_secs(settings.timeout_secs))
        .redirect(policy);
    if let Some(proxy) = &settings.proxy {
        let proxy =
            reqwest::Proxy::all(proxy.as_str()).map_err(|e| FetchError::Client(format!("proxy {proxy:?}: {e}")))?;
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| FetchError::Client(cause(&e)))
}

/// A failed attempt, and whether another may succeed.
struct Failure {
    error: FetchError,
    retry: bool,
    /// What the server asked for in `Retry-After`, already capped.
    retry_after: Option<Duration>,
}

impl Failure {
    fn fatal(error: FetchError) -> Failure {
        Failure { error, retry: false, retry_after: None }
    }
}

impl Fetcher {
    /// Attempts up to `retries + 1` times; permits are released while backing off.
    pub(super) async fn get_http(&self, request: &Request) -> Result<Response, FetchError> {
        let settings = &self.inner.settings;
        let total = Duration::from_secs(settings.timeout_secs);
        let attempts = settings.retries.saturating_add(1);
        let mut attempt = 1;
        loop {
            let outcome = {
                let _permits = self.permits(&request.url).await;
                // reqwest's own total timeout covers this too; the outer one also bounds our
                // body loop and turns either into the same error.
                tokio::time::timeout(total, self.attempt(request)).await
            };
            let failure = match outcome {
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(failure)) => failure,
                Err(_elapsed) => Failure { error: timeout(&request.url, settings), retry: true, retry_after: None },
            };
            if !failure.retry || attempt >= attempts {
                return Err(failure.error.with_attempts(attempt));
            }
            let wait = failure.retry_after.unwrap_or_else(|| backoff(settings.backoff_ms, attempt));
            tracing::debug!(url = %request.url, attempt, ?wait, "retrying: {}", failure.error);
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Waits for a slot for the URL's host, then one overall. Host first, so requests queued
    /// for a busy host do not hold overall slots other hosts could use.
    async fn permits(&self, url: &Url) -> (OwnedSemaphorePermit, OwnedSemaphorePermit) {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let per_host = {
            let mut hosts = self.inner.hosts.lock().unwrap_or_else(PoisonError::into_inner);
            let limit = self.inner.settings.per_host.max(1);
            Arc::clone(hosts.entry(host).or_insert_with(|| Arc::new(Semaphore::new(limit))))
        };
        // The semaphores are never closed, so acquiring cannot fail.
        let host_permit = per_host.acquire_owned().await.expect("semaphore never closed");
        let overall = Arc::clone(&self.inner.overall);
        (host_permit, overall.acquire_owned().await.expect("semaphore never closed"))
    }

    /// One GET, body included.
    async fn attempt(&self, request: &Request) -> Result<Response, Failure> {
        let url = &request.url;
        let settings = &self.inner.settings;
        let mut builder = self.inner.client.get(url.as_str());
        // Validators go back verbatim; one that is not a legal header value is skipped.
        let conditional =
            [(IF_NONE_MATCH, &request.validators.etag), (IF_MODIFIED_SINCE, &request.validators.last_modified)];
        for (name, value) in conditional {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                builder = builder.header(name, value);
            }
        }
        let mut response = builder.send().await.map_err(|e| transport(url, settings, &e))?;
        let status = response.status();
        let final_url = Url::parse(response.url().as_str()).unwrap_or_else(|_| url.clone());
        let validators = validators(response.headers());

        if status == StatusCode::NOT_MODIFIED {
            return Ok(Response {
                final_url,
                status: status.as_u16(),
                validators: request.validators.updated_by(validators),
                body: Body::NotModified,
            });
        }
        if !status.is_success() {
            let error = FetchError::Status { url: url.to_string(), status: status.as_u16(), attempts: 0 };
            let retry = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            let retry_after = retry_after(response.headers(), settings.max_retry_after_secs);
            return Err(Failure { error, retry, retry_after });
        }

        let cap = settings.max_body_bytes;
        let too_large = || Failure::fatal(FetchError::TooLarge { url: url.to_string(), limit: cap });
        // Content-Length is of the encoded body; a compressed body is checked as it inflates.
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(too_large());
        }
        let content_type =
            response.headers().get(CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        // Each chunk is decoded as it comes (a UTF-8 body is copied once, into the text);
        // sized once from Content-Length when there is one.
        let hint = response.content_length().unwrap_or(0).min(cap) as usize;
        let mut body = decode::Streaming::new(content_type.as_deref(), hint);
        let mut byte_len = 0;
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(url, settings, &e))? {
            byte_len += chunk.len();
            if byte_len as u64 > cap {
                return Err(too_large());
            }
            body.push(&chunk);
        }
        let (text, encoding) = body.finish();
        Ok(Response {
            final_url,
            status: status.as_u16(),
            validators,
            body: Body::Fresh(Document { text, content_type, encoding, byte_len }),
        })
    }
}

fn timeout(url: &Url, settings: &FetchSettings) -> FetchError {
    FetchError::Timeout { url: url.to_string(), secs: settings.timeout_secs, attempts: 0 }
}

/// Classifies a reqwest error: redirect problems and corrupt bodies are final, the rest
/// (timeouts, refused or broken connections) may pass on a later attempt.
fn transport(url: &Url, settings: &FetchSettings, e: &reqwest::Error) -> Failure {
    let url_text = url.to_string();
    if let Some(stop) = find::<RedirectStop>(e) {
        return Failure::fatal(match stop {
            RedirectStop::TooMany => FetchError::TooManyRedirects { url: url_text, max: settings.max_redirects },
            RedirectStop::Loop(to) => FetchError::RedirectLoop { url: url_text, to: to.to_string() },
        });
    }
    // reqwest reports every body error under a decompressing client as a decode error, a
    // connection closed mid-body included; only invalid data is the server's fault for good.
    let corrupt = find::<std::io::Error>(e).is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData);
    let error = if e.is_timeout() {
        timeout(url, settings)
    } else if e.is_decode() && corrupt {
        return Failure::fatal(FetchError::Body { url: url_text, reason: cause(e) });
    } else {
        FetchError::Network { url: url_text, reason: cause(e), attempts: 0 }
    };
    Failure { error, retry: true, retry_after: None }
}

/// The first error of type `T` in the source chain.
fn find<'a, T: StdError + 'static>(e: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// The innermost cause, which says what really happened ("Connection refused (os error 111)")
/// where the outer layers only say "error sending request".
fn cause(e: &(dyn StdError + 'static)) -> String {
    let mut innermost = e;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    match find::<std::io::Error>(e) {
        Some(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        _ => innermost.to_string(),
    }
}

fn validators(headers: &HeaderMap) -> Validators {
    let get = |name| {
        let value: Option<&HeaderValue> = headers.get(name);
        value.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    Validators { etag: get(ETAG), last_modified: get(LAST_MODIFIED) }
}

/// `Retry-After` as delta-seconds or an HTTP-date, capped at `max_secs`.
fn retry_after(headers: &HeaderMap, max_secs: u64) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let secs = match value.parse::<u64>() {
        Ok(secs) => secs,
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            u64::try_from((at.timestamp() - chrono::Utc::now().timestamp()).max(0)).ok()?
        }
    };
    Some(Duration::from_secs(secs.min(max_secs)))
}

/// `base_ms * 2^(attempt-1)`, capped. No jitter: we make a handful of requests per host,
/// there is no thundering herd to spread out.
fn backoff(base_ms: u64, attempt: u32) -> Duration {
    let factor = 1u64.checked_shl(attempt.saturating_sub(1)).unwrap_or(u64::MAX);
    Duration::from_millis(base_ms.saturating_mul(factor)).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(value).expect("ascii"));
        h
    }

    #[test]
    fn retry_after_seconds_dates_and_cap() {
        assert_eq!(retry_after(&headers("3"), 60), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&headers("3600"), 60), Some(Duration::from_secs(60)));
        assert_eq!(retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT"), 60), Some(Duration::ZERO));
        let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc2822();
        assert_eq!(retry_after(&headers(&future), 90), Some(Duration::from_secs(90)));
        assert_eq!(retry_after(&headers("soon"), 60), None);
        assert_eq!(retry_after(&HeaderMap::new(), 60), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(500, 1), Duration::from_millis(500));
        assert_eq!(backoff(500, 3), Duration::from_millis(2000));
        assert_eq!(backoff(500, 200), MAX_BACKOFF);
        assert_eq!(backoff(0, 5), Duration::ZERO);
    }
}
