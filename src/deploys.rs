//! Reads a deploys file (for teams that deploy without tagging): CSV or JSON lines of
//! `commit,time[,environment]`. Each deploy then plays the part of a release.

use std::path::Path;

use chrono::DateTime;

use crate::config::parse_date;
use crate::error::{Error, Result};

/// One line of a deploys file, before its commit is resolved in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deploy {
    /// A commit as written: full or abbreviated sha, or any revision git understands.
    pub commit: String,
    /// Seconds since the epoch.
    pub time: i64,
    /// The environment, which names the deploy stream (`""` when absent).
    pub environment: String,
    /// 1-based line in the file, for error messages.
    pub line: usize,
}

/// Reads and parses a deploys file.
pub fn read(path: &Path) -> Result<Vec<Deploy>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::UnreadableFile {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(path, &text)
}

/// Parses the text of a deploys file. JSON lines start with `{`; a JSON array with `[`;
/// anything else is CSV with an optional header `commit,time,environment`.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Deploy>> {
    let bad = |line: usize, message: String| Error::BadFileLine {
        path: path.to_path_buf(),
        line,
        message,
    };
    // Spreadsheets write a byte-order mark first.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let values: Vec<serde_json::Value> =
            serde_json::from_str(text).map_err(|e| bad(e.line(), e.to_string()))?;
        return values
            .iter()
            .enumerate()
            .map(|(i, v)| from_json(v, i + 1).map_err(|m| bad(i + 1, m)))
            .collect();
    }
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        if raw.starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(raw).map_err(|e| bad(line, e.to_string()))?;
            out.push(from_json(&v, line).map_err(|m| bad(line, m))?);
            continue;
        }
        let cells: Vec<&str> = raw.split(',').map(|c| c.trim().trim_matches('"')).collect();
        if out.is_empty()
            && cells
                .first()
                .is_some_and(|c| c.eq_ignore_ascii_case("commit"))
        {
            continue; // header
        }
        if cells.len() < 2 || cells.len() > 3 {
            return Err(bad(
                line,
                format!(
                    "expected `commit,time[,environment]`, found {} fields",
                    cells.len()
                ),
            ));
        }
        out.push(Deploy {
            commit: cells[0].to_string(),
            time: parse_time(cells[1]).map_err(|m| bad(line, m))?,
            environment: cells.get(2).map(|s| (*s).to_string()).unwrap_or_default(),
            line,
        });
    }
    Ok(out)
}

fn from_json(v: &serde_json::Value, line: usize) -> std::result::Result<Deploy, String> {
    let field = |name: &str| v.get(name).and_then(serde_json::Value::as_str);
    let commit = field("commit").ok_or("missing string field `commit`")?;
    let time = match v.get("time") {
        Some(serde_json::Value::Number(n)) => parse_time(&n.to_string())?,
        Some(serde_json::Value::String(s)) => parse_time(s)?,
        _ => return Err("missing field `time` (RFC 3339, YYYY-MM-DD or Unix seconds)".into()),
    };
    Ok(Deploy {
        commit: commit.to_string(),
        time,
        environment: field("environment").unwrap_or("").to_string(),
        line,
    })
}

/// Earliest and latest deploy times accepted: 1970-01-01 to 9999-12-31 (UTC). Anything
/// outside is a typo, and would make intervals and cadence windows meaningless.
const TIME_RANGE: std::ops::RangeInclusive<i64> = 0..=253_402_300_799;

/// RFC 3339, `YYYY-MM-DD` or Unix seconds, between 1970 and 9999.
fn parse_time(text: &str) -> std::result::Result<i64, String> {
    let t = parse_any_time(text)?;
    if TIME_RANGE.contains(&t) {
        Ok(t)
    } else {
        Err(format!("`{text}` is outside the years 1970 to 9999"))
    }
}

fn parse_any_time(text: &str) -> std::result::Result<i64, String> {
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    parse_date("time", text, false).map_err(|_| {
        format!("`{text}` is not a time; use RFC 3339 (2024-05-01T12:00:00Z), YYYY-MM-DD or Unix seconds")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Vec<Deploy>> {
        parse(Path::new("deploys.csv"), text)
    }

    #[test]
    fn csv_with_header_and_environment() {
        let d = p(
            "commit,time,environment\nabc1234,2024-01-02T00:00:00Z,production\nbeef,1704153600\n",
        )
        .unwrap_or_default();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].commit, "abc1234");
        assert_eq!(d[0].time, 1_704_153_600);
        assert_eq!(d[0].environment, "production");
        assert_eq!(d[1].environment, "");
        assert_eq!(d[1].line, 3);
    }

    #[test]
    fn json_lines_and_arrays() {
        let lines = p("{\"commit\":\"abc\",\"time\":\"2024-01-02\",\"environment\":\"prod\"}\n")
            .unwrap_or_default();
        assert_eq!(lines[0].time, 1_704_153_600);
        let array = p("[{\"commit\":\"abc\",\"time\":1704153600}]").unwrap_or_default();
        assert_eq!(array[0].commit, "abc");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_absurd_times_are_bad_rows() {
        let d = p("\u{feff}commit,time\nabc,2024-01-02\n").unwrap_or_default();
        assert_eq!(d.len(), 1);
        // Reported by review: i64::MIN wrapped the interval and printed 1970 dates.
        let err = p("abc,-9223372036854775808\n").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("deploys.csv:1:") && e.contains("1970 to 9999")));
        assert!(p("[{\"commit\":\"a\",\"time\":99999999999999}]").is_err());
    }

    #[test]
    fn bad_rows_name_their_line() {
        let err = p("commit,time\nabc,notatime\n")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.starts_with("deploys.csv:2:")));
        let err = p("abc\n").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("deploys.csv:1:")));
    }
}
