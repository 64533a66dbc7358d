//! Helpers shared by the integration tests: a scripted HTTP server, a static-file server for
//! the fixture sites, and the fixture proxy as a guarded child process.
//!
//! Each test binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code, unused_imports)]

pub mod fault;
mod files;
pub mod fixture_proxy;
pub mod issue;
pub mod libretranslate;
pub mod run;
pub mod server;
pub mod smtp_sink;

pub use fixture_proxy::FixtureProxy;
pub use server::{Recorded, Reply, TestServer};

/// `../shared/fixtures/sites/<site>` (e.g. "docker.cn", "techparty.org"), relative to the crate.
pub fn fixture_site(site: &str) -> std::path::PathBuf {
    fixture_proxy::shared_dir().join("fixtures/sites").join(site)
}
