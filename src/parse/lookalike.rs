//! Text that looks like a tag to an HTML parser. Chinese posts write titles as `<QT基础>` (a
//! `<…>` book-title mark typed with ASCII brackets); an HTML parser reads that as an element
//! named `qt基础` and the title vanishes. No HTML element has a name outside ASCII, so such a
//! `<` is text and is escaped before parsing. Hand-written: the decision is one scan over the
//! tag name, which no sanitizer crate exposes as an option.

use std::borrow::Cow;

/// `html` with the `<` of every would-be tag whose name holds a non-ASCII character escaped
/// as `&lt;`; borrowed unchanged when there is none.
pub fn escape_tag_lookalikes(html: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let bytes = html.as_bytes();
    for at in memchr::memchr_iter(b'<', bytes) {
        if !is_lookalike_at(bytes, at) {
            continue;
        }
        let buf = out.get_or_insert_with(|| String::with_capacity(html.len() + 16));
        buf.push_str(&html[copied..at]);
        buf.push_str("&lt;");
        copied = at + 1;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// Whether the `<` at `bytes[at]` opens a would-be tag whose name holds a non-ASCII
/// character (see [`escape_tag_lookalikes`]).
pub(crate) fn is_lookalike_at(bytes: &[u8], at: usize) -> bool {
    let name_start = at + 1 + usize::from(bytes.get(at + 1) == Some(&b'/'));
    let rest = &bytes[name_start.min(bytes.len())..];
    if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return false; // `< 5`, `<!--`, `<?`: the parser already keeps or drops these itself
    }
    // The name runs to ASCII whitespace, `/` or `>` (bytes that never occur inside a
    // multi-byte character).
    let mut name = rest.iter().take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'));
    name.any(|b| !b.is_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_titles_in_ascii_brackets_stay_text() {
        assert_eq!(escape_tag_lookalikes("<p>讲题 <QT基础> 由</p>"), "<p>讲题 &lt;QT基础> 由</p>");
        assert_eq!(escape_tag_lookalikes("<Go语言实战></Go语言实战>"), "&lt;Go语言实战>&lt;/Go语言实战>");
    }

    #[test]
    fn real_markup_is_borrowed_unchanged() {
        let html = "<p class=\"x\">中文 <a href=\"/文\">链接</a> a < b <!-- <注释> --></p><br/>";
        assert!(matches!(escape_tag_lookalikes(html), Cow::Borrowed(_)));
    }
}
