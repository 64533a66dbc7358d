//! Headless Chromium for the tests that look at pages as a browser does.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The installed Chromium (or Chrome) on `PATH`, if any.
pub fn find() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
    })
}

/// The browser, or `None` with a notice where it is missing; under `CI=true` a missing browser
/// fails the test (`.ci/run` installs it there).
pub fn find_or_skip(test: &str) -> Option<PathBuf> {
    let found = find();
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed: .ci/run must install Debian's `chromium` for {test}");
        }
        eprintln!("NOTICE: chromium not installed; skipping {test} (CI runs it)");
    }
    found
}

/// The DOM of `url` after load, as headless Chromium serializes it.
pub fn dump_dom(browser: &Path, profile: &Path, url: &str) -> String {
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-proxy-server"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
