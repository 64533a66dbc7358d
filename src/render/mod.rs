//! Stage 7: render the newsletter (HTML and plain text, from handlebars templates) and the
//! merged feeds (Atom, RSS, JSON Feed). Rendering is pure: the same posts give the same bytes.

pub mod feeds;
pub mod text;
pub mod view;

use std::path::{Path, PathBuf};

use handlebars::Handlebars;

pub use view::{NewsletterView, newsletter};

/// The built-in templates; a `--templates DIR` file of the same name replaces one.
const BUILTIN: &[(&str, &str)] = &[
    ("newsletter.html", include_str!("../../templates/newsletter.html.hbs")),
    ("newsletter.txt", include_str!("../../templates/newsletter.txt.hbs")),
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
            reg.register_template_string(name, source).map_err(|e| RenderError::Template {
                file: file.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Ok(Renderer { html, text })
    }

    /// The newsletter as an HTML page.
    pub fn newsletter_html(&self, view: &NewsletterView) -> Result<String, RenderError> {
        render(&self.html, "newsletter.html", view)
    }

    /// The newsletter as plain text.
    pub fn newsletter_text(&self, view: &NewsletterView) -> Result<String, RenderError> {
        render(&self.text, "newsletter.txt", view)
    }
}

fn render(reg: &Handlebars, name: &str, data: &impl serde::Serialize) -> Result<String, RenderError> {
    reg.render(name, data)
        .map_err(|e| RenderError::Render { name: name.to_string(), message: e.to_string() })
}
