//! Decoding response bytes to UTF-8, exactly once: BOM, then the HTTP charset, then the
//! document's own declaration (XML declaration or `<meta charset>`), then detection.

use std::borrow::Cow;
use std::sync::LazyLock;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};
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
    match choose(bytes, content_type) {
        Choice::Bom(encoding, bom_len) => run(encoding, &bytes[bom_len..]),
        Choice::Declared(encoding) => run(encoding, bytes),
        // Valid UTF-8 stays UTF-8 (validated once, here); anything else is guessed.
        Choice::Undeclared => match UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(text) => (text, UTF_8.name()),
            None => run(detect(bytes), bytes),
        },
    }
}

/// What [`decode`] goes by, in this order: a BOM, else the HTTP charset or the document's
/// declaration (looked for in its first [`PRESCAN_BYTES`] only), else nothing.
enum Choice {
    /// A BOM of this encoding, this many bytes long.
    Bom(&'static Encoding, usize),
    /// The encoding the HTTP header or the document declares.
    Declared(&'static Encoding),
    /// Neither: valid UTF-8 stays UTF-8, anything else is guessed.
    Undeclared,
}

/// [`Choice`] for a body whose first bytes are `head` (at least [`PRESCAN_BYTES`] of them,
/// or all): [`decode`] and [`Streaming`] choose alike.
fn choose(head: &[u8], content_type: Option<&str>) -> Choice {
    if let Some((encoding, bom_len)) = Encoding::for_bom(head) {
        return Choice::Bom(encoding, bom_len);
    }
    match content_type.and_then(http_charset).or_else(|| declared(head)) {
        Some(encoding) => Choice::Declared(encoding),
        None => Choice::Undeclared,
    }
}

/// [`decode`] of a body that arrives in chunks, given to [`Streaming::push`] as they come.
///
/// Why: collecting the chunks into one buffer and then copying the decoded text into a
/// `String` copied every UTF-8 body twice. A UTF-8 body (nearly all of them) is validated and
/// copied once here, chunk by chunk, straight into the `String`: on the 30-feed cold fetch,
/// memcpy went from 30.6 to 24.9 M instructions (0.8% of the run). The encoding is chosen
/// as [`decode`] chooses it ([`choose`]), as soon as [`PRESCAN_BYTES`] have come. A body in
/// another encoding is collected and given to [`decode`]; so is one that
/// turns out not to be valid UTF-8, its bytes put back together from the text decoded so far.
pub struct Streaming<'a> {
    content_type: Option<&'a str>,
    /// The expected size (`Content-Length`), to size the text once; 0 when unknown.
    size_hint: usize,
    state: State,
}

enum State {
    /// Fewer than [`PRESCAN_BYTES`] have come: too few to look for a declaration.
    Head(Vec<u8>),
    /// Decoding as UTF-8.
    Utf8(Utf8),
    /// Collecting the raw bytes for [`decode`].
    Raw(Vec<u8>),
}

impl<'a> Streaming<'a> {
    /// A body with this `Content-Type` of about `size_hint` bytes (0 when unknown).
    pub fn new(content_type: Option<&'a str>, size_hint: usize) -> Self {
        Streaming { content_type, size_hint, state: State::Head(Vec::new()) }
    }

    /// Takes the next chunk of the body.
    pub fn push(&mut self, chunk: &[u8]) {
        match &mut self.state {
            State::Head(head) if head.is_empty() && chunk.len() >= PRESCAN_BYTES => self.start(chunk),
            State::Head(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= PRESCAN_BYTES {
                    let head = std::mem::take(head);
                    self.start(&head);
                }
            }
            State::Utf8(utf8) => {
                if let Err(raw) = utf8.feed(chunk) {
                    self.state = State::Raw(raw);
                }
            }
            State::Raw(raw) => raw.extend_from_slice(chunk),
        }
    }

