//! OPML, the subscription list every feed reader imports and exports: read one into new
//! `[[source]]` entries, and write the configured sources as one. Parsing and writing are the
//! `opml` crate's; this module maps outlines to sources and back.

use std::collections::HashSet;

use super::{Config, SourceKind};

/// A problem with an OPML document.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    /// Not OPML 1.0/1.1/2.0, not well-formed, or without outlines.
    #[error("not a usable OPML file: {0}")]
    Parse(#[from] opml::Error),
}

/// One feed listed in an OPML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The outline's `title`, else its `text`.
    pub title: String,
    /// The feed address (`xmlUrl`).
    pub url: String,
    /// The site's address (`htmlUrl`), when given.
    pub site: Option<String>,
}

/// Every feed of an OPML document in document order, folders flattened; outlines without an
/// `xmlUrl` (folders, notes) are skipped, and a feed listed twice is kept once.
pub fn read_feeds(xml: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let doc = opml::OPML::from_str(xml)?;
    let mut feeds = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<&opml::Outline> = doc.body.outlines.iter().rev().collect();
    while let Some(outline) = stack.pop() {
        stack.extend(outline.outlines.iter().rev());
        let Some(url) = outline.xml_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            continue;
        };
        if !seen.insert(url.to_string()) {
            continue;
        }
        let title = outline.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&outline.text);
        feeds.push(OpmlFeed {
            title: title.trim().to_string(),
            url: url.to_string(),
            site: outline.html_url.clone().filter(|u| !u.trim().is_empty()),
        });
    }
    Ok(feeds)
}

/// The configured sources as an OPML 2.0 document titled after the newsletter. HTML sources
/// have no feed, so they are listed as `htmlUrl` only (a reader skips them, an import here too).
pub fn write_feeds(config: &Config) -> Result<String, OpmlError> {
    let mut doc = opml::OPML {
        head: Some(opml::Head {
            title: Some(format!("{} / {}", config.title_zh, config.title_en)),
            ..Default::default()
        }),
        ..Default::default()
    };
    for source in &config.sources {
        let url = source.url.to_string();
        let feed = source.kind != SourceKind::Html;
        doc.body.outlines.push(opml::Outline {
            text: source.name.clone(),
            title: Some(source.name.clone()),
            r#type: feed.then(|| "rss".to_string()),
            xml_url: feed.then(|| url.clone()),
            html_url: (!feed).then_some(url),
            language: source.lang.clone(),
            ..Default::default()
        });
    }
    Ok(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", doc.to_string()?))
}

/// What [`append_sources`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The config text with the new `[[source]]` entries at its end.
    pub text: String,
    /// The names given to the added sources, in order.
    pub added: Vec<String>,
    /// Feeds left out because a source already has their URL.
    pub skipped: Vec<OpmlFeed>,
    /// Feeds left out because their URL is not an `http`, `https` or `file` URL.
    pub rejected: Vec<OpmlFeed>,
}

/// Appends a `[[source]]` entry (`kind = "auto"`) to `text` for each feed with a usable URL
/// that no configured source has. Names are the feed titles made into lowercase words joined by `-`,
/// made unique with a number; the text before is kept byte for byte, comments included.
pub fn append_sources(text: &str, config: &Config, feeds: &[OpmlFeed]) -> Appended {
    let mut names: HashSet<String> = config.sources.iter().map(|s| s.name.clone()).collect();
    let mut urls: HashSet<String> = config.sources.iter().map(|s| s.url.to_string()).collect();
    let mut out = text.to_string();
    let (mut added, mut skipped, mut rejected) = (Vec::new(), Vec::new(), Vec::new());
    for feed in feeds {
        let Some(parsed) = url::Url::parse(&feed.url).ok().filter(|u| ["http", "https", "file"].contains(&u.scheme()))
        else {
            rejected.push(feed.clone());
            continue;
        };
        if !urls.insert(parsed.to_string()) {
            skipped.push(feed.clone());
            continue;
        }
        let base = slug(&feed.title).unwrap_or_else(|| {
            url::Url::parse(&feed.url)
                .ok()
                .and_then(|u| u.host_str().and_then(slug))
                .unwrap_or_else(|| "feed".to_string())
        });
        let name = (1..)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
            .find(|n| !names.contains(n))
            .unwrap_or(base);
        names.insert(name.clone());
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("\n# imported from OPML: {}\n", feed.title.replace('\n', " ")));
        out.push_str(&format!("[[source]]\nname = {}\nurl = {}\n", quote(&name), quote(&feed.url)));
        added.push(name);
    }
    Appended { text: out, added, skipped, rejected }
}

