//! `--output-format github`: GitHub Actions workflow commands, one per finding, which the
//! runner turns into annotations on the pull request:
//! `::error title=…,file=…,line=…,col=…,endLine=…,endColumn=…::message`.

use std::io::Write;

use super::{display_path, full_message, located};
use crate::rules::Rule;
use crate::Run;

pub fn write_github(out: &mut impl Write, run: &Run) -> std::io::Result<()> {
    for l in located(run) {
        let rule = l.finding.rule;
        // Info rules annotate, the others fail the check.
        let command = if rule == Rule::UnknownPool {
            "notice"
        } else {
            "error"
        };
        let path = display_path(&l.file.path);
        let title = format!("picklefix ({})", rule.code());
        let (row, col) = l.start;
        let (end_row, end_col) = l.end;
        // `col` and `endColumn` are only allowed when the annotation is on one line.
        let position = if row == end_row {
            format!("line={row},col={col},endLine={end_row},endColumn={end_col}")
        } else {
            format!("line={row},endLine={end_row}")
        };
        let message = format!(
            "{path}:{row}:{col}: {} {}",
            rule.code(),
            full_message(l.finding)
        );
        writeln!(
            out,
            "::{command} title={},file={},{position}::{}",
            escape_property(&title),
            escape_property(&path),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// The command's message: `%`, CR and LF are percent-encoded (as `@actions/core` does).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which separate properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
