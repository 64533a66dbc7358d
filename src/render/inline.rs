//! The CSS inlining of one edition's two newsletter pages, the web page and the email, which
//! differ only below the built-in template's `MEDIUM_SPLIT` (the footer's links). Inlining
//! parses, styles and writes back the whole page: the email's, a second time over the same
//! posts, was a fifth of a large build's instructions (W47 of the benchmark corpus: 1.05 G
//! of 5.31 G). The email is instead made of the web page's inlined output up to the footer
//! and of the footer as inlined in a small page holding the same head and footer alone.
//!
//! Why the two halves are the email's own: the HTML parser builds the tree as it reads, and
//! the markup above the footer is the same in both pages (all data in it is escaped, so it is
//! the template's markup), closed rows of the body table, so the footer starts in the same
//! parser state after the head row alone as after every row; no rule of the template's CSS
//! looks at siblings or at what follows (type, class and descendant selectors only; a test
//! checks the built-in styles), so an element's inlined style depends on it and its
//! ancestors, which the halves keep; and the inliner writes each element from the tree alone.
//! A test compares the result with the whole inlining on generated issues; whatever does not
//! look like the built-in template's pages (a replaced template, a footer cell found twice)
//! is inlined whole.

use super::{RenderError, inline_css};

/// The start of the first row below the head row in the built-in template: the small page
/// leaves out the rows from here to the footer.
const FIRST_ROW: &str = "<tr><td class=\"pad\">";

/// The start of the part of the built-in template that differs between the media.
const FOOT_ROW: &str = "<tr><td class=\"foot\">";

/// The footer cell as the inliner writes it back (its style follows the class).
const FOOT_CELL: &[u8] = b"<td class=\"foot\"";

/// `web` and `email` with their CSS inlined ([`inline_css`]), given that they are one
/// edition's pages and share their first `shared` bytes (none: inline both whole).
pub fn inline_pair(web: &str, email: &str, shared: Option<usize>) -> Result<(String, String), RenderError> {
    let web_inlined = inline_css(web)?;
    let spliced = match shared.and_then(|n| footer_page(web, email, n)) {
        Some(small) => splice(&web_inlined, &inline_css(&small)?),
        None => None,
    };
    let email_inlined = match spliced {
        Some(email) => email,
        None => inline_css(email)?,
    };
    Ok((web_inlined, email_inlined))
}

/// The email's page without the rows between the head row and the footer, when both pages
/// are as the built-in template makes them.
fn footer_page(web: &str, email: &str, shared: usize) -> Option<String> {
    let (above, foot) = (email.get(..shared)?, email.get(shared..)?);
    let alike = web.get(..shared) == Some(above) && web[shared..].starts_with(FOOT_ROW) && foot.starts_with(FOOT_ROW);
    let cut = above.find(FIRST_ROW).filter(|_| alike)?;
    Some([&above[..cut], foot].concat())
}

/// `web_inlined` up to its footer cell, then `small_inlined` from its own; `None` unless each
/// has exactly one footer cell (then it is the one starting the part below the split: data
/// is escaped, so no text or attribute value holds `<td class="foot"`).
fn splice(web_inlined: &str, small_inlined: &str) -> Option<String> {
    let only = |page: &str| {
        let mut found = memchr::memmem::find_iter(page.as_bytes(), FOOT_CELL);
        found.next().filter(|_| found.next().is_none())
    };
    let (w, s) = (only(web_inlined)?, only(small_inlined)?);
    Some([&web_inlined[..w], &small_inlined[s..]].concat())
}

#[cfg(test)]
#[path = "inline_tests.rs"]
mod tests;
