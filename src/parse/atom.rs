//! Atom 1.0 (and the common parts of 0.3) from the lenient XML tree: `xml:base` chains,
//! text/html/xhtml constructs, relative links resolved against the base or document URL.

use url::Url;

use super::xml::{Element, Ns};
use super::{Format, ParseContext, ParsedFeed, ParsedItem, RawHtml, date, resolve_url, text};

fn atom(ns: Ns) -> bool {
    // Some feeds forget the namespace; accept unqualified elements too.
    matches!(ns, Ns::Atom | Ns::None)
}

fn child<'a, 'x>(el: &'a Element<'x>, local: &str) -> Option<&'a Element<'x>> {
    el.elements().find(|e| e.local() == local && atom(e.ns))
}

/// The base URL in effect inside `el`, given its parent's.
fn base_of(el: &Element, parent: &Url) -> Url {
    el.attr("xml:base").and_then(|b| resolve_url(parent, b)).unwrap_or_else(|| parent.clone())
}

/// The xhtml payload: the children of the wrapping `<div>`, or all children.
fn xhtml_markup(el: &Element) -> String {
    let mut out = String::new();
    match el.elements().find(|e| e.local() == "div") {
        Some(div) => div.inner_xml(&mut out),
        None => el.inner_xml(&mut out),
    }
    out
}

/// A text construct as plain text.
fn plain(el: &Element) -> String {
    match el.attr("type").map(str::trim) {
        Some("html") | Some("text/html") => text::plain_text(&el.text()),
        Some("xhtml") | Some("application/xhtml+xml") => {
            let mut s = String::new();
            el.deep_text(&mut s);
            text::collapse_whitespace(&s)
        }
        _ => text::collapse_whitespace(&el.text()),
    }
}

/// A text or content construct as HTML; `None` for out-of-line (`src`) or binary content.
fn html(el: &Element) -> Option<String> {
    if el.attr("src").is_some() {
        return None;
    }
    let kind = el.attr("type").map(str::trim).unwrap_or("text");
    match kind {
        "html" | "text/html" => Some(el.text()),
        "xhtml" | "application/xhtml+xml" => Some(xhtml_markup(el)),
        "text" | "text/plain" => Some(text::text_to_html(&el.text())),
        k if k.starts_with("text/") => Some(text::text_to_html(&el.text())),
        _ => None,
    }
}

fn names(parent: &Element) -> Vec<String> {
    parent
        .elements()
        .filter(|e| e.local() == "author" && atom(e.ns))
        .filter_map(|a| child(a, "name"))
        .map(|n| text::collapse_whitespace(&n.text()))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Maps a `<feed>` document element to a feed.
pub fn map(root: &Element, ctx: ParseContext<'_>, warnings: &mut Vec<String>) -> ParsedFeed {
    let base = base_of(root, ctx.base);
    let lang = root.attr("xml:lang").map(str::to_owned).filter(|l| !l.trim().is_empty());
    let title = child(root, "title").map(plain).filter(|t| !t.is_empty());
    let feed_authors = names(root);
    let mut items = Vec::new();
    for (n, el) in root.elements().filter(|e| e.local() == "entry" && atom(e.ns)).enumerate() {
        if !el.complete {
            warnings.push(format!("entry {} is incomplete (input ended inside it): skipped", n + 1));
            continue;
        }
        items.push(entry(el, &base, lang.as_deref(), &feed_authors, ctx));
    }
    ParsedFeed { format: Format::Atom, title, items, warnings: Vec::new() }
}

fn entry(
    el: &Element,
    feed_base: &Url,
    feed_lang: Option<&str>,
    feed_authors: &[String],
    ctx: ParseContext<'_>,
) -> ParsedItem {
    let base = base_of(el, feed_base);
    let guid = child(el, "id").map(|i| i.text().trim().to_owned()).filter(|i| !i.is_empty());
    let links: Vec<&Element> = el.elements().filter(|e| e.local() == "link" && atom(e.ns)).collect();
    let alternate = |e: &&&Element| e.attr("rel").is_none_or(|r| r.trim() == "alternate");
    let url = links
        .iter()
        .filter(alternate)
        .find(|e| e.attr("type").is_none_or(|t| t.contains("html")))
        .or_else(|| links.iter().find(|e| alternate(e)))
        .and_then(|l| l.attr("href").and_then(|h| resolve_url(&base_of(l, &base), h)));
    let title = child(el, "title").map(plain).unwrap_or_default();
    let mut authors = names(el);
    if authors.is_empty() {
        authors = feed_authors.to_vec();
    }
    let author = if authors.is_empty() { None } else { Some(authors.join(", ")) };
    let date_of = |local: &str| child(el, local).and_then(|d| date::parse(&d.text(), ctx.timezone));
    let published = date_of("published").or_else(|| date_of("issued")).or_else(|| date_of("created"));
    let updated = date_of("updated").or_else(|| date_of("modified"));
    let body = child(el, "content")
        .and_then(|c| html(c).filter(|h| !h.trim().is_empty()).map(|h| (h, base_of(c, &base))))
        .or_else(|| child(el, "summary").and_then(|s| html(s).map(|h| (h, base_of(s, &base)))));
    let content_html = body.map(|(h, b)| RawHtml::new(h, Some(b))).unwrap_or_default();
    let lang = el
        .attr("xml:lang")
        .or_else(|| child(el, "content").and_then(|c| c.attr("xml:lang")))
        .map(str::to_owned)
        .or_else(|| feed_lang.map(str::to_owned));
    let categories = el
        .elements()
        .filter(|e| e.local() == "category" && atom(e.ns))
        .filter_map(|c| c.attr("term").or_else(|| c.attr("label")).map(text::collapse_whitespace))
        .filter(|c| !c.is_empty())
        .collect();
    ParsedItem { guid, url, canonical: None, title, author, published, updated, content_html, lang, categories }
}
