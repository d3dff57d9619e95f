//! Rule bases built to be slow to check (issue 17): the safety checks grow
//! with the red flags times the questions, not faster, have a count limit,
//! and problems are located in one reading of each file. Measured figures
//! are in the CHANGELOG; these tests hold the behaviour, not the time.

use backtriage::triage::load;
use backtriage::triage::problem::{FILES, RuleText};

/// The embedded rule texts, each edit's text appended to the file it names.
fn rules_with(edits: &[(&str, String)]) -> Vec<RuleText> {
    let mut texts = backtriage::embedded::texts();
    for (name, extra) in edits {
        let i = FILES.iter().position(|f| f == name).expect("a rule file");
        texts[i].text.push('\n');
        texts[i].text.push_str(extra);
    }
    texts
}

/// `n` red flags, each on a question of its own: the interview asks one
/// more question per red flag. 1,000 took 23 s to check, 4,000 would have
/// taken about half an hour: each red flag simulated the whole interview.
fn flags_on_own_questions(n: usize) -> Vec<RuleText> {
    let findings: String = (0..n)
        .map(|i| {
            format!("  - {{id: x{i}, label: Extra {i}, question: Extra question {i}?, help: H}}\n")
        })
        .collect();
    let flags: String = (0..n)
        .map(|i| format!("  - {{id: extra_{i}, title: T, urgency: doctor, when: x{i}, message: M, sources: [nice_ng59]}}\n"))
        .collect();
    rules_with(&[("findings.yaml", findings), ("red_flags.yaml", flags)])
}

#[test]
fn a_thousand_red_flags_on_their_own_questions_are_checked_and_accepted() {
    let rb = load::compile_texts(&flags_on_own_questions(1000)).expect("a sound rule base");
    assert_eq!(rb.red_flags.len(), 1045);
}

#[test]
fn more_red_flags_than_the_safety_checks_take_are_refused() {
    let flags: String = (0..5000)
        .map(|i| format!("  - {{id: extra_{i}, title: T, urgency: doctor, when: fever, message: M, sources: [nice_ng59]}}\n"))
        .collect();
    let problems = load::compile_texts(&rules_with(&[("red_flags.yaml", flags)]))
        .expect_err("too many red flags");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(
        problems[0].to_string(),
        "rules/red_flags.yaml:8:3: 5045 red flags: the safety checks follow the interview for each, and take at most 5000"
    );
}

// 4,900 red flags that can never fire took 140 s to report: each problem's
// place was found by reading the whole file again.
#[test]
fn thousands_of_problems_are_each_located() {
    let n = 3000;
    let flags: String = (0..n)
        .map(|i| format!("  - {{id: never_{i}, title: T, urgency: doctor, message: M, sources: [nice_ng59],\n     when: {{all: [{{number: age, less_than: 10}}, {{number: age, at_least: 20}}]}}}}\n"))
        .collect();
    let texts = rules_with(&[("red_flags.yaml", flags)]);
    let first = texts[3]
        .text
        .lines()
        .position(|l| l.contains("id: never_0"))
        .unwrap()
        + 2;
    let problems = load::compile_texts(&texts).expect_err("red flags that never fire");
    assert_eq!(problems.len(), n);
    for (i, p) in problems.iter().enumerate() {
        assert_eq!(p.position, Some((first + 2 * i, 12)), "{p}");
        assert!(
            p.message.contains(&format!("`never_{i}` can never fire")),
            "{p}"
        );
    }
}
