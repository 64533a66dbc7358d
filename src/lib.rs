//! digest: turns what communities publish (RSS, Atom, JSON Feed, HTML pages) into a bilingual
//! weekly newsletter, a merged feed and a calendar.
//!
//! The pipeline is the architecture; each stage is one module that owns its types, and data
//! flows one way through plain structs:
//!
//! `config` → `fetch` → `parse` → `extract` → `dedup` → `store` → `render` → `deliver`
//!
//! [`pipeline`] wires the stages together for the `digest` binary; [`week`] is the ISO-week
//! arithmetic that `build --week` and the store share.

pub mod config;
pub mod dedup;
pub mod deliver;
pub mod extract;
pub mod fetch;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod store;
#[cfg(test)]
mod test_docs;
pub mod translate;
pub mod week;
