//! CSV: one row per release or per revert. Text from the repository is made safe for
//! spreadsheets ([`super::escape`]).

use std::io::{self, Write};

use super::escape::{csv_number, csv_text};
use super::model::Report;

/// One row per release, with the JSON field names as the header.
pub fn write_releases(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "tag,version,stream,commit,time,previous,interval_seconds,commits,merges,authors,\
         files_changed,lines_added,lines_deleted,lines_changed,churn_lines_added,\
         churn_lines_deleted,lead_time_median_seconds,lead_time_p90_seconds,failed,\
         failure_signals,time_to_restore_seconds,time_to_remedy_seconds"
    )?;
    for x in &r.releases {
        let cells = [
            csv_text(&x.tag),
            csv_text(x.version.as_deref().unwrap_or("")),
            csv_text(&x.stream),
            x.commit.to_hex(),
            x.time.to_rfc3339(),
            csv_text(x.previous.as_deref().unwrap_or("")),
            csv_number(x.interval_seconds),
            x.commits.to_string(),
            x.merges.to_string(),
            x.authors.to_string(),
            csv_number(x.files_changed),
            csv_number(x.lines_added),
            csv_number(x.lines_deleted),
            csv_number(x.lines_changed),
            csv_number(x.churn_lines_added),
            csv_number(x.churn_lines_deleted),
            csv_number(x.lead_time_median_seconds),
            csv_number(x.lead_time_p90_seconds),
            x.failed.to_string(),
            x.failure_signals.join(";"),
            csv_number(x.time_to_restore_seconds),
            csv_number(x.time_to_remedy_seconds),
        ];
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// One row per revert, with the JSON field names as the header; lists are `;`-separated.
pub fn write_reverts(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "commit,time,kind,method,incident_linked,incident_refs,introduced_in,shipped_in,\
         production,counted,repeat,components,reverted,subject"
    )?;
    for x in &r.reverts {
        let reverted: Vec<String> = x.reverted.iter().map(ToString::to_string).collect();
        let cells = [
            x.commit.to_hex(),
            x.time.to_rfc3339(),
            serde_plain(&x.kind),
            serde_plain(&x.method),
            x.incident_linked.to_string(),
            csv_text(&x.incident_refs.join(";")),
            csv_text(x.introduced_in.as_deref().unwrap_or("")),
            csv_text(x.shipped_in.as_deref().unwrap_or("")),
            x.production.map_or_else(String::new, |p| p.to_string()),
            x.counted.to_string(),
            x.repeat.to_string(),
            csv_text(&x.components.join(";")),
            reverted.join(";"),
            csv_text(&x.subject),
        ];
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// A unit enum as its serde name (`post_release`).
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
