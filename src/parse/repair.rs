//! Repairs what real feeds break before the XML parser sees them: bare `&` and `<`, HTML named
//! entities (`&nbsp;` → `&#160;`), C0 control characters, and DOCTYPE internal subsets
//! (removed, so entity declarations such as "billion laughs" are never expanded).
//! CDATA sections and comments are copied as they are (minus control characters).
//! One linear pass; the input is borrowed unchanged when nothing needs repair.

use std::borrow::Cow;
use std::fmt::Write;

use super::text::{memchr2_near, named_entity};

/// Counts of what [`repair_xml`] changed, for warnings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Repairs {
    /// Bare `&` escaped as `&amp;`.
    pub bare_amps: usize,
    /// `<` that cannot start a tag (`a < b`, `<中文>`) escaped as `&lt;`.
    pub bare_lts: usize,
    /// HTML named entities turned into numeric references.
    pub html_entities: usize,
    /// C0 control characters removed.
    pub control_chars: usize,
    /// DOCTYPE declarations with an internal subset removed.
    pub doctypes: usize,
}

impl Repairs {
    /// Human-readable warnings, one per kind of repair made.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.bare_amps > 0 {
            w.push(format!("escaped {} bare '&'", self.bare_amps));
        }
        if self.bare_lts > 0 {
            w.push(format!("escaped {} '<' that start no tag", self.bare_lts));
        }
        if self.html_entities > 0 {
            w.push(format!("converted {} HTML named entities", self.html_entities));
        }
        if self.control_chars > 0 {
            w.push(format!("removed {} control characters", self.control_chars));
        }
        if self.doctypes > 0 {
            w.push("removed a DOCTYPE internal subset (entity declarations are never expanded)".into());
        }
        w
    }
}

fn is_bad_control(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')
}

/// The control characters removed everywhere, CDATA sections and comments included.
const CONTROL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    t
};

/// Bytes the main loop must look at: `&`, `<` and the control characters. Text between them
/// is skipped with one table lookup per byte (the loop's hot path).
const SPECIAL: [bool; 256] = {
    let mut t = CONTROL;
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t
};

/// Index of the first byte at or after `from` that `table` flags, or `bytes.len()`.
fn next_flagged(bytes: &[u8], from: usize, table: &[bool; 256]) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| table[usize::from(b)]))
        .map_or(bytes.len(), |k| from + k)
}

/// Whether `bytes` holds any control character to remove. Written without early exits per
/// 64-byte block so that the compiler vectorizes it: nearly every feed has none, and then the
/// main loop looks only for `&` and `<`, and sections are not scanned at all.
fn has_control(bytes: &[u8]) -> bool {
    // Below 0x20 but not `\n`, nor `\t` or `\r` (`b | 4 == 13` holds for exactly those two).
    let bad = |b: u8| u8::from((b < 0x20) & ((b | 4) != 13) & (b != b'\n'));
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(0, |found, &b| found | bad(b)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| bad(b) != 0)
}

/// Finds the next byte to look at from `from`: `&`, `<`, or (when `controls`) a control character.
fn next_special(bytes: &[u8], from: usize, controls: bool) -> usize {
    if controls {
        return next_flagged(bytes, from, &SPECIAL);
    }
    bytes.get(from..).and_then(|rest| memchr2_near(b'&', b'<', rest)).map_or(bytes.len(), |k| from + k)
}

/// Lazily-allocated output: only copies once the first change is made.
struct Out<'a> {
    src: &'a str,
    buf: Option<String>,
    /// Source bytes before this index are already in `buf` (or unchanged).
    done: usize,
}

impl<'a> Out<'a> {
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        let buf = self.buf.get_or_insert_with(|| String::with_capacity(self.src.len() + 64));
        buf.push_str(self.src.get(self.done..start).unwrap_or_default());
        buf.push_str(with);
        self.done = end;
    }
    fn finish(mut self) -> Cow<'a, str> {
        match self.buf.take() {
            None => Cow::Borrowed(self.src),
            Some(mut b) => {
                b.push_str(self.src.get(self.done..).unwrap_or_default());
                Cow::Owned(b)
            }
        }
    }
}

/// Repairs `text` for a strict XML parser; see the module docs.
pub fn repair_xml(text: &str) -> (Cow<'_, str>, Repairs) {
    let bytes = text.as_bytes();
    let mut out = Out { src: text, buf: None, done: 0 };
    let mut r = Repairs::default();
    let controls = has_control(bytes);
    let mut i = 0;
    loop {
        i = next_special(bytes, i, controls);
        let Some(&b) = bytes.get(i) else { break };
        if is_bad_control(b) {
            out.replace(i, i + 1, "");
            r.control_chars += 1;
            i += 1;
        } else if b == b'&' {
            i = repair_amp(text, i, &mut out, &mut r);
        } else if b == b'<' {
            let rest = &bytes[i..];
            if rest.starts_with(b"<![CDATA[") {
                i = copy_until(text, i + 9, "]]>", controls, &mut out, &mut r);
            } else if rest.starts_with(b"<!--") {
                i = copy_until(text, i + 4, "-->", controls, &mut out, &mut r);
            } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
                i = skip_doctype(text, i, &mut out, &mut r);
            } else if rest
                .get(1)
                .is_some_and(|&c| !(c.is_ascii_alphabetic() || matches!(c, b'_' | b':' | b'/' | b'!' | b'?')))
            {
                // `<推荐大会>` or `a < b`: no feed uses such element names; it is text.
                out.replace(i, i + 1, "&lt;");
                r.bare_lts += 1;
                i += 1;
            } else {
                i += 1;
            }
        }
    }
    (out.finish(), r)
}