/// A TOML basic string (toml's own quoting, so any character round-trips).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Lowercase letters and digits (any script) of `title` joined by `-`; `None` when it has none.
fn slug(title: &str) -> Option<String> {
    let words: Vec<String> =
        title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    (!words.is_empty()).then(|| words.join("-"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const READER_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a feed reader -->
<opml version="1.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Communities" title="Communities">
      <outline type="rss" text="Techparty" title="Techparty 广州" xmlUrl="http://www.techparty.org/atom.xml" htmlUrl="http://www.techparty.org/"/>
      <outline type="rss" text="Docker 中文" xmlUrl="http://docker.cn/feed.xml"/>
    </outline>
    <outline type="rss" text="Docker again" xmlUrl="http://docker.cn/feed.xml"/>
    <outline text="a note without a feed"/>
    <outline type="rss" text="???" xmlUrl="https://blog.example.org/rss?x=1&amp;y=2"/>
    <outline type="rss" text="Bad" xmlUrl="feed://no.example.org/"/>
  </body>
</opml>"#;

    #[test]
    fn feeds_are_read_from_folders_in_order_once() {
        let feeds = read_feeds(READER_EXPORT).unwrap();
        let got: Vec<(&str, &str)> = feeds.iter().map(|f| (f.title.as_str(), f.url.as_str())).collect();
        assert_eq!(
            got,
            [
                ("Techparty 广州", "http://www.techparty.org/atom.xml"),
                ("Docker 中文", "http://docker.cn/feed.xml"),
                ("???", "https://blog.example.org/rss?x=1&y=2"),
                ("Bad", "feed://no.example.org/"),
            ]
        );
        assert_eq!(feeds[0].site.as_deref(), Some("http://www.techparty.org/"));
    }

    #[test]
    fn broken_opml_is_an_error() {
        assert!(read_feeds("<html><body>not opml</body></html>").is_err());
        assert!(read_feeds(r#"<opml version="2.0"><head/><body><outline text="x""#).is_err());
        assert!(read_feeds(r#"<opml version="9.9"><head/><body><outline text="x"/></body></opml>"#).is_err());
    }

    #[test]
    fn appended_sources_parse_keep_the_text_and_skip_known_urls() {
        let text = "# my digest\ntitle_en = \"Weekly\"\n\n[[source]]\nname = \"techparty\"\nurl = \"http://www.techparty.org/atom.xml\"\n";
        let path = Path::new("feeds.toml");
        let config = Config::from_str(text, path).unwrap();
        let done = append_sources(text, &config, &read_feeds(READER_EXPORT).unwrap());
        assert!(done.text.starts_with(text));
        assert_eq!(done.added, ["docker-中文", "blog-example-org"]);
        assert_eq!(done.skipped.len(), 1);
        assert_eq!(done.rejected[0].url, "feed://no.example.org/");
        let merged = Config::from_str(&done.text, path).unwrap();
        let urls: Vec<String> = merged.sources.iter().map(|s| s.url.to_string()).collect();
        assert_eq!(urls[1..], ["http://docker.cn/feed.xml", "https://blog.example.org/rss?x=1&y=2"]);
        // Importing again adds nothing.
        let again = append_sources(&done.text, &merged, &read_feeds(READER_EXPORT).unwrap());
        assert!(again.added.is_empty() && again.text == done.text);
    }

    #[test]
    fn written_opml_reads_back_with_every_feed_source() {
        let text = "title_en = \"Weekly\"\n[[source]]\nname = \"a\"\nurl = \"http://a.test/feed.xml\"\nlang = \"en\"\n\
                    [[source]]\nname = \"b\"\nurl = \"http://b.test/\"\nkind = \"html\"\n[source.selectors]\nitems = \"a\"\n";
        let config = Config::from_str(text, Path::new("feeds.toml")).unwrap();
        let xml = write_feeds(&config).unwrap();
        assert!(xml.starts_with("<?xml"), "{xml}");
        let feeds = read_feeds(&xml).unwrap();
        assert_eq!(feeds, [OpmlFeed { title: "a".into(), url: "http://a.test/feed.xml".into(), site: None }]);
        assert!(xml.contains("htmlUrl=\"http://b.test/\""), "{xml}");
    }
}
