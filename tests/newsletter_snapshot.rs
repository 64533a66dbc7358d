//! Snapshots of the rendered newsletter, built by the library from the bundled offline
//! example (file:// sources), so any change to what readers see shows up in review.

use std::path::Path;

use digest::config::Config;
use digest::pipeline;
use digest::store::Store;
use digest::week::Week;

#[test]
fn newsletter_2015_w44_from_the_offline_example() {
    let mut config = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/offline.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    config.output_dir = dir.path().join("output");
    config.state_dir = dir.path().join("state");
    let mut store = Store::open(&config.database_path()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2015-11-02T08:00:00+08:00").unwrap().to_utc();
    let summary =
        rt.block_on(pipeline::fetch_sources(&config, &mut store, &indicatif::ProgressBar::hidden(), now)).unwrap();
    assert_eq!(summary.failed(), 0, "{summary:?}");
    let week: Week = "2015-W44".parse().unwrap();
    let report = pipeline::build_week(&config, &mut store, week, None).unwrap();
    assert_eq!(report.posts, 4);
    let read = |f: &str| std::fs::read_to_string(config.output_dir.join(f)).unwrap();
    insta::assert_snapshot!("newsletter_2015_w44_txt", read("2015-W44/newsletter.txt"));
    insta::assert_snapshot!("newsletter_2015_w44_html", read("2015-W44/index.html"));
}
