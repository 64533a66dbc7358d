//! Decoding response bytes to UTF-8, exactly once: BOM, then the HTTP charset, then the
//! document's own declaration (XML declaration or `<meta charset>`), then detection.

use std::borrow::Cow;
use std::sync::LazyLock;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;

/// How far into the document an in-band declaration is looked for (HTML asks for 1024 bytes;
/// a little more tolerates long `<head>` preambles and XML comments).
const PRESCAN_BYTES: usize = 2048;

/// `<?xml version="1.0" encoding="gb2312"?>` at the very start of the document.
static XML_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)\A\s*<\?xml[^>]*?\sencoding\s*=\s*["']?\s*([a-z0-9._:-]+)"#).expect("static regex")
});

/// `<meta charset="big5">` and `<meta http-equiv="Content-Type" content="text/html; charset=big5">`:
/// both carry `charset=` inside the tag.
static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9._:-]+)"#).expect("static regex"));

/// Decodes `bytes`, returning the text and the name of the encoding used. Text that needs no
/// conversion (valid UTF-8, or ASCII under an ASCII-compatible encoding) is borrowed, after one
/// validation pass.
///
/// Invalid byte sequences become U+FFFD; this never fails or panics.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> (Cow<'a, str>, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return run(encoding, &bytes[bom_len..]);
    }
    let encoding = match content_type.and_then(http_charset).or_else(|| declared(bytes)) {
        Some(encoding) => encoding,
        // Valid UTF-8 stays UTF-8 (validated once, here); anything else is guessed.
        None => match UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(text) => return (text, UTF_8.name()),
            None => detect(bytes),
        },
    };
    run(encoding, bytes)
}

fn run<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> (Cow<'a, str>, &'static str) {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    (text, encoding.name())
}

/// The `charset` parameter of a `Content-Type` value, if it names an encoding we know.
fn http_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// The encoding the document declares in its first bytes (XML declaration, then `<meta>`).
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let label = XML_DECL.captures(head).or_else(|| META_CHARSET.captures(head)).and_then(|c| c.get(1))?;
    let encoding = Encoding::for_label(label.as_bytes())?;
    // A UTF-16 declaration read through an ASCII-compatible prescan is necessarily wrong
    // (without a BOM we could not have read it); HTML says to use UTF-8 then.
    Some(if encoding.is_ascii_compatible() { encoding } else { UTF_8 })
}

/// The encoding chardetng guesses for bytes that are not valid UTF-8.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, GB18030, GBK, UTF_16LE};

    /// [`super::decode`] with the text owned, to compare.
    fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static str) {
        let (text, name) = super::decode(bytes, content_type);
        (text.into_owned(), name)
    }

    const ZH: &str = "技术沙龙：容器与云原生实践分享会，欢迎社区朋友们报名参加本周六下午的活动。";
    const TW: &str = "技術沙龍：容器與雲原生實踐分享會，歡迎社區朋友們報名參加本週六下午的活動。";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_without_any_declaration() {
        assert!(matches!(super::decode("你好".as_bytes(), None), (Cow::Borrowed("你好"), "UTF-8")));
        let declared = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>你好</rss>";
        assert!(matches!(super::decode(declared.as_bytes(), None), (Cow::Borrowed(t), "UTF-8") if t == declared));
    }

    #[test]
    fn bom_wins_over_http_charset_and_meta() {
        let mut bytes = b"\xEF\xBB\xBF<meta charset=\"big5\">".to_vec();
        bytes.extend_from_slice("你好".as_bytes());
        let (text, name) = decode(&bytes, Some("text/html; charset=gbk"));
        assert_eq!(name, "UTF-8");
        assert_eq!(text, "<meta charset=\"big5\">你好");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(ZH.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16, Some("text/plain; charset=big5")), (ZH.to_string(), UTF_16LE.name()));
    }

    #[test]
    fn http_charset_wins_over_document_declaration() {
        let body = format!("<?xml version=\"1.0\" encoding=\"big5\"?><p>{ZH}</p>");
        let bytes = encode(GB18030, &body);
        let (text, name) = decode(&bytes, Some("application/xml; Charset=\"GB18030\""));
        assert_eq!((text.as_str(), name), (body.as_str(), "gb18030"));
    }

    #[test]
    fn unknown_http_charset_falls_through_to_declaration() {
        let body = format!("<?xml version='1.0' encoding='Big5'?><p>{TW}</p>");
        let (text, name) = decode(&encode(BIG5, &body), Some("text/xml; charset=bogus"));
        assert_eq!((text.as_str(), name), (body.as_str(), "Big5"));
    }

    #[test]
    fn xml_declaration_gb2312_uses_the_gbk_decoder() {
        let body = format!("<?xml version=\"1.0\" encoding=\"gb2312\"?>\n<rss><title>{ZH}</title></rss>");
        let (text, name) = decode(&encode(GB18030, &body), Some("application/rss+xml"));
        assert_eq!((text.as_str(), name), (body.as_str(), GBK.name()));
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let body = format!("<html><head><meta charset=big5><title>{TW}</title>");
        assert_eq!(decode(&encode(BIG5, &body), Some("text/html")), (body.clone(), "Big5"));
        let body = format!("<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">{ZH}");
        assert_eq!(decode(&encode(GB18030, &body), None), (body.clone(), "GBK"));
    }

    #[test]
    fn declaration_beyond_prescan_window_is_ignored() {
        let body = format!("{}<meta charset=\"big5\">", " ".repeat(PRESCAN_BYTES));
        assert_eq!(decode(body.as_bytes(), None).1, "UTF-8");
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let body = "<meta charset=\"utf-16\">你好";
        assert_eq!(decode(body.as_bytes(), None), (body.to_string(), "UTF-8"));
    }

    #[test]
    fn undeclared_gb18030_and_big5_are_detected() {
        let text = ZH.repeat(3);
        let (out, name) = decode(&encode(GB18030, &text), None);
        assert_eq!(out, text, "detected as {name}");
        let text = TW.repeat(3);
        let (out, name) = decode(&encode(BIG5, &text), Some("text/html"));
        assert_eq!((out.as_str(), name), (text.as_str(), "Big5"));
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let (text, name) = decode(b"ok \xFF\xFE\xFD end", Some("text/plain; charset=utf-8"));
        assert_eq!(name, "UTF-8");
        assert!(text.starts_with("ok ") && text.ends_with(" end") && text.contains('\u{FFFD}'));
        // Truncated multi-byte sequences at the end, in every decoder.
        for label in ["gb18030", "big5", "utf-8", "shift_jis"] {
            let (text, _) = decode(b"abc\x81", Some(&format!("text/plain; charset={label}")));
            assert!(text.starts_with("abc"));
        }
        assert_eq!(decode(b"", None), (String::new(), "UTF-8"));
    }
}
