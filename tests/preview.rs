//! `digest preview` as an organizer uses it: the real binary serves the built week on
//! 127.0.0.1, headless Chromium loads it, and editing a template or the config rebuilds what
//! the browser gets; a broken edit is reported while the last good page stays served.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::chromium;
use common::issue::{self, WEEK};

/// The running preview, stopped by its PID when dropped.
struct Preview {
    child: Child,
    lines: Receiver<String>,
    errors: Receiver<String>,
}

impl Preview {
    fn start(dir: &Path) -> (Preview, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_digest"))
            .args(["preview", "--week", WEEK, "--templates", "tpl", "--port", "0"])
            .current_dir(dir)
            .env_remove("RUST_LOG")
            .env_remove("DIGEST_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = forward(child.stdout.take().unwrap());
        let errors = forward(child.stderr.take().unwrap());
        let mut preview = Preview { child, lines, errors };
        let first = preview.next_line();
        let url = first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect(&first).to_string();
        (preview, url)
    }

    /// The next stdout line; fails after 60 s (a rebuild takes well under a second).
    fn next_line(&mut self) -> String {
        self.lines.recv_timeout(Duration::from_secs(60)).expect("digest preview printed nothing")
    }

    fn next_error(&mut self) -> String {
        self.errors.recv_timeout(Duration::from_secs(60)).expect("digest preview reported nothing on stderr")
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn forward(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Replaces `path` the way editors save: a new file renamed over the old one.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp-save");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn get(url: &str) -> (u16, String, String) {
    let client = reqwest::blocking::Client::builder().no_proxy().build().unwrap();
    let r = client.get(url).send().unwrap();
    let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status().as_u16(), kind, r.text().unwrap())
}

#[test]
fn preview_serves_the_week_and_rebuilds_on_template_and_config_changes() {
    let dir = tempfile::tempdir().unwrap();
    issue::build(dir.path(), None);
    let tpl = dir.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/newsletter.html.hbs")).unwrap();
    std::fs::write(tpl.join("newsletter.html.hbs"), &builtin).unwrap();

    let (mut preview, url) = Preview::start(dir.path());
    assert!(url.ends_with(&format!("/{WEEK}/index.html")), "{url}");
    let root = url.trim_end_matches(&format!("{WEEK}/index.html")).to_string();
    let (status, kind, body) = get(&url);
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(body.contains("Pearl River Delta Tech Weekly"), "{body}");
    assert_eq!(get(&format!("{root}{WEEK}/")).2, body, "a folder serves its index.html");
    assert_eq!(get(&format!("{root}feed.atom")).1, "application/atom+xml");
    assert_eq!(get(&format!("{root}nope.html")).0, 404);
    assert_eq!(get(&format!("{root}{WEEK}/%2E%2E/%2E%2E/feeds.toml")).0, 404, "nothing outside output/");

    let browser = chromium::find_or_skip("the preview browser test");
    let profile = dir.path().join("profile");
    if let Some(b) = &browser {
        let dom = chromium::dump_dom(b, &profile, &url);
        assert!(dom.contains("Pearl River Delta Tech Weekly") && !dom.contains("edited-in-preview"), "{dom}");
    }

    // A template edit is rebuilt and served.
    let edited = builtin.replacen("<body>", "<body><p id=\"marker\">edited-in-preview</p>", 1);
    assert_ne!(edited, builtin);
    save(&tpl.join("newsletter.html.hbs"), &edited);
    assert_eq!(preview.next_line(), format!("rebuilt {WEEK}"));
    assert!(get(&url).2.contains("edited-in-preview"));
    if let Some(b) = &browser {
        let dom = chromium::dump_dom(b, &profile, &url);
        assert!(dom.contains("id=\"marker\"") && dom.contains(">edited-in-preview</p>"), "{dom}");
    }

    // A config edit too.
    let config = dir.path().join("feeds.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    save(&config, &text.replace("Pearl River Delta Tech Weekly", "Delta Weekly Preview"));
    assert_eq!(preview.next_line(), format!("rebuilt {WEEK}"));
    if let Some(b) = &browser {
        let dom = chromium::dump_dom(b, &profile, &url);
        assert!(dom.contains("Delta Weekly Preview") && dom.contains("edited-in-preview"), "{dom}");
    }

    // A broken template is reported; the last good page is still served.
    save(&tpl.join("newsletter.html.hbs"), "{{#each sections}}oops");
    let error = preview.next_error();
    assert!(error.contains("newsletter.html.hbs"), "{error}");
    let (status, _, body) = get(&url);
    assert_eq!(status, 200);
    assert!(body.contains("edited-in-preview") && body.contains("Delta Weekly Preview"));
}
