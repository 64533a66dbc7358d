//! HTML sources: feed autodiscovery, listing pages and item pages through CSS selectors.
//! Invalid selectors match nothing (config validation reports them); nothing here panics.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{ParseContext, ParsedItem, RawHtml, date, resolve_url, text};
use crate::config::Selectors;

/// Item links and the next listing page found on one listing page.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Item page URLs, absolute, in page order, without repeats.
    pub items: Vec<Url>,
    /// The next listing page, if the `next` selector matched.
    pub next: Option<Url>,
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

/// The document's base for links: `<base href>` resolved against the page URL.
fn doc_base(doc: &Html, page: &Url) -> Url {
    sel("base[href]")
        .and_then(|s| doc.select(&s).next().and_then(|b| b.value().attr("href")).and_then(|h| resolve_url(page, h)))
        .unwrap_or_else(|| page.clone())
}

/// Only http(s) links are followed.
fn web_url(base: &Url, href: &str) -> Option<Url> {
    let mut u = resolve_url(base, href)?;
    // A local snapshot (file://) may link to its own files; nothing else may.
    let local = base.scheme() == "file" && u.scheme() == "file";
    if !matches!(u.scheme(), "http" | "https") && !local {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

/// Feed URLs announced by `<link rel="alternate">` (RSS, Atom, JSON Feed), absolute.
pub fn discover_feeds(html: &str, base: &Url) -> Vec<Url> {
    let doc = Html::parse_document(&super::prepare_html(html));
    let base = doc_base(&doc, base);
    let Some(links) = sel("link[rel][href][type]") else {
        return Vec::new();
    };
    let mut out: Vec<Url> = Vec::new();
    for l in doc.select(&links) {
        let v = l.value();
        let rel_ok =
            v.attr("rel").is_some_and(|r| r.split_ascii_whitespace().any(|w| w.eq_ignore_ascii_case("alternate")));
        let ty = v.attr("type").unwrap_or_default().trim().to_ascii_lowercase();
        let ty = ty.split(';').next().unwrap_or_default().trim();
        let type_ok = matches!(
            ty,
            "application/rss+xml"
                | "application/atom+xml"
                | "application/feed+json"
                | "application/json"
                | "application/rdf+xml"
        );
        if let (true, true, Some(u)) = (rel_ok, type_ok, v.attr("href").and_then(|h| web_url(&base, h)))
            && !out.contains(&u)
        {
            out.push(u);
        }
    }
    out
}

/// The link an `items` match stands for: its own `href`, or the first `a[href]` inside.
fn item_link<'a>(el: ElementRef<'a>, a_sel: &Selector) -> Option<&'a str> {
    el.value()
        .attr("href")
        .filter(|_| el.value().name() == "a")
        .or_else(|| el.select(a_sel).next().and_then(|a| a.value().attr("href")))
}

/// Applies the `items` and `next` selectors to a listing page.
pub fn listing(html: &str, base: &Url, selectors: &Selectors) -> Listing {
    let doc = Html::parse_document(&super::prepare_html(html));
    let base = doc_base(&doc, base);
    let mut listing = Listing::default();
    let (Some(items), Some(a_sel)) = (sel(&selectors.items), sel("a[href]")) else {
        return listing;
    };
    let mut seen = std::collections::HashSet::new();
    for el in doc.select(&items) {
        if let Some(u) = item_link(el, &a_sel).and_then(|h| web_url(&base, h))
            && seen.insert(u.clone())
        {
            listing.items.push(u);
        }
    }
    listing.next = selectors
        .next
        .as_deref()
        .and_then(sel)
        .and_then(|s| doc.select(&s).find_map(|el| item_link(el, &a_sel).and_then(|h| web_url(&base, h))))
        .filter(|u| u != &base);
    listing
}

fn element_text(el: ElementRef<'_>) -> String {
    let mut s = String::new();
    for t in el.text() {
        s.push_str(t);
    }
    text::collapse_whitespace(&s)
}

fn first<'a>(doc: &'a Html, selector: &str) -> Option<ElementRef<'a>> {
    sel(selector).and_then(|s| doc.select(&s).next())
}

/// The date an element carries: the first of its `datetime`, `content` and `title`
/// attributes and its text that parses (sites do write malformed `datetime`s, e.g.
/// `2015-26-October` beside a readable `2015年10月26日`).
fn element_date(el: ElementRef<'_>, tz: chrono_tz::Tz) -> Option<super::Timestamp> {
    let v = el.value();
    ["datetime", "content", "title"]
        .iter()
        .filter_map(|a| v.attr(a))
        .map(str::to_owned)
        .chain(std::iter::once(element_text(el)))
        .find_map(|d| date::parse(&d, tz))
}

