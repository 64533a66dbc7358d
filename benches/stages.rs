//! Where a cold `digest fetch` spends its CPU, one stage at a time, over a corpus on disk
//! (`benches/corpus.py`): decode, parse, extract (events and talks), prepare for dedup (the
//! sketch and the anchors), pack the bodies, merge, and store into a fresh SQLite file.
//! `digest fetch` runs the first five per feed in its harvest workers, then merges and stores
//! once; here each stage runs over the whole corpus in turn, with no network: what each costs
//! if nothing else runs, and so what leaving one out of `fetch` would save (benches/README.md,
//! "Stages").
//!
//!     cargo bench --bench stages -- /tmp/corpus          # RUNS=3 passes, the median shown
//!
//! Each source's file is found under the corpus folder by its URL's path, as nginx serves it
//! (`benches/serve.sh`); the config is the corpus's `feeds.toml`, whose sources are all feeds
//! (an HTML source, fetched page by page, has no single file to read). Times are process CPU
//! seconds (user + system, from /proc/self/stat) and wall seconds: merge and store use more
//! than one thread, the other stages one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use digest::config::{Config, SourceConfig};
use digest::dedup::{self, DedupOptions, Preparer};
use digest::extract::{self, Item};
use digest::fetch::decode::decode;
use digest::parse::{self, ParseContext, ParsedItem};
use digest::store::{RunOutcome, SourceRun, Store};

/// The binary's allocator (src/bin/digest/main.rs), so that each stage's allocations cost what
/// they cost in `digest fetch`: with the system allocator, malloc and free alone were about 12%
/// of the CPU here. jemalloc's default options: they change the peak memory, not measured here.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The stages, in the order they run.
const STAGES: [&str; 7] = ["decode", "parse", "extract", "dedup prepare", "pack bodies", "merge", "store"];

fn main() {
    // `cargo bench` passes `--bench`; the corpus folder is the first other argument.
    let dir = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(PathBuf::from);
    let Some(dir) = dir else {
        eprintln!("usage: cargo bench --bench stages -- CORPUS_DIR   (made by benches/corpus.py)");
        std::process::exit(2);
    };
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let config = Config::load(&dir.join("feeds.toml")).unwrap_or_else(|e| fail(&e.to_string()));
    let files: Vec<Vec<u8>> = config.sources.iter().map(|s| read_source(&dir, s)).collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let shown = if runs == 1 { "1 pass".to_string() } else { format!("{runs} passes (medians)") };
    println!("{} sources, {:.1} MB, {shown}", config.sources.len(), bytes as f64 / 1e6);

    let mut passes: Vec<Vec<Spent>> = Vec::new();
    let mut counts = (0, 0);
    for _ in 0..runs {
        let (spent, items, posts) = pass(&config, &files);
        counts = (items, posts);
        passes.push(spent);
    }
    println!("{} items merged into {} posts", counts.0, counts.1);
    println!("{:<14} {:>8} {:>8} {:>7} {:>10}", "stage", "CPU s", "wall s", "share", "MB/s");
    let medians: Vec<Spent> = (0..STAGES.len()).map(|i| median(passes.iter().map(|p| p[i]).collect())).collect();
    let total: f64 = medians.iter().map(|s| s.cpu).sum();
    for (name, s) in STAGES.iter().zip(&medians) {
        let speed = bytes as f64 / s.wall / 1e6;
        println!("{name:<14} {:>8.2} {:>8.2} {:>6.1}% {:>10.0}", s.cpu, s.wall, 100.0 * s.cpu / total, speed);
    }
    println!("{:<14} {total:>8.2}", "total");
}

/// The CPU and wall seconds one stage took.
#[derive(Debug, Clone, Copy, Default)]
struct Spent {
    cpu: f64,
    wall: f64,
}

/// One pass of every stage over every source; returns the stages' times, items and posts.
fn pass(config: &Config, files: &[Vec<u8>]) -> (Vec<Spent>, usize, usize) {
    let mut spent = Vec::new();
    let texts: Vec<String> = timed(&mut spent, || files.iter().map(|b| decode(b, None).0.into_owned()).collect());
    let parsed: Vec<Vec<ParsedItem>> = timed(&mut spent, || {
        texts
            .iter()
            .zip(&config.sources)
            .map(|(text, source)| {
                let ctx = ParseContext { base: &source.url, timezone: source.timezone };
                match parse::parse_feed(text, source.kind, ctx) {
                    Ok(feed) => feed.items,
                    Err(e) => fail(&format!("{}: {e}", source.url)),
                }
            })
            .collect()
    });
    drop(texts);
    let mut items: Vec<Item> = timed(&mut spent, || {
        parsed
            .into_iter()
            .zip(&config.sources)
            .flat_map(|(items, source)| {
                items.into_iter().filter(ParsedItem::has_title_or_link).map(|p| extract::analyze(p, source))
            })
            .collect()
    });
    let preparer = Preparer::new(DedupOptions::from(&config.dedup));
    let prepared: Vec<_> = timed(&mut spent, || items.iter().map(|i| preparer.prepare(i)).collect());
    timed(&mut spent, || items.iter_mut().for_each(|i| i.parsed.content_html.pack()));
    let count = items.len();
    let posts = timed(&mut spent, || dedup::merge_prepared(items, prepared, preparer.options()));
    let folder = std::env::temp_dir().join(format!("digest-stages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let runs: Vec<SourceRun> = config
        .sources
        .iter()
        .map(|s| SourceRun {
            name: s.name.clone(),
            url: s.url.to_string(),
            outcome: RunOutcome::Fresh,
            responses: Vec::new(),
        })
        .collect();
    timed(&mut spent, || {
        let mut store = Store::open(&folder.join("digest.sqlite")).unwrap_or_else(|e| fail(&e.to_string()));
        store.save_run(&runs, &posts, chrono::Utc::now()).unwrap_or_else(|e| fail(&e.to_string()));
    });
    let _ = std::fs::remove_dir_all(&folder);
    (spent, count, posts.len())
}

/// Runs `f`, pushing its CPU and wall seconds onto `spent`.
fn timed<T>(spent: &mut Vec<Spent>, f: impl FnOnce() -> T) -> T {
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let out = f();
    spent.push(Spent { cpu: cpu_seconds() - cpu, wall: wall.elapsed().as_secs_f64() });
    out
}

/// The process's user + system CPU seconds (fields 14 and 15 of /proc/self/stat, in clock
/// ticks of 1/100 s on Linux); 0 where there is no /proc. Read by hand: std has no CPU clock,
/// and a crate for two numbers in a bench is not worth a dependency.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // Field 14 (utime) is the 12th after the parenthesis (fields 3.. start at index 0).
    (ticks(11) + ticks(12)) / 100.0
}

fn median(mut v: Vec<Spent>) -> Spent {
    v.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
    v[v.len() / 2]
}

/// The bytes nginx would serve for `source`: the file at its URL's path under the corpus.
fn read_source(dir: &Path, source: &SourceConfig) -> Vec<u8> {
    let path = dir.join(source.url.path().trim_start_matches('/'));
    std::fs::read(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())))
}

fn fail(message: &str) -> ! {
    eprintln!("stages: {message}");
    std::process::exit(1)
}
