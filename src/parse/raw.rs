//! Item bodies as the source published them. The parse stage does not sanitize: most items
//! are only analyzed (extraction, dedup) and never shown, and sanitizing is most of the cost
//! of parsing. [`RawHtml`] keeps the body with the base URL its relative links resolve
//! against; the only way from it to HTML for output is [`RawHtml::sanitized`]. Text analysis
//! reads [`RawHtml::raw`] through the helpers here, which leave out what sanitizing drops
//! (the content of `script`, `style`, `iframe`… and comments) and resolve links the same way.

use std::borrow::Cow;

use lz4_flex::block::CompressTable;
use url::Url;

use super::sanitize;

mod dropped;

#[cfg(test)]
use dropped::may_start_dropped;
use dropped::visible;
pub use dropped::without_dropped;

/// An item body as published (raw, untrusted HTML) and the base URL of its relative links.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(from = "Stored")]
pub struct RawHtml {
    /// The HTML as the source published it; empty when it was only whitespace.
    html: Text,
    /// The item's xml:base, the feed's base or the page URL; `None` for bodies stored by
    /// older versions, which were sanitized already and have absolute links.
    base: Option<Url>,
}

/// A body as text, or LZ4-compressed while a run holds it (see [`RawHtml::pack`]).
#[derive(Clone)]
enum Text {
    Plain(String),
    /// `lz4_flex::compress_prepend_size` of valid UTF-8.
    Packed(Box<[u8]>),
}

impl Default for Text {
    fn default() -> Self {
        Text::Plain(String::new())
    }
}

/// Bodies shorter than this stay as they are: compressing them saves too little.
const PACK_MIN: usize = 256;

/// Shown as the text it holds, packed or not.
impl std::fmt::Debug for RawHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawHtml").field("html", &self.raw()).field("base", &self.base).finish()
    }
}

/// Equal when the text and the base are, packed or not (see [`RawHtml::same_text`]).
impl PartialEq for RawHtml {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.same_text(other)
    }
}

/// Written as `{"html": …, "base": …}`, packed or not.
impl serde::Serialize for RawHtml {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("RawHtml", 2)?;
        s.serialize_field("html", &*self.raw())?;
        s.serialize_field("base", &self.base)?;
        s.end()
    }
}

/// What a store may hold: this version's raw body and base, or an older version's body,
/// which was a string of sanitized HTML.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Stored {
    Raw { html: String, base: Option<Url> },
    Sanitized(String),
}

impl From<Stored> for RawHtml {
    fn from(s: Stored) -> Self {
        match s {
            Stored::Raw { html, base } => RawHtml::new(html, base),
            Stored::Sanitized(html) => RawHtml::new(html, None),
        }
    }
}

/// A body without a base (its links are absolute or kept as written).
impl From<&str> for RawHtml {
    fn from(html: &str) -> Self {
        RawHtml::new(html, None)
    }
}

/// A body without a base (its links are absolute or kept as written).
impl From<String> for RawHtml {
    fn from(html: String) -> Self {
        RawHtml::new(html, None)
    }
}

impl RawHtml {
    /// A body and the base its relative links resolve against.
    pub fn new(html: impl Into<String>, base: Option<Url>) -> Self {
        let mut html = html.into();
        if html.trim().is_empty() {
            html.clear();
        }
        RawHtml { html: Text::Plain(html), base }
    }

    /// Compresses the body for as long as it is only held (between extraction and the store:
    /// a run holds every body it fetched until dedup, and bodies are most of its memory).
    /// Every accessor still gives the text; short or incompressible bodies stay as they are.
    pub fn pack(&mut self) {
        let Text::Plain(html) = &self.html else { return };
        if html.len() < PACK_MIN {
            return;
        }
        if let Some(packed) = compress(html.as_bytes()) {
            self.html = Text::Packed(packed);
        }
    }

    /// The same base with another body (the store keeps bodies apart from the rest of a post).
    pub fn with_html(&self, html: impl Into<String>) -> Self {
        RawHtml::new(html, self.base.clone())
    }

    /// The LZ4 block of a packed body (see [`RawHtml::pack`]), as the store keeps it.
    pub fn packed(&self) -> Option<&[u8]> {
        match &self.html {
            Text::Packed(bytes) => Some(bytes),
            Text::Plain(_) => None,
        }
    }

    /// The same base with a body read back from [`RawHtml::packed`] bytes, kept packed;
    /// bytes that do not unpack to UTF-8 text are an error saying why.
    pub fn with_packed(&self, bytes: &[u8]) -> Result<Self, String> {
        checked_unpack(bytes)?;
        Ok(RawHtml { html: Text::Packed(bytes.into()), base: self.base.clone() })
    }

    /// [`RawHtml::with_packed`], but kept unpacked: for a body that is read soon (checking
    /// the bytes unpacks them anyway, and every read of a packed body unpacks it again).
    pub fn with_unpacked(&self, bytes: &[u8]) -> Result<Self, String> {
        Ok(RawHtml { html: Text::Plain(checked_unpack(bytes)?), base: self.base.clone() })
    }