/// A `/YYYY/MM/DD/` date in a post's URL path, the permalink style of Jekyll, WordPress and
/// most blog engines: the last resort when the page states no date.
fn date_in_path(url: &Url) -> Option<super::Timestamp> {
    let segs: Vec<&str> = url.path_segments()?.collect();
    segs.windows(3).find_map(|w| {
        let ok = w[0].len() == 4 && w[1].len() <= 2 && w[2].len() <= 2;
        let (y, m, d) = (w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?);
        ok.then(|| chrono::NaiveDate::from_ymd_opt(y, m, d)).flatten().map(super::Timestamp::Day)
    })
}

/// Scrapes one item page with the title/date/content selectors (and sensible fallbacks).
pub fn item_page(html: &str, selectors: &Selectors, ctx: ParseContext<'_>) -> ParsedItem {
    let doc = Html::parse_document(&super::prepare_html(html));
    let base = doc_base(&doc, ctx.base);
    let title = selectors
        .title
        .as_deref()
        .and_then(|s| first(&doc, s))
        .or_else(|| first(&doc, "h1"))
        .or_else(|| first(&doc, "title"))
        .map(element_text)
        .unwrap_or_default();
    let tz = ctx.timezone;
    let published = selectors
        .date
        .as_deref()
        .and_then(|s| first(&doc, s))
        .and_then(|el| element_date(el, tz))
        .or_else(|| {
            ["meta[property=\"article:published_time\"]", "time[datetime]", "time"]
                .iter()
                .filter_map(|s| first(&doc, s))
                .find_map(|el| element_date(el, tz))
        })
        .or_else(|| date_in_path(ctx.base));
    let updated = first(&doc, "meta[property=\"article:modified_time\"]").and_then(|el| element_date(el, tz));
    let content_html = selectors
        .content
        .as_deref()
        .and_then(|s| first(&doc, s))
        .or_else(|| first(&doc, "article"))
        .or_else(|| first(&doc, "main"))
        .or_else(|| first(&doc, "body"))
        .map(|el| RawHtml::new(el.inner_html(), Some(base.clone())))
        .unwrap_or_default();
    let canonical = first(&doc, "link[rel=\"canonical\"][href]")
        .and_then(|l| l.value().attr("href"))
        .and_then(|h| web_url(&base, h));
    let lang = first(&doc, "html[lang]")
        .and_then(|h| h.value().attr("lang"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned);
    let author = first(&doc, "meta[name=\"author\"][content]")
        .and_then(|m| m.value().attr("content"))
        .map(text::collapse_whitespace)
        .filter(|a| !a.is_empty());
    let categories = sel("meta[property=\"article:tag\"][content]")
        .map(|s| doc.select(&s).filter_map(|m| m.value().attr("content")).map(text::collapse_whitespace).collect())
        .unwrap_or_default();
    ParsedItem {
        guid: None,
        url: Some(ctx.base.clone()),
        canonical,
        title,
        author,
        published,
        updated,
        content_html,
        lang,
        categories,
    }
}

/// What one selector matched on a page, for `digest check`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SelectorMatch {
    /// The key in `[source.selectors]`.
    pub key: String,
    /// The selector.
    pub selector: String,
    /// How many elements matched.
    pub count: usize,
    /// The first few values (link, text or datetime), shortened.
    pub samples: Vec<String>,
}

fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX - 1).collect();
        out.push('…');
        out
    }
}

/// Applies every configured selector to a page and reports what each matched.
pub fn selector_report(html: &str, base: &Url, selectors: &Selectors) -> Vec<SelectorMatch> {
    let doc = Html::parse_document(&super::prepare_html(html));
    let base = doc_base(&doc, base);
    let a_sel = sel("a[href]");
    let keys = [
        ("items", Some(selectors.items.as_str())),
        ("next", selectors.next.as_deref()),
        ("title", selectors.title.as_deref()),
        ("date", selectors.date.as_deref()),
        ("content", selectors.content.as_deref()),
    ];
    let mut out = Vec::new();
    for (key, selector) in keys {
        let Some(selector) = selector else { continue };
        let mut m = SelectorMatch { key: key.to_owned(), selector: selector.to_owned(), count: 0, samples: Vec::new() };
        match sel(selector) {
            None => m.samples.push("(invalid selector)".to_owned()),
            Some(s) => {
                for el in doc.select(&s) {
                    m.count += 1;
                    if m.samples.len() >= 3 {
                        continue;
                    }
                    let value = match key {
                        "items" | "next" => a_sel
                            .as_ref()
                            .and_then(|a| item_link(el, a))
                            .and_then(|h| web_url(&base, h))
                            .map(|u| u.to_string())
                            .unwrap_or_else(|| "(no link)".to_owned()),
                        "date" => {
                            let v = el.value();
                            let raw = v
                                .attr("datetime")
                                .or_else(|| v.attr("content"))
                                .map_or_else(|| element_text(el), str::to_owned);
                            match element_date(el, chrono_tz::UTC) {
                                Some(t) => format!("{raw} → {}", t.date()),
                                None => format!("{raw} → (not a date)"),
                            }
                        }
                        _ => element_text(el),
                    };
                    m.samples.push(shorten(&value));
                }
            }
        }
        out.push(m);
    }
    out
}
