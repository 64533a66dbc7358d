//! Parse-stage tests: small inline and excerpt fixtures, plus the whole fixture sites.

mod feeds;
mod html;
mod sites;

use chrono_tz::Asia::Shanghai;
use url::Url;

use super::{ParseContext, ParseError, ParsedFeed, parse_feed};
use crate::config::SourceKind;

/// Parses `text` with `kind` against `base` in Asia/Shanghai.
pub(super) fn parse(text: &str, kind: SourceKind, base: &str) -> Result<ParsedFeed, ParseError> {
    let base = Url::parse(base).unwrap();
    parse_feed(text, kind, ParseContext { base: &base, timezone: Shanghai })
}

/// A fixture excerpt from `tests/fixtures/parse/`.
pub(super) fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
