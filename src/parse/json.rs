//! JSON Feed 1.0 and 1.1, read leniently from a `serde_json::Value` (wrong types are ignored
//! field by field instead of failing the feed).

use serde_json::Value;

use super::{Format, ParseContext, ParseError, ParsedFeed, ParsedItem, RawHtml, date, resolve_url, text};

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Names from `authors` (1.1) or `author` (1.0).
fn authors(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .get("authors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(v.get("author"))
        .filter_map(|a| str_of(a, "name"))
        .map(text::collapse_whitespace)
        .collect();
    out.dedup();
    out
}

/// Parses a JSON Feed document.
pub fn parse(text_in: &str, ctx: ParseContext<'_>) -> Result<ParsedFeed, ParseError> {
    let doc: Value = serde_json::from_str(text_in.trim_start_matches('\u{feff}'))
        .map_err(|e| ParseError::Json(format!("line {}, column {}: {e}", e.line(), e.column())))?;
    if !doc.is_object() {
        return Err(ParseError::NotAFeed("JSON, but not an object".into()));
    }
    let base = str_of(&doc, "home_page_url")
        .or_else(|| str_of(&doc, "feed_url"))
        .and_then(|u| resolve_url(ctx.base, u))
        .unwrap_or_else(|| ctx.base.clone());
    let feed_lang = str_of(&doc, "language").map(str::to_owned);
    let feed_authors = authors(&doc);
    let mut warnings = Vec::new();
    let mut items = Vec::new();
    let list = doc.get("items").and_then(Value::as_array);
    if list.is_none() {
        warnings.push("no \"items\" array".to_owned());
    }
    for (n, it) in list.into_iter().flatten().enumerate() {
        if !it.is_object() {
            warnings.push(format!("item {} is not an object: skipped", n + 1));
            continue;
        }
        let guid = match it.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let url = str_of(it, "url").or_else(|| str_of(it, "external_url")).and_then(|u| resolve_url(&base, u));
        let content = str_of(it, "content_html")
            .map(str::to_owned)
            .or_else(|| str_of(it, "content_text").map(text::text_to_html))
            .or_else(|| str_of(it, "summary").map(text::text_to_html));
        let item_base = url.clone().unwrap_or_else(|| base.clone());
        let mut names = authors(it);
        if names.is_empty() {
            names = feed_authors.clone();
        }
        items.push(ParsedItem {
            guid,
            title: str_of(it, "title").map(text::plain_text).unwrap_or_default(),
            url,
            canonical: None,
            author: if names.is_empty() { None } else { Some(names.join(", ")) },
            published: str_of(it, "date_published").and_then(|d| date::parse(d, ctx.timezone)),
            updated: str_of(it, "date_modified").and_then(|d| date::parse(d, ctx.timezone)),
            content_html: content.map(|c| RawHtml::new(c, Some(item_base))).unwrap_or_default(),
            lang: str_of(it, "language").map(str::to_owned).or_else(|| feed_lang.clone()),
            categories: it
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(text::collapse_whitespace)
                .filter(|t| !t.is_empty())
                .collect(),
        });
    }
    Ok(ParsedFeed { format: Format::JsonFeed, title: str_of(&doc, "title").map(text::plain_text), items, warnings })
}
