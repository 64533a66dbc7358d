//! What sanitizing drops with its content (comments, `script`, `style`, `iframe`…), left out
//! of a body by one hand-written scan over its `<`s, for the text analysis of [`super::RawHtml`].

use std::borrow::Cow;

use crate::parse::sanitize::drops_content_nocase;

/// `html` without what sanitizing drops with its content, tag look-alikes escaped: what
/// `without_dropped(&escape_tag_lookalikes(html))` gives, in one scan over the `<`s. A
/// look-alike's `<` is text: it neither opens nor ends a comment or a dropped element (whose
/// names are ASCII), and one inside what is dropped goes with it.
pub(super) fn visible(html: &str) -> Cow<'_, str> {
    scan_dropped(html, true)
}

/// Elements whose content an HTML parser reads as plain text up to their end tag.
fn is_raw_text(name: &str) -> bool {
    matches!(name, "script" | "style" | "iframe" | "noscript" | "textarea" | "xmp" | "noembed" | "noframes")
}

/// `html` without comments and without the elements sanitizing drops with their content.
/// Hand-written: a scan is a fraction of the cost of the HTML parse this stage avoids, and
/// the result only feeds tag-stripping comparisons (dedup), not output. Tag names are matched
/// ignoring ASCII case, in place (no lowercased copy of the body).
pub fn without_dropped(html: &str) -> Cow<'_, str> {
    scan_dropped(html, false)
}

/// [`without_dropped`], with tag look-alikes escaped as `&lt;` too when `escape` is set.
fn scan_dropped(html: &str, escape: bool) -> Cow<'_, str> {
    // `memchr_near` (a word, then SIMD) rather than `str::find`'s word-at-a-time search: this
    // scan runs over every body dedup reads, whose `<`s are most often a few bytes apart.
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut pos) = (0, 0);
    while let Some(off) = crate::parse::text::memchr_near(b'<', &b[pos..]) {
        let at = pos + off;
        // What replaces `html[at..end]`: `&lt;` for a look-alike's `<`, nothing for a comment
        // or a dropped element (most tags are ruled out by their first byte alone).
        let cut = if escape && crate::parse::lookalike::is_lookalike_at(b, at) {
            Some((at + 1, "&lt;"))
        } else if !b.get(at + 1).is_some_and(|&c| may_start_dropped(c)) {
            None
        } else if let Some(comment) = html[at + 1..].strip_prefix("!--") {
            Some((comment_end(comment).map_or(b.len(), |e| at + 4 + e), ""))
        } else {
            let rest = &html[at + 1..];
            let name_len = rest.bytes().position(|c| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
            drops_content_nocase(&rest[..name_len]).map(|name| (element_end(html, at, name), ""))
        };
        match cut {
            Some((end, with)) => {
                let buf = out.get_or_insert_with(|| String::with_capacity(html.len() + 16));
                buf.push_str(&html[copied..at]);
                buf.push_str(with);
                copied = end;
                pos = end;
            }
            None => pos = at + 1,
        }
        if pos >= b.len() {
            break;
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(&html[copied.min(html.len())..]);
            Cow::Owned(buf)
        }
    }
}

/// Whether `c`, after a `<`, may start a comment or a name of
/// [`crate::parse::sanitize::DROP_WITH_CONTENT`] (most tags are ruled out by their first byte alone).
pub(super) fn may_start_dropped(c: u8) -> bool {
    matches!(c | 0x20, b'!' | b'e' | b'f' | b'i' | b'm' | b'n' | b'o' | b's' | b't')
}

/// Offset just past the end of a comment whose text starts `s` (after `<!--`).
fn comment_end(s: &str) -> Option<usize> {
    if s.starts_with('>') {
        return Some(1);
    }
    if s.starts_with("->") {
        return Some(2);
    }
    let close = s.find("-->").map(|i| i + 3);
    let bang = s.find("--!>").map(|i| i + 4);
    match (close, bang) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Offset just past the end of the element `name` (lowercase) that opens at `at` in `html`:
/// its end tag (nested ones counted, except in raw text), or the end of the input. Tag names
/// match in any ASCII case.
fn element_end(html: &str, at: usize, name: &str) -> usize {
    let b = html.as_bytes();
    let tag_end = |from: usize| memchr::memchr(b'>', &b[from..]).map_or(b.len(), |e| from + e + 1);
    let open_end = tag_end(at);
    let self_closing = b[..open_end].ends_with(b"/>");
    if name == "embed" || (self_closing && matches!(name, "svg" | "math")) {
        return open_end;
    }
    let name_at = |i: usize| b.get(i..i + name.len()).is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()));
    let is_boundary = |i: usize| b.get(i).is_some_and(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>');
    let mut depth = 1usize;
    let mut pos = open_end;
    while pos < b.len() {
        let Some(off) = memchr::memchr(b'<', &b[pos..]) else { break };
        let i = pos + off;
        if b.get(i + 1) == Some(&b'/') && name_at(i + 2) && is_boundary(i + 2 + name.len()) {
            depth -= 1;
            if depth == 0 || is_raw_text(name) {
                return tag_end(i);
            }
        } else if !is_raw_text(name) && name_at(i + 1) && is_boundary(i + 1 + name.len()) {
            depth += 1;
        }
        pos = i + 1;
    }
    b.len()
}
