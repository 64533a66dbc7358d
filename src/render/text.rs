//! Plain text from item HTML, for summaries and the text edition.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::parse::sanitize::drops_content;

/// The text of an HTML fragment with whitespace collapsed, cut to at most `max` characters
/// (on a character boundary, with an ellipsis when cut). What sanitizing drops (`script`,
/// `style`, … with their content; comments) gives no text.
pub fn summary(html: &str, max: usize) -> String {
    let fragment = Html::parse_fragment(&crate::parse::prepare_html(html));
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
            break;
        }
    }
    match out.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", out[..cut].trim_end()),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn strips_tags_collapses_space_and_cuts_on_chars() {
        assert_eq!(summary("<p>你好，\n  <b>世界</b></p><p>x &amp; y</p>", 100), "你好， 世界 x & y");
        assert_eq!(summary("<p>一二三四五六</p>", 3), "一二三…");
        assert_eq!(summary("", 3), "");
        assert_eq!(summary("a<script>b</script><!-- c --><svg><text>d</text></svg><p>e<style>f", 9), "a e");
    }
}
