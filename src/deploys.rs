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
pub fn read(path: &Path, named_by: crate::input::NamedBy) -> Result<Vec<Deploy>> {
    let text = crate::input::read_text(path, named_by, crate::input::MAX_DATA_BYTES)?;
    parse(path, &text)
}

/// Parses the text of a deploys file. JSON lines start with `{`; a JSON array with `[`;
/// anything else is CSV (RFC 4180, read by the `csv` crate: a quoted field may hold a comma
/// or a line break) with an optional header naming the columns `commit`, `time` and
/// `environment` (in any order); without one they are in that order. Blank lines and lines
/// starting with `#` are skipped.
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
    if trimmed.starts_with('{') {
        return json_lines(text, bad);
    }
    csv_deploys(text, bad)
}

fn json_lines(text: &str, bad: impl Fn(usize, String) -> Error) -> Result<Vec<Deploy>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(raw).map_err(|e| bad(line, e.to_string()))?;
        out.push(from_json(&v, line).map_err(|m| bad(line, m))?);
    }
    Ok(out)
}

/// Columns of the CSV form: positions of commit, time and environment.
struct Columns {
    commit: usize,
    time: usize,
    environment: Option<usize>,
    width: usize,
}

impl Columns {
    const POSITIONAL: Columns = Columns {
        commit: 0,
        time: 1,
        environment: Some(2),
        width: 3,
    };

    /// The columns a header names, if `record` is a header (its first cell is a column name).
    fn from_header(record: &csv::StringRecord) -> Option<std::result::Result<Columns, String>> {
        let names = ["commit", "time", "environment"];
        let first = record.get(0)?;
        if !names.iter().any(|n| first.eq_ignore_ascii_case(n)) {
            return None;
        }
        let col = |name: &str| record.iter().position(|h| h.eq_ignore_ascii_case(name));
        Some(match (col("commit"), col("time")) {
            (Some(commit), Some(time)) => Ok(Columns {
                commit,
                time,
                environment: col("environment"),
                width: record.len(),
            }),
            _ => Err("the header must name the columns `commit` and `time`".into()),
        })
    }
}

fn csv_deploys(text: &str, bad: impl Fn(usize, String) -> Error) -> Result<Vec<Deploy>> {
    let mut reader = csv_reader(text);
    let lines = Lines::new(text);
    let mut columns = None;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(lines.of_error(&e), e.to_string()))?;
        let line = lines.of_record(&record);
        if columns.is_none() {
            if let Some(header) = Columns::from_header(&record) {
                columns = Some(header.map_err(|m| bad(line, m))?);
                continue;
            }
        }
        let cols = columns.get_or_insert(Columns::POSITIONAL);
        if record.len() < 2 || record.len() > cols.width {
            return Err(bad(
                line,
                format!(
                    "expected `commit,time[,environment]`, found {} fields; quote a field that \
                     contains a comma",
                    record.len()
                ),
            ));
        }
        let cell = |i: usize| record.get(i).unwrap_or("");
        out.push(Deploy {
            commit: cell(cols.commit).to_string(),
            time: parse_time(cell(cols.time)).map_err(|m| bad(line, m))?,
            environment: cols.environment.map_or("", cell).to_string(),
            line,
        });
    }
    Ok(out)
}

/// The reader for the CSV form of deploys and incidents files: RFC 4180 (a quoted field can
/// hold commas, quotes and line breaks), no header assumed, rows of any width, fields
/// trimmed, `#` lines skipped.
pub(crate) fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

/// Line numbers of byte offsets in a text, for CSV records and errors. (The `csv` crate's
/// own line count leaves out blank lines, and a record's position is where the blank and
/// comment lines before it begin; both are corrected here.)
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let text = text.as_bytes();
        let newlines = text
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Self { text, newlines }
    }

    fn at(&self, position: Option<&csv::Position>) -> usize {
        let mut byte = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        // Step over the blank and `#` lines the reader skipped before the record.
        loop {
            match self.text.get(byte) {
                Some(b'\n' | b'\r') => byte += 1,
                Some(b'#') => {
                    let next = self.newlines.partition_point(|&nl| nl < byte);
                    match self.newlines.get(next) {
                        Some(&nl) => byte = nl + 1,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        self.newlines.partition_point(|&nl| nl < byte) + 1
    }

    /// The 1-based line a CSV record starts on.
    pub(crate) fn of_record(&self, record: &csv::StringRecord) -> usize {
        self.at(record.position())
    }

    /// The line a CSV error is on.
    pub(crate) fn of_error(&self, error: &csv::Error) -> usize {
        self.at(error.position())
    }
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
        Err(format!(
            "`{}` is outside the years 1970 to 9999",
            crate::input::excerpt(text)
        ))
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
        format!(
            "`{}` is not a time; use RFC 3339 (2024-05-01T12:00:00Z), YYYY-MM-DD or Unix seconds",
            crate::input::excerpt(text)
        )
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

    // Reported: valid CSV (a quoted comma in `environment`, a quoted newline) was rejected.
    #[test]
    fn a_quoted_comma_or_newline_is_valid_csv() {
        let d = p("commit,time,environment\nabc,2024-01-02,\"eu-west, canary\"\n\"beef\",1704153600,\"two\nlines\"\ncafe,2024-01-03\n")
            .expect("RFC 4180");
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].environment, "eu-west, canary");
        assert_eq!(d[1].environment, "two\nlines");
        // Line numbers stay those of the file: the third row starts on line 5.
        assert_eq!((d[0].line, d[1].line, d[2].line), (2, 3, 5));
        let e = p("commit,time,environment\nabc,2024-01-02,\"multi\nline\"\nbeef,nope\n")
            .expect_err("bad time");
        assert!(e.to_string().contains("deploys.csv:4:"), "{e}");
        let e = p("commit,time\nabc,2024-01-02\n\ncafe,nope\n").expect_err("bad time");
        assert!(e.to_string().contains("deploys.csv:4:"), "{e}");
    }

    #[test]
    fn a_header_may_order_the_columns() {
        let d = p("environment,time,commit\nprod,2024-01-02,abc\n").expect("header");
        assert_eq!(d[0].commit, "abc");
        assert_eq!(d[0].environment, "prod");
        assert!(p("commit,when\nabc,2024-01-02\n").is_err());
    }

    // Reported: `deploys = "/home/…/.env"` echoed the secret's first line in the error.
    #[test]
    fn errors_echo_only_a_short_escaped_excerpt() {
        let secret = format!("abc,GITHUB_TOKEN=ghp_{}\x1b[2J", "s".repeat(60));
        let e = p(&secret).expect_err("bad time").to_string();
        assert!(!e.contains(&"s".repeat(40)), "{e}");
        assert!(!e.contains('\x1b'), "{e}");
    }
}
