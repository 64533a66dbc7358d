//! Micro-benchmarks of the hot paths, on the repository's own fixture feeds (no network, no
//! generated corpus): decode (UTF-8 and GB18030), XML repair, parse (RSS and Atom, which
//! includes sanitizing every item), date parsing (RFC 3339 and RFC 2822 fast path, then the
//! lenient fallbacks), extraction, dedup, and build (store → render → write). See
//! benches/README.md.
//!
//! No harness (criterion is not a dependency): each case runs for about 0.3 s, in five
//! samples; the line shows the median time per call, the spread, and MB/s where the input is
//! bytes.
//!
//!     cargo bench --bench hot_paths              # every case
//!     cargo bench --bench hot_paths -- date      # cases whose name contains "date"

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use digest::config::{Config, SourceConfig, SourceKind};
use digest::fetch::decode::decode;
use digest::parse::{self, ParseContext, ParsedItem, date, repair};
use digest::store::{RunOutcome, SourceRun, Store};
use digest::week::Week;
use url::Url;

const SAMPLES: usize = 5;
const SAMPLE_TIME: Duration = Duration::from_millis(60);

/// Runs `f` in SAMPLES samples of about SAMPLE_TIME each and prints the median per call.
fn bench<T>(filter: &Option<String>, name: &str, bytes: usize, mut f: impl FnMut() -> T) {
    if filter.as_deref().is_some_and(|w| !name.contains(w)) {
        return;
    }
    // Calibrate: how many calls fill a sample.
    let mut n = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        if t.elapsed() >= SAMPLE_TIME / 4 || n >= 1 << 30 {
            break;
        }
        n *= 2;
    }
    let n = n * 4;
    let mut per_call: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                black_box(f());
            }
            t.elapsed().as_secs_f64() / n as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    let median = per_call[SAMPLES / 2];
    let speed = if bytes > 0 { format!("{:8.1} MB/s", bytes as f64 / median / 1e6) } else { String::new() };
    println!("{name:<34} {:>12} [{} .. {}] {speed}", show(median), show(per_call[0]), show(per_call[SAMPLES - 1]));
}

fn show(secs: f64) -> String {
    match secs {
        s if s < 1e-6 => format!("{:.0} ns", s * 1e9),
        s if s < 1e-3 => format!("{:.2} µs", s * 1e6),
        s => format!("{:.2} ms", s * 1e3),
    }
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rss_bytes = std::fs::read(root.join("examples/snapshot/techparty.org/feed.xml")).expect("fixture");
    let atom_bytes = std::fs::read(root.join("examples/snapshot/docker.cn/feed.xml")).expect("fixture");
    let (rss_text, _) = decode(&rss_bytes, None);
    let (atom_text, _) = decode(&atom_bytes, None);
    let gb_text = rss_text.replacen("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"GB18030\"?>", 1);
    let gb_bytes = encoding_rs::GB18030.encode(&gb_text).0.into_owned();
    let base = Url::parse("http://www.techparty.org/feed.xml").expect("static URL");
    let ctx = ParseContext { base: &base, timezone: chrono_tz::Asia::Shanghai };

    bench(&filter, "decode utf-8 (techparty rss)", rss_bytes.len(), || decode(&rss_bytes, None));
    bench(&filter, "decode gb18030 (declared)", gb_bytes.len(), || decode(&gb_bytes, None));
    bench(&filter, "decode gb18030 (detected)", gb_bytes.len(), || decode(&gb_bytes[38..], None));
    bench(&filter, "repair_xml (rss, nothing to fix)", rss_text.len(), || repair::repair_xml(&rss_text).1);
    bench(&filter, "parse rss (techparty, 40 items)", rss_text.len(), || {
        parse::parse_feed(&rss_text, SourceKind::Auto, ctx).map(|f| f.items.len())
    });
    bench(&filter, "parse atom (docker.cn, 10 entries)", atom_text.len(), || {
        parse::parse_feed(&atom_text, SourceKind::Auto, ctx).map(|f| f.items.len())
    });
    bench(&filter, "parse::xml tree only (rss)", rss_text.len(), || parse::xml::parse(&rss_text).root.is_some());
    let tz = chrono_tz::Asia::Shanghai;
    bench(&filter, "date rfc3339", 0, || date::parse("2015-10-31T14:00:00+08:00", tz));
    bench(&filter, "date rfc2822", 0, || date::parse("Sat, 31 Oct 2015 14:00:00 +0800", tz));
    bench(&filter, "date rfc2822 CST (fallback)", 0, || date::parse("Sat, 31 Oct 2015 14:00:00 CST", tz));
    bench(&filter, "date iso-ish (fallback)", 0, || date::parse("2015-10-31 14:00", tz));
    bench(&filter, "date 年月日 (fallback)", 0, || date::parse("2015年10月31日", tz));

    let items: Vec<ParsedItem> = [&rss_text, &atom_text]
        .iter()
        .flat_map(|t| parse::parse_feed(t, SourceKind::Auto, ctx).expect("fixture parses").items)
        .collect();
    let source = SourceConfig {
        name: "bench".into(),
        url: base.clone(),
        kind: SourceKind::Auto,
        lang: None,
        city: Some("Guangzhou".into()),
        timezone: tz,
        selectors: None,
    };
    let content: usize = items.iter().map(|i| i.content_html.len()).sum();
    bench(&filter, "extract 50 items", content, || {
        items.iter().cloned().map(|p| digest::extract::analyze(p, &source)).collect::<Vec<_>>()
    });
    let analyzed: Vec<_> = items.iter().cloned().map(|p| digest::extract::analyze(p, &source)).collect();
    bench(&filter, "dedup merge 50 items", 0, || digest::dedup::merge(analyzed.clone()).len());

    if filter.as_deref().is_none_or(|w| "build week".contains(w)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::load(&root.join("examples/offline.toml")).expect("offline config");
        config.output_dir = dir.path().join("out");
        config.state_dir = dir.path().join("state");
        let mut store = Store::open(&config.database_path()).expect("store");
        let run =
            SourceRun { name: "bench".into(), url: base.to_string(), outcome: RunOutcome::Fresh, responses: vec![] };
        let now = chrono::Utc::now();
        store.save_run(&[run], &digest::dedup::merge(analyzed.clone()), now).expect("save");
        let week = Week::parse("2015-W44", now, tz).expect("week");
        bench(&filter, "build week (store → render → write)", 0, || {
            digest::pipeline::build_week(&config, &mut store, week, None).expect("build").posts
        });
    }
}
