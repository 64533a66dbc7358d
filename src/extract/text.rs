//! HTML → text: lines (with heading levels), links and tables, enough for the extraction
//! rules. Iterative tree walk, so deeply nested input cannot overflow the stack.

use html5ever::{LocalName, local_name};
use url::Url;

use super::dom::{Data, Dom, NONE};

use crate::parse::RawHtml;
use crate::parse::raw::clean_url;
use crate::parse::sanitize::{drops_content, keeps_tag};

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
#[derive(Debug, Clone, Default)]
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
        let mut s = String::new();
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

/// Whether `c` separates words for [`collapse_ws`]: whitespace, U+200B and U+FEFF.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
}

/// Byte length of the character at byte `i` of `s`, and whether it is a separator. Only five
/// lead bytes can start a non-ASCII separator (U+0085 and U+00A0; U+1680; U+2000–U+205F;
/// U+3000; U+FEFF), so other characters (Han text) are skipped without being decoded.
#[inline]
fn char_at(s: &str, i: usize) -> (usize, bool) {
    let x = s.as_bytes()[i];
    match x {
        0..=0x7f => (1, matches!(x, b' ' | b'\t'..=b'\r')),
        0xc2 | 0xe1 | 0xe2 | 0xe3 | 0xef => {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.len_utf8(), is_separator(c))
        }
        0xc0..=0xdf => (2, false),
        0xe0..=0xef => (3, false),
        _ => (4, false),
    }
}

/// The same as `str::to_lowercase`, faster on Chinese text: runs of characters that do not
/// change are copied as they are, and the caseless blocks U+4000–U+9FFF (CJK ideographs) are
/// skipped without decoding them or looking them up in the case tables. Text with `Σ` (the one
/// contextual mapping, final sigma) takes the standard path.
pub fn lowercase(s: &str) -> String {
    if s.contains('Σ') {
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

/// Bytes [`collapse_ws`] must look at: 1 for ASCII whitespace, 2 for the lead bytes of the
/// non-ASCII separators (see [`char_at`]); every other byte (ASCII text, continuation bytes,
/// leads of Han text) is copied as part of a word.
static WS_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => 1,
            0xc2 | 0xe1 | 0xe2 | 0xe3 | 0xef => 2,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Collapses runs of whitespace (including U+3000 and NBSP) into one space and trims. Words
/// are found with a byte table and copied whole: the hottest loop of [`parse_markup`].
pub fn collapse_ws(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let len = match WS_CLASS[usize::from(b[i])] {
            0 => {
                word.get_or_insert(i);
                i += 1;
                while i < b.len() && WS_CLASS[usize::from(b[i])] == 0 {
                    i += 1;
                }
                continue;
            }
            1 => 1,
            _ => match char_at(s, i) {
                (len, true) => len,
                (len, false) => {
                    word.get_or_insert(i);
                    i += len;
                    continue;
                }
            },
        };
        if let Some(start) = word.take() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[start..i]);
        }
        i += len;
    }
    if let Some(start) = word {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[start..]);
    }
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

