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
    after_help = "Exit codes: 0 success, 1 error, 2 usage error, 3 partial (some sources failed; outputs were still built)."
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
    Fetch,
    /// Print the posts of a date range and the events and talks merged from them, as JSON.
    #[command(after_help = "Example:\n  digest export --since 2015-10-01 --until 2015-11-30 --out events.json")]
    Export {
        /// First publication date (YYYY-MM-DD, in the configured time zone).
        #[arg(long, value_name = "DATE")]
        since: chrono::NaiveDate,
        /// Last publication date, inclusive (default: today).
        #[arg(long, value_name = "DATE")]
        until: Option<chrono::NaiveDate>,
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
    Check {
        /// Only this source.
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}
