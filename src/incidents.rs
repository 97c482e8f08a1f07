//! Reads the incidents file (`--incidents FILE`): CSV with a header `id,opened,resolved[,commits]`,
//! or JSON (an array of objects, or one object per line) with `id`, `opened`, `resolved` and
//! optional `commits` and `stream`. Reverts that name an incident id, or whose sha (or reverted commit's sha)
//! an incident lists, are incident-linked (PRODUCT.md, "Reverts and incidents").
//!
//! Times are RFC 3339 or `YYYY-MM-DD` (UTC; `opened` at the start of that day, `resolved` at its
//! end). `resolved` may be empty (CSV) or `null`/absent (JSON) for an incident still open.
//! Commits are shas, full or abbreviated (4 to 40 hex digits), separated by spaces or `;` in
//! CSV, a JSON array of strings or such a string in JSON. Ids must be unique. `stream` names
//! the release stream the incident happened in (for an incident that lists no commits, in a
//! repository with several streams).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::parse_date;
use crate::error::{Error, Result};
use crate::input::excerpt;

/// One incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    /// Seconds since the epoch.
    pub opened: i64,
    /// Seconds since the epoch; `None` while the incident is open.
    pub resolved: Option<i64>,
    /// Lowercase hex shas or sha prefixes of the commits the incident names.
    pub commits: Vec<String>,
    /// The release stream it happened in (optional `stream` column); an empty value is none.
    pub stream: Option<String>,
}

/// Every incident of the file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Incidents {
    pub incidents: Vec<Incident>,
}

impl Incidents {
    /// Whether no incident is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }
}

/// Reads and parses an incidents file.
pub fn read_incidents(path: &Path, named_by: crate::input::NamedBy) -> Result<Incidents> {
    let text = crate::input::read_text(path, named_by, crate::input::MAX_DATA_BYTES)?;
    parse_incidents(path, &text)
}

/// Parses the text of an incidents file; `path` only names it in errors.
pub fn parse_incidents(path: &Path, text: &str) -> Result<Incidents> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = match text.trim_start().chars().next() {
        None => Vec::new(),
        Some('[') => json_array(path, text)?,
        Some('{') => json_lines(path, text)?,
        Some(_) => csv_rows(path, text)?,
    };
    let mut seen = HashSet::new();
    let mut incidents = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        let incident = row
            .into_incident()
            .map_err(|message| bad(path, line, message))?;
        if !seen.insert(incident.id.clone()) {
            return Err(bad(
                path,
                line,
                format!(
                    "incident id `{}` appears twice; ids must be unique",
                    excerpt(&incident.id)
                ),
            ));
        }
        incidents.push(incident);
    }
    Ok(Incidents { incidents })
}

fn bad(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::BadFileLine {
        path: PathBuf::from(path),
        line,
        message: message.into(),
    }
}

/// One row before validation: the raw texts.
struct RawRow {
    id: Option<String>,
    opened: Option<String>,
    resolved: Option<String>,
    commits: Vec<String>,
    stream: Option<String>,
}

impl RawRow {
    fn into_incident(self) -> std::result::Result<Incident, String> {
        let id = self
            .id
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or("missing incident `id`")?;
        let opened_text = self
            .opened
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("incident {}: missing `opened` time", excerpt(&id)))?;
        let shown = excerpt(&id);
        let opened = parse_date("opened", &opened_text, false).map_err(|_| {
            format!(
                "incident {shown}: `opened` is `{}`, not a date; use YYYY-MM-DD or RFC 3339",
                excerpt(&opened_text)
            )
        })?;
        let resolved = match self.resolved.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(parse_date("resolved", t, true).map_err(|_| {
                format!("incident {shown}: `resolved` is `{}`, not a date; use YYYY-MM-DD or RFC 3339, or leave it empty while open", excerpt(t))
            })?),
        };
        if let Some(r) = resolved {
            if r < opened {
                return Err(format!(
                    "incident {shown}: resolved ({}) before opened ({})",
                    excerpt(self.resolved.unwrap_or_default().trim()),
                    excerpt(&opened_text)
                ));
            }
        }
        let mut commits = Vec::new();
        for c in &self.commits {
            for sha in c
                .split(|ch: char| ch.is_whitespace() || ch == ';' || ch == ',')
                .filter(|s| !s.is_empty())
            {
                if !(4..=40).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "incident {shown}: `{}` is not a commit sha (4 to 40 hex digits)",
                        excerpt(sha)
                    ));
                }
                commits.push(sha.to_ascii_lowercase());
            }
        }
        let stream = self
            .stream
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        Ok(Incident {
            id,
            opened,
            resolved,
            commits,
            stream,
        })
    }
}