/// Copies a CDATA section or comment verbatim except for control characters; returns the
/// index after `end` (or the end of input).
fn copy_until(text: &str, from: usize, end: &str, controls: bool, out: &mut Out<'_>, r: &mut Repairs) -> usize {
    let stop = text
        .as_bytes()
        .get(from..)
        .and_then(|s| memchr::memmem::find(s, end.as_bytes()))
        .map_or(text.len(), |j| from + j + end.len());
    if !controls {
        return stop;
    }
    let section = text.as_bytes().get(..stop).unwrap_or_default();
    let mut j = from;
    loop {
        j = next_flagged(section, j, &CONTROL);
        if j >= section.len() {
            break;
        }
        out.replace(j, j + 1, "");
        r.control_chars += 1;
        j += 1;
    }
    stop
}

/// Handles `<!DOCTYPE …>` at `start`: one with an internal subset `[...]` is dropped.
fn skip_doctype(text: &str, start: usize, out: &mut Out<'_>, r: &mut Repairs) -> usize {
    let bytes = text.as_bytes();
    let mut j = start + 9;
    let mut quote = None;
    let mut depth = 0usize;
    let mut subset = false;
    while j < bytes.len() {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => {
                    depth += 1;
                    subset = true;
                }
                b']' => depth = depth.saturating_sub(1),
                b'>' if depth == 0 => break,
                _ => {}
            },
        }
        j += 1;
    }
    let end = (j + 1).min(bytes.len());
    if subset || j >= bytes.len() {
        // Keep the line count so error positions still match the input.
        let newlines = text.get(start..end).map_or(0, |d| d.bytes().filter(|&b| b == b'\n').count());
        out.replace(start, end, &"\n".repeat(newlines));
        r.doctypes += 1;
    }
    end
}

/// Handles a `&` at `i`; returns where to continue.
fn repair_amp(text: &str, i: usize, out: &mut Out<'_>, r: &mut Repairs) -> usize {
    let bytes = text.as_bytes();
    let body_start = i + 1;
    // The XML references themselves, most of an entity-escaped HTML body.
    match bytes.get(body_start..) {
        Some([b'l' | b'g', b't', b';', ..]) => return i + 4,
        Some([b'a', b'm', b'p', b';', ..]) => return i + 5,
        Some([b'q', b'u', b'o', b't', b';', ..]) => return i + 6,
        _ => {}
    }
    let mut j = body_start;
    let numeric = bytes.get(j) == Some(&b'#');
    if numeric {
        j += 1;
        let hex = matches!(bytes.get(j), Some(b'x' | b'X'));
        if hex {
            j += 1;
        }
        let digits_start = j;
        while j < bytes.len() && (if hex { bytes[j].is_ascii_hexdigit() } else { bytes[j].is_ascii_digit() }) {
            j += 1;
        }
        if j > digits_start && bytes.get(j) == Some(&b';') && j - digits_start <= 8 {
            return j + 1;
        }
    } else {
        while j < bytes.len() && bytes[j].is_ascii_alphanumeric() && j - body_start < 40 {
            j += 1;
        }
        if j > body_start && bytes.get(j) == Some(&b';') {
            let name = text.get(body_start..j).unwrap_or_default();
            if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
                return j + 1;
            }
            if let Some((a, b)) = named_entity(name) {
                let mut rep = format!("&#{};", a as u32);
                if let Some(b) = b {
                    let _ = write!(rep, "&#{};", b as u32);
                }
                out.replace(i, j + 1, &rep);
                r.html_entities += 1;
                return j + 1;
            }
        }
    }
    out.replace(i, i + 1, "&amp;");
    r.bare_amps += 1;
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_input_is_borrowed() {
        let (s, r) = repair_xml("<a>x &amp; &#160; &#xA0;\t\r\n&lt;&gt;&quot;&apos;<![CDATA[&]]></a>");
        assert!(matches!(s, Cow::Borrowed(_)));
        assert_eq!(r, Repairs::default());
    }

    #[test]
    fn repairs_amps_entities_controls() {
        let (s, r) = repair_xml("<a>AT&T &nbsp;&copy;\u{1}\u{8}&#;&x</a><![CDATA[a & b&nbsp;\u{1f}]]>");
        assert_eq!(s, "<a>AT&amp;T &#160;&#169;&amp;#;&amp;x</a><![CDATA[a & b&nbsp;]]>");
        assert_eq!((r.bare_amps, r.html_entities, r.control_chars), (3, 2, 3));
        let (s, r) = repair_xml("<t><推荐> 1 < 2 <b/></t>");
        assert_eq!(s, "<t>&lt;推荐> 1 &lt; 2 <b/></t>");
        assert_eq!(r.bare_lts, 2);
    }

    #[test]
    fn drops_doctype_subset() {
        let src = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\n<!ENTITY lol2 \"&lol;&lol;\">]><rss>&lol2;</rss>";
        let (s, r) = repair_xml(src);
        assert_eq!(s, "<?xml version=\"1.0\"?>\n<rss>&amp;lol2;</rss>");
        assert_eq!(r.doctypes, 1);
    }
}
