//! Integration tests: the real `git-cadence` binary on fixture repositories built by the
//! scripts in `fixtures/`.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod action;
mod check;
mod common;
mod docs;
mod fleet;
mod hook;
mod hook_run;
mod hostile;
mod html;
mod monorepo;
mod pr;
mod releases;
mod repository;
mod reverts;
mod snapshots_report;
mod streams;