/// The CSV form, read by the `csv` crate (RFC 4180: a quoted field may hold commas and line
/// breaks); each row keeps the line it starts on.
fn csv_rows(path: &Path, text: &str) -> Result<Vec<(usize, RawRow)>> {
    use crate::deploys::{csv_reader, Lines};
    let lines = Lines::new(text);
    let mut records = csv_reader(text).into_records();
    let header = match records.next() {
        None => return Ok(Vec::new()),
        Some(r) => r.map_err(|e| bad(path, lines.of_error(&e), e.to_string()))?,
    };
    let hline = lines.of_record(&header);
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(id), Some(opened), Some(resolved)) = (col("id"), col("opened"), col("resolved"))
    else {
        return Err(bad(
            path,
            hline,
            "the first line must be the header `id,opened,resolved[,commits]`",
        ));
    };
    let commits = col("commits");
    let stream = col("stream");
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| bad(path, lines.of_error(&e), e.to_string()))?;
        let n = lines.of_record(&record);
        if record.len() > header.len() {
            return Err(bad(
                path,
                n,
                format!(
                    "{} fields but the header has {}; quote a field that contains a comma",
                    record.len(),
                    header.len()
                ),
            ));
        }
        let get = |i: usize| record.get(i).map(str::to_string);
        rows.push((
            n,
            RawRow {
                id: get(id),
                opened: get(opened),
                resolved: get(resolved),
                commits: commits.and_then(get).into_iter().collect(),
                stream: stream.and_then(get),
            },
        ));
    }
    Ok(rows)
}

fn json_lines(path: &Path, text: &str) -> Result<Vec<(usize, RawRow)>> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line)
            .map_err(|e| bad(path, i + 1, format!("not a JSON object: {e}")))?;
        rows.push((i + 1, json_row(&value).map_err(|m| bad(path, i + 1, m))?));
    }
    Ok(rows)
}

fn json_array(path: &Path, text: &str) -> Result<Vec<(usize, RawRow)>> {
    let values: Vec<Value> = serde_json::from_str(text).map_err(|e| {
        bad(
            path,
            e.line(),
            format!("not a JSON array of incidents: {e}"),
        )
    })?;
    let starts = element_lines(text);
    values
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let line = starts.get(k).copied().unwrap_or(1);
            json_row(v)
                .map(|r| (line, r))
                .map_err(|m| bad(path, line, m))
        })
        .collect()
}

/// The line on which each element of a top-level JSON array starts.
fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut depth, mut in_string, mut escaped) = (1, 0usize, false, false);
    let mut expect_element = false;
    for c in text.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                '\n' => line += 1,
                _ => {}
            }
            continue;
        }
        if c == '\n' {
            line += 1;
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if depth == 1 && expect_element && c != ']' {
            lines.push(line);
            expect_element = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expect_element = true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expect_element = true,
            _ => {}
        }
    }
    lines
}