    /// The untrusted HTML as published: input for text analysis, never for output.
    pub fn raw(&self) -> Cow<'_, str> {
        match &self.html {
            Text::Plain(html) => Cow::Borrowed(html),
            Text::Packed(bytes) => Cow::Owned(unpack(bytes)),
        }
    }

    /// The base URL of relative links.
    pub fn base(&self) -> Option<&Url> {
        self.base.as_ref()
    }

    /// Whether there is no body.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Length of the raw HTML in bytes.
    pub fn len(&self) -> usize {
        match &self.html {
            Text::Plain(html) => html.len(),
            Text::Packed(bytes) => bytes.first_chunk().map_or(0, |n| u32::from_le_bytes(*n) as usize),
        }
    }

    /// Whether both hold the same text, whatever their bases. Unpacks only when it must: the
    /// same body, different lengths and equal packed bytes (compression is deterministic)
    /// decide without it.
    pub fn same_text(&self, other: &Self) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        if self.len() != other.len() {
            return false;
        }
        match (&self.html, &other.html) {
            (Text::Packed(a), Text::Packed(b)) if a == b => true,
            _ => self.raw() == other.raw(),
        }
    }

    /// The body made safe to embed: see [`sanitize::sanitize_html`].
    pub fn sanitized(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        sanitize::clean(&self.raw(), self.base.as_ref())
    }

    /// `self.sanitized().len()`, computed without making the sanitized string.
    pub fn sanitized_len(&self) -> usize {
        if self.is_empty() {
            return 0;
        }
        sanitize::clean_len(&self.raw(), self.base.as_ref())
    }

    /// The markup without what sanitizing drops with its content (comments, `script`,
    /// `style`, …) and with tag look-alikes escaped, for tag-stripping text analysis.
    pub fn visible_markup(&self) -> Cow<'_, str> {
        match &self.html {
            Text::Plain(html) => visible(html),
            Text::Packed(bytes) => {
                // The unpacked text is returned itself when nothing is dropped (no second copy).
                let text = unpack(bytes);
                let dropped = match visible(&text) {
                    Cow::Owned(shown) => Some(shown),
                    Cow::Borrowed(_) => None,
                };
                Cow::Owned(dropped.unwrap_or(text))
            }
        }
    }

    /// The `href` of every `<a>` in [`RawHtml::visible_markup`] as sanitizing writes it:
    /// absolute, only allowed schemes, escaped as an HTML serializer escapes attributes.
    pub fn links(&self) -> Vec<String> {
        self.links_in(&self.visible_markup())
    }

    /// [`RawHtml::links`] of this body's `markup`, its [`RawHtml::visible_markup`] that the
    /// caller already has (a packed body is not unpacked again).
    pub fn links_in(&self, markup: &str) -> Vec<String> {
        let b = markup.as_bytes();
        // Each `<a` ignoring ASCII case, found without a lowercased copy of the markup.
        memchr::memchr_iter(b'<', b)
            .filter(|&at| is_link_at(b, at))
            .filter_map(|at| self.link_at(markup, at).map(Cow::into_owned))
            .collect()
    }

    /// The link of the `<a` tag at `at` in `markup` (see [`is_link_at`]) as
    /// [`RawHtml::links_in`] gives it; `None` when it has none that sanitizing keeps.
    /// Borrowed from `markup` when it is written there as it is given (most links: an
    /// absolute `http(s)` URL without references or escapes), so that twin search, which
    /// only hashes it, allocates nothing for it.
    pub fn link_at<'a>(&self, markup: &'a str, at: usize) -> Option<Cow<'a, str>> {
        let value = attribute(&markup[at + 2..], "href")?;
        // `clean_url` keeps a plainly absolute URL as written: no copy of it is made here.
        let href =
            if plainly_absolute_http(&value) { value } else { Cow::Owned(clean_url(&value, self.base.as_ref())?) };
        // Most links need no escaping: the cleaned string is returned itself, not copied.
        Some(match escape_attribute(&href) {
            Cow::Borrowed(_) => href,
            Cow::Owned(escaped) => Cow::Owned(escaped),
        })
    }
}

/// Whether `b[at..]` opens an `<a` tag (any ASCII case) whose name ends there: `<a` then
/// whitespace or `/`.
pub fn is_link_at(b: &[u8], at: usize) -> bool {
    b.get(at + 1).is_some_and(|c| c.eq_ignore_ascii_case(&b'a'))
        && b.get(at + 2).is_some_and(|&c| c.is_ascii_whitespace() || c == b'/')
}

thread_local! {
    /// Each thread's LZ4 hash tables (both sizes, so that every block comes out as
    /// `compress_prepend_size` makes it) and output buffer, reused from body to body: a fresh
    /// zeroed table and a worst-case output allocation per body cost a sixth of packing.
    static PACKER: std::cell::RefCell<(CompressTable, CompressTable, Vec<u8>)> =
        std::cell::RefCell::new((CompressTable::small(), CompressTable::large(), Vec::new()));
}

