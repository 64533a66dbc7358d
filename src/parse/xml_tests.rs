//! Tests of `parse::xml`: character data taken past quick-xml, depth limits, and the shared
//! child buffer against the tree builder it replaced.

use super::*;
use crate::test_docs::random_docs;

/// Text and CDATA are read past quick-xml: references, line ends and positions must come
/// out as its events gave them.
#[test]
fn character_data_taken_between_markup() {
    let text = "<rss><a>x &amp; &lt;b&gt; &#x4e2d; &nbsp; &bogus; &\r\ny & z\r</a>\n\
                <b><![CDATA[ <p>&amp;\r\n</p> ]]>t<![CDATA[]]><!-- c -->u</b></d>\n<c>&apos;&quot;";
    let doc = parse(text);
    let root = doc.root.expect("a document");
    let (a, b) = (&root.elements().next().unwrap(), &root.elements().nth(1).unwrap());
    assert_eq!(a.text(), "x & <b> 中 \u{a0} &bogus; &\ny & z\n");
    assert_eq!(b.text(), " <p>&amp;\r\n</p> tu");
    assert!(a.complete && b.complete && !root.complete);
    assert_eq!(doc.warnings, ["line 4, column 41: stray </d> ignored"]);
    assert_eq!(doc.error.map(|(l, c, _)| (l, c)), Some((5, 16)));
    let doc = parse("<rss><a>x</a><b><![CDATA[never closed");
    let (line, column, message) = doc.error.expect("an error");
    assert_eq!((line, column), (1, 17), "{message}");
    assert_eq!(doc.root.expect("a document").elements().next().map(Element::text).as_deref(), Some("x"));
}

/// Regression (fault suite): 100 000 nested elements overflowed the stack and aborted
/// the whole run, closed or left unclosed.
#[test]
fn deep_nesting_is_flattened_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!("<rss>{}deep{}</rss>", "<x>".repeat(depth), "</x>".repeat(depth));
    let doc = parse(&text);
    let root = doc.root.expect("a document");
    let mut text = String::new();
    root.deep_text(&mut text);
    assert_eq!(text, "deep");
    assert!(doc.warnings.iter().any(|w| w.contains("flattened")), "{:?}", doc.warnings);
    let text = format!("<rss><channel>{}", "<item><title>t".repeat(depth));
    let doc = parse(&text);
    assert!(doc.root.is_some() && doc.error.is_some());
}

/// The shared child buffer ([`Open`]) builds the tree, warnings and error that pushing onto
/// each open element's own `Vec` built (the reference below is that builder as it was).
#[test]
fn shared_child_buffer_builds_the_same_tree() {
    const PIECES: &[&str] = &[
        "<rss>",
        "</rss>",
        "<channel xmlns:a=\"http://www.w3.org/2005/Atom\">",
        "</channel>",
        "<item>",
        "</item>",
        "<a:link href=\"x\"/>",
        "<b>",
        "</b>",
        "</c>",
        "<![CDATA[<p>&amp;</p>]]>",
        "<![CDATA[",
        "]]>",
        "<!-- c -->",
        "text ",
        "&amp;&lt;&#x4e2d;",
        "\r\n",
        "中文",
        "&",
        "<e/>",
        "<x y='1' z=\"&amp;\">",
    ];
    let mut seen = 0;
    for doc in random_docs(PIECES, 16, 0x2545_f491_4f6c_dd1d).take(5_000) {
        let text = format!("<rss>{doc}");
        let (got, want) = (parse(&text), parse_reference(&text));
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{text}");
        seen += usize::from(got.root.is_some_and(|r| r.elements().next().is_some()));
    }
    assert!(seen > 1_000, "too few documents with children: {seen}");
    // Past the depth limit (flattened) and cut off inside open elements.
    let deep = format!("<rss>{}a<b>t</b>{}", "<x>".repeat(MAX_DEPTH + 5), "</x>".repeat(MAX_DEPTH / 2));
    assert_eq!(format!("{:?}", parse(&deep)), format!("{:?}", parse_reference(&deep)));
}

// The tree builder as it was before `Open`, each element pushing onto its own `Vec`.

fn push_node_ref<'a>(stack: &mut [Element<'a>], node: Node<'a>) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn close_ref<'a>(stack: &mut Vec<Element<'a>>, scopes: &mut Scopes<'a>, complete: bool) -> Option<Element<'a>> {
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

fn take_character_data_ref<'a>(text: &'a str, rest: &mut &[u8], taken: &mut usize, stack: &mut [Element<'a>]) {
    loop {
        let n = memchr::memchr(b'<', rest).unwrap_or(rest.len());
        let start = text.len() - rest.len();
        if n > 0 {
            if let Some(raw) = text.get(start..start + n) {
                push_node_ref(stack, Node::Text(Cow::Borrowed(raw)));
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
            push_node_ref(stack, Node::CData(Cow::Borrowed(cdata)));
        }
        *rest = &rest[9 + len + 3..];
        *taken += 9 + len + 3;
    }
}

fn parse_reference(text: &str) -> Document<'_> {
    let mut reader = Reader::from_str(text);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    cfg.allow_dangling_amp = true;
    cfg.check_comments = false;
    cfg.expand_empty_elements = false;

    let mut stack: Vec<Element<'_>> = Vec::new();
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
            take_character_data_ref(text, reader.get_mut(), &mut taken, &mut stack);
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
                stack.push(el);
            }
            Ok(Event::Empty(e)) => {
                if root.is_some() && stack.is_empty() {
                    break;
                }
                let el = open(text, &e, &mut scopes, &mut warnings);
                stack.push(el);
                root = close_ref(&mut stack, &mut scopes, true).or(root);
            }
            Ok(Event::End(e)) => {
                let name = e.name();
                let name = name.as_ref();
                match stack.iter().rposition(|el| el.qname == name) {
                    Some(idx) => {
                        if idx + 1 < stack.len() {
                            let (line, col) = position(&reader);
                            warnings.push(format!("line {line}, column {col}: unclosed elements before </{}>", name));
                        }
                        while stack.len() > idx {
                            root = close_ref(&mut stack, &mut scopes, true).or(root);
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
            Ok(Event::Text(t)) => push_node_ref(&mut stack, Node::Text(t.into_inner())),
            Ok(Event::GeneralRef(r)) => push_node_ref(&mut stack, Node::Text(Cow::Owned(format!("&{};", &*r)))),
            Ok(Event::CData(c)) => push_node_ref(&mut stack, Node::CData(c.into_inner())),
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
            format!("unexpected end of input inside <{}>", stack.last().map_or("", |e| e.qname.as_ref())),
        ));
    }
    while !stack.is_empty() {
        root = close_ref(&mut stack, &mut scopes, false).or(root);
    }
    Document { root, warnings, error }
}
