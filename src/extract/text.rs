//! HTML → text: lines (with heading levels), links and tables, enough for the extraction
//! rules. Iterative tree walk, so deeply nested input cannot overflow the stack.

use url::Url;

use super::dom::{Data, Dom, NONE};
use super::fasthtml;
use collapse::Collapsed;
pub use collapse::collapse_ws;
#[cfg(test)]
use collapse::{char_at, is_separator};

use crate::parse::RawHtml;
use crate::parse::raw::clean_url;
use crate::parse::sanitize::{drops_content, keeps_tag};

mod collapse;

/// One line of text, with its heading level when it came from `<h1>`…`<h6>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Whitespace-collapsed text.
    pub text: String,
    /// 1–6 for headings (and lines that are entirely bold), else 0.
    pub heading: u8,
}

/// A hyperlink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The link's text.
    pub text: String,
    /// The `href` as sanitizing writes it: absolute, an allowed scheme.
    pub href: String,
    /// Index of the line the link sits on.
    pub line: usize,
}

/// The text of a post, ready for the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// Non-empty lines in document order.
    pub lines: Vec<Line>,
    /// Links in document order.
    pub links: Vec<Link>,
    /// Tables: rows of cell texts.
    pub tables: Vec<Vec<Vec<String>>>,
    /// Whether the body holds preformatted code (symbol-heavy, not quoted prose).
    pub has_code: bool,
}

impl Doc {
    /// All lines joined with newlines.
    pub fn plain(&self) -> String {
        let mut s = String::with_capacity(self.lines.iter().map(|l| l.text.len() + 1).sum());
        for l in &self.lines {
            s.push_str(&l.text);
            s.push('\n');
        }
        s
    }
}

/// `%E5%B9%BF` → "广" (URL path segments, file names); malformed escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An unrendered Markdown heading ("##Python性能优化实践", "### 主题1. …"): its text and level.
fn markdown_heading(t: &str) -> Option<(String, u8)> {
    // Most lines start with no `#` (level 0): settled before `trim` looks at both ends, which
    // was 2.4 M of the 30-feed fetch's 742 M instructions.
    if !t.starts_with('#') {
        return None;
    }
    let level = t.chars().take_while(|c| *c == '#').count();
    let rest = t.get(level..)?.trim();
    if !(1..=6).contains(&level) || rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    Some((rest.to_string(), level as u8))
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "table"
            | "pre"
            | "blockquote"
            | "dt"
            | "dd"
            | "hr"
            | "figure"
            | "figcaption"
            | "td"
            | "th"
    )
}

