//! Markdown tables.

/// A markdown table built row by row.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles; a title starting with `>` is right-aligned (the `>` is dropped).
    pub fn new(columns: &[&str]) -> Table {
        Table {
            header: columns
                .iter()
                .map(|c| c.trim_start_matches('>').to_owned())
                .collect(),
            right: columns.iter().map(|c| c.starts_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are left empty, extra ones dropped).
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let mut row: Vec<String> = cells
            .iter()
            .map(|c| c.as_ref().replace('|', "\\|"))
            .collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    /// The table as markdown, ending with a newline.
    pub fn render(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(&self.header);
        let seps: Vec<String> = self
            .right
            .iter()
            .map(|r| if *r { "---:".into() } else { "---".into() })
            .collect();
        out.push_str(&line(&seps));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// `x` with thousands separators and no decimals ("12,345").
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// `a / b` as "0.87×", or "n/a".
pub fn ratio(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "n/a".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_alignment_and_escapes() {
        let mut t = Table::new(&["case", ">calls/s"]);
        t.row(&["a|b", "1"]);
        t.row(&["c"]);
        assert_eq!(
            t.render(),
            "| case | calls/s |\n| --- | ---: |\n| a\\|b | 1 |\n| c |  |\n"
        );
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(ratio(87.0, 100.0), "0.87×");
        assert_eq!(ratio(1.0, 0.0), "n/a");
    }
}
