//! Renders the report model to table, JSON, Markdown and CSV. Formats never compute numbers of
//! their own: whatever they show is in the model.

pub mod csv;
pub mod escape;
pub mod failures;
pub mod grid;
pub mod headline;
pub mod html;
pub mod markdown;
pub mod model;
pub mod spark;
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
}

/// Writes `report` in `format`. `style` only affects tables.
pub fn render(
    report: &Report,
    view: View,
    format: Format,
    style: table::Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match (format, view) {
        (Format::Jsonl, _) => {
            let mut json = Vec::new();
            render(report, view, Format::Json, style, &mut json)?;
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
        (Format::Table, View::Report) => table::write_report(report, out, style),
        // The command line refuses html for the views other than the report (`lib::run`); a
        // config file's html is the report's, and these views then write their table.
        (Format::Table | Format::Html, View::Reverts) => table::write_reverts(report, out, style),
        (Format::Markdown, View::Reverts) => markdown::write_reverts(report, out),
        (Format::Csv, View::Reverts) => csv::write_reverts(report, out),
        (Format::Table | Format::Html, View::Releases) => table::write_releases(report, out, style),
        (Format::Markdown, View::Report) => markdown::write_report(report, out),
        (Format::Markdown, View::Releases) => markdown::write_releases(report, out),
        (Format::Csv, View::Report | View::Releases) => csv::write_releases(report, out),
        (Format::Html, View::Report) => html::write_report(report, out),
    }
}

/// Writes the `releases --streams` listing in `format` (html: the table).
pub fn render_streams(
    listing: &model::StreamListing,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => json(listing, out),
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, listing).map_err(io::Error::from)?;
            writeln!(out)
        }
        Format::Table | Format::Html => streams::write_table(listing, out, color),
        Format::Markdown => streams::write_markdown(listing, out),
        Format::Csv => streams::write_csv(listing, out),
    }
}

fn json<T: serde::Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}
