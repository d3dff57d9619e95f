//! Random assessments for the tests that hold the batch fast paths to the
//! serde forms they stand for.

use proptest::prelude::*;

use crate::triage::answers::{Answer, Answers};
use crate::triage::engine::Evaluation;
use crate::triage::explain::{self, Explanation};
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::FindingKind;
use crate::triage::{Assessment, assess_into};

/// Per finding: a choice of answer and a number to answer with.
pub fn choices() -> impl Strategy<Value = Vec<(u8, u8)>> {
    prop::collection::vec((0u8..6, 0u8..120), 120)
}

/// The answers the choices make (numbers for number findings, some "don't
/// know", disagreements settled) and their assessment, with its
/// explanation if `explained`.
pub fn assessment(
    rb: &RuleBase,
    choices: &[(u8, u8)],
    explained: bool,
) -> (Answers, Assessment, Option<Explanation>) {
    let mut answers = Answers::new(rb);
    for (f, &(choice, x)) in rb.findings().zip(choices) {
        let number = rb.finding(f).is_some_and(|i| i.kind == FindingKind::Number);
        let answer = match (choice, number) {
            (0 | 1, _) => continue,
            (2, true) => Answer::Number(f64::from(x)),
            (2, false) | (5, _) => Answer::No,
            (3, _) => Answer::Unknown,
            _ if number => Answer::Number(f64::from(x) / 3.0),
            _ => Answer::Yes,
        };
        let _ = answers.set(rb, f, answer);
    }
    answers.settle_disagreements(rb);
    let mut eval = Evaluation::empty(rb);
    let mut a = Assessment::default();
    assess_into(rb, &answers, &mut eval, &mut a);
    let explanation = explained.then(|| explain::explain(rb, &eval));
    (answers, a, explanation)
}
