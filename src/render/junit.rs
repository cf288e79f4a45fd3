//! `--output-format junit`: JUnit XML (the Jenkins `junit.xsd` shape CI systems read): one
//! `<testsuite>` per file, one failing `<testcase>` per finding. A clean run is one suite
//! with one passing case, so a CI that requires tests sees one.

use std::io::Write;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite, XmlString};

use super::{display_path, full_message, located};
use crate::Run;

pub fn write_junit(out: &mut impl Write, run: &Run) -> std::io::Result<()> {
    let mut report = Report::new("picklefix");
    let all: Vec<_> = located(run).collect();
    if all.is_empty() {
        let mut suite = TestSuite::new("picklefix");
        let mut case = TestCase::new("No findings", TestCaseStatus::success());
        case.set_classname("picklefix");
        suite.add_test_case(case);
        report.add_test_suite(suite);
    }
    for group in all.chunk_by(|a, b| std::ptr::eq(a.file, b.file)) {
        let name = display_path(&group[0].file.path);
        let mut suite = TestSuite::new(name.as_str());
        suite
            .extra
            .insert(XmlString::new("package"), XmlString::new("org.picklefix"));
        let classname = name.strip_suffix(".py").unwrap_or(&name).to_string();
        for l in group {
            let message = full_message(l.finding);
            let (row, col) = l.start;
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(message.as_str());
            status.set_type(l.finding.rule.code());
            status.set_description(format!("line {row}, col {col}, {message}"));
            let mut case =
                TestCase::new(format!("org.picklefix.{}", l.finding.rule.code()), status);
            case.set_classname(classname.as_str());
            case.extra
                .insert(XmlString::new("file"), XmlString::new(name.as_str()));
            case.extra
                .insert(XmlString::new("line"), XmlString::new(row.to_string()));
            case.extra
                .insert(XmlString::new("column"), XmlString::new(col.to_string()));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let xml = report
        .to_string()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    out.write_all(xml.as_bytes())?;
    if !xml.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}
