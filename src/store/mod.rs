//! Stage: store (being built).
