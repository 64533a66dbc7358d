//! Dedup measured against hand labels (`tests/fixtures/labels/dedup.toml`) over the fixture
//! sites: techparty.org's feed.xml (all 218 posts) and atom.xml (20 newest), docker.cn's
//! feed.xml (10 newest) and its 95 post pages. Pairwise precision and recall of item-level
//! merges (same page, near-duplicates, twins) and of event-level merges must reach 0.95 / 0.9.
//!
//! Events come from `digest::extract::analyze`; a labelled post where extraction finds no
//! event gets its labelled event (so the test measures dedup, not extraction, until the real
//! extraction lands).

use std::collections::HashMap;
use std::path::PathBuf;

use digest::config::{Selectors, SourceConfig, SourceKind};
use digest::dedup::{self, Post, canonical_url, item_key, merge, merge_events};
use digest::extract::{Item, analyze};
use digest::parse::{ParseContext, html::item_page, parse_feed};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
struct Labels {
    same: Vec<Same>,
    event: Vec<LabelEvent>,
    talk: Vec<LabelTalks>,
}

#[derive(Deserialize)]
struct Same {
    urls: Vec<String>,
}

#[derive(Deserialize)]
struct LabelEvent {
    city: String,
    date: String,
    title: String,
    posts: Vec<String>,
    #[serde(default)]
    venue: Option<String>,
    #[serde(default)]
    venue_in: Vec<String>,
    #[serde(default)]
    dates: HashMap<String, String>,
    #[serde(default)]
    change_title: HashMap<String, String>,
}

#[derive(Deserialize)]
struct LabelTalks {
    post: String,
    titles: Vec<(String, String)>,
    #[serde(default)]
    slides: bool,
}

fn sites() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sites")
}

fn key(u: &str) -> String {
    canonical_url(&Url::parse(u).expect("label URL"))
}

fn source(name: &str, url: &str, kind: SourceKind, lang: Option<&str>) -> SourceConfig {
    SourceConfig {
        name: name.into(),
        url: Url::parse(url).unwrap(),
        kind,
        lang: lang.map(Into::into),
        city: None,
        timezone: chrono_tz::Asia::Shanghai,
        selectors: None,
    }
}

fn load_feed(site: &str, file: &str, name: &str, kind: SourceKind, lang: Option<&str>) -> Vec<Item> {
    let text = std::fs::read_to_string(sites().join(site).join(file)).expect("fixture feed");
    let base =
        Url::parse(&format!("http://{}/{file}", if site == "techparty.org" { "www.techparty.org" } else { site }))
            .unwrap();
    let src = source(name, base.as_str(), kind, lang);
    let ctx = ParseContext { base: &base, timezone: chrono_tz::Asia::Shanghai };
    let feed = parse_feed(&text, kind, ctx).expect("fixture feed parses");
    feed.items.into_iter().map(|p| analyze(p, &src)).collect()
}

fn load_docker_pages() -> Vec<Item> {
    let selectors = Selectors {
        items: "ul.post-list a.post-link".into(),
        title: Some("h1.post-title".into()),
        date: Some("time.dt-published".into()),
        content: Some("div.post-content".into()),
        next: None,
        max_pages: 1,
    };
    let src = source("docker-cn-blog", "http://docker.cn/", SourceKind::Html, None);
    let root = sites().join("docker.cn");
    let mut files = Vec::new();
    let mut stack = vec![root.join("blog")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("fixture dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            let base = Url::parse(&format!("http://docker.cn/{rel}")).unwrap();
            let html = std::fs::read_to_string(&f).unwrap();
            let ctx = ParseContext { base: &base, timezone: chrono_tz::Asia::Shanghai };
            analyze(item_page(&html, &selectors, ctx), &src)
        })
        .collect()
}

