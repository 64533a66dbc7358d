//! The `digest` command line: a thin layer over the library's pipeline. `cli` defines the
//! commands; each command group has its own module.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use digest::config::Config;

/// `println!` that ends the process quietly when standard output is closed (`digest export |
/// head`), where `println!` would panic with a backtrace.
macro_rules! out {
    ($($arg:tt)*) => { $crate::emit(format_args!($($arg)*)) };
}

mod build;
mod check;
mod cli;
mod docs;
mod export;
mod init;
mod opml;
mod parse;
mod preview;
mod send;
mod sources;

use cli::{Cli, Command};

/// Exit code when every source worked.
const EXIT_OK: u8 = 0;
/// Exit code for an error that stopped the command (bad config, unwritable output…).
const EXIT_ERROR: u8 = 1;
/// Exit code when the command completed but at least one source failed.
const EXIT_PARTIAL: u8 = 3;

/// Writes one line to standard output; see [`out!`].
fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{args}") {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("digest: error: cannot write to standard output: {e}");
        }
        std::process::exit(i32::from(if e.kind() == std::io::ErrorKind::BrokenPipe { EXIT_OK } else { EXIT_ERROR }));
    }
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

/// jemalloc instead of the system allocator. The fetch phase allocates and frees millions of
/// small strings from several threads at once (parse, extraction, dedup), then hands them to
/// the thread that stores them: glibc spent about 12% of a full cold run's CPU in malloc and
/// free, and its per-thread arenas kept what the fetch phase freed through the build. With
/// jemalloc the benchmark's full cold run fell from 7.1-8.1 s to 5.2-6.4 s wall
/// (`benches/README.md`). Not on MSVC, where jemalloc does not build.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's built-in options (`_RJEM_MALLOC_CONF` in the environment still overrides them).
/// Peak memory of the benchmark's full cold run (`/usr/bin/time`, KiB) was 252-259k with the
/// defaults, as each of the eight arenas keeps pages of its own; with these it is 216-238k at
/// the same speed:
/// - two arenas, as many as the threads that allocate most at once;
/// - freed pages handed back after 100 ms instead of 10 s, so that the fetch phase's freed
///   bodies and parse trees do not stay resident through dedup and the store (0 ms costs
///   about 0.6 s of system time). 200 ms was enough while dedup took 0.3 s; once it took
///   0.1 s the store's peak came before the purge: 240-246 MiB, and 235-238 MiB at 100 ms;
/// - `muzzy_decay_ms:0`: pages are returned with `MADV_DONTNEED` at once instead of
///   `MADV_FREE`, which Linux keeps counted as resident until it needs the memory.
#[cfg(not(target_env = "msvc"))]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
static malloc_conf: &[u8; 46] = b"narenas:2,dirty_decay_ms:100,muzzy_decay_ms:0\0";

/// Whether output to a stream may carry colour: it is a terminal and `NO_COLOR` is unset or
/// empty (https://no-color.org).
fn color_allowed(is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// `text` in red where stdout may carry colour, else as it is.
fn paint_red(text: &str) -> String {
    if color_allowed(std::io::stdout().is_terminal(), std::env::var_os("NO_COLOR")) {
        format!("\x1b[31m{text}\x1b[0m")
    } else {
        text.to_string()
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
        .with_ansi(color_allowed(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR")))
        .with_target(false)
        .init();
}

/// The config file with the command line's `--output` and `--state` applied.
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

/// The async runtime the fetching commands run on.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

fn run(cli: Cli) -> Result<u8> {
    // Commands that need no config file.
    match &cli.command {
        Command::Init { templates, force } => return init::init(&cli.config, *templates, *force, cli.quiet),
        Command::Completions { shell } => return docs::completions(*shell),
        Command::Man => return docs::man(),
        Command::Parse { paths, files, json } => return parse::parse(paths, files.as_deref(), *json),
        _ => {}
    }
    let config = load_config(&cli)?;
    match &cli.command {
        Command::Build { week, no_fetch, templates } => {
            build::build(&config, week, *no_fetch, templates.as_deref(), cli.quiet)
        }
        Command::Fetch => build::fetch_only(&config, cli.quiet),
        Command::Check { source, json } => check::check(&config, source.as_deref(), *json),
        Command::Export { opml: true, out, .. } => opml::export(&config, out.as_deref()),
        Command::Export { since, until, out, .. } => {
            let since = since.context("--since is required")?;
            export::export(&config, since, *until, out.as_deref())
        }
        Command::Send { week, dry_run } => send::send(&config, week, *dry_run, cli.quiet),
        Command::Sources { json } => sources::sources(&config, *json),
        Command::Import { file, dry_run } => opml::import(&config, file, *dry_run, cli.quiet),
        Command::Preview { week, templates, port } => {
            preview::preview(|| load_config(&cli), week, templates.as_deref(), *port)
        }
        Command::Init { .. } | Command::Completions { .. } | Command::Man | Command::Parse { .. } => {
            unreachable!("handled above")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::color_allowed;

    #[test]
    fn no_color_turns_colour_off_on_a_terminal() {
        assert!(color_allowed(true, None));
        assert!(color_allowed(true, Some("".into())), "an empty NO_COLOR does not count");
        assert!(!color_allowed(true, Some("1".into())));
        assert!(!color_allowed(false, None), "never into a pipe or file");
    }
}
