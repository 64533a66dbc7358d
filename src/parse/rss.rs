//! RSS 0.9x, 1.0 (RDF) and 2.0 from the lenient XML tree, with the `content:` and Dublin
//! Core modules.

use url::Url;

use super::xml::{Element, Ns};
use super::{Format, ParseContext, ParsedFeed, ParsedItem, RawHtml, date, resolve_url, text};

fn child<'a, 'x>(el: &'a Element<'x>, local: &str, ok: impl Fn(Ns) -> bool) -> Option<&'a Element<'x>> {
    el.elements().find(|e| e.local() == local && ok(e.ns))
}

/// Plain RSS elements: no namespace (0.9x/2.0) or the RSS 1.0 namespace.
fn core(ns: Ns) -> bool {
    matches!(ns, Ns::None | Ns::Rss1 | Ns::Other)
}

fn dc(ns: Ns) -> bool {
    ns == Ns::Dc
}

fn nonempty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_owned())
    }
}

/// `name@example.com (Real Name)` → `Real Name`; anything else as written.
fn author_name(raw: &str) -> String {
    let raw = raw.trim();
    if let (Some(open), true) = (raw.find('('), raw.ends_with(')')) {
        let inner = raw.get(open + 1..raw.len() - 1).unwrap_or_default().trim();
        if !inner.is_empty() {
            return text::collapse_whitespace(inner);
        }
    }
    text::collapse_whitespace(raw)
}

/// Maps an `<rss>` or `<rdf:RDF>` document element to a feed.
pub fn map(root: &Element, ctx: ParseContext<'_>, warnings: &mut Vec<String>) -> ParsedFeed {
    let channel = child(root, "channel", core);
    let base_url = root
        .attr("xml:base")
        .or_else(|| channel.and_then(|c| c.attr("xml:base")))
        .and_then(|b| resolve_url(ctx.base, b))
        .unwrap_or_else(|| ctx.base.clone());
    let feed_lang = channel
        .and_then(|c| child(c, "language", |n| core(n) || dc(n)).map(Element::text))
        .and_then(nonempty)
        .or_else(|| root.attr("xml:lang").map(str::to_owned))
        .or_else(|| channel.and_then(|c| c.attr("xml:lang")).map(str::to_owned));
    let title =
        channel.and_then(|c| child(c, "title", core)).map(|t| text::plain_text(&t.text())).filter(|t| !t.is_empty());

    // Items live in <channel> (0.9x, 2.0) or beside it (1.0 RDF, some 0.9x).
    let item_els = channel
        .into_iter()
        .flat_map(|c| c.elements())
        .chain(root.elements())
        .filter(|e| e.local() == "item" && core(e.ns));
    let mut items = Vec::new();
    for (n, el) in item_els.enumerate() {
        if !el.complete {
            warnings.push(format!("item {} is incomplete (input ended inside it): skipped", n + 1));
            continue;
        }
        items.push(item(el, &base_url, feed_lang.as_deref(), ctx));
    }
    ParsedFeed { format: Format::Rss, title, items, warnings: Vec::new() }
}

fn item(el: &Element, feed_base: &Url, feed_lang: Option<&str>, ctx: ParseContext<'_>) -> ParsedItem {
    let base = el.attr("xml:base").and_then(|b| resolve_url(feed_base, b)).unwrap_or_else(|| feed_base.clone());
    let guid_el = child(el, "guid", core);
    let guid = guid_el.map(Element::text).and_then(nonempty).or_else(|| el.attr("rdf:about").map(str::to_owned));
    let permalink =
        guid_el.is_some_and(|g| g.attr("isPermaLink").is_none_or(|v| !v.trim().eq_ignore_ascii_case("false")));
    let url = child(el, "link", core)
        .map(Element::text)
        .and_then(nonempty)
        .and_then(|l| resolve_url(&base, &l))
        .or_else(|| {
            el.elements()
                .filter(|e| e.local() == "link" && e.ns == Ns::Atom)
                .find_map(|e| e.attr("href").and_then(|h| resolve_url(&base, h)))
        })
        .or_else(|| {
            let g = guid.as_deref().filter(|_| permalink)?;
            Url::parse(g.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
        });
    let title = child(el, "title", |n| core(n) || dc(n)).map(|t| text::plain_text(&t.text())).unwrap_or_default();
    let mut authors: Vec<String> = el
        .elements()
        .filter(|e| (e.local() == "creator" && dc(e.ns)) || (e.local() == "author" && core(e.ns)))
        .map(|e| author_name(&e.text()))
        .filter(|a| !a.is_empty())
        .collect();
    authors.dedup();
    let author = if authors.is_empty() { None } else { Some(authors.join(", ")) };
    let date_of =
        |local: &str, ok: &dyn Fn(Ns) -> bool| child(el, local, ok).and_then(|d| date::parse(&d.text(), ctx.timezone));
    let published = date_of("pubDate", &core).or_else(|| date_of("date", &dc)).or_else(|| date_of("issued", &dc));
    let updated = date_of("modified", &dc).or_else(|| date_of("updated", &|n| n == Ns::Atom));
    let body = child(el, "encoded", |n| n == Ns::Content)
        .map(Element::text)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| child(el, "description", |n| core(n) || dc(n)).map(Element::text))
        .unwrap_or_default();
    let content_html = RawHtml::new(body, Some(base));
    let lang = el
        .attr("xml:lang")
        .map(str::to_owned)
        .or_else(|| child(el, "language", dc).map(Element::text).and_then(nonempty))
        .or_else(|| feed_lang.map(str::to_owned));
    let categories = el
        .elements()
        .filter(|e| (e.local() == "category" && core(e.ns)) || (e.local() == "subject" && dc(e.ns)))
        .map(|e| text::collapse_whitespace(&e.text()))
        .filter(|c| !c.is_empty())
        .collect();
    ParsedItem { guid, url, canonical: None, title, author, published, updated, content_html, lang, categories }
}
