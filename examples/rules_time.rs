//! CPU of the extraction rules alone on the benchmark corpus (issue 7): every body is parsed
//! to a `Doc` once, outside the timing; then each rule of `analyze_with` is timed over all
//! items, and a hash of all results is printed so two builds can be compared.
//!
//!     cargo run --release --example rules_time -- /tmp/i7corpus/feeds.toml [rounds]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::Duration;

use digest::config::Config;
use digest::extract::text::{Doc, parse_body};
use digest::extract::{CityTable, events, kind, schedule, talks};
use digest::fetch::decode::decode;
use digest::parse::{self, ParseContext, ParsedItem};

const RULES: [&str; 7] = ["event_city", "schedule", "main_event", "article", "classify", "find_talks", "deadline"];

/// CPU time of this thread (the machine is shared: wall time is noisy).
fn cpu_now() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let cfg_path = args.next().unwrap_or_else(|| "/tmp/i7corpus/feeds.toml".into());
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let config = Config::load(Path::new(&cfg_path)).expect("config");
    let dir = Path::new(&cfg_path).parent().expect("dir").to_path_buf();
    let mut items: Vec<(ParsedItem, usize)> = Vec::new();
    for (si, s) in config.sources.iter().enumerate() {
        let file = dir.join(s.url.path().trim_start_matches('/'));
        let bytes = std::fs::read(&file).expect("feed file");
        let (text, _) = decode(&bytes, None);
        let ctx = ParseContext { base: &s.url, timezone: s.timezone };
        if let Ok(f) = parse::parse_feed(&text, s.kind, ctx) {
            items.extend(f.items.into_iter().map(|p| (p, si)));
        }
    }
    let t = cpu_now();
    let docs: Vec<Doc> = items.iter().map(|(p, _)| parse_body(&p.content_html)).collect();
    eprintln!("{} items, parse_body {:?} CPU", items.len(), cpu_now() - t);
    let cities = CityTable::default();
    let mut best = [Duration::MAX; RULES.len()];
    let mut hash = 0;
    for _ in 0..rounds {
        let mut spent = [Duration::ZERO; RULES.len()];
        let mut h = DefaultHasher::new();
        for ((parsed, si), doc) in items.iter().zip(&docs) {
            let source = &config.sources[*si];
            let published = digest::extract::published_day(parsed);
            let post = events::PostInfo {
                title: &parsed.title,
                categories: &parsed.categories,
                published,
                city_hint: source.city.as_deref(),
                url: parsed.url.as_ref(),
            };
            let mut lap = {
                let mut t = cpu_now();
                move |i: usize, spent: &mut [Duration; RULES.len()]| {
                    let n = cpu_now();
                    spent[i] += n - t;
                    t = n;
                }
            };
            let hint = events::event_city(&cities, &post, None, None);
            lap(0, &mut spent);
            let evs = schedule::schedule_events(doc, published, &cities, || hint);
            lap(1, &mut spent);
            let main = if evs.is_empty() { events::main_event(doc, &post, &cities, None) } else { None };
            lap(2, &mut spent);
            let art = events::is_article_without_gathering(&parsed.title, doc);
            lap(3, &mut spent);
            let has_event = !evs.is_empty() || main.is_some();
            let k = kind::classify(&parsed.title, &parsed.categories, doc, has_event);
            lap(4, &mut spent);
            let tk = talks::find_talks(doc);
            lap(5, &mut spent);
            let dl = if has_event { events::deadline(doc, published, None) } else { None };
            lap(6, &mut spent);
            format!("{evs:?}{main:?}{art}{k:?}{tk:?}{dl:?}").hash(&mut h);
        }
        for (b, s) in best.iter_mut().zip(spent) {
            *b = (*b).min(s);
        }
        hash = h.finish();
    }
    let total: Duration = best.iter().sum();
    for (name, d) in RULES.iter().zip(best) {
        println!(
            "{name:<12} {:>9.1} ms {:>5.1} %",
            d.as_secs_f64() * 1e3,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    println!("total        {:>9.1} ms   results hash {hash:016x}", total.as_secs_f64() * 1e3);
}
