//! Plain text from item HTML, for summaries and the text edition.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::parse::sanitize::drops_content;

/// How much markup a summary first parses; it parses four times more each time that was not
/// enough text. A summary's 160 characters are at most 640 bytes of text, so 1 KB is often
/// enough, where a first 4 KB parsed most bodies (a few KB) whole.
const FIRST_PREFIX: usize = 1024;

/// The text of an HTML fragment with whitespace collapsed, cut to at most `max` characters
/// (on a character boundary, with an ellipsis when cut). What sanitizing drops (`script`,
/// `style`, … with their content; comments) gives no text.
///
/// Only as much of the markup is parsed as the summary needs: a prefix ending just before a
/// `<` and before any `<table`. Such a prefix's text is a prefix of the whole fragment's text
/// (the parser only moves text backwards when foster-parenting it out of a table; entities
/// and text runs end at a `<`), so once it holds more than `max` characters the summary is
/// the same.
pub fn summary(html: &str, max: usize) -> String {
    let html = crate::parse::prepare_html(html);
    let bytes = html.as_bytes();
    let table = memchr::memchr_iter(b'<', bytes)
        .find(|&i| bytes.get(i + 1..i + 6).is_some_and(|t| t.eq_ignore_ascii_case(b"table")))
        .unwrap_or(bytes.len());
    let mut want = FIRST_PREFIX;
    loop {
        let cut = match bytes.get(want..table) {
            Some(rest) => memchr::memchr(b'<', rest).map_or(table, |i| want + i),
            None => table,
        };
        if cut >= bytes.len() {
            break;
        }
        let (text, more) = collapsed_text(&html[..cut], max);
        if more {
            return cut_to(text, max);
        }
        if cut == table {
            break;
        }
        want = cut.saturating_mul(4);
    }
    cut_to(collapsed_text(&html, max).0, max)
}

/// The fragment's text with whitespace collapsed, read until it holds more than `max`
/// characters, and whether it does.
fn collapsed_text(html: &str, max: usize) -> (String, bool) {
    let fragment = Html::parse_fragment(html);
    let mut skip = None;
    let pieces = fragment.root_element().traverse().filter_map(|edge| {
        match (edge, skip) {
            (Edge::Close(node), Some(id)) if node.id() == id => skip = None,
            (Edge::Open(node), None) => match node.value() {
                Node::Element(e) if drops_content(e.name()) => skip = Some(node.id()),
                Node::Text(t) => return Some(&**t),
                _ => {}
            },
            _ => {}
        }
        None
    });
    let mut out = String::new();
    for piece in pieces {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        if out.chars().count() > max {
            return (out, true);
        }
    }
    (out, false)
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn cut_to(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{collapsed_text, cut_to, summary};

    #[test]
    fn strips_tags_collapses_space_and_cuts_on_chars() {
        assert_eq!(summary("<p>你好，\n  <b>世界</b></p><p>x &amp; y</p>", 100), "你好， 世界 x & y");
        assert_eq!(summary("<p>一二三四五六</p>", 3), "一二三…");
        assert_eq!(summary("", 3), "");
        assert_eq!(summary("a<script>b</script><!-- c --><svg><text>d</text></svg><p>e<style>f", 9), "a e");
    }

    #[test]
    fn a_parsed_prefix_gives_the_whole_fragments_summary() {
        let whole = |html: &str, max| cut_to(collapsed_text(&crate::parse::prepare_html(html), max).0, max);
        let filler = "<div class=\"x\"><img src=\"a.png\"></div>".repeat(200);
        let cases = [
            format!("{filler}<p>word &amp; word</p>{}", "<p>一二三 四五 &lt;六&gt;</p>".repeat(50)),
            format!("{filler}<table><tr><td>cell</td>foster<td>b</td></tr></table>{}", "<b>x</b>y ".repeat(400)),
            format!("<p>{}</p>{filler}<table>t<td>late</td></table>{}", "短 ".repeat(20), "z ".repeat(500)),
            format!(
                "{filler}<b>bold<i>both</b>italic</i> a<3 b <!-- c<d --> <script>e<f</script> {}",
                "g ".repeat(2000)
            ),
            format!("{filler}{}<TABLE>x<tr><td>y</td></tr></TABLE>", "h<i>i</i> ".repeat(3000)),
            format!("{filler}<textarea>a<b {}</textarea>", "c ".repeat(3000)),
        ];
        for html in &cases {
            for max in [0, 1, 5, 160, 1000] {
                assert_eq!(summary(html, max), whole(html, max), "max {max}");
            }
        }
    }
}