fn json_row(value: &Value) -> std::result::Result<RawRow, String> {
    let Value::Object(map) = value else {
        return Err("each incident must be a JSON object with `id`, `opened`, `resolved`".into());
    };
    let text = |key: &str| -> std::result::Result<Option<String>, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if key == "id" => Ok(Some(n.to_string())),
            Some(other) => Err(format!("`{key}` must be a string, not {other}")),
        }
    };
    let commits = match map.get("commits") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("`commits` must hold sha strings, not {other}")),
            })
            .collect::<std::result::Result<_, _>>()?,
        Some(other) => return Err(format!("`commits` must be an array of shas, not {other}")),
    };
    Ok(RawRow {
        id: text("id")?,
        opened: text("opened")?,
        resolved: text("resolved")?,
        commits,
        stream: text("stream")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Incidents> {
        parse_incidents(Path::new("inc.csv"), text)
    }

    fn line_of(err: &Error) -> Option<usize> {
        match err {
            Error::BadFileLine { line, .. } => Some(*line),
            _ => None,
        }
    }

    #[test]
    fn csv_with_commits_in_spaces_or_semicolons() {
        let inc = parse(
            "id,opened,resolved,commits\n\
             INC-1,2024-01-02,2024-01-02T05:00:00Z,abc1234 DEF5678\n\
             # a comment\n\
             \"INC-2\",2024-02-01T00:00:00+01:00,,\"0123abcd;4567\"\n\
             INC-3,2024-03-01,2024-03-02\n",
        )
        .expect("parses");
        assert_eq!(inc.incidents.len(), 3);
        let a = &inc.incidents[0];
        assert_eq!(a.id, "INC-1");
        assert_eq!(a.opened, 1_704_153_600);
        assert_eq!(a.resolved, Some(1_704_153_600 + 5 * 3600));
        assert_eq!(a.commits, vec!["abc1234", "def5678"]);
        let b = &inc.incidents[1];
        assert_eq!(b.opened, 1_706_742_000);
        assert_eq!(b.resolved, None);
        assert_eq!(b.commits, vec!["0123abcd", "4567"]);
        // A date-only `resolved` is the end of that day.
        assert_eq!(
            inc.incidents[2].resolved,
            Some(1_709_251_200 + 86_400 + 86_399)
        );
        assert!(inc.incidents[2].commits.is_empty());
        assert_eq!(inc.incidents[2].stream, None);
    }

    #[test]
    fn an_optional_stream_column_or_key() {
        let inc = parse("id,opened,resolved,stream\nA,2024-01-02,,tokio\nB,2024-01-03,, \n")
            .expect("parses");
        assert_eq!(inc.incidents[0].stream.as_deref(), Some("tokio"));
        assert_eq!(inc.incidents[1].stream, None, "an empty stream is none");
        let json = parse("{\"id\": \"C\", \"opened\": \"2024-01-02\", \"stream\": \"cli\"}\n")
            .expect("parses");
        assert_eq!(json.incidents[0].stream.as_deref(), Some("cli"));
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = parse("id,opened,resolved\nA,2024-01-01,2024-01-02\nB,soon,2024-01-02\n")
            .expect_err("bad date");
        assert_eq!(line_of(&e), Some(3));
        assert!(e.to_string().contains("inc.csv:3"), "{e}");
        let e = parse("name,when\nA,2024\n").expect_err("bad header");
        assert_eq!(line_of(&e), Some(1));
        let e = parse("id,opened,resolved,commits\nA,2024-01-01,,xyz\n").expect_err("bad sha");
        assert_eq!(line_of(&e), Some(2));
        let e = parse("id,opened,resolved\nA,2024-01-05,2024-01-01\n").expect_err("backwards");
        assert_eq!(line_of(&e), Some(2));
        let e = parse("id,opened,resolved\nA,2024-01-05,\nA,2024-01-06,\n").expect_err("dup");
        assert_eq!(line_of(&e), Some(3));
        let e = parse("id,opened,resolved\n,2024-01-05,\n").expect_err("no id");
        assert_eq!(line_of(&e), Some(2));
    }

    #[test]
    fn json_array_and_lines() {
        let arr = parse(
            "[\n  {\"id\": \"SEV-9\", \"opened\": \"2024-01-02\", \"resolved\": null,\n   \"commits\": [\"ABCDEF1\"]},\n  {\"id\": 17, \"opened\": \"2024-01-03\", \"resolved\": \"2024-01-04\", \"commits\": \"aaaa bbbb\"}\n]",
        )
        .expect("parses");
        assert_eq!(arr.incidents.len(), 2);
        assert_eq!(arr.incidents[0].commits, vec!["abcdef1"]);
        assert_eq!(arr.incidents[1].id, "17");
        assert_eq!(arr.incidents[1].commits, vec!["aaaa", "bbbb"]);

        let lines = parse(
            "{\"id\":\"a\",\"opened\":\"2024-01-02\",\"resolved\":\"2024-01-03\"}\n\n{\"id\":\"b\",\"opened\":\"2024-01-02\"}\n",
        )
        .expect("parses");
        assert_eq!(lines.incidents.len(), 2);
        assert_eq!(lines.incidents[1].resolved, None);

        let e = parse("{\"id\":\"a\",\"opened\":\"2024-01-02\"}\n{\"id\":\"b\"}\n")
            .expect_err("no opened");
        assert_eq!(line_of(&e), Some(2));
        let e = parse("{\"id\":\"a\",\"opened\":\"2024-01-02\"}\n{oops\n").expect_err("bad json");
        assert_eq!(line_of(&e), Some(2));
        let e = parse(
            "[\n {\"id\":\"a\",\"opened\":\"2024-01-02\"},\n\n {\"id\":\"b\",\"opened\":\"x\"}\n]",
        )
        .expect_err("bad element");
        assert_eq!(line_of(&e), Some(4));
    }

    #[test]
    fn empty_file_is_no_incidents_and_missing_file_is_unreadable() {
        assert!(parse("").expect("empty").is_empty());
        let e = read_incidents(
            Path::new("/nonexistent/incidents.csv"),
            crate::input::NamedBy::Flag,
        )
        .expect_err("missing");
        assert!(matches!(e, Error::UnreadableFile { .. }));
    }

    // Reported: valid CSV (a quoted field with a newline) was rejected.
    #[test]
    fn a_quoted_newline_or_comma_is_valid_csv() {
        let inc = parse(
            "id,opened,resolved,commits,summary\n\"INC-1\",2024-01-02,,abc1234,\"db down,\nagain\"\nINC-2,2024-01-03,,,x\nINC-3,bad,,,x\n",
        )
        .expect_err("line 5 is bad");
        assert_eq!(line_of(&inc), Some(5));
        let inc = parse(
            "id,opened,resolved,commits\n\n# note\n\"INC-1\",2024-01-02,,\"abc1234,\ndef5678\"\nINC-2,2024-01-02,2023-01-01\n",
        )
        .expect_err("INC-2 is resolved before it opened");
        assert_eq!(line_of(&inc), Some(6));
    }
}
