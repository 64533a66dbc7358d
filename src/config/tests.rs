use super::*;

fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_str(text, Path::new("/etc/digest/feeds.toml"))
}

#[test]
fn three_line_config_gets_defaults() {
    let c = load("[[source]]\nname = \"tp\"\nurl = \"http://www.techparty.org/atom.xml\"\n").unwrap();
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.sources[0].kind, SourceKind::Auto);
    assert_eq!(c.timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(c.sources[0].timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(c.fetch, FetchSettings::default());
    assert_eq!(c.output_dir, Path::new("/etc/digest/output"));
    assert_eq!(c.database_path(), Path::new("/etc/digest/state/digest.sqlite"));
}

#[test]
fn unknown_key_names_line_and_key() {
    let err = load("title_zh = \"x\"\n[[source]]\nname = \"a\"\nurl = \"http://a/\"\nkinds = \"rss\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("/etc/digest/feeds.toml:5:"), "{err}");
    assert!(err.contains("kinds"), "{err}");
}

#[test]
fn bad_selector_names_line_and_key() {
    let text =
        "[[source]]\nname = \"d\"\nurl = \"http://docker.cn/\"\nkind = \"html\"\n[source.selectors]\nitems = \"a[[\"\n";
    let err = load(text).unwrap_err().to_string();
    assert!(err.starts_with("/etc/digest/feeds.toml:6:"), "{err}");
    assert!(err.contains("selectors.items"), "{err}");
}

#[test]
fn html_kind_requires_selectors() {
    let err = load("[[source]]\nname = \"d\"\nurl = \"http://docker.cn/\"\nkind = \"html\"\n").unwrap_err();
    assert!(err.to_string().contains("selectors"), "{err}");
}

#[test]
fn relative_file_urls_resolve_against_config_folder() {
    let c = load("[[source]]\nname = \"s\"\nurl = \"snapshot/feed.xml\"\n[[source]]\nname = \"t\"\nurl = \"file://snap/a.xml\"\n").unwrap();
    assert_eq!(c.sources[0].url.as_str(), "file:///etc/digest/snapshot/feed.xml");
    assert_eq!(c.sources[1].url.as_str(), "file:///etc/digest/snap/a.xml");
}

#[test]
fn bad_timezone_and_duplicate_names_are_errors() {
    let err = load("timezone = \"Mars/Base\"\n").unwrap_err().to_string();
    assert!(err.contains(":1:") && err.contains("Mars/Base"), "{err}");
    let err = load("[[source]]\nname = \"a\"\nurl = \"http://a/\"\n[[source]]\nname = \"a\"\nurl = \"http://b/\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("used by two sources"), "{err}");
}

#[test]
fn unsupported_scheme_is_an_error() {
    let err = load("[[source]]\nname = \"a\"\nurl = \"ftp://a/feed\"\n").unwrap_err().to_string();
    assert!(err.contains("ftp") && err.contains(":3:"), "{err}");
}

#[test]
fn dedup_table_is_read() {
    let c = load("[dedup]\ntracking_params = [\"ref_src\", \"mc_*\"]\ntranslations = false\n").unwrap();
    assert_eq!(c.dedup.tracking_params, vec!["ref_src", "mc_*"]);
    assert!(c.dedup.near_duplicates && !c.dedup.translations);
    assert!(load("[dedup]\nnear = true\n").unwrap_err().to_string().contains("near"));
}

#[test]
fn shipped_configs_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let real = Config::load(&root.join("feeds.toml")).unwrap();
    assert_eq!(real.sources.len(), 4);
    assert!(real.source("docker-cn-blog").unwrap().selectors.is_some());
    let offline = Config::load(&root.join("examples/offline.toml")).unwrap();
    assert!(offline.sources.iter().all(|s| s.url.scheme() == "file"));
}

#[test]
fn email_and_translate_tables() {
    let c =
        load("site_url = \"https://weekly.example.org/\"\n[[source]]\nname = \"a\"\nurl = \"http://a/\"\n").unwrap();
    assert_eq!(c.email.from, "digest <newsletter@weekly.example.org>");
    assert_eq!(c.email.security, SmtpSecurity::Starttls);
    assert_eq!(c.email.port, 587);
    assert_eq!(c.upcoming_weeks, 4);
    assert!(c.translate.is_none());
    let text = "upcoming_weeks = 6\n[email]\nfrom = \"周报 <w@example.org>\"\nsecurity = \"none\"\nrate = 5.0\nsubscribers = \"list.toml\"\n\
                [translate]\nurl = \"http://127.0.0.1:5000/\"\napi_key_env = \"LT_KEY\"\n";
    let c = load(text).unwrap();
    assert_eq!((c.upcoming_weeks, c.email.port, c.email.rate), (6, 25, 5.0));
    assert_eq!(c.email.subscribers, Path::new("/etc/digest/list.toml"));
    assert_eq!(c.translate.unwrap().api_key_env.as_deref(), Some("LT_KEY"));
    let err = load("[email]\nrate = 0.0\n").unwrap_err().to_string();
    assert!(err.starts_with("/etc/digest/feeds.toml:2:") && err.contains("email.rate"), "{err}");
    let err = load("[translate]\nurl = \"ftp://x/\"\n").unwrap_err().to_string();
    assert!(err.contains("translate.url"), "{err}");
}
