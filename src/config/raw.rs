//! The file as written (serde structs with spans) and its resolution into [`Config`].

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use super::{Config, ConfigError, DedupSettings, FetchSettings, Selectors, SourceConfig, SourceKind};

/// The User-Agent sent unless `[fetch] user_agent` says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "digest/",
    env!("CARGO_PKG_VERSION"),
    " (community newsletter builder; +https://github.com/techparty-org/digest)"
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title_zh: Option<String>,
    title_en: Option<String>,
    site_url: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    output: Option<String>,
    state: Option<String>,
    feed_items: Option<usize>,
    user_agent: Option<String>,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    dedup: RawDedup,
    #[serde(default, rename = "source")]
    sources: Vec<Spanned<RawSource>>,
    upcoming_weeks: Option<u32>,
    #[serde(default)]
    email: super::email::RawEmail,
    translate: Option<super::email::RawTranslate>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    user_agent: Option<String>,
    concurrency: Option<Spanned<usize>>,
    per_host: Option<Spanned<usize>>,
    connect_timeout: Option<u64>,
    timeout: Option<u64>,
    retries: Option<u32>,
    max_retry_after: Option<u64>,
    max_redirects: Option<usize>,
    max_body_bytes: Option<u64>,
    robots: Option<bool>,
    backoff_ms: Option<u64>,
    proxy: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDedup {
    tracking_params: Option<Vec<String>>,
    near_duplicates: Option<bool>,
    translations: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Spanned<String>,
    url: Spanned<String>,
    #[serde(default = "auto")]
    kind: SourceKind,
    lang: Option<Spanned<String>>,
    city: Option<String>,
    timezone: Option<Spanned<String>>,
    selectors: Option<RawSelectors>,
}

fn auto() -> SourceKind {
    SourceKind::Auto
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelectors {
    items: Spanned<String>,
    title: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    content: Option<Spanned<String>>,
    next: Option<Spanned<String>>,
    max_pages: Option<usize>,
}

/// Builds located errors for one file.
pub(super) struct Locator<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Locator<'_> {
    pub(super) fn error(&self, span: Option<Range<usize>>, message: String) -> ConfigError {
        let (line, column) = match span {
            Some(span) => line_column(self.text, span.start),
            None => (1, 1),
        };
        ConfigError::Invalid { path: self.path.to_path_buf(), line, column, message }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub(super) fn resolve(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let loc = Locator { text, path };
    let raw: RawConfig = toml::from_str(text).map_err(|e| loc.error(e.span(), e.message().to_string()))?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));

    let timezone = match &raw.timezone {
        Some(tz) => parse_tz(&loc, tz, "timezone")?,
        None => chrono_tz::Asia::Shanghai,
    };
    let site_url = match &raw.site_url {
        Some(u) => {
            Some(Url::parse(u.get_ref()).map_err(|e| loc.error(Some(u.span()), format!("site_url: not a URL: {e}")))?)
        }
        None => None,
    };
    let fetch = resolve_fetch(&loc, raw.fetch, raw.user_agent)?;
    let email = super::email::resolve_email(&loc, raw.email, &base, site_url.as_ref())?;
    let translate = raw.translate.map(|t| super::email::resolve_translate(&loc, t)).transpose()?;

    let mut sources: Vec<SourceConfig> = Vec::with_capacity(raw.sources.len());
    // A set of the names so far, not a scan of the sources read: with 1,000 sources the scan
    // was 500,000 comparisons, two thirds of `Config::load` (22 M of 32 M instructions).
    let mut names: HashSet<String> = HashSet::with_capacity(raw.sources.len());
    for spanned in raw.sources {
        let span = spanned.span();
        let source = resolve_source(&loc, spanned.into_inner(), timezone, &base)?;
        if !names.insert(source.name.clone()) {
            return Err(loc.error(Some(span), format!("source.name: `{}` is used by two sources", source.name)));
        }
        sources.push(source);
    }

    Ok(Config {
        path: path.to_path_buf(),
        title_zh: raw.title_zh.unwrap_or_else(|| "社区周报".to_string()),
        title_en: raw.title_en.unwrap_or_else(|| "Community Weekly".to_string()),
        site_url,
        timezone,
        output_dir: clean_path(&base.join(raw.output.as_deref().unwrap_or("output"))),
        state_dir: clean_path(&base.join(raw.state.as_deref().unwrap_or("state"))),
        feed_items: raw.feed_items.unwrap_or(50),
        fetch,
        dedup: {
            let d = DedupSettings::default();
            DedupSettings {
                tracking_params: raw.dedup.tracking_params.unwrap_or(d.tracking_params),
                near_duplicates: raw.dedup.near_duplicates.unwrap_or(d.near_duplicates),
                translations: raw.dedup.translations.unwrap_or(d.translations),
            }
        },
        sources,
        upcoming_weeks: raw.upcoming_weeks.unwrap_or(4),
        email,
        translate,
    })
}

