//! `digest parse`: feed files from disk through the real decode + parse path.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{EXIT_OK, EXIT_PARTIAL};

/// Prints the summary line on stdout, or the items as one JSON array on stdout and the summary
/// on stderr; each failed file is named on stderr.
pub fn parse(paths: &[PathBuf], list: Option<&Path>, json: bool) -> Result<u8> {
    use digest::pipeline::parse_files::{FileItem, parse_files, read_list};
    let mut all = paths.to_vec();
    if let Some(list) = list {
        all.extend(read_list(list).with_context(|| format!("cannot read the file list {}", list.display()))?);
    }
    let mut first = true;
    if json {
        out!("[");
    }
    let totals = parse_files(&all, |path, result| match result {
        Ok(parsed) if json => {
            for item in &parsed.feed.items {
                let entry = FileItem { file: path, format: parsed.feed.format, item };
                match serde_json::to_string(&entry) {
                    Ok(line) => out!("{}{line}", if first { "" } else { "," }),
                    Err(e) => eprintln!("digest: {}: cannot serialize an item: {e}", path.display()),
                }
                first = false;
            }
        }
        Ok(_) => {}
        Err(e) => eprintln!("digest: error: {e}"),
    });
    if json {
        out!("]");
        eprintln!("{totals}");
    } else {
        out!("{totals}");
    }
    Ok(if totals.errors > 0 { EXIT_PARTIAL } else { EXIT_OK })
}
