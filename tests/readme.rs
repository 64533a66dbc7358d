//! README.md cannot rot: every `digest` command in its shell blocks runs for real (offline,
//! against a copy of the bundled example), and the feeds.toml reference lists exactly the keys
//! the config reader accepts and `digest init` writes. (That each command parses is checked
//! by the unit tests in `src/bin/digest/cli.rs`.)

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

use common::offline_example;

const README: &str = include_str!("../README.md");

fn digest(dir: &Path, args: &[String], config: Option<&Path>) -> Output {
    let mut cmd = common::run::in_dir(dir, args);
    if let Some(c) = config {
        cmd.env("DIGEST_CONFIG", c);
    }
    cmd.output().unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_readme_command_runs() {
    let dir = tempfile::tempdir().unwrap();
    let config = offline_example(dir.path());
    std::fs::write(dir.path().join("examples/subscribers.csv"), "reader@example.org,Reader,both\n").unwrap();
    assert_eq!(digest(dir.path(), &strings(&["fetch"]), Some(&config)).status.code(), Some(0));
    let (mut ran, mut skipped) = (0, Vec::new());
    for (n, args) in common::readme::commands(README).into_iter().enumerate() {
        let shown = format!("digest {}", args.join(" "));
        let command = args.first().map(String::as_str).unwrap_or("");
        // `preview` serves until stopped (tests/preview.rs runs it); a real `send` mails.
        if command == "preview" || (command == "send" && !args.iter().any(|a| a == "--dry-run")) {
            skipped.push(shown);
            continue;
        }
        let out = match command {
            // These make their own files: each gets a fresh folder.
            "init" | "completions" | "man" | "import" => {
                let fresh = dir.path().join(format!("fresh-{n}"));
                std::fs::create_dir(&fresh).unwrap();
                if command == "import" {
                    assert_eq!(digest(&fresh, &strings(&["init"]), None).status.code(), Some(0));
                    let opml = fresh.join(&args[1]);
                    let export = strings(&["export", "--opml", "--out", opml.to_str().unwrap()]);
                    assert_eq!(digest(dir.path(), &export, Some(&config)).status.code(), Some(0));
                }
                digest(&fresh, &args, None)
            }
            _ => digest(dir.path(), &args, Some(&config)),
        };
        assert_eq!(
            out.status.code(),
            Some(0),
            "README.md: `{shown}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    eprintln!("ran {ran} README commands; skipped {skipped:?}");
    assert!(ran >= 15, "{ran}");
    assert!(skipped.iter().all(|s| s.starts_with("digest preview") || s.starts_with("digest send")));
}

/// The keys of each table of the README's feeds.toml reference, by table ("" is the top level).
fn readme_reference() -> BTreeMap<String, BTreeSet<String>> {
    let start = README.find("## feeds.toml reference").expect("the section");
    let section = &README[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut table = None;
    for line in section.lines() {
        if line.starts_with("Top level") {
            table = Some(String::new());
        } else if let Some(rest) = line.strip_prefix('`').filter(|r| r.starts_with('[')) {
            table = Some(rest.split('`').next().unwrap().trim_matches(['[', ']']).replace("source.", ""));
        } else if let (Some(t), Some(row)) = (&table, line.strip_prefix("| `")) {
            tables.entry(t.clone()).or_default().insert(row.split('`').next().unwrap().to_string());
        }
    }
    tables
}

/// The field names of each `Raw…` struct the config reader deserializes, by table.
fn reader_keys() -> BTreeMap<String, BTreeSet<String>> {
    let source = [include_str!("../src/config/raw.rs"), include_str!("../src/config/email.rs")].concat();
    let tables = [
        ("RawConfig", ""),
        ("RawFetch", "fetch"),
        ("RawDedup", "dedup"),
        ("RawSource", "source"),
        ("RawSelectors", "selectors"),
        ("RawEmail", "email"),
        ("RawTranslate", "translate"),
    ];
    let sub_tables = ["fetch", "dedup", "sources", "email", "translate", "selectors"];
    let mut keys = BTreeMap::new();
    for (name, table) in tables {
        let body = source.split(&format!("struct {name} {{")).nth(1).unwrap_or_else(|| panic!("no {name}"));
        let body = &body[..body.find("\n}").unwrap()];
        let fields = body
            .lines()
            .filter_map(|l| l.trim().strip_suffix(',')?.split_once(':').map(|(f, _)| f.trim().to_string()))
            .filter(|f| !sub_tables.contains(&f.as_str()))
            .collect();
        keys.insert(table.to_string(), fields);
    }
    keys
}

/// The config `digest init` writes with every example line (`#key = …`, `#[table]`) enabled.
fn starter_with_examples() -> String {
    include_str!("../contrib/feeds.starter.toml")
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn starter_keys(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let value: toml::Table = toml::from_str(text).unwrap();
    let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |table: &str, t: &toml::Table| {
        for (k, v) in t {
            if !v.is_table() && !v.is_array() || k == "tracking_params" {
                keys.entry(table.to_string()).or_default().insert(k.clone());
            }
        }
    };
    add("", &value);
    for table in ["fetch", "dedup", "email", "translate"] {
        add(table, value[table].as_table().unwrap());
    }
    for source in value["source"].as_array().unwrap() {
        add("source", source.as_table().unwrap());
        if let Some(sel) = source.get("selectors") {
            add("selectors", sel.as_table().unwrap());
        }
    }
    keys
}

#[test]
fn the_feeds_toml_reference_matches_the_reader_and_the_starter_config() {
    let readme = readme_reference();
    let reader = reader_keys();
    assert_eq!(readme.keys().collect::<Vec<_>>(), reader.keys().collect::<Vec<_>>());
    for (table, keys) in &reader {
        assert_eq!(&readme[table], keys, "README feeds.toml reference, table `{table}`, against src/config");
    }
    let starter = starter_with_examples();
    let config = digest::config::Config::from_str(&starter, Path::new("feeds.toml"))
        .unwrap_or_else(|e| panic!("the starter with its examples enabled: {e}\n{starter}"));
    assert_eq!(config.sources.len(), 2);
    // Every key is shown (the top-level `user_agent` alias is documented, not repeated).
    let mut shown = starter_keys(&starter);
    shown.get_mut("").unwrap().insert("user_agent".into());
    assert_eq!(shown, reader, "contrib/feeds.starter.toml against src/config");
}
