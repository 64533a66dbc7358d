//! Dedup at scale: `merge_with` over 10k, 100k and 1M synthetic items (deterministic seed,
//! mixed Chinese/English text of a few hundred characters, a shared boilerplate footer on a
//! third of them, 10% near-duplicates of earlier items: other spacing and punctuation, a
//! repost title prefix, another site, sometimes a changed character). Reports wall time,
//! peak memory (VmHWM) and how many planted duplicates were found. Each size runs in its own
//! process so that the peak is that size's. See benches/README.md.

use std::process::Command;
use std::time::Instant;

use digest::dedup::{DedupOptions, merge_with};
use digest::extract::Item;

const SIZES: &[usize] = &[10_000, 100_000, 1_000_000];
const DUP_FRACTION: f64 = 0.10;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "docker",
    "container",
    "golang",
    "proxy",
    "kubernetes",
    "deploy",
    "cluster",
    "registry",
    "image",
    "network",
    "storage",
    "microservice",
    "react",
    "native",
    "javascript",
    "security",
    "wechat",
    "devops",
    "python",
    "database",
    "cache",
    "nginx",
    "openresty",
    "swift",
    "android",
    "machine",
    "learning",
    "data",
    "pipeline",
    "salon",
    "meetup",
    "talk",
    "slides",
    "video",
];
const FOOTER: &str =
    "作者: 珠三角技术沙龙 打造泛珠三角技术圈线上线下交流的平台。欢迎关注我们的微信公众号，获取最新活动信息。";

fn text(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(1024);
    let target = 250 + rng.below(200) as usize;
    let mut chars = 0;
    while chars < target {
        if rng.below(3) == 0 {
            for _ in 0..(2 + rng.below(6)) {
                let w = WORDS[rng.below(WORDS.len() as u64) as usize];
                s.push_str(w);
                s.push(' ');
                chars += w.len() + 1;
            }
        } else {
            for _ in 0..(8 + rng.below(25)) {
                s.push(char::from_u32(0x4e00 + rng.below(3500) as u32).unwrap_or('中'));
                chars += 1;
            }
            s.push(if rng.below(2) == 0 { '，' } else { '。' });
        }
    }
    if rng.below(3) == 0 {
        s.push_str(FOOTER);
    }
    s
}

/// The same text as another page would carry it: other spacing and punctuation, sometimes a
/// changed character.
fn perturb(rng: &mut Rng, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 64);
    let edit_at = if rng.below(2) == 0 { Some(rng.below(s.chars().count() as u64) as usize) } else { None };
    for (i, c) in s.chars().enumerate() {
        match c {
            '，' => out.push_str(", "),
            '。' => out.push_str(". "),
            ' ' if rng.below(2) == 0 => out.push_str("  "),
            _ if Some(i) == edit_at => out.push('变'),
            _ => out.push(c),
        }
    }
    out
}

fn items(n: usize, seed: u64) -> (Vec<Item>, Vec<usize>) {
    let template: Item = serde_json::from_value(serde_json::json!({
        "source": "s", "lang": "zh", "kind": "other", "events": [], "talks": [],
        "parsed": {"guid": null, "url": "http://example.org/", "canonical": null, "title": "", "author": null,
                   "published": null, "updated": null, "content_html": "", "lang": null, "categories": []}
    }))
    .expect("item template");
    let mut rng = Rng(seed | 1);
    let mut out: Vec<Item> = Vec::with_capacity(n);
    let mut origin = Vec::with_capacity(n);
    let day0 = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    for i in 0..n {
        let mut it = template.clone();
        let dup_of =
            (i > 10 && (rng.next() as f64 / u64::MAX as f64) < DUP_FRACTION).then(|| rng.below(i as u64) as usize);
        match dup_of {
            Some(j) if origin[j] == j => {
                let o = &out[j];
                it.source = "mirror".into();
                it.parsed.title = format!("[转]{}", o.parsed.title);
                it.parsed.content_html =
                    format!("<div>{}</div>", perturb(&mut rng, &o.parsed.content_html.raw())).into();
                let d =
                    o.parsed.published.map(|t| t.date()).unwrap_or(day0) + chrono::Duration::days(rng.below(3) as i64);
                it.parsed.published = Some(digest::parse::Timestamp::Day(d));
                origin.push(j);
            }
            _ => {
                it.source = format!("site{}", rng.below(20));
                it.parsed.title = format!("{} {}", WORDS[rng.below(WORDS.len() as u64) as usize], i);
                it.parsed.content_html = format!("<p>{}</p>", text(&mut rng)).into();
                it.parsed.published =
                    Some(digest::parse::Timestamp::Day(day0 + chrono::Duration::days(rng.below(365) as i64)));
                origin.push(i);
            }
        }
        it.parsed.url = url::Url::parse(&format!("http://{}.example.org/p/{i}.html", it.source)).ok();
        out.push(it);
    }
    (out, origin)
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run(n: usize) {
    let (items, origin) = items(n, 0x5eed_d15c_0000 ^ n as u64);
    let planted = origin.iter().enumerate().filter(|(i, o)| i != *o).count();
    let before = vm_hwm_kib().unwrap_or(0);
    let (c, t) = (cpu_secs(), Instant::now());
    let posts = merge_with(items, &DedupOptions::default());
    let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_secs() - c);
    let peak = vm_hwm_kib().unwrap_or(0);
    // Planted duplicates found: alternates whose origin is the shown item's.
    let idx = |u: &url::Url| -> usize {
        u.path().trim_start_matches("/p/").trim_end_matches(".html").parse().unwrap_or(usize::MAX)
    };
    let (mut found, mut wrong) = (0usize, 0usize);
    for p in &posts {
        let Some(main) = p.item.parsed.url.as_ref().map(idx) else { continue };
        for a in &p.alternates {
            match a.url.as_ref().map(idx) {
                Some(k) if k < n && main < n && origin[k] == origin[main] => found += 1,
                _ => wrong += 1,
            }
        }
    }
    println!(
        "{n:>9} items: {secs:7.3} s ({cpu:7.3} s CPU)  {:8.1} µs/item  peak RSS {:7.1} MiB (inputs alone {:7.1} MiB)  {} posts  dups found {found}/{planted} ({:.4})  wrong merges {wrong}",
        secs * 1e6 / n as f64,
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        posts.len(),
        found as f64 / planted.max(1) as f64
    );
}

