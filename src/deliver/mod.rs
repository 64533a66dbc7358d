//! Stage: deliver (being built).
