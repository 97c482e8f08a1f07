//! Renders the report model to table, JSON, Markdown and CSV. Formats never compute numbers of
//! their own: whatever they show is in the model.

pub mod csv;
pub mod escape;
pub mod grid;
pub mod headline;
pub mod markdown;
pub mod model;
pub mod streams;
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
    /// The release streams, their release counts and paths.
    Streams,
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
        (Format::Jsonl, _) => {
            let mut json = Vec::new();
            render(report, view, Format::Json, color, &mut json)?;
            let value: serde_json::Value =
                serde_json::from_slice(&json).map_err(io::Error::from)?;
            serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
            writeln!(out)
        }
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
        (Format::Json, View::Streams) => json(
            &serde_json::json!({
                "schema_version": report.schema_version,
                "repository": report.repository,
                "streams": report.streams,
                "unmatched_tags": report.unmatched_tags,
            }),
            out,
        ),
        (Format::Table, View::Streams) => streams::write_table(report, out, color),
        (Format::Markdown, View::Streams) => streams::write_markdown(report, out),
        (Format::Csv, View::Streams) => streams::write_csv(report, out),
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
