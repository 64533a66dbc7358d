//! Plain text from (sanitized) HTML, for summaries and the text edition.

use scraper::Html;

/// The text of an HTML fragment with whitespace collapsed, cut to at most `max` characters
/// (on a character boundary, with an ellipsis when cut).
pub fn summary(html: &str, max: usize) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::new();
    for piece in fragment.root_element().text() {
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
    }
}
