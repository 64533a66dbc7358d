//! Bounding how deep markup nests before a parser builds a tree from it.
//!
//! html5ever walks its stack of open elements for many tags, so `<div>` nested 100 000 deep
//! costs minutes, and the trees it builds are dropped and walked recursively. No real page
//! nests anywhere near [`MAX_DEPTH`] (browsers stop nesting at 512), so tags beyond it are
//! dropped before parsing, keeping their text. Hand-written: no crate offers a cheap
//! tag-depth pass, and this needs only to count, not to parse.

use std::borrow::Cow;

/// Deepest element nesting kept in HTML and XML trees.
pub const MAX_DEPTH: usize = 256;

/// Elements that never have an end tag, so they do not nest.
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// `html` with start tags nested deeper than [`MAX_DEPTH`] removed, and as many end tags
/// after them; borrowed unchanged when it has too few tags to nest that deep.
pub fn limit_html_depth(html: &str) -> Cow<'_, str> {
    if too_few_tags_to_limit(html) {
        return Cow::Borrowed(html);
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let (mut depth, mut dropped, mut kept_from, mut i) = (0usize, 0usize, 0usize, 0usize);
    let mut changed = false;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let rest = &html[start..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(html.len(), |e| start + e + 3)
        } else {
            tag_end(bytes, start)
        };
        let next = bytes.get(start + 1).copied().unwrap_or(0);
        let mut drop_tag = false;
        if next == b'/' && bytes.get(start + 2).is_some_and(u8::is_ascii_alphabetic) {
            if dropped > 0 {
                dropped -= 1;
                drop_tag = true;
            } else {
                depth = depth.saturating_sub(1);
            }
        } else if next.is_ascii_alphabetic() {
            let len = rest[1..].bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':')).count();
            let name = &rest[1..1 + len];
            let self_closing = html[start..end].trim_end_matches('>').ends_with('/');
            if !self_closing && !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
                if depth >= MAX_DEPTH {
                    dropped += 1;
                    drop_tag = true;
                } else {
                    depth += 1;
                }
            }
        }
        if drop_tag {
            out.push_str(&html[kept_from..start]);
            kept_from = end;
            changed = true;
        }
        i = end.max(start + 1);
        if i >= html.len() {
            break;
        }
    }
    if !changed {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[kept_from..]);
    Cow::Owned(out)
}

/// Whether `html` has too few `<` to nest deeper than [`MAX_DEPTH`]: [`limit_html_depth`]
/// leaves it (and anything made from it by escaping some `<`) as it is.
pub(crate) fn too_few_tags_to_limit(html: &str) -> bool {
    count_lt(html.as_bytes()) <= MAX_DEPTH
}

/// How many `<` `bytes` holds, counted 255 bytes at a time into a `u8` (a loop the compiler
/// vectorizes; a `memchr` call per `<` cost several times more on a body of many tags).
fn count_lt(bytes: &[u8]) -> usize {
    bytes.chunks(255).map(|c| usize::from(c.iter().map(|&b| u8::from(b == b'<')).sum::<u8>())).sum()
}

/// The index just past the `>` closing the tag at `start` (quotes respected), or the end.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote = None;
    for (j, &b) in bytes.iter().enumerate().skip(start + 1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return j + 1,
            _ => {}
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_markup_is_untouched() {
        let html = "<div><p>a <b>b</b><br>c<img src='x>y'/></p></div>".repeat(100);
        assert!(matches!(limit_html_depth(&html), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit_keeping_the_text() {
        let depth = 100_000;
        let html = format!("{}deep text{}<p>after</p>", "<div class='a>b'>".repeat(depth), "</div>".repeat(depth));
        let out = limit_html_depth(&html);
        assert_eq!(out.matches("<div").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep text") && out.ends_with("<p>after</p>"));
        // Void and self-closing tags and comments never count as nesting.
        let flat = format!("{}<p>x</p>", "<br><img src=a /><!-- <div> -->".repeat(1000));
        assert!(matches!(limit_html_depth(&flat), Cow::Borrowed(_)));
    }
}
