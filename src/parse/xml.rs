//! A lenient XML tree builder on quick-xml's streaming reader.
//!
//! Why not the `rss` / `atom_syndication` crates: both stop at the first XML error and return
//! no items at all, so a feed cut mid-item (or with one stray tag) would be dropped entirely.
//! Building our own small tree lets us keep every element that was closed before an error,
//! mark the rest as incomplete, tolerate mismatched end tags, and report the error position.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::depth::MAX_DEPTH;
use super::text::{line_col, named_entity, numeric_entity};

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

/// A child of an element.
#[derive(Debug, Clone)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data (entities resolved, CDATA unwrapped).
    Text(String),
}

/// An element with its namespace, local name, attributes and children.
#[derive(Debug, Clone)]
pub struct Element {
    /// Resolved namespace.
    pub ns: Ns,
    /// Name as written (with any prefix).
    pub qname: String,
    /// Attributes: name as written, value with references resolved.
    pub attrs: Vec<(String, String)>,
    /// Children in order.
    pub children: Vec<Node>,
    /// False when the input ended (or broke) before this element's end tag.
    pub complete: bool,
}

impl Element {
    /// The local name (after any prefix).
    pub fn local(&self) -> &str {
        self.qname.rsplit(':').next().unwrap_or(&self.qname)
    }
    /// An attribute value by name as written (e.g. `href`, `xml:lang`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    /// The concatenated text of this element's direct text children.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                s.push_str(t);
            }
        }
        s
    }
    /// All text inside this element, depth first.
    pub fn deep_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.deep_text(out),
            }
        }
    }
    /// Serializes the children back to markup (for Atom xhtml content).
    pub fn inner_xml(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(&super::text::escape_html(t)),
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
            }
        }
    }
}

/// The document element, or none, plus problems met on the way.
#[derive(Debug)]
pub struct Document {
    /// The root element (possibly incomplete).
    pub root: Option<Element>,
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

fn push_text(stack: &mut [Element], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(t)) = top.children.last_mut() {
            t.push_str(text);
        } else {
            top.children.push(Node::Text(text.to_owned()));
        }
    }
}

/// Namespace scopes: (prefix, uri) pairs and how many each element pushed.
#[derive(Default)]
struct Scopes {
    bindings: Vec<(String, String)>,
    pushed: Vec<usize>,
}

impl Scopes {
    fn lookup(&self, prefix: &str) -> Ns {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map_or(if prefix.is_empty() { Ns::None } else { Ns::Other }, |(_, u)| ns_of(u))
    }
}

fn open(e: &BytesStart<'_>, scopes: &mut Scopes, warnings: &mut Vec<String>) -> Element {
    let qname = e.name().as_ref().to_owned();
    let mut attrs = Vec::new();
    let mut pushed = 0;
    for a in e.html_attributes().with_checks(false) {
        let Ok(a) = a else {
            warnings.push(format!("bad attribute in <{qname}>"));
            continue;
        };
        let key = a.key.as_ref().to_owned();
        let raw = &a.value;
        let value = super::text::decode_entities(raw).into_owned();
        if key == "xmlns" {
            scopes.bindings.push((String::new(), value.clone()));
            pushed += 1;
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            scopes.bindings.push((p.to_owned(), value.clone()));
            pushed += 1;
        }
        attrs.push((key, value));
    }
    scopes.pushed.push(pushed);
    let prefix = qname.split_once(':').map_or("", |(p, _)| p);
    let ns = scopes.lookup(prefix);
    Element { ns, qname, attrs, children: Vec::new(), complete: false }
}

fn close(stack: &mut Vec<Element>, scopes: &mut Scopes, complete: bool) -> Option<Element> {
    let mut el = stack.pop()?;
    el.complete = complete;
    let n = scopes.pushed.pop().unwrap_or(0);
    let keep = scopes.bindings.len().saturating_sub(n);
    scopes.bindings.truncate(keep);
    if let Some(parent) = stack.last_mut() {
        parent.children.push(Node::Element(el));
        None
    } else {
        Some(el)
    }
}

/// Parses (already repaired) XML leniently into a tree, at most [`MAX_DEPTH`] elements deep.
pub fn parse(text: &str) -> Document {
    let mut reader = Reader::from_str(text);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    cfg.allow_dangling_amp = true;
    cfg.check_comments = false;
    cfg.expand_empty_elements = false;

    let mut stack: Vec<Element> = Vec::new();
    let mut scopes = Scopes::default();
    let mut root: Option<Element> = None;
    let mut warnings = Vec::new();
    let mut error = None;
    let mut scratch = String::new();
    // Elements opened below the depth limit are flattened into their ancestor at the limit
    // (their text kept): the tree is walked and dropped recursively.
    let (mut flattened, mut deepest_warned) = (0usize, false);
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) if stack.len() >= MAX_DEPTH => {
                flattened += 1;
                if !deepest_warned {
                    deepest_warned = true;
                    let (line, col) = line_col(text, reader.buffer_position() as usize);
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
                let el = open(&e, &mut scopes, &mut warnings);
                stack.push(el);
            }
            Ok(Event::Empty(e)) => {
                if root.is_some() && stack.is_empty() {
                    break;
                }
                let el = open(&e, &mut scopes, &mut warnings);
                stack.push(el);
                root = close(&mut stack, &mut scopes, true).or(root);
            }
            Ok(Event::End(e)) => {
                let name = e.name();
                let name = name.as_ref();
                match stack.iter().rposition(|el| el.qname == name) {
                    Some(idx) => {
                        if idx + 1 < stack.len() {
                            let (line, col) = line_col(text, reader.buffer_position() as usize);
                            warnings.push(format!("line {line}, column {col}: unclosed elements before </{}>", name));
                        }
                        while stack.len() > idx {
                            root = close(&mut stack, &mut scopes, true).or(root);
                        }
                    }
                    None => {
                        let (line, col) = line_col(text, reader.buffer_position() as usize);
                        warnings.push(format!("line {line}, column {col}: stray </{}> ignored", name));
                    }
                }
            }
            Ok(Event::Text(t)) => push_text(&mut stack, &t.xml10_content()),
            Ok(Event::CData(c)) => push_text(&mut stack, &c.into_inner()),
            Ok(Event::GeneralRef(r)) => {
                scratch.clear();
                resolve_ref(&r, &mut scratch);
                push_text(&mut stack, &scratch);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {} // declarations, comments, PIs, DOCTYPE (never expanded)
            Err(e) => {
                let (line, col) = line_col(text, reader.error_position() as usize);
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
            format!("unexpected end of input inside <{}>", stack.last().map_or("", |e| e.qname.as_str())),
        ));
    }
    while !stack.is_empty() {
        root = close(&mut stack, &mut scopes, false).or(root);
    }
    Document { root, warnings, error }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    /// Regression (fault suite): 100 000 nested elements overflowed the stack and aborted
    /// the whole run, closed or left unclosed.
    #[test]
    fn deep_nesting_is_flattened_not_a_stack_overflow() {
        let depth = 100_000;
        let doc = parse(&format!("<rss>{}deep{}</rss>", "<x>".repeat(depth), "</x>".repeat(depth)));
        let root = doc.root.expect("a document");
        let mut text = String::new();
        root.deep_text(&mut text);
        assert_eq!(text, "deep");
        assert!(doc.warnings.iter().any(|w| w.contains("flattened")), "{:?}", doc.warnings);
        let doc = parse(&format!("<rss><channel>{}", "<item><title>t".repeat(depth)));
        assert!(doc.root.is_some() && doc.error.is_some());
    }
}
