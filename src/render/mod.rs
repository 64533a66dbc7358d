//! Stage 7: render the newsletter (HTML and plain text, from handlebars templates, in three
//! editions: bilingual, Chinese, English), the archive page and the merged feeds (Atom, RSS,
//! JSON Feed). Rendering is pure: the same posts give the same bytes.

pub mod archive;
pub mod events;
pub mod feeds;
pub mod glossary;
pub mod i18n;
pub mod text;
pub mod view;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;
use handlebars::Handlebars;

use crate::parse::Timestamp;
pub use i18n::{Catalog, Edition, Text};
pub use view::{AltTitles, Issue, Medium, NewsletterView, newsletter};

/// The built-in templates; a `--templates DIR` file of the same name replaces one.
const BUILTIN: &[(&str, &str)] = &[
    ("newsletter.html", include_str!("../../templates/newsletter.html.hbs")),
    ("newsletter.txt", include_str!("../../templates/newsletter.txt.hbs")),
    ("archive.html", include_str!("../../templates/archive.html.hbs")),
];

/// A template problem, naming the template file.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template could not be read or compiled.
    #[error("template {file}: {message}")]
    Template {
        /// The template file (or `built-in NAME`).
        file: String,
        /// What is wrong, with line and column where known.
        message: String,
    },
    /// A template referred to something the data does not have, or a helper failed.
    #[error("rendering {name}: {message}")]
    Render {
        /// The template name.
        name: String,
        /// What went wrong.
        message: String,
    },
}

/// The compiled templates.
pub struct Renderer {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

impl Renderer {
    /// Compiles the built-in templates, replacing any that `overrides` has as
    /// `<name>.hbs` (e.g. `newsletter.html.hbs`).
    pub fn new(overrides: Option<&Path>) -> Result<Renderer, RenderError> {
        let mut html = Handlebars::new();
        html.register_escape_fn(escape_html);
        let mut text = Handlebars::new();
        text.register_escape_fn(handlebars::no_escape);
        for reg in [&mut html, &mut text] {
            reg.set_strict_mode(true);
        }
        for &(name, builtin) in BUILTIN {
            let (file, source) = match overrides.map(|d| d.join(format!("{name}.hbs"))).filter(|p| p.is_file()) {
                Some(path) => {
                    let source = std::fs::read_to_string(&path).map_err(|e| RenderError::Template {
                        file: path.display().to_string(),
                        message: e.to_string(),
                    })?;
                    (path, source)
                }
                None => (PathBuf::from(format!("built-in {name}.hbs")), builtin.to_string()),
            };
            let reg = if name.ends_with(".txt") { &mut text } else { &mut html };
            reg.register_template_string(name, source)
                .map_err(|e| RenderError::Template { file: file.display().to_string(), message: e.to_string() })?;
        }
        Ok(Renderer { html, text })
    }

    /// The newsletter as an HTML page and as plain text, from one serialization of the view.
    /// The page is email-safe: the template's CSS is inlined into `style` attributes (mail
    /// clients drop most `<style>` blocks) and `@media` rules (dark mode, narrow screens) are
    /// kept in one `<style>` for the clients that honour them.
    pub fn newsletter(&self, view: &NewsletterView) -> Result<(String, String), RenderError> {
        let (html, text) = self.newsletter_uninlined(view)?;
        Ok((inline_css(&html)?, text))
    }

    /// [`Renderer::newsletter`] before its CSS is inlined ([`inline_css`] does that), so that
    /// the inlining of one page can run beside the rendering of the next.
    pub fn newsletter_uninlined(&self, view: &NewsletterView) -> Result<(String, String), RenderError> {
        self.newsletter_from(&newsletter_context(view)?)
    }

    /// [`Renderer::newsletter_uninlined`] from a view already serialized by
    /// [`newsletter_context`] (and perhaps switched to another medium by
    /// [`view::switch_medium`]).
    pub fn newsletter_from(&self, context: &handlebars::Context) -> Result<(String, String), RenderError> {
        let with = |reg: &Handlebars, name: &str| {
            reg.render_with_context(name, context)
                .map_err(|e| RenderError::Render { name: name.to_string(), message: e.to_string() })
        };
        Ok((with(&self.html, "newsletter.html")?, with(&self.text, "newsletter.txt")?))
    }

    /// The archive page listing every built week.
    pub fn archive_html(&self, view: &archive::ArchiveView) -> Result<String, RenderError> {
        render(&self.html, "archive.html", view).and_then(|html| inline_css(&html))
    }
}

/// The view as the newsletter templates see it.
pub fn newsletter_context(view: &NewsletterView) -> Result<handlebars::Context, RenderError> {
    handlebars::Context::wraps(view)
        .map_err(|e| RenderError::Render { name: "newsletter".into(), message: e.to_string() })
}

/// Inlines the document's `<style>` rules, keeping at-rules in a `<style>` block; never loads
/// anything remote.
pub fn inline_css(html: &str) -> Result<String, RenderError> {
    // The inliner's tree starts with room for 32 nodes and doubles as it parses: a newsletter
    // has tens of thousands, so it reallocated (and copied) the tree a dozen times. A page has
    // about as many nodes (elements, texts) as `<`s.
    let nodes = memchr::memchr_iter(b'<', html.as_bytes()).count() + 32;
    css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .load_remote_stylesheets(false)
        .preallocate_node_capacity(nodes)
        .build()
        .inline(html)
        .map_err(|e| RenderError::Render { name: "CSS inlining".into(), message: e.to_string() })
}

/// handlebars' own escaping (`html_escape`: `<>"&'`=` to entities), but copying the runs
/// between those bytes in bulk: handlebars pushes char by char, which was 6% of a build's
/// instructions. The output is the same (every escaped character is ASCII, so the runs split
/// on character boundaries).
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'&' => "&amp;",
            b'\'' => "&#x27;",
            b'`' => "&#x60;",
            b'=' => "&#x3D;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// The local date of a timestamp in `tz` (a bare date is its own).
pub fn local_date(t: Timestamp, tz: Tz) -> NaiveDate {
    t.local_date(tz)
}

fn render(reg: &Handlebars, name: &str, data: &impl serde::Serialize) -> Result<String, RenderError> {
    reg.render(name, data).map_err(|e| RenderError::Render { name: name.to_string(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_html_is_handlebars_escaping() {
        for s in [
            "",
            "plain",
            "<a href=\"x?a=1&b='2'\">`t`</a>",
            "中文 <标题> & “引号” = 'x'",
            "&&<<>>\"\"''``==",
            "end with <",
            "> start",
        ] {
            assert_eq!(super::escape_html(s), handlebars::html_escape(s), "{s}");
        }
    }
}
