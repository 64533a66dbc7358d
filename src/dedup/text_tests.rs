//! Tests of the text normalization and sketches: each fast path against its reference.

use super::*;

#[test]
fn normalization_ignores_spacing_punctuation_width_and_case() {
    let a = normalize("<p>Docker 专场沙龙，开始报名！</p> <b>HTTP</b>&amp;Go");
    let b = normalize("Docker专场沙龙,开始报名!\n\nＨＴＴＰ & go");
    assert_eq!(a, b);
    assert_eq!(a, "docker专场沙龙开始报名httpgo");
}

#[test]
fn sketches_estimate_similarity() {
    let base: String = (0..400).map(|i| char::from_u32(0x4e00 + (i * 7919 % 2000)).unwrap()).collect();
    let mut edited = base.clone();
    edited.replace_range(edited.char_indices().nth(200).unwrap().0..edited.char_indices().nth(201).unwrap().0, "x");
    let other: String = (0..400).map(|i| char::from_u32(0x4e00 + (i * 104_729 % 3000)).unwrap()).collect();
    let (a, b, c) = (sketch(&base), sketch(&edited), sketch(&other));
    assert_eq!(a, sketch(&base));
    assert!(a.similarity(&b) > 0.85, "{}", a.similarity(&b));
    assert!(a.similarity(&c) < 0.2, "{}", a.similarity(&c));
    assert_eq!(sketch("").shingles, 0);
    assert_eq!(sketch("ab").shingles, 1);
    assert!(jaccard(&base, &edited) > 0.9);
    assert!(bigram_dice("docker专场", "docker专场沙龙") > 0.8);
    for html in [
        "<p>Docker 专场，ＨＴＴＰ１２ 报名!</p>",
        "a&amp;b <b>c</b>",
        "é café ﬁ",
        "<a href=x>Go</a>—〇々〻〡",
        "a <b c",
        "x<y 😀",
        "R&amp;D&nbsp;&#65;&#x42;&#+67; &lt;b&gt; &amp x; &ampx; &unknown; &#12354; &eacute; &#x4e2d;文",
        "&amp<b>x</b>; &#6<i>5</i>; &NotEqualTilde; a&#769; &aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;",
    ] {
        assert_eq!(sketch_html(html), sketch(&normalize(html)), "{html}");
    }
    assert!(fast_sketch("R&amp;D&nbsp;&#65;&#+67; &lt;b&gt; &amp x; &ampx; &unknown; &#x4e2d;文").is_some());
}

/// The sketch as first written: each shingle's hash made from its own chars, no rolling.
fn sketch_reference(norm: &str) -> Sketch {
    let cs: Vec<u64> = norm.chars().map(|c| u64::from(c as u32) + 1).collect();
    let mut s = Sketcher::new();
    let poly = |w: &[u64]| w.iter().fold(0u64, |h, &c| h.wrapping_mul(BASE).wrapping_add(c));
    for end in SHINGLE..=cs.len() {
        s.add(mix(poly(&cs[end - SHINGLE..end])));
    }
    // `finish` adds a text shorter than a shingle as one shingle.
    s.rolling = poly(&cs);
    s.n = cs.len();
    s.finish()
}

#[test]
fn rolling_hash_agrees_with_the_reference() {
    for text in ["", "a", "abcd", "abcde", "abcdef", "docker专场沙龙开始报名httpgo", &"中文abc".repeat(300)] {
        assert_eq!(sketch(text), sketch_reference(text), "{text}");
    }
}

/// The one-pass sketch equals the general one on texts mixed from awkward pieces.
#[test]
fn fast_sketch_agrees_with_normalize_on_mixed_pieces() {
    const PIECES: &[&str] = &[
        "<p>", "</a>", "<", ">", "&", ";", "&amp;", "&amp", "&#", "&#x4e2d;", "&#65;", "&nbsp;", "&lt;", "#", "+", "x",
        "Q", "7", " ", "中", "，", "Ｇ", "é", "&eacute;", "<b", "&#0;", "&#xD800;", "amp", "&#+1",
    ];
    for html in crate::test_docs::random_docs(PIECES, 12, 0x2545_f491_4f6c_dd1d) {
        assert_eq!(sketch_html(&html), sketch(&normalize(&html)), "{html}");
    }
}

/// The fast path's two passes (up to the fourth char, then on without the shingle test)
/// meet at every place: each prefix of generated documents, cut at every char boundary
/// (inside tags and references too), sketches as the reference does. References that give
/// two chars (`&fjlig;`) and three-byte chars may carry the fourth char.
#[test]
fn fast_sketch_warm_up_ends_anywhere() {
    const PIECES: &[&str] =
        &["&fjlig;", "ＡＢ１", "文字", "42", "<b>", "&amp;", " ", "x", "中", "，", "&#65;", "<", "&", "a&lt;"];
    for html in crate::test_docs::random_docs(PIECES, 6, 0x9e37_79b9_7f4a_7c15).take(3_000) {
        for (cut, _) in html.char_indices().chain([(html.len(), ' ')]) {
            let prefix = &html[..cut];
            assert_eq!(sketch_html(prefix), sketch_reference(&normalize(prefix)), "{prefix}");
            assert!(fast_sketch(prefix).is_some(), "not fast: {prefix}");
        }
    }
}

/// The one-pass sketch of HTML equals the reference sketch (no rolling) of its normalized
/// text, on short and long documents of the fast path's pieces (texts shorter than a
/// shingle, references, full-width forms) and of pieces that force the general path
/// (non-BMP and two-byte characters, references to them).
#[test]
fn sketch_html_agrees_with_the_reference_on_generated_docs() {
    const FAST: &[&str] = &[
        "<p>",
        "</a>",
        "<",
        "<b",
        ">",
        "&",
        ";",
        "&amp;",
        "&amp",
        "&#x4e2d;",
        "&#65;",
        "&nbsp;",
        "&lt;",
        "&fjlig;",
        "&#xff21;",
        "&ThickSpace;",
        "&#20013;",
        "x",
        "Q",
        "7",
        "42",
        " ",
        "\n\t",
        "中",
        "文字",
        "，",
        "、",
        "\u{3000}",
        "—",
        "〇",
        "々",
        "Ｇ",
        "ａ",
        "１",
        "！",
        "ＡＢ１",
    ];
    const SLOW: &[&str] = &["😀", "é", "&#x1F600;", "&eacute;", "ﬁ", "Ω", "x", "中", " ", "<i>", "&amp;", "Ｇ"];
    for (pieces, per_doc, seed) in [(FAST, 2, 1), (FAST, 3, 2), (FAST, 16, 3), (SLOW, 3, 4), (SLOW, 14, 5)] {
        for html in crate::test_docs::random_docs(pieces, per_doc, 0x2545_f491_4f6c_dd1d ^ seed) {
            assert_eq!(sketch_html(&html), sketch_reference(&normalize(&html)), "{html}");
            assert!(!std::ptr::eq(pieces, FAST) || fast_sketch(&html).is_some(), "not fast: {html}");
        }
    }
}

/// The decode by subtraction gives every three-byte character's code point (plus one).
#[test]
fn three_byte_decode_agrees_with_char() {
    for c in (0x800..=0xffff).filter_map(char::from_u32) {
        let mut buf = [0; 4];
        let &[x, b1, b2] = c.encode_utf8(&mut buf).as_bytes() else { panic!("{c:?}") };
        assert_eq!(BYTE_CLASS[usize::from(x)], LEAD3, "{c:?}");
        assert_eq!(decode3_plus_one(x, b1, b2), c as u32 + 1, "{c:?}");
    }
}
