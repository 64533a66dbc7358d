//! Helpers shared by the integration tests: a scripted HTTP server, a static-file server for
//! the fixture sites, and the fixture proxy as a guarded child process.
//!
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code, unused_imports)]

mod files;
pub mod proxy;
pub mod server;

pub use proxy::FixtureProxy;
pub use server::{Recorded, Reply, TestServer};

/// `../shared/fixtures/sites/<site>` (e.g. "docker.cn", "techparty.org"), relative to the crate.
pub fn fixture_site(site: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/sites")
        .join(site)
}