/// The same as `str::to_lowercase`, faster on Chinese text: runs of characters that do not
/// change are copied as they are, and the caseless blocks U+4000–U+9FFF (CJK ideographs) are
/// skipped without decoding them or looking them up in the case tables. Text with `Σ` (the one
/// contextual mapping, final sigma) takes the standard path.
pub fn lowercase(s: &str) -> String {
    // `has_any` looks for the lead byte (rare in Chinese text) rather than the last, as
    // `str::contains` of a character does.
    if super::gate::has_any(s, &['Σ']) {
        return s.to_lowercase();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if x.is_ascii_uppercase() {
                out.push_str(&s[copied..i]);
                out.push(char::from(x.to_ascii_lowercase()));
                copied = i + 1;
            }
            i += 1;
        } else if (0xe4..=0xe9).contains(&x) {
            i += 3;
        } else {
            let Some(c) = s[i..].chars().next() else { break };
            let lower = c.to_lowercase();
            if lower.len() != 1 || lower.clone().next() != Some(c) {
                out.push_str(&s[copied..i]);
                out.extend(lower);
                copied = i + c.len_utf8();
            }
            i += c.len_utf8();
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// Parses an item body into a [`Doc`].
pub fn parse_body(body: &RawHtml) -> Doc {
    parse_markup(&body.raw(), body.base())
}

/// Parses an HTML fragment into a [`Doc`] (relative links kept as written).
pub fn parse_html(html: &str) -> Doc {
    parse_markup(html, None)
}

/// [`keeps_tag`], [`drops_content`] and [`is_block`] of an element, as bits.
const KEEP: u8 = 1;
const DROP: u8 = 2;
const BLOCK: u8 = 4;

/// The class bits of an element: the commonest names matched directly, the rest through the
/// name lists (a test checks both agree).
fn class(name: &str) -> u8 {
    match name {
        "p" | "div" | "br" | "li" | "ul" | "h2" | "h3" | "tr" | "td" | "th" | "table" | "ol" | "h1" | "h4" | "pre"
        | "blockquote" => KEEP | BLOCK,
        "a" | "span" | "strong" | "b" | "em" | "img" | "code" | "tbody" => KEEP,
        _ => class_by_list(name),
    }
}

fn class_by_list(name: &str) -> u8 {
    if drops_content(name) {
        DROP
    } else if keeps_tag(name) {
        KEEP | if is_block(name) { BLOCK } else { 0 }
    } else {
        0
    }
}

/// Appends the text of one text node to the current line, splitting it at newlines (authors'
/// line breaks, Markdown soft breaks, separate list rows and "时间：… 地点：…" fields; in
/// `<pre>` they keep code lines apart).
fn push_text(cur: &mut Collapsed, text: &str, heading: u8, doc: &mut Doc) {
    // The collapsing scan finds the `\n`s (see [`Collapsed::push_line`]).
    let mut rest = text;
    while let Some(k) = cur.push_line(rest) {
        flush(cur, heading, doc);
        rest = &rest[k + 1..];
    }
}

/// Ends the current line: kept when not empty.
fn flush(cur: &mut Collapsed, heading: u8, doc: &mut Doc) {
    if cur.s.is_empty() {
        cur.gap = false;
        return;
    }
    let t = cur.take();
    let (text, heading) = markdown_heading(&t).unwrap_or((t, heading));
    doc.lines.push(Line { text, heading });
}

/// The text of `html` as sanitizing leaves it: elements it drops are skipped with their
/// content, elements it unwraps only give their text, links are resolved against `base`.
/// The fast path ([`fasthtml`]) reads most posts; what it does not model goes to html5ever.
fn parse_markup(html: &str, base: Option<&Url>) -> Doc {
    parse_fast_prepared(html, base).unwrap_or_else(|| parse_tree(&crate::parse::prepare_html(html), base))
}

/// [`parse_fast`] of `html` prepared as for the tree builder. With too few tags for the depth
/// limit to cut, preparing would only escape tag look-alikes, which the fast path reads as text
/// by itself: it reads `html` as is (the escaping pass was 3% of extraction). Where that bails
/// out, it reads the prepared copy, as before.
fn parse_fast_prepared(html: &str, base: Option<&Url>) -> Option<Doc> {
    if crate::parse::depth::too_few_tags_to_limit(html)
        && let Some(doc) = parse_fast(html, base)
    {
        return Some(doc);
    }
    parse_fast(&crate::parse::prepare_html(html), base)
}

/// The Doc from [`fasthtml`], or `None` where it bails out.
fn parse_fast(html: &str, base: Option<&Url>) -> Option<Doc> {
    let mut walk = Walk::new(base, html.len());
    fasthtml::parse(html, &mut walk).ok()?;
    Some(walk.finish())
}

/// Both parsers' Docs of `html` as [`parse_body`] reads it, for differential tests: the fast
/// path's (`None` where it bails out) and the tree builder's (the oracle).
pub fn parse_both(html: &str, base: Option<&Url>) -> (Option<Doc>, Doc) {
    (parse_fast_prepared(html, base), parse_tree(&crate::parse::prepare_html(html), base))
}

/// The Doc through html5ever's tree builder (implied end tags, misnested formatting, tables)
/// into a minimal arena ([`dom`]), walked without recursion.
fn parse_tree(html: &str, base: Option<&Url>) -> Doc {
    let nodes = Dom::parse_fragment(html);
    let mut walk = Walk::new(base, html.len());
    // Depth-first over the arena through parent and sibling links: open a node, go down unless
    // it is dropped with its content, else close it and climb until a next sibling.
    let mut at = nodes.first().map_or(NONE, |root| root.first);
    while at != NONE {
        let node = &nodes[at as usize];
        let descend = match &node.data {
            Data::Text(t) => {
                walk.text(t);
                false
            }
            Data::Element { name, href } => walk.open(&name.local, href.as_deref()),
            Data::Root | Data::Other => false,
        };
        if descend && node.first != NONE {
            at = node.first;
            continue;
        }
        // Close `at`, then its ancestors as long as they have no next sibling.
        let mut closing = at;
        loop {
            let n = &nodes[closing as usize];
            if (descend || closing != at)
                && let Data::Element { name, .. } = &n.data
            {
                walk.close(&name.local);
            }
            if n.next != NONE {
                at = n.next;
                break;
            }
            closing = n.parent;
            if closing == NONE || closing == 0 {
                at = NONE;
                break;
            }
        }
    }
    walk.finish()
}

/// The walk over the tree in document order, fed by either parser: text, the start of an
/// element (which says whether its content is read) and the end of one it went into.
pub(super) struct Walk<'u> {
    base: Option<&'u Url>,
    doc: Doc,
    cur: Collapsed,
    heading: u8,
    link: Option<(Collapsed, String)>,
    table_depth: usize,
    row: Option<Vec<String>>,
    cell: Option<Collapsed>,
    pre_depth: usize,
    code_ascii: usize,
    code_han: usize,
}

impl<'u> Walk<'u> {
    /// A walk over `html_len` bytes of HTML: room for a line per 128 bytes of it (posts have
    /// one per 150 or so), so that the lines seldom move as they come (the doubling took
    /// 2.4 M instructions of the 30-feed fetch), up to 4,096.
    fn new(base: Option<&'u Url>, html_len: usize) -> Self {
        let doc = Doc { lines: Vec::with_capacity((html_len / 128).min(4096)), ..Doc::default() };
        Walk {
            base,
            doc,
            cur: Collapsed::default(),
            heading: 0,
            link: None,
            table_depth: 0,
            row: None,
            cell: None,
            pre_depth: 0,
            code_ascii: 0,
            code_han: 0,
        }
    }

    /// One text node.
    pub(super) fn text(&mut self, text: &str) {
        if self.pre_depth > 0 {
            for ch in text.chars() {
                if ch.is_ascii_punctuation() {
                    self.code_ascii += 1;
                } else if ('\u{4e00}'..='\u{9fff}').contains(&ch) {
                    self.code_han += 1;
                }
            }
        }
        push_text(&mut self.cur, text, self.heading, &mut self.doc);
        if let Some((lt, _)) = self.link.as_mut() {
            lt.push(text);
        }
        if let Some(c) = self.cell.as_mut() {
            c.push(text);
            c.gap();
        }
    }

    /// The start of an element; whether the walk goes into it (not when sanitizing drops it
    /// with its content). `href` is the first `href` of a link.
    pub(super) fn open(&mut self, name: &str, href: Option<&str>) -> bool {
        let class = class(name);
        if class & BLOCK != 0 {
            flush(&mut self.cur, self.heading, &mut self.doc);
        }
        if class & KEEP != 0 {
            match name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.heading = name.as_bytes()[1] - b'0',
                "a" => {
                    if let Some(h) = href.and_then(|h| clean_url(h, self.base)) {
                        self.link = Some((Collapsed::default(), h));
                    }
                }
                "table" => {
                    self.table_depth += 1;
                    if self.table_depth == 1 {
                        self.doc.tables.push(Vec::new());
                    }
                }
                "tr" if self.table_depth == 1 => self.row = Some(Vec::new()),
                "td" | "th" if self.table_depth == 1 => self.cell = Some(Collapsed::default()),
                "pre" => self.pre_depth += 1,
                _ => {}
            }
        }
        class & DROP == 0
    }

    /// The end of an element the walk went into.
    pub(super) fn close(&mut self, name: &str) {
        let class = class(name);
        if class & KEEP == 0 {
            return;
        }
        match name {
            "a" => {
                if let Some((t, h)) = self.link.take() {
                    let line = self.doc.lines.len();
                    self.doc.links.push(Link { text: t.s, href: h, line });
                }
            }
            "td" | "th" if self.table_depth == 1 => {
                if let (Some(c), Some(r)) = (self.cell.take(), self.row.as_mut()) {
                    r.push(c.s);
                }
            }
            "tr" if self.table_depth == 1 => {
                if let (Some(r), Some(t)) = (self.row.take(), self.doc.tables.last_mut()) {
                    t.push(r);
                }
            }
            "table" => self.table_depth = self.table_depth.saturating_sub(1),
            "pre" => self.pre_depth = self.pre_depth.saturating_sub(1),
            _ => {}
        }
        if class & BLOCK != 0 {
            flush(&mut self.cur, self.heading, &mut self.doc);
            if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr") {
                // As before: any two-letter block name starting with h (`<hr>` too) ends a heading.
                self.heading = 0;
            }
        }
    }

    fn finish(mut self) -> Doc {
        flush(&mut self.cur, self.heading, &mut self.doc);
        // Code, not a quoted block of prose: symbols outnumber Han characters.
        self.doc.has_code = self.code_ascii >= 10 && self.code_han * 2 < self.code_ascii;
        self.doc
    }
}

/// Plain text of an HTML fragment (tags stripped, one line per block).
pub fn html_to_text(html: &str) -> String {
    parse_html(html).plain()
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
