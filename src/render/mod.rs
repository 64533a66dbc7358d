//! Stage 7: render the newsletter (HTML and plain text, from handlebars templates, in three
//! editions: bilingual, Chinese, English), the archive page and the merged feeds (Atom, RSS,
//! JSON Feed). Rendering is pure: the same posts give the same bytes.

pub mod archive;
pub mod events;
pub mod feeds;
pub mod glossary;
pub mod i18n;
pub mod inline;
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

/// The line splitting a newsletter template into the part the web page and the email share
/// (above) and the part that differs between them (below: the footer's links). Only the
/// built-in templates are split (a test checks that nothing above uses `medium` or `links`); a
/// replaced template is rendered whole for each medium, whatever it holds.
const MEDIUM_SPLIT: &str = "{{!-- Below: what differs between the web page and the email (the links); \
                            the build renders what is above once for both, so it must not use `medium` \
                            or `links`. --}}\n";

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
            let (file, source, split) = match overrides.map(|d| d.join(format!("{name}.hbs"))).filter(|p| p.is_file()) {
                Some(path) => {
                    let source = std::fs::read_to_string(&path).map_err(|e| RenderError::Template {
                        file: path.display().to_string(),
                        message: e.to_string(),
                    })?;
                    (path, source, false)
                }
                None => (PathBuf::from(format!("built-in {name}.hbs")), builtin.to_string(), true),
            };
            let reg = if name.ends_with(".txt") { &mut text } else { &mut html };
            let bad = |e: handlebars::TemplateError| RenderError::Template {
                file: file.display().to_string(),
                message: e.to_string(),
            };
            // The split line is a comment on a line of its own, which renders as nothing: the
            // halves' outputs together are the whole template's, so the whole is not compiled
            // too (handlebars takes tens of millions of instructions to compile them).
            match source.split_once(MEDIUM_SPLIT).filter(|_| split) {
                Some((shared, medium)) => {
                    reg.register_template_string(&format!("{name}/shared"), shared).map_err(bad)?;
                    reg.register_template_string(&format!("{name}/medium"), medium).map_err(bad)?;
                }
                None => reg.register_template_string(name, source).map_err(bad)?,
            }
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
        self.newsletter_with(&self.newsletter_shared(context)?, context)
    }

    /// What the newsletter's pages for the web and the email share, rendered once (from either
    /// medium's `context`): the HTML and the text above their templates' [`MEDIUM_SPLIT`].
    pub fn newsletter_shared(&self, context: &handlebars::Context) -> Result<Shared, RenderError> {
        let shared = |reg: &Handlebars, name: &str| -> Result<Option<String>, RenderError> {
            let half = format!("{name}/shared");
            if !reg.has_template(&half) {
                return Ok(None);
            }
            reg.render_with_context(&half, context)
                .map(Some)
                .map_err(|e| RenderError::Render { name: name.to_string(), message: e.to_string() })
        };
        Ok(Shared { html: shared(&self.html, "newsletter.html")?, text: shared(&self.text, "newsletter.txt")? })
    }

    /// [`Renderer::newsletter_from`] with the `shared` part of its pages already rendered: only
    /// the part of each template below its [`MEDIUM_SPLIT`] is rendered for `context`.
    pub fn newsletter_with(
        &self,
        shared: &Shared,
        context: &handlebars::Context,
    ) -> Result<(String, String), RenderError> {
        let with = |reg: &Handlebars, name: &str, shared: &Option<String>| {
            let half = format!("{name}/medium");
            let (template, before) = match shared {
                Some(before) => (half.as_str(), before.as_str()),
                None => (name, ""),
            };
            let rest = reg
                .render_with_context(template, context)
                .map_err(|e| RenderError::Render { name: name.to_string(), message: e.to_string() })?;
            let mut page = String::with_capacity(before.len() + rest.len());
            page.push_str(before);
            page.push_str(&rest);
            Ok::<_, RenderError>(page)
        };
        Ok((with(&self.html, "newsletter.html", &shared.html)?, with(&self.text, "newsletter.txt", &shared.text)?))
    }

    /// The archive page listing every built week.
    pub fn archive_html(&self, view: &archive::ArchiveView) -> Result<String, RenderError> {
        render(&self.html, "archive.html", view).and_then(|html| inline_css(&html))
    }
}

/// The part of a newsletter's HTML and text that its web page and email share
/// ([`Renderer::newsletter_shared`]); `None` for a template that is rendered whole.
pub struct Shared {
    html: Option<String>,
    text: Option<String>,
}

impl Shared {
    /// The length of the shared HTML: the pages [`Renderer::newsletter_with`] renders with
    /// this begin with that many bytes of it ([`inline::inline_pair`] inlines them together).
    pub fn html_len(&self) -> Option<usize> {
        self.html.as_ref().map(String::len)
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
    fn built_in_newsletters_split_where_nothing_above_depends_on_the_medium() {
        for (name, source) in &super::BUILTIN[..2] {
            let (shared, medium) = source.split_once(super::MEDIUM_SPLIT).expect(name);
            assert!(!shared.contains("links") && !shared.contains("medium"), "{name}");
            assert!(medium.contains("links") && !medium.contains(super::MEDIUM_SPLIT), "{name}");
        }
    }

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
