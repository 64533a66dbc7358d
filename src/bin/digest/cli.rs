//! The command-line definition: every command, option and help text (also the source of the
//! shell completions and the man page).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "digest",
    version,
    about = "Turn community feeds and pages into a bilingual weekly newsletter, a merged feed and a calendar."
)]
#[command(
    after_help = "Exit codes: 0 success, 1 error, 2 usage error, 3 partial (some sources failed, or some subscribers could not be mailed; the rest was done).\nEnvironment: DIGEST_CONFIG (the config file), RUST_LOG (log filter), NO_COLOR (no colour), HTTP_PROXY / HTTPS_PROXY / NO_PROXY."
)]
pub struct Cli {
    /// The config file.
    #[arg(short, long, global = true, env = "DIGEST_CONFIG", default_value = "feeds.toml")]
    pub config: PathBuf,
    /// Output folder (overrides `output` in the config).
    #[arg(long, global = true, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// State folder holding the database (overrides `state` in the config).
    #[arg(long, global = true, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// More log output (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing but warnings and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Fetch every source, then build a week's newsletter and the merged feeds.
    #[command(
        after_help = "Examples:\n  digest build --week            # this week, in the configured time zone\n  digest build --week 2015-W44 --config examples/offline.toml\n  digest build --week last --no-fetch"
    )]
    Build {
        /// The week: YYYY-Www, `this` or `last` (default: this week).
        #[arg(long, value_name = "WEEK", num_args = 0..=1, default_missing_value = "this", default_value = "this")]
        week: String,
        /// Build from the store only, without fetching.
        #[arg(long)]
        no_fetch: bool,
        /// Folder with templates that replace the built-in ones (same file names).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Fetch every source and store what it yields, without building.
    #[command(after_help = "Example:\n  digest fetch --quiet   # from cron; prints only problems")]
    Fetch,
    /// Print the posts of a date range and the events and talks merged from them, as JSON; or,
    /// with --opml, the sources as an OPML subscription list for feed readers.
    #[command(
        after_help = "Examples:\n  digest export --since 2015-10-01 --until 2015-11-30 --out events.json\n  digest export --opml --out subscriptions.opml"
    )]
    Export {
        /// First publication date (YYYY-MM-DD, in the configured time zone).
        #[arg(long, value_name = "DATE", required_unless_present = "opml")]
        since: Option<chrono::NaiveDate>,
        /// Last publication date, inclusive (default: today).
        #[arg(long, value_name = "DATE", conflicts_with = "opml")]
        until: Option<chrono::NaiveDate>,
        /// Export the sources as OPML 2.0 instead of posts as JSON.
        #[arg(long)]
        opml: bool,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Mail a built week's newsletter to the subscribers ([email] in the config), each in
    /// their language; never twice to the same address for the same week.
    #[command(
        after_help = "Examples:\n  digest send --week 2015-W44 --dry-run\n  digest send --week last\n\nExit code 3 when some subscribers could not be sent to (bad address, refused); the rest were sent."
    )]
    Send {
        /// The week: YYYY-Www, `this` or `last` (default: last week).
        #[arg(long, value_name = "WEEK", default_value = "last")]
        week: String,
        /// List who would get which edition; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Validate the config and try every source: status, items found, what selectors match.
    #[command(
        after_help = "Examples:\n  digest check\n  digest check --source docker-cn-blog   # what each CSS selector matched on the live page\n  digest check --json\n\nExit code 3 when a source failed."
    )]
    Check {
        /// Only this source.
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a commented feeds.toml (and, with --templates, the built-in templates) into the
    /// current folder, to start a new digest.
    #[command(
        after_help = "Examples:\n  digest init\n  digest init --templates   # also templates/, to customize\n  digest init --force       # replace existing files"
    )]
    Init {
        /// Also write templates/ with the built-in templates.
        #[arg(long)]
        templates: bool,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Show each source's record from the state database: kind, last fetch, HTTP status, items,
    /// new this week, failures in a row and the last error. Fetches nothing.
    #[command(after_help = "Examples:\n  digest sources\n  digest sources --json")]
    Sources {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add the feeds of an OPML subscription list (from any feed reader) to the config file as
    /// new sources; feeds already configured (same URL) are skipped.
    #[command(
        after_help = "Examples:\n  digest import subscriptions.opml\n  digest import subscriptions.opml --dry-run"
    )]
    Import {
        /// The OPML file.
        file: PathBuf,
        /// Print the sources that would be added; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Serve the output folder on 127.0.0.1 and rebuild the week from the store whenever a
    /// template or the config changes; reload the browser to see the change.
    #[command(
        after_help = "Examples:\n  digest preview                       # http://127.0.0.1:8000/\n  digest preview --week 2015-W44 --templates templates --port 8080\n\nStop with Ctrl-C. Nothing is fetched: run `digest fetch` first."
    )]
    Preview {
        /// The week: YYYY-Www, `this` or `last`.
        #[arg(long, value_name = "WEEK", default_value = "this")]
        week: String,
        /// Folder with templates that replace the built-in ones; watched for changes.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Parse feed files from disk as fetched bodies are parsed (decode, repair, RSS/Atom/JSON
    /// Feed) and print `items=N bytes=N errors=N`; needs no config.
    #[command(
        after_help = "Examples:\n  digest parse feed.xml other.atom\n  find corpus -name '*.xml' > list && digest parse --files list\n  digest parse --json feed.xml | jq '.[].title'\n\nExit code 3 when some files failed (each is named on stderr)."
    )]
    Parse {
        /// Feed files (RSS, Atom, JSON Feed; any encoding digest can decode).
        #[arg(value_name = "FILE", required_unless_present = "files")]
        paths: Vec<PathBuf>,
        /// Also parse the files listed in LIST, one path per line (`-`: standard input).
        #[arg(long, value_name = "LIST")]
        files: Option<PathBuf>,
        /// Print the items as a JSON array (the summary line goes to stderr).
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  digest completions bash > /etc/bash_completion.d/digest\n  digest completions zsh > ~/.zfunc/_digest\n  digest completions fish > ~/.config/fish/completions/digest.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  digest man > /usr/local/share/man/man1/digest.1")]
    Man,
}

