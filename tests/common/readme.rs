//! The `digest` command lines shown in README.md, so tests can check that each still parses
//! (`src/bin/digest/cli.rs` includes this file) and runs (`tests/readme.rs`).

/// Code block languages whose lines are shell commands.
const SHELL_BLOCKS: &[&str] = &["sh", "bash", "shell", "console", "cron"];

/// The arguments (after `digest`) of every `digest …` command in the shell and cron code blocks
/// of `markdown`, in order. `cargo run --release -- ARGS` counts as `digest ARGS`; comments,
/// redirections and pipes are cut off, and `a && b` gives both commands.
pub fn commands(markdown: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            block = if block.is_some() { None } else { Some(lang.trim().to_string()) };
            continue;
        }
        if !block.as_deref().is_some_and(|l| SHELL_BLOCKS.contains(&l)) {
            continue;
        }
        let code = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
        let code = match code.find(" #") {
            Some(i) => &code[..i],
            None if code.starts_with('#') => "",
            None => code,
        };
        for part in code.split("&&").flat_map(|p| p.split(';')) {
            if let Some(args) = digest_args(part) {
                found.push(args);
            }
        }
    }
    found
}

/// The arguments of one simple command if it runs digest.
fn digest_args(command: &str) -> Option<Vec<String>> {
    let command = command.split(['>', '|']).next().unwrap_or("");
    let words: Vec<String> =
        command.split_whitespace().map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string()).collect();
    let first = words.first()?;
    let start = if first == "digest" || first.ends_with("/digest") {
        1
    } else if words.starts_with(&["cargo".into(), "run".into()]) {
        words.iter().position(|w| w == "--")? + 1
    } else {
        return None;
    };
    Some(words[start..].to_vec())
}

/// The arguments of each `ExecStart=` of a systemd unit that runs digest.
pub fn unit_commands(unit: &str) -> Vec<Vec<String>> {
    unit.lines().filter_map(|l| l.strip_prefix("ExecStart=")).filter_map(digest_args).collect()
}