/// Where the time goes, stage by stage (`--phases`).
fn phases(n: usize) {
    use digest::dedup::{merge_exact, near, twins};
    let (items, _) = items(n, 0x5eed_d15c_0000 ^ n as u64);
    let opts = DedupOptions::default();
    let t = Instant::now();
    let posts = merge_exact(items, &opts);
    let t_exact = t.elapsed();
    let t = Instant::now();
    let bodies: Vec<_> = posts.iter().map(|p| p.item.parsed.content_html.visible_markup()).collect();
    let sketches = near::sketch_all(posts.len(), |i| bodies[i].as_ref().into());
    let t_sketch = t.elapsed();
    let t = Instant::now();
    let mut uf = near::cluster(&sketches, |_, _, sim| sim >= opts.near_threshold);
    let groups = uf.groups().len();
    let t_cluster = t.elapsed();
    let t = Instant::now();
    let tw = twins::twin_pairs(&posts, opts.max_days).len();
    let t_twins = t.elapsed();
    println!(
        "{n:>9} items: exact {t_exact:?}, sketch {t_sketch:?}, lsh {t_cluster:?} ({groups} groups), twins {t_twins:?} ({tw})"
    );
}

/// CPU seconds (user + system) of the whole process so far.
fn cpu_secs() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// `merge_with` alone on real items (`--corpus DIR [OUT.json]`): every feed of `DIR/feeds.toml`
/// is read from `DIR/feeds/`, parsed and extracted as a fetch would (on two threads), then
/// merged three times; prints the CPU and wall time of each merge and writes the posts as
/// JSON to `OUT.json` when given, to compare merges between builds.
fn corpus(dir: &str, out: Option<&str>) {
    use digest::parse::{ParseContext, parse_feed};
    let dir = std::path::Path::new(dir);
    let config = digest::config::Config::load(&dir.join("feeds.toml")).expect("corpus config");
    let sources = &config.sources;
    let chunk = sources.len().div_ceil(2).max(1);
    let items: Vec<Item> = std::thread::scope(|scope| {
        let jobs: Vec<_> = sources
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut items = Vec::new();
                    for source in part {
                        let file = dir.join(source.url.path().trim_start_matches('/'));
                        let bytes = std::fs::read(&file).expect("feed file");
                        let (text, _) = digest::fetch::decode::decode(&bytes, None);
                        let ctx = ParseContext { base: &source.url, timezone: source.timezone };
                        let Ok(feed) = parse_feed(&text, source.kind, ctx) else { continue };
                        items.extend(
                            feed.items
                                .into_iter()
                                .filter(digest::parse::ParsedItem::has_title_or_link)
                                .map(|p| digest::extract::analyze(p, source)),
                        );
                    }
                    items
                })
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().expect("extract thread")).collect()
    });
    let opts = DedupOptions::default();
    let mut last = Vec::new();
    for _ in 0..3 {
        let input = items.clone();
        let (c, t) = (cpu_secs(), Instant::now());
        last = merge_with(input, &opts);
        let (cpu, wall) = (cpu_secs() - c, t.elapsed().as_secs_f64());
        let alts: usize = last.iter().map(|p| p.alternates.len()).sum();
        println!(
            "corpus: {} items -> {} posts ({alts} alternates): merge_with {cpu:.3} s CPU, {wall:.3} s wall",
            items.len(),
            last.len()
        );
    }
    if let Some(out) = out {
        std::fs::write(out, serde_json::to_vec(&last).expect("posts as JSON")).expect("write posts");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--corpus") {
        let dir = args.get(pos + 1).map_or("/tmp/i7corpus", String::as_str);
        corpus(dir, args.get(pos + 2).map(String::as_str));
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--phases") {
        phases(args.get(pos + 1).and_then(|s| s.parse().ok()).unwrap_or(100_000));
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--size") {
        let n = args.get(pos + 1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
        run(n);
        return;
    }
    let sizes: Vec<usize> = match std::env::var("DEDUP_BENCH_SIZES") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) => SIZES.to_vec(),
    };
    let exe = std::env::current_exe().expect("own path");
    for n in sizes {
        let status = Command::new(&exe).arg("--size").arg(n.to_string()).status().expect("run one size");
        assert!(status.success(), "size {n} failed");
    }
}
