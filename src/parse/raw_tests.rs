//! Tests of `parse::raw` (held bodies, packing, the markup scans dedup uses).

use super::*;
use crate::test_docs::random_docs;

/// Tags match in any case: the cuts are those of the lowercased body.
#[test]
fn drops_in_any_case() {
    const PIECES: &[&str] = &[
        "<script>",
        "</script>",
        "<SCRIPT>",
        "</Script >",
        "<style>",
        "</STYLE>",
        "<svg/>",
        "<SVG>",
        "</svg>",
        "<Embed>",
        "<!--",
        "-->",
        "--!>",
        "<b>",
        "</B>",
        "<",
        ">",
        "/",
        " ",
        "x",
        "中",
        "<textarea>",
        "</TEXTAREA>",
    ];
    for html in random_docs(PIECES, 10, 0x9e37_79b9_7f4a_7c15) {
        let lower = html.to_ascii_lowercase();
        assert_eq!(without_dropped(&html).to_ascii_lowercase(), without_dropped(&lower), "{html}");
    }
}

/// The one-scan `visible` gives what escaping look-alikes and then dropping gives.
#[test]
fn visible_is_escaping_then_dropping() {
    const PIECES: &[&str] = &[
        "<script>",
        "</script>",
        "<script中>",
        "</script中>",
        "<QT基础>",
        "</Go语言>",
        "<svg>",
        "</svg>",
        "<svg中/>",
        "<!--",
        "-->",
        "--!>",
        "<b>",
        "</b>",
        "<",
        ">",
        "/",
        " ",
        "x",
        "中",
        "<style>",
        "</STYLE>",
        "<embed>",
        "-",
    ];
    for html in random_docs(PIECES, 10, 0x2545_f491_4f6c_dd1d) {
        let escaped = super::super::lookalike::escape_tag_lookalikes(&html);
        assert_eq!(visible(&html), without_dropped(&escaped), "{html}");
    }
}

#[test]
fn drops_what_sanitizing_drops() {
    let h = "a<!-- c > d -->b<script>x</p></script>c<SVG><svg></svg>y</svg>d<svg/>e<embed src=x>f\
             <form><b>g</b></form>h<style>";
    assert_eq!(without_dropped(h), "abcdefh");
    assert_eq!(without_dropped("<p>plain</p>"), "<p>plain</p>");
}

#[test]
fn links_resolve_like_the_sanitizer() {
    let base = Url::parse("http://example.org/blog/post.html").unwrap();
    let body = RawHtml::new(
        "<a href='x.html?a=1&amp;b=2'>1</a><A class=c HREF=/y>2</A><a href=\"javascript:alert(1)\">3</a>\
         <!-- <a href=\"/hidden\"> --><abbr href=\"/no\">4</abbr><a href=\"mailto:me@example.org\">5</a>",
        Some(base),
    );
    assert_eq!(
        body.links(),
        ["http://example.org/blog/x.html?a=1&amp;b=2", "http://example.org/y", "mailto:me@example.org"]
    );
    let sanitized = body.sanitized();
    for l in body.links() {
        assert!(sanitized.contains(&format!("href=\"{l}\"")), "{l} in {sanitized}");
    }
}

