//! robots.txt: fetched once per origin (concurrent callers wait for the same fetch), parsed
//! with `texting_robots` for our User-Agent's product token.

use std::sync::{Arc, PoisonError};

use texting_robots::Robot;
use url::Url;

use super::{Body, Fetcher, Request, Response};

/// Whether robots.txt of `url`'s origin lets us fetch `url`.
pub(super) async fn allowed(fetcher: &Fetcher, url: &Url) -> bool {
    if !fetcher.inner.settings.robots || !matches!(url.scheme(), "http" | "https") {
        return true;
    }
    let origin = url.origin().ascii_serialization();
    let cell = {
        let mut cache = fetcher.inner.robots.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(cache.entry(origin).or_default())
    };
    let robot = cell.get_or_init(|| load(fetcher, url)).await;
    robot.as_ref().is_none_or(|robot| robot.allowed(url.as_str()))
}

/// The rules for us, or `None` (everything allowed) when robots.txt is missing, any other
/// error status, unreachable, or unparsable.
async fn load(fetcher: &Fetcher, url: &Url) -> Option<Robot> {
    let mut robots_url = url.clone();
    robots_url.set_path("/robots.txt");
    robots_url.set_query(None);
    robots_url.set_fragment(None);
    match fetcher.get(&Request::new(robots_url.clone())).await {
        Ok(Response { body: Body::Fresh(doc), .. }) => {
            let agent = agent_token(&fetcher.inner.settings.user_agent);
            Robot::new(agent, doc.text.as_bytes())
                .inspect_err(|e| tracing::warn!(url = %robots_url, "ignoring unparsable robots.txt: {e}"))
                .ok()
        }
        Ok(_) => None,
        Err(e) => {
            tracing::debug!("no robots.txt rules: {e}");
            None
        }
    }
}

/// The product token robots.txt groups are matched against: "digest" for
/// "digest/0.1.0 (community newsletter builder; …)".
fn agent_token(user_agent: &str) -> &str {
    user_agent.split(['/', ' ']).find(|s| !s.is_empty()).unwrap_or("*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_token() {
        assert_eq!(agent_token(crate::config::DEFAULT_USER_AGENT), "digest");
        assert_eq!(agent_token("MyBot"), "MyBot");
        assert_eq!(agent_token(""), "*");
    }

    #[test]
    fn rules_for_our_token() {
        let txt = b"User-agent: digest\nDisallow: /private/\n\nUser-agent: *\nDisallow: /";
        let robot = Robot::new("digest", txt).expect("parses");
        assert!(!robot.allowed("http://example.org/private/x"));
        assert!(robot.allowed("http://example.org/blog/"));
    }
}
