//! The `digest` command line: a thin layer over the library's pipeline.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use digest::config::Config;
use digest::pipeline::{self, RunSummary};
use digest::store::{StateLock, Store};
use digest::week::Week;

/// Exit code when every source worked.
const EXIT_OK: u8 = 0;
/// Exit code for an error that stopped the command (bad config, unwritable output…).
const EXIT_ERROR: u8 = 1;
/// Exit code when the command completed but at least one source failed.
const EXIT_PARTIAL: u8 = 3;

/// `println!` that ends the process quietly when standard output is closed (`digest export |
/// head`), where `println!` would panic with a backtrace.
macro_rules! out {
    ($($arg:tt)*) => { emit(format_args!($($arg)*)) };
}

fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{args}") {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("digest: error: cannot write to standard output: {e}");
        }
        std::process::exit(i32::from(if e.kind() == std::io::ErrorKind::BrokenPipe { EXIT_OK } else { EXIT_ERROR }));
    }
}

#[derive(Parser)]
#[command(
    name = "digest",
    version,
    about = "Turn community feeds and pages into a bilingual weekly newsletter, a merged feed and a calendar."
)]
#[command(
    after_help = "Exit codes: 0 success, 1 error, 2 usage error, 3 partial (some sources failed; outputs were still built)."
)]
struct Cli {
    /// The config file.
    #[arg(short, long, global = true, env = "DIGEST_CONFIG", default_value = "feeds.toml")]
    config: PathBuf,
    /// Output folder (overrides `output` in the config).
    #[arg(long, global = true, value_name = "DIR")]
    output: Option<PathBuf>,
    /// State folder holding the database (overrides `state` in the config).
    #[arg(long, global = true, value_name = "DIR")]
    state: Option<PathBuf>,
    /// More log output (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Print nothing but warnings and errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("digest: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "warn",
        (_, 0) => "warn",
        (_, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("digest={default},warn")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(false)
        .init();
}

fn load_config(cli: &Cli) -> Result<Config> {
    let mut config = Config::load(&cli.config)?;
    if let Some(dir) = &cli.output {
        config.output_dir = dir.clone();
    }
    if let Some(dir) = &cli.state {
        config.state_dir = dir.clone();
    }
    Ok(config)
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{spinner} fetching [{bar:30}] {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

fn run(cli: Cli) -> Result<u8> {
    if let Command::Parse { paths, files, json } = &cli.command {
        return parse_files(paths, files.as_deref(), *json);
    }
    let config = load_config(&cli)?;
    match &cli.command {
        Command::Build { week, no_fetch, templates } => {
            let week = Week::parse(week, chrono::Utc::now(), config.timezone)?;
            let _lock = StateLock::acquire(&config.state_dir)?;
            let mut store = Store::open(&config.database_path())?;
            let summary = if *no_fetch { None } else { Some(fetch(&config, &mut store, cli.quiet)?) };
            let report = pipeline::build_week(&config, &mut store, week, templates.as_deref())?;
            if !cli.quiet {
                out!("built {}: {} posts in the newsletter", report.week, report.posts);
                for f in &report.files {
                    out!("  wrote {}", f.display());
                }
            }
            Ok(exit_code(summary.as_ref()))
        }
        Command::Fetch => {
            let _lock = StateLock::acquire(&config.state_dir)?;
            let mut store = Store::open(&config.database_path())?;
            let summary = fetch(&config, &mut store, cli.quiet)?;
            Ok(exit_code(Some(&summary)))
        }
        Command::Check { source, json } => check(&config, source.as_deref(), *json),
        Command::Export { since, until, out } => {
            let until = until.unwrap_or_else(|| chrono::Utc::now().with_timezone(&config.timezone).date_naive());
            anyhow::ensure!(since <= &until, "--since {since} is after --until {until}");
            let store = Store::open(&config.database_path())?;
            let export = pipeline::export(&config, &store, *since, until)?;
            let mut json = serde_json::to_string_pretty(&export)?;
            json.push('\n');
            match out {
                Some(path) => digest::deliver::write_atomic(path, json.as_bytes())?,
                None => out!("{}", json.trim_end()),
            }
            Ok(EXIT_OK)
        }
        Command::Send { week, dry_run } => send(&config, week, *dry_run, cli.quiet),
        Command::Parse { .. } => unreachable!("handled before the config is loaded"),
    }
}

fn send(config: &Config, week: &str, dry_run: bool, quiet: bool) -> Result<u8> {
    use digest::deliver::smtp::{Outcome, send_week};
    let week = Week::parse(week, chrono::Utc::now(), config.timezone)?;
    // Two sends at once could both see an address as not yet sent.
    let _lock = StateLock::acquire(&config.state_dir)?;
    let store = Store::open(&config.database_path())?;
    let report = send_week(&config.email, &config.output_dir, &store, week, dry_run, chrono::Utc::now)?;
    let mut failed = 0;
    for d in &report {
        let (status, why) = match &d.outcome {
            Outcome::Sent => ("sent", ""),
            Outcome::WouldSend => ("would send", ""),
            Outcome::AlreadySent => ("already sent", ""),
            Outcome::Failed(why) => {
                failed += 1;
                ("FAILED", why.as_str())
            }
        };
        if !quiet || !why.is_empty() {
            out!("{:<13} {:<4} {} {why}", status, d.subscriber.edition.code(), d.subscriber.address);
        }
    }
    if !quiet {
        let count = |o: &Outcome| report.iter().filter(|d| &d.outcome == o).count();
        out!(
            "{week}: {} sent, {} would send, {} already sent, {failed} failed",
            count(&Outcome::Sent),
            count(&Outcome::WouldSend),
            count(&Outcome::AlreadySent)
        );
    }
    Ok(if failed > 0 { EXIT_PARTIAL } else { EXIT_OK })
}

fn fetch(config: &Config, store: &mut Store, quiet: bool) -> Result<RunSummary> {
    let bar = progress_bar(quiet);
    let summary = runtime()?.block_on(pipeline::fetch_sources(config, store, &bar, chrono::Utc::now()))?;
    print_summary(&summary, quiet);
    Ok(summary)
}

fn print_summary(summary: &RunSummary, quiet: bool) {
    for s in &summary.sources {
        match &s.error {
            // The log already carries the failure to stderr (also under --quiet).
            Some(e) if !quiet => out!("{:<24} {:<13} {e}", s.name, s.status),
            None if !quiet => out!("{:<24} {:<13} {:>5} items", s.name, s.status, s.items),
            _ => {}
        }
    }
    if !quiet {
        out!(
            "fetched {} sources ({} failed), {} new posts",
            summary.sources.len(),
            summary.failed(),
            summary.new_posts
        );
    }
}

fn exit_code(summary: Option<&RunSummary>) -> u8 {
    match summary {
        Some(s) if s.failed() > 0 => EXIT_PARTIAL,
        _ => EXIT_OK,
    }
}

fn check(config: &Config, only: Option<&str>, json: bool) -> Result<u8> {
    if let Some(name) = only {
        anyhow::ensure!(config.source(name).is_some(), "{}: no source named `{name}`", config.path.display());
    }
    let history = if config.database_path().exists() {
        Store::open(&config.database_path())?.source_states()?
    } else {
        Vec::new()
    };
    let reports = runtime()?.block_on(pipeline::check_sources(config, only, history))?;
    if json {
        out!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        out!("{}: config ok, {} sources", config.path.display(), config.sources.len());
        for r in &reports {
            out!("\n{} ({}) {}", r.name, format!("{:?}", r.kind).to_lowercase(), r.url);
            match &r.error {
                Some(e) => out!("  status: FAILED: {e}"),
                None => out!("  status: ok, {} items", r.items),
            }
            for w in r.warnings.iter().take(5) {
                out!("  warning: {w}");
            }
            for m in &r.selectors {
                out!("  selector {} = {:?}: {} matches", m.key, m.selector, m.count);
                for s in &m.samples {
                    out!("    {s}");
                }
            }
            if let Some(h) = &r.history
                && h.consecutive_failures > 0
            {
                out!(
                    "  history: failed {} runs in a row; last error: {}",
                    h.consecutive_failures,
                    h.last_error.as_deref().unwrap_or("?")
                );
            }
        }
    }
    let failed = reports.iter().any(|r| r.error.is_some());
    Ok(if failed { EXIT_PARTIAL } else { EXIT_OK })
}

/// `digest parse`: the summary line on stdout, or the items as one JSON array on stdout and the
/// summary on stderr; each failed file named on stderr.
fn parse_files(paths: &[PathBuf], list: Option<&std::path::Path>, json: bool) -> Result<u8> {
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
