//! Canonical URLs: the spellings of one page's address that must not make a new item.

use url::Url;

/// Query parameters that only track where a click came from.
const TRACKING_PARAMS: &[&str] = &["spm", "from", "isappinstalled", "fbclid", "gclid", "ref", "share_token"];

/// A comparison key for a URL: scheme folded to http, host lowercased without `www.`, default
/// port, fragment, trailing slash, `index.html` and tracking parameters dropped, percent-escapes
/// upper-cased and the remaining query parameters sorted. It is a key, not a link to show.
pub fn canonical_url(url: &Url) -> String {
    canonical_url_with(url, &[])
}

/// [`canonical_url`] that also drops the query parameters named in `extra_tracking`
/// (case-insensitive; a name ending in `*` is a prefix, like the built-in `utm_*`).
pub fn canonical_url_with(url: &Url, extra_tracking: &[String]) -> String {
    let host = url.host_str().unwrap_or("").trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let scheme = match url.scheme() {
        "https" => "http",
        other => other,
    };
    let mut key = format!("{scheme}://{host}");
    if let Some(port) = url.port() {
        key.push_str(&format!(":{port}"));
    }
    let path = url.path();
    let path = path.strip_suffix("index.html").or_else(|| path.strip_suffix("index.htm")).unwrap_or(path);
    let path = path.trim_end_matches('/');
    key.push_str(&upper_escapes(path));
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k, extra_tracking))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !params.is_empty() {
        params.sort();
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        key.push('?');
        key.push_str(&query);
    }
    key
}

fn is_tracking(key: &str, extra: &[String]) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_")
        || TRACKING_PARAMS.contains(&key.as_str())
        || extra.iter().any(|e| {
            let e = e.to_ascii_lowercase();
            match e.strip_suffix('*') {
                Some(prefix) => key.starts_with(prefix),
                None => key == e,
            }
        })
}

/// `%e5` and `%E5` are the same byte.
fn upper_escapes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3).filter(|e| e[1..].bytes().all(|b| b.is_ascii_hexdigit()));
        match esc {
            Some(e) => {
                out.push_str(&e.to_ascii_uppercase());
                rest = &rest[i + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        canonical_url(&Url::parse(s).unwrap())
    }

    #[test]
    fn spellings_of_one_page_share_a_key() {
        let k = key("http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/");
        for s in [
            "https://techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary",
            "HTTP://WWW.TECHPARTY.ORG:80/shenzhen/2015/10/26/shenzhen-docker-event-summary/#talks",
            "http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/index.html",
            "http://www.techparty.org/shenzhen/2015/10/26/shenzhen-docker-event-summary/?utm_source=wechat&from=timeline&isappinstalled=0",
        ] {
            assert_eq!(key(s), k, "{s}");
        }
    }

    #[test]
    fn real_differences_stay() {
        assert_ne!(key("http://docker.cn/blog/a.html"), key("http://docker.cn/blog/b.html"));
        assert_ne!(key("http://a.org/p?id=1"), key("http://a.org/p?id=2"));
        assert_eq!(key("http://a.org/p?b=2&a=1"), key("http://a.org/p?a=1&b=2&utm_medium=x"));
        assert_eq!(key("http://a.org/%e5%85%ac/"), key("http://a.org/公/"));
    }

    #[test]
    fn configured_tracking_params_are_dropped() {
        let u = Url::parse("http://a.org/p?id=1&share_from=x&mc_cid=2&MC_EID=3").unwrap();
        let extra = vec!["share_from".to_string(), "mc_*".to_string()];
        assert_eq!(canonical_url_with(&u, &extra), "http://a.org/p?id=1");
        assert_ne!(canonical_url(&u), "http://a.org/p?id=1");
    }
}
