//! Tests of `parse::xml`: character data taken past quick-xml, depth limits, and the shared
//! child buffer against pushing each child onto its own element.

use super::*;

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
/// `Open` (one child buffer shared by the open elements, each element taking its children off
/// its end when it closes) builds the tree that pushing every child onto its own element's
/// `Vec` builds, over random runs of opens, texts and closes, and whatever is left open at the
/// end closed as incomplete, as in a cut-off document.
#[test]
fn shared_child_buffer_builds_the_same_tree() {
    let element = |n: u32| Element {
        ns: Ns::None,
        qname: Cow::Owned(format!("e{n}")),
        attrs: Vec::new(),
        children: Vec::new(),
        complete: false,
        local_at: 0,
    };
    // Closes `naive`'s innermost element into its parent, or out as a finished tree.
    let close_naive = |naive: &mut Vec<Element<'static>>, done: &mut Vec<Element<'static>>, complete: bool| {
        if let Some(mut el) = naive.pop() {
            el.complete = complete;
            match naive.last_mut() {
                Some(parent) => parent.children.push(Node::Element(el)),
                None => done.push(el),
            }
        }
    };
    let (mut rng, mut nested) = (crate::test_docs::Xorshift(0x2545_f491_4f6c_dd1d), 0);
    for round in 0..2_000 {
        let (mut open, mut scopes, mut naive) = (Open::default(), Scopes::default(), Vec::new());
        let (mut got, mut want) = (Vec::new(), Vec::new());
        for step in 0..64u32 {
            let seed = rng.next();
            match seed % 5 {
                0 | 1 => {
                    open.open(element(step));
                    naive.push(element(step));
                    nested += usize::from(naive.len() > 2);
                }
                2 => {
                    let text = Node::Text(Cow::Owned(format!("t{step}")));
                    open.push_node(text.clone());
                    if let Some(top) = naive.last_mut() {
                        top.children.push(text);
                    }
                }
                _ => {
                    let complete = seed % 7 != 0;
                    got.extend(close(&mut open, &mut scopes, complete));
                    close_naive(&mut naive, &mut want, complete);
                }
            }
        }
        while !open.is_empty() {
            got.extend(close(&mut open, &mut scopes, false));
        }
        while !naive.is_empty() {
            close_naive(&mut naive, &mut want, false);
        }
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "round {round}");
    }
    assert!(nested > 10_000, "too few nested elements: {nested}");
}
