//! Tests of [`super`]: HTML → lines, links and tables as the rules read them.

use super::*;

#[test]
fn markdown_headings_left_in_text() {
    let d = parse_html("<p>##Python性能优化实践</p><p>### 主题1. ledisdb介绍.</p><p>#1 not</p><p>#</p>");
    assert_eq!(d.lines[0], Line { text: "Python性能优化实践".into(), heading: 2 });
    assert_eq!(d.lines[1].heading, 3);
    assert_eq!(d.lines[2], Line { text: "1 not".into(), heading: 1 });
    assert_eq!(d.lines[3], Line { text: "#".into(), heading: 0 });
}

/// `markdown_heading` as it was before its early return for lines without a leading `#`.
fn markdown_heading_reference(t: &str) -> Option<(String, u8)> {
    let level = t.chars().take_while(|c| *c == '#').count();
    let rest = t.get(level..)?.trim();
    if !(1..=6).contains(&level) || rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    Some((rest.to_string(), level as u8))
}

#[test]
fn markdown_heading_is_the_reference() {
    const PIECES: &[&str] = &["#", "##", " ", "\u{3000}", "a", "中文", "\u{a0}", "\t", "1", "\u{2003}", "＃"];
    for t in crate::test_docs::random_docs(PIECES, 6, 0x6d68).take(5_000) {
        assert_eq!(markdown_heading(&t), markdown_heading_reference(&t), "{t:?}");
    }
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
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        let s = format!("{c}a{c}{c}中文{c}b {c}");
        let words: Vec<&str> = s.split(is_separator).filter(|w| !w.is_empty()).collect();
        assert_eq!(collapse_ws(&s), words.join(" "), "U+{:04X}", c as u32);
    }
}

#[test]
fn long_text_collapses_to_its_words() {
    // Blocks of 16 bytes are scanned at once: separators and the lead bytes they share at
    // every offset of a block, next to each other and to single spaces.
    let chars = [
        ' ',
        '\t',
        '\n',
        '\r',
        '\u{a0}',
        '\u{85}',
        '\u{1680}',
        '\u{2003}',
        '\u{200b}',
        '\u{2028}',
        '\u{202f}',
        '\u{205f}',
        '\u{3000}',
        '\u{feff}',
        '，',
        '。',
        '“',
        '—',
        'é',
        '中',
        'a',
        '\u{e000}',
        '\u{1f600}',
    ];
    for c in chars {
        for d in chars {
            for k in 0..40 {
                let prefix: String = "a b中".chars().cycle().take(k).collect();
                let s = format!("{prefix}{c}{d}中文 words, and more{c}x{d} 末尾 a long tail of text {c}");
                let words: Vec<&str> = s.split(is_separator).filter(|w| !w.is_empty()).collect();
                assert_eq!(collapse_ws(&s), words.join(" "), "{s:?}");
            }
        }
    }
}

#[test]
fn text_collapsed_in_pieces_is_the_text_collapsed_whole() {
    let pieces = ["", " ", "  a", "b ", "c  d", "\u{3000}", "中文，", "x\u{a0}y", "\t", "e f", "g", " h\u{feff}", "。"];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let mut cur = Collapsed::default();
                for p in [a, b, c] {
                    cur.push(p);
                }
                assert_eq!(cur.s, collapse_ws(&format!("{a}{b}{c}")), "{a:?} {b:?} {c:?}");
                // A gap after each piece is a space between them.
                let mut cell = Collapsed::default();
                for p in [a, b, c] {
                    cell.push(p);
                    cell.gap();
                }
                assert_eq!(cell.s, collapse_ws(&format!("{a} {b} {c} ")), "{a:?} {b:?} {c:?}");
            }
        }
    }
}

#[test]
fn class_bits_match_the_name_lists() {
    for name in ["p", "div", "br", "li", "ul", "h2", "h3", "tr", "td", "a", "span", "strong", "b", "em", "img"]
        .into_iter()
        .chain([
            "code", "script", "svg", "font", "h1", "th", "table", "pre", "section", "hr", "x-y", "tbody", "ol", "h4",
        ])
        .chain(["blockquote"])
    {
        assert_eq!(class(name), class_by_list(name), "{name}");
    }
}

#[test]
fn tree_builder_rules_kept() {
    // Implied ends, misnested links (the adoption agency splits `<a>1<div>2</a>3</div>` into
    // `<a>1</a><div><a>2</a>3</div>`), text fostered out of
    // a table, a nested table, dropped and unwrapped elements, entities, <pre>.
    let d = parse_html(
        "<p>a<p>b<li>c<li>d<h2>t<p>in h2</h2>e<br>f<hr>g\
         <a href=\"http://x/\">1<div>2</a>3</div>\
         <table>fost<tr><td>x<table><tr><td>inner</td></tr></table><td>y</table>\
         <script>no</script><style>no</style><font>un</font>wrapped &lt;QT基础&gt; &amp;\
         <pre>\nfn x() { a[0] += b; } // c</pre>",
    );
    let lines: Vec<(&str, u8)> = d.lines.iter().map(|l| (l.text.as_str(), l.heading)).collect();
    assert_eq!(
        lines,
        [
            ("a", 0),
            ("b", 0),
            ("c", 0),
            ("d", 0),
            ("t", 2),
            ("in h2", 2),
            ("e", 0),
            ("f", 0),
            ("g1", 0),
            ("23", 0),
            ("fost", 0),
            ("x", 0),
            ("inner", 0),
            ("y", 0),
            ("unwrapped <QT基础> &", 0),
            ("fn x() { a[0] += b; } // c", 0),
        ]
    );
    let links: Vec<(&str, usize)> = d.links.iter().map(|l| (l.text.as_str(), l.line)).collect();
    assert_eq!(links, [("1", 8), ("2", 9)]);
    assert_eq!(d.tables, [vec![vec!["x inner".to_string(), "y".to_string()]]]);
    assert!(d.has_code);
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
