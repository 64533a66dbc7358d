//! Why a fetch failed. Every message starts with the URL and says what happened in words an
//! organizer reading a cron mail understands.

/// Why a fetch failed; the message names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No complete response within the total timeout (after all retries).
    #[error("{url}: timed out after {secs}s ({})", attempts_text(*.attempts))]
    Timeout {
        /// The URL.
        url: String,
        /// The total timeout of one attempt.
        secs: u64,
        /// Attempts made.
        attempts: u32,
    },
    /// The connection failed or broke (refused, reset, DNS, TLS, closed mid-body…).
    #[error("{url}: {reason} ({})", attempts_text(*.attempts))]
    Network {
        /// The URL.
        url: String,
        /// The underlying cause, e.g. "connection refused".
        reason: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The server answered with an error status (retried first for 429 and 5xx).
    #[error("{url}: HTTP {status} after {}", attempts_text(*.attempts))]
    Status {
        /// The URL.
        url: String,
        /// The last status received.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// The body exceeded `max_body_bytes`; reading stopped there.
    #[error("{url}: body larger than the {} cap", size_text(*.limit))]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// More redirects than `max_redirects`.
    #[error("{url}: too many redirects (more than {max})")]
    TooManyRedirects {
        /// The URL first requested.
        url: String,
        /// The configured limit.
        max: usize,
    },
    /// A redirect pointed back to a URL already visited in the chain.
    #[error("{url}: redirect loop (back to {to})")]
    RedirectLoop {
        /// The URL first requested.
        url: String,
        /// The URL visited twice.
        to: String,
    },
    /// robots.txt of the site disallows our User-Agent (raised by callers that check it).
    #[error("{url}: robots.txt disallows fetching it")]
    RobotsDisallowed {
        /// The URL.
        url: String,
    },
    /// A `file://` URL naming a file that does not exist.
    #[error("{url}: file not found: {path}")]
    FileNotFound {
        /// The URL.
        url: String,
        /// The local path.
        path: String,
    },
    /// A `file://` URL that could not be read.
    #[error("{url}: cannot read file: {source}")]
    File {
        /// The URL.
        url: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A URL this fetcher cannot handle (scheme, or a file URL that is no local path).
    #[error("{url}: {reason}")]
    Unsupported {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The response could not be read or decompressed (a broken gzip stream, say).
    #[error("{url}: bad response body: {reason}")]
    Body {
        /// The URL.
        url: String,
        /// The underlying cause.
        reason: String,
    },
    /// The HTTP client could not be built from the settings (a bad proxy URL, say).
    #[error("cannot set up HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    /// The URL the error is about (empty for [`FetchError::Client`]).
    pub fn url(&self) -> &str {
        match self {
            FetchError::Timeout { url, .. }
            | FetchError::Network { url, .. }
            | FetchError::Status { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::RedirectLoop { url, .. }
            | FetchError::RobotsDisallowed { url }
            | FetchError::FileNotFound { url, .. }
            | FetchError::File { url, .. }
            | FetchError::Unsupported { url, .. }
            | FetchError::Body { url, .. } => url,
            FetchError::Client(_) => "",
        }
    }

    /// Whether trying again later may succeed (timeouts, network errors, 429 and 5xx), so the
    /// pipeline can keep last week's data for the source instead of reporting it broken.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Network { .. } => true,
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// Records how many attempts were made, for the variants that say so.
    pub(super) fn with_attempts(mut self, n: u32) -> Self {
        if let FetchError::Timeout { attempts, .. }
        | FetchError::Network { attempts, .. }
        | FetchError::Status { attempts, .. } = &mut self
        {
            *attempts = n;
        }
        self
    }
}

fn attempts_text(n: u32) -> String {
    if n == 1 { "1 attempt".into() } else { format!("{n} attempts") }
}

/// "10 MiB", "1 KiB" or "1500 bytes".
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_url_and_reason() {
        let url = "http://example.org/feed".to_string();
        let e = FetchError::Status { url: url.clone(), status: 503, attempts: 0 }.with_attempts(3);
        assert_eq!(e.to_string(), "http://example.org/feed: HTTP 503 after 3 attempts");
        assert!(e.is_transient());
        let e = FetchError::TooLarge { url: url.clone(), limit: 10 * 1024 * 1024 };
        assert_eq!(e.to_string(), "http://example.org/feed: body larger than the 10 MiB cap");
        let e = FetchError::Timeout { url, secs: 30, attempts: 1 };
        assert_eq!(e.to_string(), "http://example.org/feed: timed out after 30s (1 attempt)");
        assert_eq!(e.url(), "http://example.org/feed");
    }
}