#[test]
fn reads_bodies_stored_by_older_versions() {
    let old: RawHtml = serde_json::from_str("\"<p>x</p>\"").unwrap();
    assert_eq!((old.raw().as_ref(), old.base()), ("<p>x</p>", None));
    let new = RawHtml::new(" <p>y</p>", Url::parse("http://e.org/").ok());
    let json = serde_json::to_string(&new).unwrap();
    assert_eq!(json, r#"{"html":" <p>y</p>","base":"http://e.org/"}"#);
    assert_eq!(serde_json::from_str::<RawHtml>(&json).unwrap(), new);
    assert!(RawHtml::new(" \n", None).is_empty());
}

#[test]
fn a_packed_body_reads_as_the_body() {
    let base = Url::parse("https://example.org/blog/post.html").ok();
    let html = "<p>沙龙 <a href=\"../s.pdf\">slides</a></p><script>x</script>".repeat(40);
    let plain = RawHtml::new(html.as_str(), base.clone());
    let mut packed = plain.clone();
    packed.pack();
    assert!(matches!(packed.html, Text::Packed(_)), "a repetitive body compresses");
    assert_eq!(packed.raw(), html);
    assert_eq!(packed.len(), html.len());
    assert!(!packed.is_empty());
    assert_eq!(packed, plain);
    assert_eq!(packed.visible_markup(), plain.visible_markup());
    assert_eq!(packed.links(), plain.links());
    assert_eq!(packed.sanitized(), plain.sanitized());
    assert_eq!(serde_json::to_string(&packed).ok(), serde_json::to_string(&plain).ok());
    assert_eq!(format!("{packed:?}"), format!("{plain:?}"));
    let back: RawHtml = serde_json::from_str(&serde_json::to_string(&packed).unwrap_or_default()).unwrap_or_default();
    assert_eq!(back, plain);
}

#[test]
fn short_and_empty_bodies_stay_plain() {
    for html in ["", "<p>short</p>"] {
        let mut b = RawHtml::from(html);
        b.pack();
        assert!(matches!(b.html, Text::Plain(_)));
        assert_eq!(b.raw(), html);
    }
}

#[test]
fn packing_makes_the_blocks_compress_prepend_size_makes() {
    // Large bodies (the 32-bit table) between small ones, so a reused table must not leak.
    let sizes = [300, 70_000, 5_000, 200_000, 1_000, 65_534, 65_535];
    for (i, &size) in sizes.iter().enumerate() {
        let text: String = (0..size / 8).map(|n| format!("<p>part {n}: {} </p>", n * 7 % (13 + i))).collect();
        let text = &text[..size]; // ASCII: every index is a character boundary
        let want = lz4_flex::compress_prepend_size(text.as_bytes());
        let keep = want.len() < text.len() - text.len() / 8;
        assert_eq!(super::compress(text.as_bytes()).as_deref(), keep.then_some(want.as_slice()), "{size}");
    }
}

#[test]
fn every_dropped_element_passes_the_first_byte_filter() {
    for name in crate::parse::sanitize::DROP_WITH_CONTENT {
        for c in [name.as_bytes()[0], name.as_bytes()[0].to_ascii_uppercase()] {
            assert!(super::may_start_dropped(c), "{name}");
        }
    }
    assert!(super::may_start_dropped(b'!'));
}

#[test]
fn the_plain_http_shortcut_agrees_with_parsing() {
    let hosts = [
        "example.org",
        "a.b.c",
        "web2.example.com",
        "163.com",
        "a-b.cn",
        "x",
        "1.2.3.4",
        "a.1",
        "a.0x1f",
        "0x1f",
        "xn--abc.com",
        "ab--c.com",
        "abc-.com",
        "-abc.com",
        "a..b",
        ".a",
        "a.",
        "EXAMPLE.org",
        "a_b.com",
        "例子.cn",
        "a%2eb.com",
        "a b.com",
        "a\tb.com",
        "a:80",
        "a:99999",
        "u@a.com",
        "[::1]",
        "a\\b",
        "",
        "999.999.999.999",
    ];
    let tails = ["", "/", "/p?q=1#f", "?q", "#f", "/a b/%zz/<x>", "\\x", ":8080/x", " ", "\n"];
    for scheme in ["http://", "https://", "HTTP://", "ftp://", "http:/", "http:///"] {
        for host in hosts {
            for tail in tails {
                let value = format!("{scheme}{host}{tail}");
                let parsed = Url::parse(&value).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
                if super::plainly_absolute_http(&value) {
                    assert!(parsed.is_some(), "{value:?}");
                }
            }
        }
    }
    assert!(super::plainly_absolute_http("https://example.org/a?b#c"));
    assert!(super::plainly_absolute_http("http://web2.example-1.com"));
}
