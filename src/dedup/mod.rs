//! Stage: dedup (being built).
