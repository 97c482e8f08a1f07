//! Pure analysis: facts and a `now` in, the report model out. No I/O, no clock, no git2.

pub mod releases;
pub mod stats;
