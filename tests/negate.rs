//! `stance negate`: claims and their negations as CSV, from arguments or
//! standard input, for the training scripts and for users.

use std::io::Write;
use std::process::Stdio;

use crate::common::*;

/// `stance negate FLAGS` on two claims: the header, the rows and the
/// output as text.
fn negate(flags: &[&str]) -> (Vec<String>, Vec<csv::StringRecord>, String) {
    let mut args = vec!["negate"];
    args.extend_from_slice(flags);
    args.extend([
        "Russia interfered in the 2016 US election",
        "Vaccines cause autism",
    ]);
    let o = stance(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (header, rows, out)
}

#[test]
fn negate_writes_each_claim_its_negation_and_how() {
    let (header, rows, _) = negate(&[]);
    assert_eq!(header, ["claim", "negated", "how", "template"]);
    assert_eq!(
        (&rows[0][1], &rows[0][2]),
        (
            "Russia did not interfere in the 2016 US election",
            "grammar"
        )
    );
    assert_eq!(
        &rows[0][3],
        "It is not true that Russia interfered in the 2016 US election"
    );
    // A present tense takes the template.
    assert_eq!(
        (&rows[1][1], &rows[1][2]),
        ("It is not true that Vaccines cause autism", "template")
    );

    // From standard input, one claim per line, blank lines skipped.
    let mut child = stance_cmd()
        .arg("negate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"The minimum wage should be raised\n\nCoal is not clean\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].contains(",The minimum wage should not be raised,grammar,"));
    assert!(lines[2].contains(",Coal is clean,grammar,"));
}

#[test]
fn every_form_gives_each_claim_a_row_per_wording() {
    let (header, rows, out) = negate(&["--every-form"]);
    assert_eq!(header, ["claim", "negated", "how", "template", "form"]);
    let forms = rows.len() / 2;
    assert!(forms >= 5, "{out}");
    assert_eq!(rows.len(), 2 * forms);
    let first: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[0] == "Vaccines cause autism")
        .collect();
    assert_eq!(first.len(), forms);
    // Form 0 is the template of the plain output; the others differ from
    // it and from each other, and each holds the whole claim.
    assert_eq!(&first[0][3], "It is not true that Vaccines cause autism");
    let distinct: std::collections::HashSet<&str> = first.iter().map(|r| &r[3]).collect();
    assert_eq!(distinct.len(), forms);
    for (i, row) in first.iter().enumerate() {
        assert_eq!(&row[4], i.to_string().as_str());
        assert!(row[3].contains("Vaccines cause autism"), "{}", &row[3]);
        assert_eq!(
            (&row[1], &row[2]),
            ("It is not true that Vaccines cause autism", "template")
        );
    }
}
