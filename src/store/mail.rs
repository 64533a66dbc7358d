//! The translation cache and the send log (schema migration 2).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

impl Store {
    /// A cached translation of `text` from `from` to `to` (language codes).
    pub fn cached_translation(&self, from: &str, to: &str, text: &str) -> Result<Option<String>, StoreError> {
        // Cached: a build asks once per title (parsing the SQL each time showed in profiles).
        self.conn
            .prepare_cached(
                "SELECT translated FROM translations WHERE source_lang = ?1 AND target_lang = ?2 AND text = ?3",
            )
            .and_then(|mut s| s.query_row(params![from, to, text], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Caches a translation (replacing an older one of the same text).
    pub fn save_translation(
        &self,
        (from, to): (&str, &str),
        text: &str,
        translated: &str,
        provider: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO translations (source_lang, target_lang, text, translated, provider, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![from, to, text, translated, provider, now.to_rfc3339()],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Whether week `week`'s newsletter went to `address` (compared case-insensitively).
    pub fn was_sent(&self, week: &str, address: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM sent WHERE week = ?1 AND address = ?2",
                params![week, address.to_lowercase()],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.err(e))
    }

    /// Records that `address` got week `week` (right after the server accepted it, so a
    /// crash mid-run resumes without sending twice).
    pub fn record_sent(
        &self,
        week: &str,
        address: &str,
        edition: &str,
        message_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO sent (week, address, edition, message_id, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![week, address.to_lowercase(), edition, message_id, now.to_rfc3339()],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Addresses week `week` went to, sorted.
    pub fn sent_to(&self, week: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT address FROM sent WHERE week = ?1 ORDER BY address").map_err(|e| self.err(e))?;
        stmt.query_map([week], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .map_err(|e| StoreError::Sqlite { path: self.path.clone(), source: e })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_and_send_log_round_trip() {
        let store = Store::in_memory().unwrap();
        let now = DateTime::parse_from_rfc3339("2015-11-02T00:00:00Z").unwrap().to_utc();
        assert_eq!(store.cached_translation("zh", "en", "沙龙").unwrap(), None);
        store.save_translation(("zh", "en"), "沙龙", "Salon", "test", now).unwrap();
        assert_eq!(store.cached_translation("zh", "en", "沙龙").unwrap().as_deref(), Some("Salon"));
        assert!(!store.was_sent("2015-W44", "a@example.org").unwrap());
        store.record_sent("2015-W44", "A@example.org", "zh", "<x@y>", now).unwrap();
        store.record_sent("2015-W44", "a@example.org", "zh", "<x@y>", now).unwrap();
        assert!(store.was_sent("2015-W44", "a@EXAMPLE.org").unwrap());
        assert!(!store.was_sent("2015-W45", "a@example.org").unwrap());
        assert_eq!(store.sent_to("2015-W44").unwrap(), vec!["a@example.org"]);
    }
}
