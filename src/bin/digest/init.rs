//! `digest init`: a commented `feeds.toml` (and the built-in templates) to start from.

use std::path::Path;

use anyhow::Result;

use crate::EXIT_OK;

/// The starter config: every key at its default, examples commented out.
const FEEDS_TOML: &str = include_str!("../../../contrib/feeds.starter.toml");

/// The built-in templates and their documentation, as `templates/` holds them.
const TEMPLATES: &[(&str, &str)] = &[
    ("README.md", include_str!("../../../templates/README.md")),
    ("newsletter.html.hbs", include_str!("../../../templates/newsletter.html.hbs")),
    ("newsletter.txt.hbs", include_str!("../../../templates/newsletter.txt.hbs")),
    ("archive.html.hbs", include_str!("../../../templates/archive.html.hbs")),
];

/// Writes `config` (and `templates/` beside it when asked); refuses to replace an existing file
/// unless `force`, checking every file before writing any.
pub fn init(config: &Path, templates: bool, force: bool, quiet: bool) -> Result<u8> {
    let dir = config.parent().unwrap_or(Path::new(""));
    let mut files = vec![(config.to_path_buf(), FEEDS_TOML)];
    if templates {
        files.extend(TEMPLATES.iter().map(|(name, text)| (dir.join("templates").join(name), *text)));
    }
    if !force {
        let existing: Vec<String> =
            files.iter().filter(|(p, _)| p.exists()).map(|(p, _)| p.display().to_string()).collect();
        anyhow::ensure!(existing.is_empty(), "{} already exists; use --force to replace", existing.join(", "));
    }
    for (path, text) in &files {
        digest::deliver::write_atomic(path, text.as_bytes())?;
        if !quiet {
            out!("wrote {}", path.display());
        }
    }
    if !quiet {
        out!("next: add sources to {}, then `digest check` and `digest build`", config.display());
    }
    Ok(EXIT_OK)
}