#[cfg(test)]
#[path = "../../../tests/common/readme.rs"]
mod readme;

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, readme};

    fn parses(args: &[String], origin: &str) {
        let argv = std::iter::once("digest".to_string()).chain(args.iter().cloned());
        if let Err(e) = Cli::try_parse_from(argv) {
            panic!("{origin}: `digest {}` does not parse:\n{e}", args.join(" "));
        }
    }

    #[test]
    fn every_command_in_the_readme_parses() {
        let commands = readme::commands(include_str!("../../../README.md"));
        assert!(commands.len() >= 20, "found only {} commands: {commands:?}", commands.len());
        for args in &commands {
            parses(args, "README.md");
        }
        let subcommands: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
        for name in subcommands.iter().filter(|n| *n != "help") {
            assert!(commands.iter().any(|c| c.first() == Some(name)), "README.md shows no `digest {name}`");
        }
    }

    #[test]
    fn the_systemd_unit_runs_commands_that_parse() {
        let commands = readme::unit_commands(include_str!("../../../contrib/systemd/digest.service"));
        assert_eq!(commands.len(), 2);
        for args in &commands {
            parses(args, "contrib/systemd/digest.service");
        }
    }

    #[test]
    fn every_help_example_parses() {
        let mut count = 0;
        for sub in Cli::command().get_subcommands() {
            let help = sub.get_after_help().map(|h| h.to_string()).unwrap_or_default();
            let block = format!("```sh\n{help}\n```\n");
            for args in readme::commands(&block) {
                assert_eq!(args.first().map(String::as_str), Some(sub.get_name()), "{args:?}");
                parses(&args, &format!("`digest {} --help`", sub.get_name()));
                count += 1;
            }
        }
        assert!(count >= 20, "{count}");
    }

    #[test]
    fn commands_are_found_in_shell_blocks_only() {
        let md = "text `digest nope`\n```sh\n$ digest build --week last   # comment\ncd /x && digest fetch -q > log\n\
                  cargo run --release -- check --json\nls digest-dir\ncd /srv/digest\n```\n```toml\ndigest = 1\n```\n\
                  ```cron\n0 7 * * 1  cd /srv && /usr/bin/digest send --week last\n# digest old\n```\n";
        let got = readme::commands(md);
        let want: Vec<Vec<String>> = [
            vec!["build", "--week", "last"],
            vec!["fetch", "-q"],
            vec!["check", "--json"],
            vec!["send", "--week", "last"],
        ]
        .iter()
        .map(|v| v.iter().map(|s| s.to_string()).collect())
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