/// Adds the labelled events and talks to posts where extraction found none.
fn add_labelled(items: &mut [Item], labels: &Labels) {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        by_key.entry(item_key(it)).or_default().push(i);
    }
    for ev in &labels.event {
        for post in &ev.posts {
            for &i in by_key.get(&key(post)).map_or(&[][..], Vec::as_slice) {
                let it = &mut items[i];
                if let Some(t) = ev.change_title.get(post) {
                    it.parsed.title = t.clone();
                }
                if !it.events.is_empty() {
                    continue;
                }
                let zh = if ev.city == "Guangzhou" { "广州" } else { "深圳" };
                let venue = ev.venue.as_ref().filter(|_| ev.venue_in.contains(post));
                let e = serde_json::json!({
                    "title": it.parsed.title, "date": ev.dates.get(post).unwrap_or(&ev.date),
                    "start": null, "end": null, "city": {"en": ev.city, "zh": zh},
                    "venue": venue, "registration": null,
                });
                it.events.push(serde_json::from_value(e).expect("event shape"));
                let _ = &ev.title;
            }
        }
    }
    for lt in &labels.talk {
        for &i in by_key.get(&key(&lt.post)).map_or(&[][..], Vec::as_slice) {
            let it = &mut items[i];
            if !it.talks.is_empty() {
                continue;
            }
            for (n, (title, speaker)) in lt.titles.iter().enumerate() {
                let slides = lt.slides.then(|| format!("http://techparty-media.qiniudn.com/slides/{n}.pdf"));
                let speakers: Vec<&str> = if speaker.is_empty() { vec![] } else { vec![speaker.as_str()] };
                let t = serde_json::json!({
                    "title": title, "speakers": speakers, "slides": slides, "video": null, "event": 0,
                });
                it.talks.push(serde_json::from_value(t).expect("talk shape"));
            }
        }
    }
}

/// Pairwise precision and recall of a predicted clustering against a true one.
fn pairwise(pred: &[usize], truth: &[usize]) -> (f64, f64, u64, u64, u64) {
    let pairs = |counts: HashMap<(usize, usize), u64>| counts.values().map(|n| n * (n - 1) / 2).sum::<u64>();
    let mut p: HashMap<(usize, usize), u64> = HashMap::new();
    let mut t: HashMap<(usize, usize), u64> = HashMap::new();
    let mut both: HashMap<(usize, usize), u64> = HashMap::new();
    for (&a, &b) in pred.iter().zip(truth) {
        *p.entry((a, 0)).or_default() += 1;
        *t.entry((b, 0)).or_default() += 1;
        *both.entry((a, b)).or_default() += 1;
    }
    let (pp, tp_all, tp) = (pairs(p), pairs(t), pairs(both));
    let precision = if pp == 0 { 1.0 } else { tp as f64 / pp as f64 };
    let recall = if tp_all == 0 { 1.0 } else { tp as f64 / tp_all as f64 };
    (precision, recall, tp, pp, tp_all)
}

fn cluster_ids(keys: &[String]) -> Vec<usize> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    keys.iter()
        .map(|k| {
            let n = ids.len();
            *ids.entry(k.as_str()).or_insert(n)
        })
        .collect()
}

