//! Orchestration (being built).
