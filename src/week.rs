//! ISO weeks (being built).
