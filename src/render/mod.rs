//! Stage: render (being built).