    /// Chooses the way to decode from the body's first bytes, `first` (at least
    /// [`PRESCAN_BYTES`] of them), and takes them.
    fn start(&mut self, first: &[u8]) {
        let size = self.size_hint.max(first.len());
        self.state = match utf8_bom(first, self.content_type) {
            Some(bom) => {
                let mut utf8 = Utf8::new(bom, size);
                match utf8.feed(&first[bom.len()..]) {
                    Ok(()) => State::Utf8(utf8),
                    Err(raw) => State::Raw(raw),
                }
            }
            None => {
                let mut raw = Vec::with_capacity(size);
                raw.extend_from_slice(first);
                State::Raw(raw)
            }
        };
    }

    /// The text and the name of its encoding: what [`decode`] gives for all the bytes pushed.
    pub fn finish(self) -> (String, &'static str) {
        let raw = match self.state {
            State::Head(raw) | State::Raw(raw) => raw,
            State::Utf8(utf8) => match utf8.finish() {
                Ok(text) => return (text, UTF_8.name()),
                Err(raw) => raw,
            },
        };
        let (text, encoding) = decode(&raw, self.content_type);
        (text.into_owned(), encoding)
    }
}

/// The UTF-8 BOM.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// When [`decode`] reads a body whose first bytes are `head` (at least [`PRESCAN_BYTES`] of
/// them, or all) as UTF-8 where it is valid, the BOM it skips (maybe empty); `None` when it
/// decodes the body another way.
fn utf8_bom(head: &[u8], content_type: Option<&str>) -> Option<&'static [u8]> {
    match choose(head, content_type) {
        Choice::Bom(encoding, bom_len) => (encoding == UTF_8 && bom_len == UTF8_BOM.len()).then_some(UTF8_BOM),
        // A declared UTF-8 is decoded with replacement, but valid UTF-8 decodes to itself
        // either way, and an invalid body goes to `decode` itself.
        Choice::Declared(encoding) => (encoding == UTF_8).then_some(b""),
        Choice::Undeclared => Some(b""),
    }
}

/// A body being decoded as UTF-8, without replacement. Valid UTF-8 decodes to itself, so the
/// text holds exactly the bytes fed so far but for an incomplete sequence at their end (at
/// most 3 bytes, which the decoder holds and `tail` keeps too): the raw bytes can be put back
/// together when a malformed sequence turns up.
struct Utf8 {
    decoder: Decoder,
    text: String,
    /// The BOM that was skipped (empty when there was none).
    bom: &'static [u8],
    /// Bytes fed to the decoder so far (the BOM not counted).
    fed: usize,
    /// The last bytes fed (up to [`TAIL`]).
    tail: Vec<u8>,
}

/// Bytes kept at the end of what was fed: more than an incomplete UTF-8 sequence holds.
const TAIL: usize = 4;

impl Utf8 {
    /// A decoder after `bom`, for a body of about `size` bytes.
    fn new(bom: &'static [u8], size: usize) -> Utf8 {
        // The decoder asks for 3 bytes of room beyond the input's own length: with them the
        // text never grows when `size` is right.
        let text = String::with_capacity(size.saturating_sub(bom.len()) + TAIL);
        Utf8 { decoder: UTF_8.new_decoder_without_bom_handling(), text, bom, fed: 0, tail: Vec::new() }
    }

