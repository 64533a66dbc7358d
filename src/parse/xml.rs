//! A lenient XML tree builder on quick-xml's streaming reader.
//!
//! Why not the `rss` / `atom_syndication` crates: both stop at the first XML error and return
//! no items at all, so a feed cut mid-item (or with one stray tag) would be dropped entirely.
//! Building our own small tree lets us keep every element that was closed before an error,
//! mark the rest as incomplete, tolerate mismatched end tags, and report the error position.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::depth::MAX_DEPTH;
use super::text::{line_col, memchr2_near, named_entity, numeric_entity};

/// Namespaces the feed mappers care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace (RSS 0.9x/2.0 elements).
    None,
    /// Atom 1.0 (or 0.3).
    Atom,
    /// RSS 1.0 (`http://purl.org/rss/1.0/`) or the Netscape RSS 0.90 namespace.
    Rss1,
    /// RDF syntax.
    Rdf,
    /// `content:` module.
    Content,
    /// Dublin Core.
    Dc,
    /// XHTML.
    Xhtml,
    /// Anything else.
    Other,
}

fn ns_of(uri: &str) -> Ns {
    match uri {
        "http://www.w3.org/2005/Atom" | "http://purl.org/atom/ns#" => Ns::Atom,
        "http://purl.org/rss/1.0/" | "http://my.netscape.com/rdf/simple/0.9/" => Ns::Rss1,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
        "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
        "http://purl.org/dc/elements/1.1/" | "http://purl.org/dc/terms/" => Ns::Dc,
        "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
        _ => Ns::Other,
    }
}

/// A child of an element. Both kinds borrow the document's text.
#[derive(Debug, Clone)]
pub enum Node<'a> {
    /// A child element.
    Element(Element<'a>),
    /// Character data as written: references unresolved, line ends not normalized
    /// ([`Element::text`] resolves both).
    Text(Cow<'a, str>),
    /// The content of a CDATA section, taken as it is.
    CData(Cow<'a, str>),
}

/// An element with its namespace, local name, attributes and children.
#[derive(Debug, Clone)]
pub struct Element<'a> {
    /// Resolved namespace.
    pub ns: Ns,
    /// Name as written (with any prefix).
    pub qname: Cow<'a, str>,
    /// Attributes: name as written, value with references resolved.
    pub attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Children in order.
    pub children: Vec<Node<'a>>,
    /// False when the input ended (or broke) before this element's end tag.
    pub complete: bool,
    /// Where the local name starts in `qname` (the mappers ask for it at every lookup).
    local_at: usize,
}

impl<'a> Element<'a> {
    /// The local name (after any prefix).
    pub fn local(&self) -> &str {
        self.qname.get(self.local_at..).unwrap_or(&self.qname)
    }
    /// An attribute value by name as written (e.g. `href`, `xml:lang`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_ref())
    }
    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) | Node::CData(_) => None,
        })
    }
    /// The concatenated text of this element's direct text children.
    pub fn text(&self) -> String {
        let raw_len = |n: &Node<'_>| match n {
            Node::Text(t) | Node::CData(t) => t.len(),
            Node::Element(_) => 0,
        };
        // Resolving references nearly always shortens text: one allocation.
        let mut s = String::with_capacity(self.children.iter().map(raw_len).sum());
        for n in &self.children {
            push_node_text(n, &mut s);
        }
        s
    }
    /// All text inside this element, depth first.
    pub fn deep_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Element(e) => e.deep_text(out),
                text => push_node_text(text, out),
            }
        }
    }
    /// Serializes the children back to markup (for Atom xhtml content).
    pub fn inner_xml(&self, out: &mut String) {
        let mut text = String::new();
        for n in &self.children {
            match n {
                Node::Element(e) => {
                    out.push('<');
                    out.push_str(e.local());
                    for (k, v) in &e.attrs {
                        if k == "xmlns" || k.starts_with("xmlns:") {
                            continue;
                        }
                        out.push(' ');
                        out.push_str(k);
                        out.push_str("=\"");
                        out.push_str(&super::text::escape_html(v));
                        out.push('"');
                    }
                    out.push('>');
                    e.inner_xml(out);
                    out.push_str("</");
                    out.push_str(e.local());
                    out.push('>');
                }
                node => {
                    text.clear();
                    push_node_text(node, &mut text);
                    out.push_str(&super::text::escape_html(&text));
                }
            }
        }
    }
}

