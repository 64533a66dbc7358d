//! The web edition as a browser lays it out: headless Chromium screenshots `index.html` at
//! 600 px and 375 px (the PNGs must not be blank) and reports, from a test page that frames it
//! with a small probe script, whether anything overflows horizontally. CI installs Debian's
//! `chromium` and sets CI=true, where a missing browser fails the test; elsewhere it is skipped
//! with a notice. Screenshots are kept in `$CARGO_TARGET_TMPDIR/browser/` for a look.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::issue::{self, WEEK};

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
    })
}

fn run(browser: &Path, profile: &Path, args: &[String]) -> std::process::Output {
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-color-profile=srgb"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Share of pixels that differ from the top-left (background) pixel.
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(step).collect();
    let bg = &pixels[0][..3];
    let differ = pixels.iter().filter(|p| p[..3] != *bg).count();
    differ as f64 / pixels.len() as f64
}

#[test]
fn newsletter_is_laid_out_at_600_and_375_px() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed: .ci/run must install Debian's `chromium` for this test");
        }
        eprintln!("NOTICE: chromium not installed; skipping the browser layout test (CI runs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = issue::build(dir.path(), None);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    for file in ["index.html", "index.en.html"] {
        let page = issue::output(&config, &format!("{WEEK}/{file}"));
        let html = std::fs::read_to_string(&page).unwrap();
        for width in [600, 375] {
            // Headless windows are at least 500 px wide, so the page is laid out in an iframe
            // of exactly `width` px (its own viewport: media queries apply); the probe reads the
            // frame's scroll width after load.
            let wrapper = page.with_file_name(format!("probe-{width}-{file}"));
            std::fs::write(&wrapper, frame(&html, width)).unwrap();
            let png = shots.join(format!("{file}-{width}.png"));
            let size = format!("--window-size={},2000", width.max(500));
            let profile = dir.path().join("profile");
            run(
                &browser,
                &profile,
                &[size.clone(), format!("--screenshot={}", png.display()), wrapper.display().to_string()],
            );
            let ink = ink(&png);
            assert!(ink > 0.03, "{file} at {width}px looks blank ({:.1}% ink): {}", ink * 100.0, png.display());
            let out = run(&browser, &profile, &[size, "--dump-dom".into(), wrapper.display().to_string()]);
            let dom = String::from_utf8_lossy(&out.stdout);
            let line = dom
                .split("<p id=\"probe\">")
                .nth(1)
                .and_then(|r| r.split('<').next())
                .unwrap_or_else(|| panic!("no probe in {dom}"));
            let nums: Vec<u32> = line.split(' ').filter_map(|kv| kv.split('=').nth(1)?.parse().ok()).collect();
            assert_eq!(nums.len(), 2, "{line}");
            assert_eq!(nums[1], width, "the frame is {width} px wide: {line}");
            assert!(nums[0] <= nums[1], "{file} overflows horizontally at {width}px: {line}");
            eprintln!("{file} at {width}px: {line}, {:.1}% ink, {}", ink * 100.0, png.display());
        }
    }
}

/// A page showing `html` in a `width`-px iframe, with a probe that writes the frame's
/// `scrollWidth` and `innerWidth` into the DOM once everything has loaded.
fn frame(html: &str, width: u32) -> String {
    let escaped = html.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<!DOCTYPE html><html><body style=\"margin:0;background:#f4f5f7\">\
         <iframe id=\"f\" style=\"border:0;display:block\" width=\"{width}\" height=\"2000\" srcdoc=\"{escaped}\"></iframe>\
         <script>window.onload=function(){{var w=document.getElementById('f').contentWindow;\
         var d=w.document.documentElement;document.body.insertAdjacentHTML('beforeend',\
         '<p id=\"pr'+'obe\">scroll='+d.scrollWidth+' inner='+w.innerWidth+'</p>');}};</script></body></html>"
    )
}
