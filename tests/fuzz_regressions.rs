//! Crashes found during the fuzzing of 2026-11-25 (fuzz/README.md), kept as
//! tests through the public API. Finding 1 was found by `cargo fuzz run
//! batch`; findings 2-4 by reading src/check.rs and src/rulebase.rs and
//! running hand-built rule bases through the `loader` fuzz target; finding 5
//! likewise. Each was fixed in src/ (commits 5d1a6b5, e3ad901 and the one
//! after); these keep them fixed.

use backtriage::triage::load;
use backtriage::triage::problem::{FILES, RuleText};
use serde_json::Value;

/// Runs a batch over the embedded rule base; returns the output lines.
fn batch(input: &[u8]) -> Vec<String> {
    let rb = backtriage::embedded::rule_base().expect("embedded rule base");
    let mut out = Vec::new();
    let summary =
        backtriage::batch::run(&rb, input, &mut out, backtriage::batch::Options::default())
            .expect("batch::run");
    let out = String::from_utf8(out).expect("output is UTF-8");
    let lines: Vec<String> = out.lines().map(str::to_owned).collect();
    assert_eq!(summary.lines as usize, lines.len());
    lines
}

/// Input lines whose `id` is JSON syntax that serde_json's parser refuses:
/// a number beyond f64 and strings with a lone surrogate escape. The second
/// line is the one `cargo fuzz run batch` reported.
const UNPARSEABLE_IDS: &str = concat!(
    r#"{"id":1e400,"answers":{"age":-0.0}}"#,
    "\n",
    r#"{"id":"\u00e9\ud66d\ude00","answers":{"lower_back_pain":"y\u0065s"}}"#,
    "\n",
    r#"{"id":"\ude00","answers":{"fevr":"yes"}}"#,
);

// Finding 1: the id was echoed raw, so serde_json could not parse the output
// line ("number out of range", "lone leading surrogate"); now a one-line error.
#[test]
fn batch_refuses_an_id_serde_json_cannot_parse_with_a_one_line_error() {
    let lines = batch(UNPARSEABLE_IDS.as_bytes());
    assert_eq!(lines.len(), 3, "{lines:#?}");
    for (i, line) in lines.iter().enumerate() {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("output line is not JSON ({e}): {line}"));
        assert_eq!(value["line"], i + 1, "{line}");
        assert_eq!(value["id"], Value::Null, "{line}");
        let error = value["error"].as_str().expect("an error line");
        assert!(error.contains("the id is not valid JSON"), "{error}");
    }
}

/// The embedded rule texts, each edit's text appended to the file it names.
fn rules_with(edits: &[(&str, String)]) -> Vec<RuleText> {
    let mut texts = backtriage::embedded::texts();
    assert_eq!(texts.len(), FILES.len());
    for (name, extra) in edits {
        let i = FILES.iter().position(|f| f == name).expect("a rule file");
        texts[i].text.push('\n');
        texts[i].text.push_str(extra);
    }
    texts
}

/// Compiles; a refusal must be problems of one line each.
fn assert_no_panic_and_one_line_problems(texts: &[RuleText]) {
    if let Err(problems) = load::compile_texts(texts) {
        assert!(!problems.is_empty());
        for p in &problems {
            let shown = p.to_string();
            assert!(
                !shown.contains(['\n', '\r']),
                "problem spans lines: {shown:?}"
            );
        }
    }
}

// Finding 2: one red flag comparing 30 number findings made the checker
// multiply their candidate values (7^30) past usize: a panic with overflow
// checks on, a hang in release. It must be refused with one-line problems.
#[test]
fn a_red_flag_over_thirty_number_findings_is_refused_not_a_panic() {
    let k = 30;
    let findings: String = (0..k)
        .map(|i| {
            format!(
                "  - {{id: n{i}, kind: number, label: L, question: Q, help: H, min: 0, max: 100}}\n"
            )
        })
        .collect();
    let conds: Vec<String> = (0..k)
        .map(|i| format!("{{number: n{i}, at_least: 10, at_most: 20}}"))
        .collect();
    let flag = format!(
        "  - id: many_numbers\n    title: T\n    urgency: doctor\n    when: {{all: [{}]}}\n    message: M\n    sources: [nice_ng59]\n",
        conds.join(", ")
    );
    let texts = rules_with(&[("findings.yaml", findings), ("red_flags.yaml", flag)]);
    assert_no_panic_and_one_line_problems(&texts);
    let problems = load::compile_texts(&texts).expect_err("too many combinations to check");
    assert!(
        problems.iter().any(|p| p.message.contains("many_numbers")),
        "{problems:#?}"
    );
}

// Finding 3: fact ids are u16, and more than 65,535 findings overflowed the id
// table (rulebase.rs, IdTable::new): a panic in debug, a silently wrong rule
// base in release. The file is about 3 MB, under the 10 MB file limit.
#[test]
fn more_findings_than_a_fact_id_holds_are_refused_not_a_panic() {
    let findings: String = (0..66_000)
        .map(|i| format!("  - {{id: x{i}, label: L, question: Q, help: H}}\n"))
        .collect();
    let texts = rules_with(&[("findings.yaml", findings)]);
    assert_no_panic_and_one_line_problems(&texts);
    assert!(
        load::compile_texts(&texts).is_err(),
        "a rule base whose fact ids do not fit in a FactId must be refused"
    );
}

// Finding 4: a checker message quoted an id as written, so an id with a
// newline printed as two lines, the second of which could pose as a problem.
#[test]
fn a_newline_in_an_id_does_not_split_a_problem_over_lines() {
    let finding =
        "  - id: \"bad\\nrules/x.yaml:1:1: fake\"\n    label: L\n    question: Q\n    help: H\n";
    let texts = rules_with(&[("findings.yaml", finding.to_owned())]);
    assert!(load::compile_texts(&texts).is_err());
    assert_no_panic_and_one_line_problems(&texts);
}

/// A chain of `n` derived facts, each built on the one before.
fn derived_chain(n: usize) -> String {
    let mut text = String::from("  - {id: d0, label: L, when: fever, sources: [nice_ng59]}\n");
    for i in 1..n {
        text.push_str(&format!(
            "  - {{id: d{i}, label: L, when: d{}, sources: [nice_ng59]}}\n",
            i - 1
        ));
    }
    text
}

// Finding 5: a chain of 60,000 derived facts (a 3 MB file) cost quadratic
// time and memory (27 s, 3.8 GB) and deep recursion; chains are now capped.
#[test]
fn a_very_long_chain_of_derived_facts_is_refused_quickly() {
    let texts = rules_with(&[("derived.yaml", derived_chain(60_000))]);
    let problems = load::compile_texts(&texts).expect_err("too deep a chain is refused");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let shown = problems[0].to_string();
    assert!(
        shown.contains(
            "derived fact `d33` builds on 33 levels of other derived facts; at most 32 are allowed"
        ),
        "{shown}"
    );
}

#[test]
fn a_chain_of_derived_facts_at_the_depth_limit_is_accepted() {
    // d0 .. d32: d32 builds on 32 levels.
    let texts = rules_with(&[("derived.yaml", derived_chain(33))]);
    assert!(load::compile_texts(&texts).is_ok());
}