/// Appends a text or CDATA node's character data to `out`.
fn push_node_text(node: &Node<'_>, out: &mut String) {
    match node {
        Node::Text(raw) => resolve_text(raw, out),
        Node::CData(s) => out.push_str(s),
        Node::Element(_) => {}
    }
}

/// The document element, or none, plus problems met on the way. Borrows the parsed text.
#[derive(Debug)]
pub struct Document<'a> {
    /// The root element (possibly incomplete).
    pub root: Option<Element<'a>>,
    /// Recoverable problems with positions.
    pub warnings: Vec<String>,
    /// The first hard error (line, column, message), after which parsing stopped.
    pub error: Option<(usize, usize, String)>,
}

/// Resolves a general reference name (without `&`/`;`) to text; unknown names stay literal.
fn resolve_ref(name: &str, out: &mut String) {
    match name {
        "amp" => out.push('&'),
        "lt" => out.push('<'),
        "gt" => out.push('>'),
        "quot" => out.push('"'),
        "apos" => out.push('\''),
        _ if name.starts_with('#') => match numeric_entity(name) {
            Some(c) => out.push(c),
            None => {
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
        },
        _ => match named_entity(name) {
            Some((a, b)) => {
                out.push(a);
                out.extend(b);
            }
            None => {
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
        },
    }
}

/// Appends character data as written to `out` the way quick-xml's events would give it:
/// `&name;` resolved ([`resolve_ref`]), a `&` without its `;` kept literally, and line ends
/// (`\r\n`, `\r`) outside references normalized to `\n`.
fn resolve_text(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    // `done`: copied to `out` up to here; `from`: where the next search starts.
    let (mut done, mut from) = (0, 0);
    // The text between the bytes that need work is copied whole.
    while let Some(i) = bytes.get(from..).and_then(|rest| memchr2_near(b'&', b'\r', rest)).map(|k| from + k) {
        out.push_str(&raw[done..i]);
        if bytes[i] == b'\r' {
            out.push('\n');
            done = if bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
            from = done;
            continue;
        }
        let after = &bytes[i + 1..];
        // The XML references, most of an entity-escaped HTML body, without a search.
        let known = match after {
            [b'l', b't', b';', ..] => Some(('<', 3)),
            [b'g', b't', b';', ..] => Some(('>', 3)),
            [b'a', b'm', b'p', b';', ..] => Some(('&', 4)),
            [b'q', b'u', b'o', b't', b';', ..] => Some(('"', 5)),
            _ => None,
        };
        if let Some((c, len)) = known {
            out.push(c);
            done = i + 1 + len;
        } else {
            match memchr::memchr2(b';', b'&', after) {
                Some(j) if after[j] == b';' => {
                    resolve_ref(&raw[i + 1..i + 1 + j], out);
                    done = i + j + 2;
                }
                // A dangling `&`: literal, and the text after it is read as usual.
                _ => {
                    out.push('&');
                    done = i + 1;
                }
            }
        }
        from = done;
    }
    out.push_str(&raw[done..]);
}

/// `part` as a slice of `text` when it lies inside it (what quick-xml's slice reader hands
/// out), else a copy.
fn within<'a>(text: &'a str, part: &str) -> Cow<'a, str> {
    let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    match start.checked_add(part.len()).and_then(|end| text.get(start..end)) {
        Some(s) if s.as_ptr() == part.as_ptr() => Cow::Borrowed(s),
        _ => Cow::Owned(part.to_owned()),
    }
}

/// The elements being read and the children they have so far. Children are not pushed onto
/// each open element's own `Vec` (which grows by doubling, every step a `realloc` that copies
/// 88-byte nodes: 5% of `digest parse`'s instructions) but onto one buffer shared by the whole
/// parse; an element takes its children off the end of it when it closes, into a `Vec` of
/// exactly their number.
#[derive(Default)]
struct Open<'a> {
    /// The open elements, outermost first; their `children` are empty until they close.
    stack: Vec<Element<'a>>,
    /// Where each open element's children start in `pending`.
    marks: Vec<usize>,
    /// The children of every open element, in document order, innermost element's last.
    pending: Vec<Node<'a>>,
}

