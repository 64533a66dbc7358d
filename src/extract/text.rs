//! HTML → text: lines (with heading levels), links and tables, enough for the extraction
//! rules. Iterative tree walk, so deeply nested input cannot overflow the stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};
use url::Url;

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

/// Collapses runs of whitespace (including U+3000 and NBSP) into one space and trims.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < s.len() {
        let (len, sep) = char_at(s, i);
        if !sep {
            word.get_or_insert(i);
        } else if let Some(start) = word.take() {
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

/// The text of `html` as sanitizing leaves it: elements it drops are skipped with their
/// content, elements it unwraps only give their text, links are resolved against `base`.
fn parse_markup(html: &str, base: Option<&Url>) -> Doc {
    let frag = Html::parse_fragment(&crate::parse::prepare_html(html));
    let mut doc = Doc::default();
    let mut cur = String::new();
    let mut heading: u8 = 0;
    let mut link: Option<(String, String)> = None;
    let mut table_depth = 0usize;
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    let mut pre_depth = 0usize;
    let (mut code_ascii, mut code_han) = (0usize, 0usize);

    let flush = |cur: &mut String, heading: u8, doc: &mut Doc| {
        let t = collapse_ws(cur);
        if !t.is_empty() {
            let (text, heading) = markdown_heading(&t).unwrap_or((t, heading));
            doc.lines.push(Line { text, heading });
        }
        cur.clear();
    };

    let mut skip = None;
    for edge in frag.root_element().traverse() {
        if let Some(id) = skip {
            if matches!(edge, Edge::Close(node) if node.id() == id) {
                skip = None;
            }
            continue;
        }
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if drops_content(e.name()) => skip = Some(node.id()),
                Node::Element(e) if !keeps_tag(e.name()) => {}
                Node::Text(t) => {
                    let text: &str = &t.text;
                    if pre_depth > 0 {
                        for ch in text.chars() {
                            if ch.is_ascii_punctuation() {
                                code_ascii += 1;
                            } else if ('\u{4e00}'..='\u{9fff}').contains(&ch) {
                                code_han += 1;
                            }
                        }
                        // Keep code lines apart.
                        for (i, part) in text.split('\n').enumerate() {
                            if i > 0 {
                                flush(&mut cur, heading, &mut doc);
                            }
                            cur.push_str(part);
                        }
                    } else {
                        // Authors' line breaks (Markdown soft breaks) separate list rows and
                        // "时间：… 地点：…" fields: keep them.
                        for (i, part) in text.split('\n').enumerate() {
                            if i > 0 {
                                flush(&mut cur, heading, &mut doc);
                            }
                            cur.push_str(part);
                        }
                    }
                    if let Some((lt, _)) = link.as_mut() {
                        lt.push_str(text);
                    }
                    if let Some(c) = cell.as_mut() {
                        c.push_str(text);
                        c.push(' ');
                    }
                }
                Node::Element(e) => {
                    let name = e.name();
                    if is_block(name) {
                        flush(&mut cur, heading, &mut doc);
                    }
                    match name {
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            heading = name.as_bytes().get(1).map_or(3, |b| b.saturating_sub(b'0'));
                        }
                        "a" => {
                            if let Some(h) = e.attr("href").and_then(|h| clean_url(h, base)) {
                                link = Some((String::new(), h));
                            }
                        }
                        "table" => {
                            table_depth += 1;
                            if table_depth == 1 {
                                doc.tables.push(Vec::new());
                            }
                        }
                        "tr" if table_depth == 1 => row = Some(Vec::new()),
                        "td" | "th" if table_depth == 1 => cell = Some(String::new()),
                        "pre" | "code" if name == "pre" => {
                            pre_depth += 1;
                        }
                        _ => {}
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value()
                    && keeps_tag(e.name())
                {
                    let name = e.name();
                    match name {
                        "a" => {
                            if let Some((t, h)) = link.take() {
                                let line = doc.lines.len();
                                doc.links.push(Link { text: collapse_ws(&t), href: h, line });
                            }
                        }
                        "td" | "th" if table_depth == 1 => {
                            if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                                r.push(collapse_ws(&c));
                            }
                        }
                        "tr" if table_depth == 1 => {
                            if let (Some(r), Some(t)) = (row.take(), doc.tables.last_mut()) {
                                t.push(r);
                            }
                        }
                        "table" => table_depth = table_depth.saturating_sub(1),
                        "pre" => pre_depth = pre_depth.saturating_sub(1),
                        _ => {}
                    }
                    if is_block(name) {
                        flush(&mut cur, heading, &mut doc);
                        if name.len() == 2 && name.starts_with('h') {
                            heading = 0;
                        }
                    }
                }
            }
        }
    }
    flush(&mut cur, heading, &mut doc);
    // Code, not a quoted block of prose: symbols outnumber Han characters.
    doc.has_code = code_ascii >= 10 && code_han * 2 < code_ascii;
    doc
}

/// Plain text of an HTML fragment (tags stripped, one line per block).
pub fn html_to_text(html: &str) -> String {
    parse_html(html).plain()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_headings_left_in_text() {
        let d = parse_html("<p>##Python性能优化实践</p><p>### 主题1. ledisdb介绍.</p><p>#1 not</p><p>#</p>");
        assert_eq!(d.lines[0], Line { text: "Python性能优化实践".into(), heading: 2 });
        assert_eq!(d.lines[1].heading, 3);
        assert_eq!(d.lines[2], Line { text: "1 not".into(), heading: 1 });
        assert_eq!(d.lines[3], Line { text: "#".into(), heading: 0 });
    }

    #[test]
    fn lines_headings_links_tables() {
        let d = parse_html(
            "<h3>《T》 - 张三</h3><p>a<br>b <a href=\"x.pdf\">slides</a></p>\
             <table><tr><th>Date</th><th>Start</th></tr><tr><td>1</td><td>2</td></tr></table>",
        );
        assert_eq!(d.lines[0], Line { text: "《T》 - 张三".into(), heading: 3 });
        assert_eq!(d.lines[1].text, "a");
        assert_eq!(d.lines[2].text, "b slides");
        assert_eq!(d.links[0].href, "x.pdf");
        assert_eq!(d.tables[0][1], vec!["1".to_string(), "2".to_string()]);
    }

    #[test]
    fn separators_are_found_without_decoding_every_character() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert_eq!(char_at(&s, 1), (c.len_utf8(), is_separator(c)), "U+{:04X}", c as u32);
        }
        assert_eq!(collapse_ws("\u{3000} 两个\u{a0}\u{200b} words\t\n中文 \u{feff}"), "两个 words 中文");
        assert_eq!(collapse_ws(" \u{2003} "), "");
    }

    #[test]
    fn lowercase_is_the_standard_one() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let s = format!("A{c}b");
            assert_eq!(lowercase(&s), s.to_lowercase(), "U+{:04X}", c as u32);
        }
        for s in ["ΣΑΣ x", "ὈΔΥΣΣΕΎΣ", "Σ", "中文 ABC ＡＢＣ İ"] {
            assert_eq!(lowercase(s), s.to_lowercase());
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(20000) + "x" + &"</div>".repeat(20000);
        let d = parse_html(&html);
        assert!(d.plain().contains('x'));
    }
}
