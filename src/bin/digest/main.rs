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
    limit_malloc_arenas();
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

/// glibc gives threads that allocate at the same time arenas of their own (up to 8 per core)
/// and keeps what is freed in them, so the fetch phase's memory (runtime workers, parse and
/// extraction jobs) stays held through render. Two arenas cut the full cold run's peak on the
/// benchmark corpus from 438 to 358 MiB at the same CPU time (`benches/README.md`).
/// `MALLOC_ARENA_MAX` in the environment still decides when set.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter, before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// Hands memory freed by a finished phase back to the system (glibc keeps it otherwise), so
/// that the next phase starts from a small heap: the fetch phase holds every post of the run
/// at once, and `build` then renders with a fraction of that. Peak memory is then the larger
/// phase's, not the two stacked on a fragmented heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_freed_memory() {
    // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_freed_memory() {}

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
