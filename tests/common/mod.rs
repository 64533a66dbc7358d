//! Helpers shared by the integration tests: a scripted HTTP server, a static-file server for
//! the fixture sites, and the fixture proxy as a guarded child process.
//!
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code, unused_imports)]

pub mod chromium;
pub mod fault;
mod files;
pub mod fixture_proxy;
pub mod issue;
pub mod libretranslate;
pub mod readme;
pub mod run;
pub mod server;
pub mod smtp_sink;

pub use fixture_proxy::FixtureProxy;
pub use server::{Recorded, Reply, TestServer};

/// `../shared/fixtures/sites/<site>` (e.g. "docker.cn", "techparty.org"), relative to the crate.
pub fn fixture_site(site: &str) -> std::path::PathBuf {
    fixture_proxy::shared_dir().join("fixtures/sites").join(site)
}

/// A copy of the bundled offline example (`examples/`: config and snapshot, `file://` sources
/// only) in `dir`; returns the copied `offline.toml`.
pub fn offline_example(dir: &std::path::Path) -> std::path::PathBuf {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"), &dir.join("examples"));
    dir.join("examples/offline.toml")
}

/// Every file below `dir` (recursively), sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let (mut files, mut dirs) = (Vec::new(), vec![dir.to_path_buf()]);
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() { dirs.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    files
}
