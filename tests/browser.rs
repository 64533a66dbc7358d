//! The web edition as a browser lays it out: headless Chromium screenshots `index.html` at
//! 600 px and 375 px (the PNGs must not be blank) and reports, from a test copy of the page
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
        let probe = page.with_file_name(format!("probe-{file}"));
        let script = "<script>var d=document.documentElement;document.body.insertAdjacentHTML('beforeend',\
                      '<p id=\"pr'+'obe\">scroll='+d.scrollWidth+' inner='+window.innerWidth+'</p>');</script></body>";
        std::fs::write(&probe, html.replace("</body>", script)).unwrap();
        for width in [600, 375] {
            let png = shots.join(format!("{file}-{width}.png"));
            let size = format!("--window-size={width},2000");
            run(&browser, &dir.path().join("profile"), &[size.clone(), format!("--screenshot={}", png.display()), page.display().to_string()]);
            let ink = ink(&png);
            assert!(ink > 0.03, "{file} at {width}px looks blank ({:.1}% ink): {}", ink * 100.0, png.display());
            let out = run(&browser, &dir.path().join("profile"), &[size, "--dump-dom".into(), probe.display().to_string()]);
            let dom = String::from_utf8_lossy(&out.stdout);
            let line = dom.split("<p id=\"probe\">").nth(1).and_then(|r| r.split('<').next()).unwrap_or_else(|| panic!("no probe in {dom}"));
            let nums: Vec<u32> = line.split(' ').filter_map(|kv| kv.split('=').nth(1)?.parse().ok()).collect();
            assert_eq!(nums.len(), 2, "{line}");
            assert!(nums[0] <= nums[1], "{file} overflows horizontally at {width}px: {line}");
            eprintln!("{file} at {width}px: {line}, {:.1}% ink, {}", ink * 100.0, png.display());
        }
    }
}
