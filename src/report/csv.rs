//! CSV: one row per release. Text from the repository is made safe for spreadsheets.

use std::io::{self, Write};

use super::model::Report;

/// One row per release, with the JSON field names as the header.
pub fn write_releases(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "tag,version,stream,commit,time,previous,interval_seconds,commits,merges,authors,\
         files_changed,lines_added,lines_deleted,lines_changed,churn_lines_added,\
         churn_lines_deleted,lead_time_median_seconds,lead_time_p90_seconds,failed,\
         time_to_restore_seconds"
    )?;
    for x in &r.releases {
        let cells = [
            text(&x.tag),
            text(x.version.as_deref().unwrap_or("")),
            text(&x.stream),
            x.commit.to_hex(),
            x.time.to_rfc3339(),
            text(x.previous.as_deref().unwrap_or("")),
            num(x.interval_seconds),
            x.commits.to_string(),
            x.merges.to_string(),
            x.authors.to_string(),
            num(x.files_changed),
            num(x.lines_added),
            num(x.lines_deleted),
            num(x.lines_changed),
            x.churn_lines_added.to_string(),
            x.churn_lines_deleted.to_string(),
            num(x.lead_time_median_seconds),
            num(x.lead_time_p90_seconds),
            x.failed.to_string(),
            num(x.time_to_restore_seconds),
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
         repeat,components,reverted,subject"
    )?;
    for x in &r.reverts {
        let reverted: Vec<String> = x.reverted.iter().map(ToString::to_string).collect();
        let cells = [
            x.commit.to_hex(),
            x.time.to_rfc3339(),
            serde_plain(&x.kind),
            serde_plain(&x.method),
            x.incident_linked.to_string(),
            text(&x.incident_refs.join(";")),
            text(x.introduced_in.as_deref().unwrap_or("")),
            text(x.shipped_in.as_deref().unwrap_or("")),
            x.repeat.to_string(),
            text(&x.components.join(";")),
            reverted.join(";"),
            text(&x.subject),
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

/// A number we computed, empty when it does not apply.
fn num<T: ToString>(n: Option<T>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Text from the repository: quoted when needed (RFC 4180), and a leading `=`, `+`, `-`, `@`,
/// tab or carriage return neutralised with `'` so a spreadsheet never runs it as a formula.
#[must_use]
pub fn text(s: &str) -> String {
    let mut s = s.to_string();
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn repository_text_is_spreadsheet_safe() {
        assert_eq!(text("v1.0"), "v1.0");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("-rc"), "'-rc");
        assert_eq!(text("a,b"), "\"a,b\"");
    }
}
