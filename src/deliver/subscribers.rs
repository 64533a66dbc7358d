//! The subscriber list: a CSV file (`address,name,language`, header optional) or a TOML file
//! (`[[subscriber]]` tables with `address`, `name`, `language`). Language is `zh`, `en` or
//! `both` (the default): which edition each reader gets.

use std::path::{Path, PathBuf};

use crate::render::Edition;

/// One reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Mail address as written (validated when sending, so one bad row never stops a run).
    pub address: String,
    /// Display name, if given.
    pub name: Option<String>,
    /// Which edition they read.
    pub edition: Edition,
}

/// The list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SubscriberError {
    /// The file could not be read.
    #[error("subscriber list {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A row or table is malformed.
    #[error("subscriber list {path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlList {
    #[serde(default, rename = "subscriber")]
    subscribers: Vec<TomlSubscriber>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSubscriber {
    address: String,
    name: Option<String>,
    language: Option<String>,
}

fn edition(text: Option<&str>) -> Result<Edition, String> {
    match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("both") => Ok(Edition::Both),
        Some("zh") => Ok(Edition::Zh),
        Some("en") => Ok(Edition::En),
        Some(other) => Err(format!("language must be zh, en or both, not {other:?}")),
    }
}

/// Reads a list; `.toml` files are TOML, anything else CSV.
pub fn load(path: &Path) -> Result<Vec<Subscriber>, SubscriberError> {
    let text = std::fs::read_to_string(path).map_err(|source| SubscriberError::Read { path: path.into(), source })?;
    let invalid = |line, message| SubscriberError::Invalid { path: path.into(), line, message };
    if path.extension().is_some_and(|e| e == "toml") {
        let list: TomlList = toml::from_str(&text).map_err(|e| invalid(0, e.message().to_string()))?;
        return list
            .subscribers
            .into_iter()
            .map(|s| {
                Ok(Subscriber {
                    address: s.address.trim().to_string(),
                    name: s.name.filter(|n| !n.trim().is_empty()),
                    edition: edition(s.language.as_deref()).map_err(|m| invalid(0, format!("{}: {m}", s.address)))?,
                })
            })
            .collect();
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let fields = csv_fields(line);
        let first = fields.first().map(|f| f.trim()).unwrap_or_default();
        if first.is_empty() || first.starts_with('#') || (i == 0 && first.eq_ignore_ascii_case("address")) {
            continue;
        }
        let name = fields.get(1).map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let edition = edition(fields.get(2).map(String::as_str)).map_err(|m| invalid(i + 1, m))?;
        out.push(Subscriber { address: first.to_string(), name, edition });
    }
    Ok(out)
}

/// The fields of one CSV line (double quotes, with `""` for a quote inside).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(f) = fields.last_mut() {
                    f.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_toml_lists() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("s.csv");
        std::fs::write(&csv, "address,name,language\na@x.org,\"Li, Lei\",zh\n\n# note\nb@x.org,,\nc@x.org,C,EN\n")
            .unwrap();
        let list = load(&csv).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].name.as_deref(), Some("Li, Lei"));
        assert_eq!((list[0].edition, list[1].edition, list[2].edition), (Edition::Zh, Edition::Both, Edition::En));
        std::fs::write(&csv, "a@x.org,A,fr\n").unwrap();
        assert!(load(&csv).unwrap_err().to_string().contains(":1: language"));
        let toml = dir.path().join("s.toml");
        std::fs::write(&toml, "[[subscriber]]\naddress = \"a@x.org\"\nlanguage = \"en\"\n").unwrap();
        assert_eq!(load(&toml).unwrap()[0].edition, Edition::En);
    }
}
