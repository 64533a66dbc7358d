//! The store remembers what each issue featured: an upcoming event shown last week is not
//! repeated this week unless its details changed, and then it is marked as updated.

mod common;

use common::issue::{config_text, posts};
use digest::config::Config;
use digest::store::Store;

#[test]
fn an_event_is_featured_once_and_again_only_when_it_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.toml");
    std::fs::write(&path, config_text(dir.path(), None)).unwrap();
    let config = Config::load(&path).unwrap();
    let mut store = Store::open(&config.database_path()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2015-11-02T07:00:00+08:00").unwrap().to_utc();
    store.save_run(&[], &posts(), now).unwrap();
    let read = |week: &str| std::fs::read_to_string(config.output_dir.join(week).join("newsletter.en.txt")).unwrap();

    // W44 announces the Shenzhen salon of 21 November (in its four weeks ahead).
    digest::pipeline::build_week(&config, &mut store, "2015-W44".parse().unwrap(), None).unwrap();
    assert!(read("2015-W44").contains("Techparty 深圳 11 月 21 日沙龙"));
    // W45 looks ahead too, but already featured it unchanged: left out.
    digest::pipeline::build_week(&config, &mut store, "2015-W45".parse().unwrap(), None).unwrap();
    let w45 = read("2015-W45");
    assert!(!w45.contains("Techparty 深圳 11 月 21 日沙龙"), "{w45}");
    // Rebuilding W44 gives the same issue (it only compares with earlier weeks).
    let before = read("2015-W44");
    digest::pipeline::build_week(&config, &mut store, "2015-W44".parse().unwrap(), None).unwrap();
    assert_eq!(read("2015-W44"), before);

    // The venue is announced: the event comes back in W45, marked as updated.
    let mut changed = posts().into_iter().find(|p| p.id == "00000000000000a3").unwrap();
    changed.item.events[0].venue = Some("深圳湾科技生态园".into());
    store.save_run(&[], &[changed], now).unwrap();
    digest::pipeline::build_week(&config, &mut store, "2015-W45".parse().unwrap(), None).unwrap();
    let w45 = read("2015-W45");
    assert!(w45.contains("[Updated] Techparty 深圳 11 月 21 日沙龙"), "{w45}");
    assert!(w45.contains("深圳湾科技生态园"));
}