#[test]
fn dedup_matches_hand_labels() {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/labels/dedup.toml"))
            .unwrap();
    let labels: Labels = toml::from_str(&text).expect("labels parse");
    let mut items = Vec::new();
    items.extend(load_feed("techparty.org", "feed.xml", "techparty-rss", SourceKind::Rss, Some("zh")));
    items.extend(load_feed("techparty.org", "atom.xml", "techparty-atom", SourceKind::Atom, Some("zh")));
    items.extend(load_feed("docker.cn", "feed.xml", "docker-cn", SourceKind::Atom, None));
    items.extend(load_docker_pages());
    assert_eq!(items.len(), 218 + 20 + 10 + 95);
    add_labelled(&mut items, &labels);

    // Truth: the canonical page, joined by the labelled groups.
    let mut alias: HashMap<String, String> = HashMap::new();
    for s in &labels.same {
        for u in &s.urls {
            alias.insert(key(u), key(&s.urls[0]));
        }
    }
    let item_keys: Vec<String> = items.iter().map(item_key).collect();
    let truth: Vec<String> = item_keys.iter().map(|k| alias.get(k).cloned().unwrap_or_else(|| k.clone())).collect();

    let started = std::time::Instant::now();
    let posts: Vec<Post> = merge(items);
    let elapsed = started.elapsed();
    let mut post_of: HashMap<&str, usize> = HashMap::new();
    for (i, p) in posts.iter().enumerate() {
        post_of.insert(&p.key, i);
        for a in &p.alternates {
            post_of.insert(&a.key, i);
        }
    }
    let pred: Vec<usize> = item_keys.iter().map(|k| post_of[k.as_str()]).collect();
    let (ip, ir, tp, pp, tpall) = pairwise(&pred, &cluster_ids(&truth));
    eprintln!(
        "items: {} in, {} posts out in {elapsed:?}; pairwise precision {ip:.3}, recall {ir:.3} ({tp} of {pp} predicted pairs right, {tp} of {tpall} true pairs found)",
        item_keys.len(),
        posts.len()
    );
    for p in posts.iter().filter(|p| !p.alternates.is_empty()) {
        eprintln!(
            "  {} <- {:?}",
            p.item.parsed.title,
            p.alternates.iter().map(|a| (&a.title, a.relation)).collect::<Vec<_>>()
        );
    }
    let expected_posts = 218 + 95 - labels.same.iter().map(|s| s.urls.len() - 1).sum::<usize>();
    assert_eq!(posts.len(), expected_posts, "atom/rss and feed/page copies merge, labelled groups fold");

    // Events.
    let (events, talks) = merge_events(&posts);
    let mut event_truth: HashMap<String, usize> = HashMap::new();
    for (i, e) in labels.event.iter().enumerate() {
        for p in &e.posts {
            event_truth.insert(key(p), i);
        }
    }
    let (mut pred_e, mut truth_e) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashSet::new();
    for (ei, e) in events.iter().enumerate() {
        for s in &e.sources {
            let k = key(s);
            if seen.insert(k.clone()) {
                pred_e.push(ei);
                truth_e.push(event_truth.get(&k).copied().unwrap_or(10_000 + truth_e.len()));
            }
        }
    }
    let (ep, er, etp, epp, etall) = pairwise(&pred_e, &truth_e);
    eprintln!(
        "events: {} posts with events -> {} events; pairwise precision {ep:.3}, recall {er:.3} ({etp}/{epp} predicted, {etp}/{etall} true)",
        pred_e.len(),
        events.len()
    );

    let gz = events
        .iter()
        .find(|e| e.date.to_string() == "2015-10-31" && e.city.as_deref() == Some("Guangzhou"))
        .expect("GZ Docker salon");
    eprintln!("{}", serde_json::to_string_pretty(gz).unwrap());
    assert_eq!(gz.sources.len(), 4);
    assert!(gz.venue.as_deref().is_some_and(|v| v.contains("全球通大厦")), "venue from the registration post");
    let ios = events.iter().find(|e| e.date.to_string() == "2015-06-06").expect("iOS salon");
    eprintln!("iOS salon history: {:?}", ios.history);
    let gz_talks: Vec<_> = talks.iter().filter(|t| t.event_id.as_deref() == Some(gz.id.as_str())).collect();
    for t in &gz_talks {
        eprintln!(
            "  talk {} {:?} slides={:?} sources={}",
            t.title,
            t.speakers,
            t.slides.as_ref().map(Url::as_str),
            t.sources.len()
        );
    }
    assert_eq!(gz_talks.len(), 5, "announcement and recap list the same five talks");
    // Every talk has the recap's slides; those the announcement lists too (extraction finds 4
    // or 5 of them there) carry both links.
    assert!(gz_talks.iter().all(|t| t.slides.is_some()));
    assert!(gz_talks.iter().filter(|t| t.sources.len() == 2).count() >= 4);
    // A talk on Coding's container practice at the Shenzhen salon stays apart from 叶雨飞's.
    for t in talks.iter().filter(|t| t.title.contains("Coding")) {
        assert!(t.event_id.as_deref() != Some(gz.id.as_str()) || t.speakers.iter().all(|s| s != "吴柯"), "{t:?}");
    }
    assert_eq!(
        dedup::fingerprint(gz, &talks),
        dedup::fingerprint(&merge_events(&posts).0.into_iter().find(|e| e.id == gz.id).unwrap(), &talks)
    );

    assert!(ip >= 0.95 && ir >= 0.9, "item-level precision {ip:.3} / recall {ir:.3}");
    assert!(ep >= 0.95 && er >= 0.9, "event-level precision {ep:.3} / recall {er:.3}");
}
