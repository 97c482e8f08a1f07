//! A plain aligned text grid for terminal tables: widths from content, numbers right-aligned.

use std::io::{self, Write};

/// Column alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table of strings with a header row.
#[derive(Debug, Default)]
pub struct Grid {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    /// A grid with these columns.
    #[must_use]
    pub fn new(headers: &[(&str, Align)]) -> Self {
        Self {
            headers: headers
                .iter()
                .map(|(h, a)| ((*h).to_string(), *a))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells print empty).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Writes the grid, indented by two spaces; `bold` wraps the header in ANSI bold.
    pub fn write(&self, out: &mut dyn Write, bold: bool) -> io::Result<()> {
        let widths: Vec<usize> = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, (h, _))| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .chain([h.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| -> String {
            let mut s = String::from(" ");
            for (i, (_, align)) in self.headers.iter().enumerate() {
                let cell = cells.get(i).copied().unwrap_or("");
                let pad = widths[i].saturating_sub(cell.chars().count());
                s.push(' ');
                match align {
                    Align::Left => {
                        s.push_str(cell);
                        s.push_str(&" ".repeat(pad));
                    }
                    Align::Right => {
                        s.push_str(&" ".repeat(pad));
                        s.push_str(cell);
                    }
                }
                s.push(' ');
            }
            s.trim_end().to_string()
        };
        let header = line(self.headers.iter().map(|(h, _)| h.as_str()).collect());
        if bold {
            writeln!(out, "\x1b[1m{header}\x1b[0m")?;
        } else {
            writeln!(out, "{header}")?;
        }
        for r in &self.rows {
            writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let mut g = Grid::new(&[("Tag", Align::Left), ("Lines", Align::Right)]);
        g.row(vec!["v1.0".into(), "1,200".into()]);
        g.row(vec!["v10.0.1".into(), "3".into()]);
        let mut out = Vec::new();
        g.write(&mut out, false).ok();
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(
            text,
            "  Tag      Lines\n  v1.0     1,200\n  v10.0.1      3\n"
        );
    }
}
