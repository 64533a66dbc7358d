//! Stage 3: turn a decoded document into items: RSS 0.9x/1.0/2.0, Atom 1.0, JSON Feed 1.x,
//! or HTML pages through CSS selectors. Item bodies come out as published, with the base URL
//! of their relative links ([`raw::RawHtml`]); they are sanitized where they are output.
//! Malformed input is parsed leniently where the meaning is clear, and never panics.

mod atom;
pub mod date;
pub mod depth;
pub mod html;
mod json;
mod lookalike;
pub mod raw;
pub mod repair;
mod rss;
pub mod sanitize;
#[cfg(test)]
mod tests;
pub mod text;
pub mod xml;

use chrono_tz::Tz;
use url::Url;

pub use date::Timestamp;
pub use raw::RawHtml;

use crate::config::SourceKind;

/// Context a parser needs besides the text.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext<'a> {
    /// The document's URL (after redirects): the base for relative links.
    pub base: &'a Url,
    /// Time zone for naive times.
    pub timezone: Tz,
}

/// One post as the source published it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParsedItem {
    /// guid (RSS), id (Atom, JSON Feed), as written.
    pub guid: Option<String>,
    /// The post's link, absolute.
    pub url: Option<Url>,
    /// `<link rel="canonical">` of an HTML page, absolute.
    pub canonical: Option<Url>,
    /// Title as plain text (entities decoded, tags removed, whitespace collapsed).
    pub title: String,
    /// Author name(s), joined with ", ".
    pub author: Option<String>,
    /// When published.
    pub published: Option<Timestamp>,
    /// When last updated.
    pub updated: Option<Timestamp>,
    /// The body as published (full content when present, else summary) and the base of its
    /// relative links; [`RawHtml::sanitized`] is the only way to HTML for output.
    pub content_html: RawHtml,
    /// Language declared by the item or feed (`xml:lang`, `<language>`, `<html lang>`).
    pub lang: Option<String>,
    /// Categories and tags.
    pub categories: Vec<String>,
}

impl ParsedItem {
    /// Whether it is a post at all: it has a title or a link (an item with neither cannot be
    /// shown or told apart, and the pipeline drops it).
    pub fn has_title_or_link(&self) -> bool {
        !self.title.trim().is_empty() || self.url.is_some()
    }
}

/// The formats the parse stage reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    /// RSS 0.9x, 1.0 (RDF) or 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.x.
    JsonFeed,
    /// An HTML page.
    Html,
}

/// A parsed feed.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    /// Which format it was.
    pub format: Format,
    /// The feed's title.
    pub title: Option<String>,
    /// Items in document order.
    pub items: Vec<ParsedItem>,
    /// Problems that were repaired or items that were skipped, with positions.
    pub warnings: Vec<String>,
}

/// Why a document could not be read as a feed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not a feed format at all (e.g. HTML or garbage).
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// Broken XML that could not be repaired, at a 1-based line and column.
    #[error("line {line}, column {column}: {message}")]
    Xml {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Broken JSON Feed.
    #[error("JSON Feed: {0}")]
    Json(String),
}

/// Resolves `href` against `base`; `None` when it cannot be made an absolute URL, or when
/// the result is not http(s) or the base's own scheme (a `javascript:` or `data:` item link
/// would otherwise land in every output's `href`).
pub fn resolve_url(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = base.join(href).ok()?;
    let allowed = matches!(url.scheme(), "http" | "https") || url.scheme() == base.scheme();
    allowed.then_some(url)
}