impl<'a> Open<'a> {
    fn len(&self) -> usize {
        self.stack.len()
    }

    fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    /// Adds a child to the innermost open element; outside any element it is dropped.
    fn push_node(&mut self, node: Node<'a>) {
        if !self.stack.is_empty() {
            self.pending.push(node);
        }
    }

    fn open(&mut self, el: Element<'a>) {
        self.marks.push(self.pending.len());
        self.stack.push(el);
    }
}

/// Namespace scopes: (prefix, uri) pairs and how many each element pushed.
#[derive(Default)]
struct Scopes<'a> {
    bindings: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pushed: Vec<usize>,
}

impl Scopes<'_> {
    fn lookup(&self, prefix: &str) -> Ns {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map_or(if prefix.is_empty() { Ns::None } else { Ns::Other }, |(_, u)| ns_of(u))
    }
}

fn open<'a>(text: &'a str, e: &BytesStart<'_>, scopes: &mut Scopes<'a>, warnings: &mut Vec<String>) -> Element<'a> {
    let qname = within(text, e.name().as_ref());
    let mut attrs = Vec::new();
    let mut pushed = 0;
    for a in e.html_attributes().with_checks(false) {
        let Ok(a) = a else {
            warnings.push(format!("bad attribute in <{qname}>"));
            continue;
        };
        let key = within(text, a.key.as_ref());
        let value = match super::text::decode_entities(&a.value) {
            Cow::Borrowed(raw) => within(text, raw),
            Cow::Owned(v) => Cow::Owned(v),
        };
        if key == "xmlns" {
            scopes.bindings.push((Cow::Borrowed(""), value.clone()));
            pushed += 1;
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            scopes.bindings.push((within(text, p), value.clone()));
            pushed += 1;
        }
        attrs.push((key, value));
    }
    scopes.pushed.push(pushed);
    let prefix = qname.split_once(':').map_or("", |(p, _)| p);
    let ns = scopes.lookup(prefix);
    let local_at = qname.rfind(':').map_or(0, |i| i + 1);
    Element { ns, qname, attrs, children: Vec::new(), complete: false, local_at }
}

fn close<'a>(open: &mut Open<'a>, scopes: &mut Scopes<'a>, complete: bool) -> Option<Element<'a>> {
    let mut el = open.stack.pop()?;
    let mark = open.marks.pop().unwrap_or(open.pending.len());
    // One allocation and one copy of the nodes (`drain(mark..).collect()` moved them one by
    // one: three times the cost).
    el.children = open.pending.split_off(mark);
    el.complete = complete;
    let n = scopes.pushed.pop().unwrap_or(0);
    let keep = scopes.bindings.len().saturating_sub(n);
    scopes.bindings.truncate(keep);
    if open.stack.is_empty() {
        Some(el)
    } else {
        open.pending.push(Node::Element(el));
        None
    }
}

/// Between markup: takes the text up to the next `<`, and any CDATA sections that follow, off
/// the reader's input `rest` into the innermost open element, adding their length to `taken`.
fn take_character_data<'a>(text: &'a str, rest: &mut &[u8], taken: &mut usize, open: &mut Open<'a>) {
    loop {
        let n = memchr::memchr(b'<', rest).unwrap_or(rest.len());
        let start = text.len() - rest.len();
        if n > 0 {
            if let Some(raw) = text.get(start..start + n) {
                open.push_node(Node::Text(Cow::Borrowed(raw)));
            }
            *rest = &rest[n..];
            *taken += n;
        }
        // An unclosed section is left to the reader, which reports it.
        let Some(len) = rest.strip_prefix(b"<![CDATA[").and_then(|body| memchr::memmem::find(body, b"]]>")) else {
            return;
        };
        let body = start + n + 9;
        if let Some(cdata) = text.get(body..body + len) {
            open.push_node(Node::CData(Cow::Borrowed(cdata)));
        }
        *rest = &rest[9 + len + 3..];
        *taken += 9 + len + 3;
    }
}

