//! `output/index.html`: every built week, newest first, in both languages.

use std::collections::BTreeMap;

use serde::Serialize;

use super::i18n::{Catalog, Edition, Text};
use crate::config::Config;
use crate::week::Week;

/// What the archive template sees.
#[derive(Debug, Serialize)]
pub struct ArchiveView {
    /// The newsletter title, both languages.
    pub title: Text,
    /// Labels (`labels.archive_title.text`, …).
    pub labels: BTreeMap<String, Text>,
    /// The built weeks, newest first.
    pub weeks: Vec<ArchiveWeek>,
}

/// One built week.
#[derive(Debug, Serialize)]
pub struct ArchiveWeek {
    /// `2015-W44`.
    pub week: String,
    /// The days of the week, both languages.
    pub range: Text,
    /// `2015-W44/index.html` (bilingual edition).
    pub url: String,
    /// The Chinese edition.
    pub url_zh: String,
    /// The English edition.
    pub url_en: String,
}

/// The archive of `weeks` (any order; shown newest first, each once).
pub fn archive(config: &Config, catalog: &Catalog, weeks: &[Week]) -> ArchiveView {
    let mut weeks: Vec<Week> = weeks.to_vec();
    weeks.sort_by_key(|w| std::cmp::Reverse(w.first_day()));
    weeks.dedup();
    ArchiveView {
        title: Text::new(config.title_zh.clone(), config.title_en.clone(), Edition::Both),
        labels: catalog.labels(Edition::Both),
        weeks: weeks
            .into_iter()
            .map(|w| ArchiveWeek {
                week: w.to_string(),
                range: catalog.week_range(Edition::Both, w.first_day(), w.last_day()),
                url: format!("{w}/index.html"),
                url_zh: format!("{w}/index.zh.html"),
                url_en: format!("{w}/index.en.html"),
            })
            .collect(),
    }
}