    /// Decodes `chunk`; on a malformed sequence, the raw bytes: all fed so far and `chunk`.
    fn feed(&mut self, chunk: &[u8]) -> Result<(), Vec<u8>> {
        let mut done = 0;
        loop {
            let rest = &chunk[done..];
            self.text
                .reserve(self.decoder.max_utf8_buffer_length_without_replacement(rest.len()).unwrap_or(rest.len()));
            let (result, read) = self.decoder.decode_to_string_without_replacement(rest, &mut self.text, false);
            done += read;
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => return Err(self.raw(chunk)),
            }
        }
        self.fed += chunk.len();
        if chunk.len() >= TAIL {
            self.tail.clear();
            self.tail.extend_from_slice(&chunk[chunk.len() - TAIL..]);
        } else {
            self.tail.extend_from_slice(chunk);
            self.tail.drain(..self.tail.len().saturating_sub(TAIL));
        }
        Ok(())
    }

    /// The text of a body that ended; the raw bytes when it ends in an incomplete sequence.
    fn finish(mut self) -> Result<String, Vec<u8>> {
        match self.decoder.decode_to_string_without_replacement(b"", &mut self.text, true).0 {
            DecoderResult::InputEmpty => Ok(self.text),
            _ => Err(self.raw(b"")),
        }
    }

    /// The raw bytes of the body up to the end of `chunk`, the chunk being fed when the
    /// decoding stopped: the BOM, the text (the bytes themselves), the bytes of an incomplete
    /// sequence at the end of what was fed before `chunk`, and the rest of `chunk`.
    fn raw(&mut self, chunk: &[u8]) -> Vec<u8> {
        let text = std::mem::take(&mut self.text);
        let mut raw = Vec::with_capacity(self.bom.len() + self.fed + chunk.len());
        raw.extend_from_slice(self.bom);
        raw.extend_from_slice(text.as_bytes());
        if let Some(held) = self.fed.checked_sub(text.len()) {
            raw.extend_from_slice(&self.tail[self.tail.len() - held..]);
            raw.extend_from_slice(chunk);
        } else {
            raw.extend_from_slice(&chunk[text.len() - self.fed..]);
        }
        raw
    }
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
    use crate::test_docs::Xorshift;
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

    /// [`Streaming`] of `bytes` in chunks of the sizes `rng` draws (many of 1–3 bytes, to cut
    /// sequences and the BOM anywhere).
    fn streamed(bytes: &[u8], content_type: Option<&str>, hint: usize, rng: &mut Xorshift) -> (String, &'static str) {
        let mut body = Streaming::new(content_type, hint);
        let mut at = 0;
        while at < bytes.len() {
            let size = match rng.below(4) {
                0 => 1 + rng.below(3),
                1 => 1 + rng.below(300),
                _ => 1 + rng.below(6000),
            };
            let end = (at + size).min(bytes.len());
            body.push(&bytes[at..end]);
            at = end;
        }
        body.finish()
    }

    #[test]
    fn streaming_decodes_as_decode_does() {
        let gb = encode(GB18030, ZH);
        let padding = " ".repeat(700);
        let pieces: [&[u8]; 12] = [
            b"<p>plain ascii text &amp; more</p>\n",
            ZH.as_bytes(),
            "😀 astral".as_bytes(),
            padding.as_bytes(),
            padding.as_bytes(),
            b"\xFF",
            b"\x80",
            b"\xE4\xB8",
            b"\xF0\x9F\x98",
            b"\xED\xA0\x80",
            &gb,
            b"\xC3",
        ];
        let starts: [&[u8]; 8] = [
            b"",
            b"",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            b"<?xml version=\"1.0\" encoding=\"gb18030\"?>",
            b"<meta charset=\"big5\">",
            b"\xEF\xBB",
        ];
        let types = [None, Some("text/xml"), Some("text/xml; charset=utf-8"), Some("text/html; charset=gbk")];
        let mut rng = Xorshift(0x5eed_dec0);
        for n in 0..6000 {
            let mut bytes = starts[rng.below(starts.len())].to_vec();
            // Mostly valid UTF-8 (the common case), often long enough to pass the prescan.
            let (count, valid) = (rng.below(40), rng.below(3) != 0);
            for _ in 0..count {
                let piece = pieces[rng.below(if valid { 5 } else { pieces.len() })];
                bytes.extend_from_slice(piece);
            }
            let content_type = types[rng.below(types.len())];
            let hint = [0, bytes.len(), bytes.len() / 2][rng.below(3)];
            let expected = decode(&bytes, content_type);
            assert_eq!(streamed(&bytes, content_type, hint, &mut rng), expected, "document {n}: {bytes:?}");
        }
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