/// Parses (already repaired) XML leniently into a tree, at most [`MAX_DEPTH`] elements deep.
///
/// quick-xml reads the markup; the character data between two tags (text and CDATA sections) is
/// taken here with `memchr` and kept as borrowed slices, resolved when read. quick-xml would
/// split text into an event per reference and re-validate every piece and section as UTF-8,
/// so entity-escaped HTML cost an event every few bytes: a quarter of the parse stage.
pub fn parse(text: &str) -> Document<'_> {
    let mut reader = Reader::from_str(text);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    cfg.allow_dangling_amp = true;
    cfg.check_comments = false;
    cfg.expand_empty_elements = false;

    let mut stack = Open::default();
    let mut scopes = Scopes::default();
    let mut root: Option<Element<'_>> = None;
    let mut warnings = Vec::new();
    let mut error = None;
    // Bytes of character data taken past the reader: its positions plus these are offsets in `text`.
    let mut taken = 0usize;
    let mut take_text = false;
    // Elements opened below the depth limit are flattened into their ancestor at the limit
    // (their text kept): the tree is walked and dropped recursively.
    let (mut flattened, mut deepest_warned) = (0usize, false);
    loop {
        if take_text {
            take_character_data(text, reader.get_mut(), &mut taken, &mut stack);
        }
        let event = reader.read_event();
        take_text = !matches!(event, Ok(Event::Text(_) | Event::GeneralRef(_)) | Err(_));
        let position = |reader: &Reader<&[u8]>| line_col(text, reader.buffer_position() as usize + taken);
        match event {
            Ok(Event::Start(_)) if stack.len() >= MAX_DEPTH => {
                flattened += 1;
                if !deepest_warned {
                    deepest_warned = true;
                    let (line, col) = position(&reader);
                    warnings
                        .push(format!("line {line}, column {col}: elements nested over {MAX_DEPTH} deep flattened"));
                }
            }
            Ok(Event::Empty(_)) if stack.len() >= MAX_DEPTH => {}
            Ok(Event::End(_)) if flattened > 0 => flattened -= 1,
            Ok(Event::Start(e)) => {
                if root.is_some() && stack.is_empty() {
                    break; // content after the document element
                }
                let el = open(text, &e, &mut scopes, &mut warnings);
                stack.open(el);
            }
            Ok(Event::Empty(e)) => {
                if root.is_some() && stack.is_empty() {
                    break;
                }
                let el = open(text, &e, &mut scopes, &mut warnings);
                stack.open(el);
                root = close(&mut stack, &mut scopes, true).or(root);
            }
            Ok(Event::End(e)) => {
                let name = e.name();
                let name = name.as_ref();
                match stack.stack.iter().rposition(|el| el.qname == name) {
                    Some(idx) => {
                        if idx + 1 < stack.len() {
                            let (line, col) = position(&reader);
                            warnings.push(format!("line {line}, column {col}: unclosed elements before </{}>", name));
                        }
                        while stack.len() > idx {
                            root = close(&mut stack, &mut scopes, true).or(root);
                        }
                    }
                    None => {
                        let (line, col) = position(&reader);
                        warnings.push(format!("line {line}, column {col}: stray </{}> ignored", name));
                    }
                }
            }
            // Only before the document element (text after markup is taken above), where
            // text is not kept; handled the same way anywhere for safety.
            Ok(Event::Text(t)) => stack.push_node(Node::Text(t.into_inner())),
            Ok(Event::GeneralRef(r)) => stack.push_node(Node::Text(Cow::Owned(format!("&{};", &*r)))),
            Ok(Event::CData(c)) => stack.push_node(Node::CData(c.into_inner())),
            Ok(Event::Eof) => break,
            Ok(_) => {} // declarations, comments, PIs, DOCTYPE (never expanded)
            Err(e) => {
                let (line, col) = line_col(text, reader.error_position() as usize + taken);
                error = Some((line, col, e.to_string()));
                break;
            }
        }
    }
    if !stack.is_empty() && error.is_none() {
        let (line, col) = line_col(text, text.len());
        error = Some((
            line,
            col,
            format!("unexpected end of input inside <{}>", stack.stack.last().map_or("", |e| e.qname.as_ref())),
        ));
    }
    while !stack.is_empty() {
        root = close(&mut stack, &mut scopes, false).or(root);
    }
    Document { root, warnings, error }
}

#[cfg(test)]
#[path = "xml_tests.rs"]
mod tests;
