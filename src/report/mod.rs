//! Renders the report model to table, JSON, Markdown and CSV. Formats never compute numbers of
//! their own: whatever they show is in the model.

pub mod csv;
pub mod escape;
pub mod failures;
pub mod grid;
pub mod headline;
pub mod markdown;
pub mod model;
pub mod table;
pub mod text;

use std::io::{self, Write};

use crate::cli::Format;
use model::Report;

/// Which part of the report a command shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Everything.
    Report,
    /// The releases.
    Releases,
    /// The reverts and fixes.
    Reverts,
}

/// Writes `report` in `format`. `color` only affects tables.
pub fn render(
    report: &Report,
    view: View,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let style = table::Style { color };
    match (format, view) {
        (Format::Json, View::Report) => json(report, out),
        (Format::Json, View::Releases) => json(
            &serde_json::json!({
                "schema_version": report.schema_version,
                "repository": report.repository,
                "releases": report.releases,
            }),
            out,
        ),
        (Format::Json, View::Reverts) => json(
            &serde_json::json!({
                "schema_version": report.schema_version,
                "repository": report.repository,
                "reverts": report.reverts,
                "fixes": report.fixes,
                "revert_counts": report.summary.revert_counts,
                "repeat_incidents": report.summary.repeat_incidents,
            }),
            out,
        ),
        (Format::Table, View::Report) => table::write_report(report, out, style),
        (Format::Table, View::Reverts) => table::write_reverts(report, out, style),
        (Format::Markdown, View::Reverts) => markdown::write_reverts(report, out),
        (Format::Csv, View::Reverts) => csv::write_reverts(report, out),
        (Format::Table, View::Releases) => table::write_releases(report, out, style),
        (Format::Markdown, View::Report) => markdown::write_report(report, out),
        (Format::Markdown, View::Releases) => markdown::write_releases(report, out),
        (Format::Csv, View::Report | View::Releases) => csv::write_releases(report, out),
    }
}

fn json<T: serde::Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}