/// `text` as `lz4_flex::compress_prepend_size` packs it (the same bytes), or `None` when that
/// saves less than an eighth.
fn compress(text: &[u8]) -> Option<Box<[u8]>> {
    PACKER.with_borrow_mut(|(small, large, out)| {
        let max = lz4_flex::block::get_maximum_output_size(text.len());
        if out.len() < max {
            out.resize(max, 0);
        }
        let table = if text.len() < u16::MAX as usize { small } else { large };
        let n = lz4_flex::block::compress_into_with_table(text, out, table).ok()?;
        if 4 + n >= text.len() - text.len() / 8 {
            return None;
        }
        let mut packed = Vec::with_capacity(4 + n);
        packed.extend_from_slice(&(text.len() as u32).to_le_bytes());
        packed.extend_from_slice(&out[..n]);
        Some(packed.into_boxed_slice())
    })
}

/// The text of packed bytes read from a store, which may be damaged: an error says why.
fn checked_unpack(bytes: &[u8]) -> Result<String, String> {
    // The declared size comes first; a damaged one must not make us allocate gigabytes.
    let declared = bytes.first_chunk().map_or(0, |n| u32::from_le_bytes(*n) as usize);
    if declared > bytes.len().saturating_mul(256) {
        return Err(format!("packed body: declares {declared} bytes in {}", bytes.len()));
    }
    let text = lz4_flex::decompress_size_prepended(bytes).map_err(|e| format!("packed body: {e}"))?;
    if text.len() != declared {
        return Err(format!("packed body: {} bytes where {declared} were declared", text.len()));
    }
    String::from_utf8(text).map_err(|e| format!("packed body: {}", e.utf8_error()))
}

/// The text of a packed body. Only valid UTF-8 is ever packed, and bodies read from a store
/// are checked on the way in ([`RawHtml::with_packed`]), so a failure here is a bug: it
/// gives an empty body rather than a panic mid-run.
fn unpack(bytes: &[u8]) -> String {
    lz4_flex::decompress_size_prepended(bytes).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_else(|| {
        tracing::error!("internal error: a packed body did not unpack");
        String::new()
    })
}

/// An attribute value as sanitizing keeps it (ammonia's rule): an absolute URL of an allowed
/// scheme as written, a relative one joined to `base` (kept as written without a base);
/// `None` when it is dropped.
pub fn clean_url(value: &str, base: Option<&Url>) -> Option<String> {
    if plainly_absolute_http(value) {
        return Some(value.to_string());
    }
    match Url::parse(value) {
        Ok(url) => sanitize::URL_SCHEMES.contains(&url.scheme()).then(|| value.to_string()),
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(base) => base.join(value).ok().map(String::from),
            None => Some(value.to_string()),
        },
        Err(_) => None,
    }
}

/// Whether `Url::parse(value)` certainly succeeds with the scheme `http` or `https` (most
/// links), so that [`clean_url`] need not build the URL: `http(s)://`, a host of lowercase
/// ASCII labels that start with a letter, end with a letter or digit and hold no `--` at
/// their third byte (labels IDNA passes through as they are, and that cannot be read as an
/// IPv4 address), then nothing or a `/`, `?` or `#` (path, query and fragment parse without
/// errors). Anything else (a port, user info, uppercase, escapes, tabs…) is parsed.
fn plainly_absolute_http(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")) else {
        return false;
    };
    // Bytes, not chars: the three are ASCII (a `&[char]` pattern decodes every char).
    let host = &rest[..rest.bytes().position(|c| matches!(c, b'/' | b'?' | b'#')).unwrap_or(rest.len())];
    !host.is_empty()
        && host.split('.').all(|label| {
            let b = label.as_bytes();
            b.first().is_some_and(u8::is_ascii_lowercase)
                && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && b.last() != Some(&b'-')
                && b.get(2..4) != Some(b"--")
        })
}

/// `&`, NBSP and `"` escaped as html5ever's serializer writes attribute values.
fn escape_attribute(s: &str) -> Cow<'_, str> {
    // One byte search (0xc2 leads the UTF-8 of NBSP) instead of a `&[char]` pattern, which
    // decodes every char of every link: most links hold none of the three.
    if memchr::memchr3(b'&', b'"', 0xc2, s.as_bytes()).is_none() || !s.contains(['&', '\u{a0}', '"']) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace('&', "&amp;").replace('\u{a0}', "&nbsp;").replace('"', "&quot;"))
}

/// The decoded value of attribute `name` in the rest of a start tag (after its name); the
/// first occurrence wins, as in an HTML parser. Borrowed when it holds no reference.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<Cow<'a, str>> {
    let b = tag.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return None;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr = &tag[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = tag[i + 1..].find(char::from(q)).map_or(b.len(), |e| i + 1 + e);
                    value = &tag[i + 1..end];
                    i = end + 1;
                }
                _ => {
                    let s = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = &tag[s..i];
                }
            }
        }
        if attr.eq_ignore_ascii_case(name) {
            return Some(super::text::decode_entities(value));
        }
    }
}

#[cfg(test)]
#[path = "raw_tests.rs"]
mod tests;