/// The class bits of an element: the commonest names compared as interned atoms, the rest
/// through the name lists (a test checks both agree).
fn class(name: &LocalName) -> u8 {
    match *name {
        local_name!("p")
        | local_name!("div")
        | local_name!("br")
        | local_name!("li")
        | local_name!("ul")
        | local_name!("h2")
        | local_name!("h3")
        | local_name!("tr")
        | local_name!("td") => KEEP | BLOCK,
        local_name!("a")
        | local_name!("span")
        | local_name!("strong")
        | local_name!("b")
        | local_name!("em")
        | local_name!("img")
        | local_name!("code") => KEEP,
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
fn push_text(cur: &mut String, text: &str, heading: u8, doc: &mut Doc) {
    let mut parts = text.split('\n');
    if let Some(first) = parts.next() {
        cur.push_str(first);
    }
    for part in parts {
        flush(cur, heading, doc);
        cur.push_str(part);
    }
}

/// Ends the current line: collapsed, kept when not empty.
fn flush(cur: &mut String, heading: u8, doc: &mut Doc) {
    let t = collapse_ws(cur);
    if !t.is_empty() {
        let (text, heading) = markdown_heading(&t).unwrap_or((t, heading));
        doc.lines.push(Line { text, heading });
    }
    cur.clear();
}

/// The text of `html` as sanitizing leaves it: elements it drops are skipped with their
/// content, elements it unwraps only give their text, links are resolved against `base`.
/// The tree comes from html5ever's tree builder (implied end tags, misnested formatting,
/// tables) into a minimal arena ([`dom`]); it is walked without recursion.
fn parse_markup(html: &str, base: Option<&Url>) -> Doc {
    let nodes = Dom::parse_fragment(&crate::parse::prepare_html(html));
    let mut doc = Doc::default();
    let mut cur = String::new();
    let mut heading: u8 = 0;
    let mut link: Option<(String, String)> = None;
    let mut table_depth = 0usize;
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    let mut pre_depth = 0usize;
    let (mut code_ascii, mut code_han) = (0usize, 0usize);

    // Depth-first over the arena through parent and sibling links: open a node, go down unless
    // it is dropped with its content, else close it and climb until a next sibling.
    let mut at = nodes.first().map_or(NONE, |root| root.first);
    while at != NONE {
        let node = &nodes[at as usize];
        let mut descend = false;
        match &node.data {
            Data::Text(t) => {
                let text: &str = t;
                if pre_depth > 0 {
                    for ch in text.chars() {
                        if ch.is_ascii_punctuation() {
                            code_ascii += 1;
                        } else if ('\u{4e00}'..='\u{9fff}').contains(&ch) {
                            code_han += 1;
                        }
                    }
                }
                push_text(&mut cur, text, heading, &mut doc);
                if let Some((lt, _)) = link.as_mut() {
                    lt.push_str(text);
                }
                if let Some(c) = cell.as_mut() {
                    c.push_str(text);
                    c.push(' ');
                }
            }
            Data::Element { name, href } => {
                let class = class(&name.local);
                descend = class & DROP == 0;
                if class & BLOCK != 0 {
                    flush(&mut cur, heading, &mut doc);
                }
                if class & KEEP != 0 {
                    match name.local {
                        local_name!("h1")
                        | local_name!("h2")
                        | local_name!("h3")
                        | local_name!("h4")
                        | local_name!("h5")
                        | local_name!("h6") => {
                            heading = name.local.as_bytes()[1] - b'0';
                        }
                        local_name!("a") => {
                            if let Some(h) = href.as_deref().and_then(|h| clean_url(h, base)) {
                                link = Some((String::new(), h));
                            }
                        }
                        local_name!("table") => {
                            table_depth += 1;
                            if table_depth == 1 {
                                doc.tables.push(Vec::new());
                            }
                        }
                        local_name!("tr") if table_depth == 1 => row = Some(Vec::new()),
                        local_name!("td") | local_name!("th") if table_depth == 1 => cell = Some(String::new()),
                        local_name!("pre") => pre_depth += 1,
                        _ => {}
                    }
                }
            }
            Data::Root | Data::Other => {}
        }
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
                close(
                    &name.local,
                    &mut State {
                        doc: &mut doc,
                        cur: &mut cur,
                        heading: &mut heading,
                        link: &mut link,
                        table_depth: &mut table_depth,
                        row: &mut row,
                        cell: &mut cell,
                        pre_depth: &mut pre_depth,
                    },
                );
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
    flush(&mut cur, heading, &mut doc);
    // Code, not a quoted block of prose: symbols outnumber Han characters.
    doc.has_code = code_ascii >= 10 && code_han * 2 < code_ascii;
    doc
}

/// The walk's state while closing elements.
struct State<'a> {
    doc: &'a mut Doc,
    cur: &'a mut String,
    heading: &'a mut u8,
    link: &'a mut Option<(String, String)>,
    table_depth: &'a mut usize,
    row: &'a mut Option<Vec<String>>,
    cell: &'a mut Option<String>,
    pre_depth: &'a mut usize,
}

/// The end of an element the walk went into.
fn close(name: &LocalName, s: &mut State<'_>) {
    let class = class(name);
    if class & KEEP == 0 {
        return;
    }
    match *name {
        local_name!("a") => {
            if let Some((t, h)) = s.link.take() {
                let line = s.doc.lines.len();
                s.doc.links.push(Link { text: collapse_ws(&t), href: h, line });
            }
        }
        local_name!("td") | local_name!("th") if *s.table_depth == 1 => {
            if let (Some(c), Some(r)) = (s.cell.take(), s.row.as_mut()) {
                r.push(collapse_ws(&c));
            }
        }
        local_name!("tr") if *s.table_depth == 1 => {
            if let (Some(r), Some(t)) = (s.row.take(), s.doc.tables.last_mut()) {
                t.push(r);
            }
        }
        local_name!("table") => *s.table_depth = s.table_depth.saturating_sub(1),
        local_name!("pre") => *s.pre_depth = s.pre_depth.saturating_sub(1),
        _ => {}
    }
    if class & BLOCK != 0 {
        flush(s.cur, *s.heading, s.doc);
        if matches!(
            *name,
            local_name!("h1")
                | local_name!("h2")
                | local_name!("h3")
                | local_name!("h4")
                | local_name!("h5")
                | local_name!("h6")
                | local_name!("hr")
        ) {
            // As before: any two-letter block name starting with h (`<hr>` too) ends a heading.
            *s.heading = 0;
        }
    }
}

/// Plain text of an HTML fragment (tags stripped, one line per block).
pub fn html_to_text(html: &str) -> String {
    parse_html(html).plain()
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
