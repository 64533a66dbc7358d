//! Titles in the other language, shown beneath the original: from a twin post in the other
//! language about the same event, from the optional LibreTranslate-compatible provider
//! (`[translate]`, results cached in the state database), or from the glossary. Never
//! required: a failure only leaves the original title.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::config::TranslateSettings;
use crate::dedup::Post;
use crate::extract::Lang;
use crate::render::glossary::{Glossary, title_lang};
use crate::render::{AltTitles, Catalog};
use crate::store::Store;

/// A provider request that failed.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// The HTTP request failed or the server answered an error.
    #[error("translation provider: {0}")]
    Http(String),
    /// The answer was not the expected JSON.
    #[error("translation provider: unexpected answer: {0}")]
    Answer(String),
}

/// A LibreTranslate-compatible client (`POST {url}/translate`).
pub struct Translator {
    client: reqwest::blocking::Client,
    endpoint: url::Url,
    key: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "translatedText")]
    translated_text: String,
}

impl Translator {
    /// A client for `settings`; the API key is read from the named environment variable.
    pub fn new(settings: &TranslateSettings) -> Result<Translator, TranslateError> {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs))
            .user_agent(crate::config::DEFAULT_USER_AGENT)
            .build()
            .map_err(|e| TranslateError::Http(e.to_string()))?;
        let mut base = settings.url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let endpoint = base.join("translate").map_err(|e| TranslateError::Http(e.to_string()))?;
        let key = settings.api_key_env.as_ref().and_then(|v| std::env::var(v).ok());
        Ok(Translator { client, endpoint, key })
    }

    /// `text` translated from `from` to `to`.
    pub fn translate(&self, text: &str, from: Lang, to: Lang) -> Result<String, TranslateError> {
        let mut body = serde_json::json!({ "q": text, "source": from.code(), "target": to.code(), "format": "text" });
        if let Some(key) = &self.key {
            body["api_key"] = serde_json::json!(key);
        }
        let response = self
            .client
            .post(self.endpoint.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .and_then(|r| r.error_for_status())
            .map_err(|e| TranslateError::Http(e.to_string()))?;
        let text = response.text().map_err(|e| TranslateError::Http(e.to_string()))?;
        let answer: Answer = serde_json::from_str(&text).map_err(|e| TranslateError::Answer(e.to_string()))?;
        let out = answer.translated_text.trim().to_string();
        if out.is_empty() {
            return Err(TranslateError::Answer("empty translation".into()));
        }
        Ok(out)
    }
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    }
}

/// Titles of `posts` (and of their events) in the other language, by original title. Twins
/// come first, then the provider's cache, then the provider (if configured; the first failure
/// turns it off for the rest of the run), then the glossary.
pub fn alt_titles(
    settings: Option<&TranslateSettings>,
    store: &Store,
    catalog: &Catalog,
    posts: &[&Post],
    now: DateTime<Utc>,
) -> AltTitles {
    let mut out = twins(posts);
    let glossary = Glossary::builtin(catalog);
    let mut provider = settings.and_then(|s| match Translator::new(s) {
        Ok(t) => Some(t),
        Err(e) => {
            tracing::warn!("{e}; titles stay untranslated");
            None
        }
    });
    let mut titles: Vec<(String, Lang)> = Vec::new();
    for post in posts {
        titles.push((post.item.parsed.title.clone(), post.item.lang));
        titles.extend(post.item.events.iter().map(|e| (e.title.clone(), post.item.lang)));
    }
    for (title, declared) in titles {
        if out.contains_key(&title) {
            continue;
        }
        let lang = title_lang(&title, declared);
        let (from, to) = (lang.code(), other(lang).code());
        let mut found = store.cached_translation(from, to, &title).ok().flatten();
        if let (None, Some(t)) = (&found, &provider) {
            match t.translate(&title, lang, other(lang)) {
                Ok(text) => {
                    if let Err(e) = store.save_translation((from, to), &title, &text, t.endpoint.as_str(), now) {
                        tracing::warn!("{e}");
                    }
                    found = Some(text);
                }
                Err(e) => {
                    tracing::warn!("{e}; the remaining titles stay untranslated");
                    provider = None;
                }
            }
        }
        if found.is_none() && lang == Lang::Zh {
            found = glossary.gloss(catalog, &title);
        }
        if let Some(text) = found.filter(|t| *t != title) {
            out.insert(title, text);
        }
    }
    out
}

/// Posts in different languages about the same event (day and city) translate each other.
fn twins(posts: &[&Post]) -> AltTitles {
    let mut out = AltTitles::new();
    // Only posts with an event in a city can be twins: pairing just those (in the same order)
    // finds the same twins without going over every pair of a week's thousands of posts.
    let posts: Vec<&Post> = posts.iter().copied().filter(|p| p.item.events.iter().any(|e| e.city.is_some())).collect();
    for a in &posts {
        for b in posts.iter().filter(|b| b.item.lang != a.item.lang) {
            let same = a
                .item
                .events
                .iter()
                .any(|x| b.item.events.iter().any(|y| x.date == y.date && x.city.is_some() && x.city == y.city));
            if same {
                out.entry(a.item.parsed.title.clone()).or_insert_with(|| b.item.parsed.title.clone());
            }
        }
    }
    out
}
