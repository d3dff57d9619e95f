//! The assessment as people and scripts see it: ids and texts instead of
//! indices. The JSON output is this type serialized; the text and markdown
//! renderers read it too, so all formats say the same thing.

use serde::Serialize;

use crate::answers::Answers;
use crate::condition::FactId;
use crate::engine::{Assessment, Explanation};
use crate::model::{FindingKind, Urgency};
use crate::rulebase::{Cite, RuleBase};

/// A fired warning sign.
#[derive(Debug, Serialize)]
pub struct FlagView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub urgency: Urgency,
    pub because: Vec<&'a str>,
    pub message: &'a str,
    /// Present and true when a group of warning signs was answered yes
    /// without saying which: `because` then names the group.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub possible: bool,
}

/// A likely cause.
#[derive(Debug, Serialize)]
pub struct CauseView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub score: f64,
    pub because: Vec<&'a str>,
    pub against: Vec<&'a str>,
}

/// A piece of advice.
#[derive(Debug, Serialize)]
pub struct AdviceView<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub steps: &'a [String],
}

/// The question the interview would ask next.
#[derive(Debug, Serialize)]
pub struct QuestionView<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<&'a str>>,
}

/// The full assessment, ready to print or serialize.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The id of a batch line, echoed as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a serde_json::value::RawValue>,
    pub urgency: Urgency,
    /// What to do now, in plain words.
    pub action: &'a str,
    pub red_flags: Vec<FlagView<'a>>,
    pub unchecked_red_flags: Vec<&'a str>,
    pub causes: Vec<CauseView<'a>>,
    pub advice: Vec<AdviceView<'a>>,
    pub next_question: Option<QuestionView<'a>>,
    pub disclaimer: &'a str,
    pub emergency_note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

fn ids<'a>(rb: &'a RuleBase, facts: &[FactId]) -> Vec<&'a str> {
    facts.iter().map(|&f| rb.fact(f).id.as_str()).collect()
}

/// Rounds a score for display and JSON, so output is stable and readable.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl<'a> Report<'a> {
    /// Builds the view of an assessment.
    pub fn new(rb: &'a RuleBase, a: &Assessment, explanation: Option<Explanation>) -> Report<'a> {
        Report {
            id: None,
            urgency: a.urgency,
            action: &rb.settings.urgency.get(a.urgency).action,
            red_flags: a
                .red_flags
                .iter()
                .map(|f| {
                    let r = &rb.red_flags[usize::from(f.flag)];
                    FlagView {
                        id: &r.id,
                        title: &r.title,
                        urgency: r.urgency,
                        because: ids(rb, &f.because),
                        message: &r.message,
                        possible: f.possible,
                    }
                })
                .collect(),
            unchecked_red_flags: a
                .unchecked_red_flags
                .iter()
                .map(|&r| rb.red_flags[usize::from(r)].id.as_str())
                .collect(),
            causes: a
                .causes
                .iter()
                .map(|c| {
                    let rule = &rb.causes[usize::from(c.cause)];
                    CauseView {
                        id: &rule.id,
                        name: &rule.name,
                        score: round3(c.score),
                        because: ids(rb, &c.because),
                        against: ids(rb, &c.against),
                    }
                })
                .collect(),
            advice: a
                .advice
                .iter()
                .map(|&i| {
                    let item = &rb.advice[usize::from(i)];
                    AdviceView {
                        id: &item.id,
                        kind: item.kind.as_str(),
                        title: &item.title,
                        text: &item.text,
                        steps: &item.steps,
                    }
                })
                .collect(),
            next_question: a.next_question.map(|f| question_view(rb, f)),
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            explanation,
        }
    }
}

/// The public view of one question.
pub fn question_view(rb: &RuleBase, f: FactId) -> QuestionView<'_> {
    let fact = rb.fact(f);
    let info = rb.finding(f);
    QuestionView {
        id: &fact.id,
        text: info.map_or(fact.label.as_str(), |i| i.question.as_str()),
        kind: info.map_or(FindingKind::YesNo, |i| i.kind).as_str(),
        any_of: info
            .filter(|i| !i.members.is_empty())
            .map(|i| ids(rb, &i.members)),
    }
}

/// The sources cited by what an assessment concluded, in rule-base order.
pub fn cited_sources<'a>(rb: &'a RuleBase, a: &Assessment) -> Vec<&'a Cite> {
    let mut cites: Vec<&Cite> = Vec::new();
    let flags = a
        .red_flags
        .iter()
        .map(|f| &rb.red_flags[usize::from(f.flag)].sources);
    let causes = a
        .causes
        .iter()
        .take(rb.settings.top_causes)
        .map(|c| &rb.causes[usize::from(c.cause)].sources);
    let advice = a.advice.iter().map(|&i| &rb.advice[usize::from(i)].sources);
    for cite in flags.chain(causes).chain(advice).flatten() {
        if !cites.contains(&cite) {
            cites.push(cite);
        }
    }
    cites
}

/// The answers in a readable form: (label, answer), in rule-base order.
pub fn answer_lines<'a>(rb: &'a RuleBase, answers: &Answers) -> Vec<(&'a str, String)> {
    answers
        .iter()
        .map(|(f, a)| {
            let fact = rb.fact(f);
            let unit = rb
                .finding(f)
                .and_then(|i| i.unit.as_deref())
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            (fact.label.as_str(), format!("{a}{unit}"))
        })
        .collect()
}