/// Skips a BOM, whitespace, the XML declaration, processing instructions and comments.
fn skip_prolog(mut s: &str) -> &str {
    loop {
        s = s.trim_start_matches('\u{feff}').trim_start();
        if s.starts_with("<?") {
            match s.find("?>") {
                Some(i) => s = &s[i + 2..],
                None => return "",
            }
        } else if s.starts_with("<!--") {
            match s.find("-->") {
                Some(i) => s = &s[i + 3..],
                None => return "",
            }
        } else {
            return s;
        }
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.as_bytes().get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The format named by the first element's name (`<rss`, `<rdf:RDF`, `<feed`, `<html`).
fn sniff_root(s: &str) -> Option<Format> {
    let mut s = s;
    if starts_with_ci(s, "<!DOCTYPE") {
        let rest = s.get(9..).unwrap_or_default().trim_start();
        if starts_with_ci(rest, "html") {
            return Some(Format::Html);
        }
        // Another DOCTYPE (e.g. RSS 0.91's, or one with entities): skip it.
        let end = s.find("]>").map(|i| i + 2).or_else(|| s.find('>').map(|i| i + 1))?;
        s = skip_prolog(s.get(end..)?);
    }
    let name_start = s.strip_prefix('<')?;
    let end = name_start.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(name_start.len());
    let name = name_start.get(..end)?;
    let local = name.rsplit(':').next().unwrap_or(name);
    match local.to_ascii_lowercase().as_str() {
        "rss" | "rdf" => Some(Format::Rss),
        "feed" => Some(Format::Atom),
        "html" | "head" | "body" => Some(Format::Html),
        _ => None,
    }
}

/// Guesses the format of a document from its start and Content-Type.
pub fn sniff(text: &str, content_type: Option<&str>) -> Option<Format> {
    let s = skip_prolog(text);
    if s.starts_with('{') {
        let mut end = s.len().min(4096);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let head = s.get(..end).unwrap_or(s);
        if head.contains("jsonfeed.org/version") {
            return Some(Format::JsonFeed);
        }
    } else if s.starts_with('<')
        && let Some(f) = sniff_root(s)
    {
        return Some(f);
    }
    let ct = content_type?.split(';').next()?.trim().to_ascii_lowercase();
    match ct.as_str() {
        "application/rss+xml" | "application/rdf+xml" => Some(Format::Rss),
        "application/atom+xml" => Some(Format::Atom),
        "application/feed+json" => Some(Format::JsonFeed),
        "text/html" | "application/xhtml+xml" => Some(Format::Html),
        _ => None,
    }
}

/// A short, safe excerpt of the start of a document for error messages (the prolog too when
/// there is nothing after it, so a document cut short still shows what it was).
fn excerpt(text: &str) -> String {
    let rest = skip_prolog(text);
    let shown = if rest.trim().is_empty() { text } else { rest };
    let s: String = shown.chars().take(40).collect();
    text::collapse_whitespace(&s)
}

/// Most entries taken from one feed document. Feeds list their newest entries first and real
/// ones carry tens, archives a few hundred; a feed of 100 000 entries otherwise costs minutes
/// and gigabytes in extraction, dedup and the store.
pub const MAX_ITEMS: usize = 1000;

/// Parses a feed document (at most [`MAX_ITEMS`] entries); `kind` forces a format unless it is `Auto` or `Html`.
pub fn parse_feed(text: &str, kind: SourceKind, ctx: ParseContext<'_>) -> Result<ParsedFeed, ParseError> {
    let sniffed = sniff(text, None);
    let forced = match kind {
        SourceKind::Rss => Some(Format::Rss),
        SourceKind::Atom => Some(Format::Atom),
        SourceKind::Jsonfeed => Some(Format::JsonFeed),
        SourceKind::Auto | SourceKind::Html => None,
    };
    // A forced format that clearly does not match what the content is gives way to sniffing.
    let format = match (forced, sniffed) {
        (_, Some(s)) => s,
        (Some(f), None) => f,
        (None, None) if text.trim().is_empty() => return Err(ParseError::NotAFeed("the document is empty".into())),
        (None, None) => {
            return Err(ParseError::NotAFeed(format!("unrecognized content starting with {:?}", excerpt(text))));
        }
    };
    let mut feed = match format {
        Format::Html => return Err(ParseError::NotAFeed("an HTML page".into())),
        Format::JsonFeed => json::parse(text, ctx)?,
        Format::Rss | Format::Atom => parse_xml(text, ctx)?,
    };
    if feed.items.len() > MAX_ITEMS {
        feed.warnings.push(format!("kept the first {MAX_ITEMS} of {} entries", feed.items.len()));
        feed.items.truncate(MAX_ITEMS);
    }
    if let Some(f) = forced.filter(|&f| f != feed.format) {
        feed.warnings.insert(0, format!("configured as {f:?} but the content is {:?}", feed.format));
    }
    Ok(feed)
}

/// Repairs, builds the lenient tree and maps it by its document element.
fn parse_xml(text: &str, ctx: ParseContext<'_>) -> Result<ParsedFeed, ParseError> {
    let (repaired, repairs) = repair::repair_xml(text);
    let doc = xml::parse(&repaired);
    let mut warnings = repairs.warnings();
    warnings.extend(doc.warnings);
    let Some(root) = doc.root else {
        return Err(match doc.error {
            Some((line, column, message)) => ParseError::Xml { line, column, message },
            None => ParseError::NotAFeed("no XML document element".into()),
        });
    };
    let mut feed = match root.local().to_ascii_lowercase().as_str() {
        "rss" | "rdf" => rss::map(&root, ctx, &mut warnings),
        "feed" => atom::map(&root, ctx, &mut warnings),
        other => {
            return Err(ParseError::NotAFeed(format!("XML document element <{other}> is not a feed")));
        }
    };
    if let Some((line, column, message)) = doc.error {
        if feed.items.is_empty() {
            return Err(ParseError::Xml { line, column, message });
        }
        warnings
            .push(format!("line {line}, column {column}: {message} (kept the {} items before it)", feed.items.len()));
    }
    feed.warnings = warnings;
    Ok(feed)
}

/// HTML made fit for a tree builder: text that only looks like a tag escaped
/// ([`lookalike`]), and nesting bounded ([`depth`]).
pub(crate) fn prepare_html(html: &str) -> std::borrow::Cow<'_, str> {
    match lookalike::escape_tag_lookalikes(html) {
        std::borrow::Cow::Borrowed(html) => depth::limit_html_depth(html),
        std::borrow::Cow::Owned(html) => std::borrow::Cow::Owned(depth::limit_html_depth(&html).into_owned()),
    }
}
