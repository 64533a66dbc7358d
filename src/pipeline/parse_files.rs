//! `digest parse`: feed files from disk through the same decode and parse path as fetched
//! bodies (charset sniffing, XML repair, RSS/Atom/JSON Feed detection), one file at a time so
//! memory stays bounded by the largest file. It shows what digest makes of a feed, and it is
//! the parse benchmark (`benches/compare.sh`).

use std::io::Read;
use std::path::{Path, PathBuf};

use url::Url;

use crate::config::SourceKind;
use crate::fetch::decode;
use crate::parse::{self, Format, ParseContext, ParsedFeed, ParsedItem};

/// Files larger than this are refused (the fetcher's default body cap), so `/dev/zero` or a
/// runaway file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Why one file could not be parsed; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ParseFileError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is over [`MAX_FILE_BYTES`].
    #[error("{path}: larger than {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        limit: u64,
    },
    /// The content is not a feed or is broken beyond repair.
    #[error("{path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        source: parse::ParseError,
    },
}

/// One parsed file.
#[derive(Debug)]
pub struct ParsedFile {
    /// Size on disk in bytes (before decoding).
    pub bytes: usize,
    /// The encoding the bytes were decoded from.
    pub encoding: &'static str,
    /// The parsed feed.
    pub feed: ParsedFeed,
}

/// One item as `digest parse --json` prints it: the item's fields plus where it came from.
#[derive(Debug, serde::Serialize)]
pub struct FileItem<'a> {
    /// The file the item was read from.
    pub file: &'a Path,
    /// The feed format found.
    pub format: Format,
    /// The item.
    #[serde(flatten)]
    pub item: &'a ParsedItem,
}

/// Totals over all files, as the summary line `items=N bytes=N errors=N` shows them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ParseTotals {
    /// Items parsed from the files that worked.
    pub items: usize,
    /// Bytes read from every file that could be read (including ones that failed to parse).
    pub bytes: usize,
    /// Files that failed.
    pub errors: usize,
}

impl std::fmt::Display for ParseTotals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "items={} bytes={} errors={}", self.items, self.bytes, self.errors)
    }
}

/// Reads, decodes and parses one file. Relative links resolve against the file's `file://`
/// URL; naive dates are taken as UTC.
pub fn parse_file(path: &Path) -> Result<ParsedFile, ParseFileError> {
    let bytes = read_capped(path)?;
    let (text, encoding) = decode::decode(&bytes, None);
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let base = Url::from_file_path(&absolute).unwrap_or_else(|()| Url::parse("file:///").expect("static URL"));
    let ctx = ParseContext { base: &base, timezone: chrono_tz::UTC };
    let feed = parse::parse_feed(&text, SourceKind::Auto, ctx)
        .map_err(|source| ParseFileError::Parse { path: path.to_path_buf(), source })?;
    Ok(ParsedFile { bytes: bytes.len(), encoding, feed })
}

fn read_capped(path: &Path) -> Result<Vec<u8>, ParseFileError> {
    let read_err = |source| ParseFileError::Read { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let hint = file.metadata().map(|m| m.len().min(MAX_FILE_BYTES)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(hint as usize + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ParseFileError::TooLarge { path: path.to_path_buf(), limit: MAX_FILE_BYTES });
    }
    Ok(bytes)
}

/// Parses every file in order, calling `on_file` with each result as soon as it is ready (so
/// only one file's items are in memory at a time), and returns the totals.
pub fn parse_files<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
    mut on_file: impl FnMut(&Path, &Result<ParsedFile, ParseFileError>),
) -> ParseTotals {
    let mut totals = ParseTotals::default();
    for path in paths {
        let path = path.as_ref();
        let result = parse_file(path);
        match &result {
            Ok(parsed) => {
                totals.items += parsed.feed.items.len();
                totals.bytes += parsed.bytes;
            }
            Err(e) => {
                totals.errors += 1;
                if let ParseFileError::Parse { .. } = e {
                    totals.bytes += std::fs::metadata(path).map_or(0, |m| m.len() as usize);
                }
            }
        }
        on_file(path, &result);
    }
    totals
}

/// The paths listed in a file, one per line (blank lines and `#` comments skipped); `-` reads
/// the list from standard input. Relative paths are taken from the current directory.
pub fn read_list(list: &Path) -> std::io::Result<Vec<PathBuf>> {
    let text = if list == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(list)?
    };
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(PathBuf::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_count_items_bytes_and_failed_files() {
        let dir = tempfile::tempdir().unwrap();
        let rss = dir.path().join("a.xml");
        let body = "<rss version=\"2.0\"><channel><title>t</title><item><title>一</title><link>a.html</link></item>\
                    <item><title>two</title></item></channel></rss>";
        std::fs::write(&rss, body).unwrap();
        let html = dir.path().join("page.html");
        std::fs::write(&html, "<!DOCTYPE html><html><body>hi</body></html>").unwrap();
        let missing = dir.path().join("missing.xml");
        let mut seen = Vec::new();
        let totals = parse_files([&rss, &html, &missing], |p, r| seen.push((p.to_path_buf(), r.is_ok())));
        assert_eq!(totals, ParseTotals { items: 2, bytes: body.len() + 43, errors: 2 });
        assert_eq!(totals.to_string(), format!("items=2 bytes={} errors=2", body.len() + 43));
        assert_eq!(seen.iter().map(|(_, ok)| *ok).collect::<Vec<_>>(), [true, false, false]);
        let err = parse_file(&html).unwrap_err().to_string();
        assert!(err.contains("page.html") && err.contains("HTML page"), "{err}");
        assert!(parse_file(&missing).unwrap_err().to_string().contains("missing.xml"));
        // Relative links resolve against the file's own URL.
        let parsed = parse_file(&rss).unwrap();
        let link = parsed.feed.items[0].url.as_ref().unwrap();
        assert_eq!(link.to_file_path().unwrap(), dir.path().join("a.html"));
    }

    #[test]
    fn list_skips_blank_lines_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("list");
        std::fs::write(&list, "a.xml\n\n# note\n  b/c.xml  \n").unwrap();
        assert_eq!(read_list(&list).unwrap(), [PathBuf::from("a.xml"), PathBuf::from("b/c.xml")]);
    }
}