fn resolve_fetch(loc: &Locator, raw: RawFetch, top_user_agent: Option<String>) -> Result<FetchSettings, ConfigError> {
    let d = FetchSettings::default();
    let positive = |v: Option<Spanned<usize>>, key: &str, default: usize| match v {
        Some(v) if *v.get_ref() == 0 => Err(loc.error(Some(v.span()), format!("fetch.{key}: must be at least 1"))),
        Some(v) => Ok(v.into_inner()),
        None => Ok(default),
    };
    Ok(FetchSettings {
        user_agent: raw.user_agent.or(top_user_agent).unwrap_or(d.user_agent),
        concurrency: positive(raw.concurrency, "concurrency", d.concurrency)?,
        per_host: positive(raw.per_host, "per_host", d.per_host)?,
        connect_timeout_secs: raw.connect_timeout.unwrap_or(d.connect_timeout_secs),
        timeout_secs: raw.timeout.unwrap_or(d.timeout_secs),
        retries: raw.retries.unwrap_or(d.retries),
        max_retry_after_secs: raw.max_retry_after.unwrap_or(d.max_retry_after_secs),
        max_redirects: raw.max_redirects.unwrap_or(d.max_redirects),
        max_body_bytes: raw.max_body_bytes.unwrap_or(d.max_body_bytes),
        robots: raw.robots.unwrap_or(d.robots),
        backoff_ms: raw.backoff_ms.unwrap_or(d.backoff_ms),
        proxy: raw.proxy.filter(|p| !p.trim().is_empty()),
    })
}

fn resolve_source(loc: &Locator, raw: RawSource, default_tz: Tz, base: &Path) -> Result<SourceConfig, ConfigError> {
    let name = raw.name.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(loc.error(Some(raw.name.span()), "source.name: must not be empty".into()));
    }
    let url = parse_source_url(raw.url.get_ref(), base)
        .map_err(|why| loc.error(Some(raw.url.span()), format!("source `{name}`: url: {why}")))?;
    let lang = match raw.lang {
        Some(l) => {
            let v = l.get_ref().to_ascii_lowercase();
            if v != "zh" && v != "en" {
                return Err(
                    loc.error(Some(l.span()), format!("source `{name}`: lang: expected \"zh\" or \"en\", found {v:?}"))
                );
            }
            Some(v)
        }
        None => None,
    };
    let timezone = match &raw.timezone {
        Some(tz) => parse_tz(loc, tz, &format!("source `{name}`: timezone"))?,
        None => default_tz,
    };
    let selectors = match raw.selectors {
        Some(s) => Some(resolve_selectors(loc, &name, s)?),
        None => None,
    };
    if raw.kind == SourceKind::Html && selectors.is_none() {
        return Err(loc.error(
            Some(raw.url.span()),
            format!("source `{name}`: kind = \"html\" needs a [source.selectors] table with `items`"),
        ));
    }
    Ok(SourceConfig { name, url, kind: raw.kind, lang, city: raw.city, timezone, selectors })
}

fn resolve_selectors(loc: &Locator, name: &str, raw: RawSelectors) -> Result<Selectors, ConfigError> {
    let check = |s: Spanned<String>, key: &str| -> Result<String, ConfigError> {
        scraper::Selector::parse(s.get_ref()).map_err(|e| {
            loc.error(
                Some(s.span()),
                format!("source `{name}`: selectors.{key}: bad CSS selector {:?}: {e}", s.get_ref()),
            )
        })?;
        Ok(s.into_inner())
    };
    let opt = |s: Option<Spanned<String>>, key: &str| s.map(|s| check(s, key)).transpose();
    Ok(Selectors {
        items: check(raw.items, "items")?,
        title: opt(raw.title, "title")?,
        date: opt(raw.date, "date")?,
        content: opt(raw.content, "content")?,
        next: opt(raw.next, "next")?,
        max_pages: raw.max_pages.unwrap_or(10).max(1),
    })
}

fn parse_tz(loc: &Locator, tz: &Spanned<String>, key: &str) -> Result<Tz, ConfigError> {
    tz.get_ref().parse::<Tz>().map_err(|_| {
        loc.error(
            Some(tz.span()),
            format!("{key}: unknown time zone {:?} (use an IANA name such as \"Asia/Shanghai\")", tz.get_ref()),
        )
    })
}

/// http(s) and file URLs; a bare relative path or `file:` relative path resolves against the
/// config file's folder.
fn parse_source_url(text: &str, base: &Path) -> Result<Url, String> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("file://").filter(|r| !r.starts_with('/')) {
        return file_url(&base.join(rest));
    }
    match Url::parse(text) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "file") => Ok(u),
        Ok(u) => Err(format!("unsupported scheme `{}` (use http, https or file)", u.scheme())),
        Err(url::ParseError::RelativeUrlWithoutBase) => file_url(&base.join(text)),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

/// Drops `.` and folds `dir/..` lexically, so messages show `output/…`, not `examples/../output/…`.
fn clean_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

fn file_url(path: &Path) -> Result<Url, String> {
    let abs = std::path::absolute(clean_path(path)).map_err(|e| format!("{}: {e}", path.display()))?;
    Url::from_file_path(&abs).map_err(|()| format!("{}: not a usable file path", abs.display()))
}
