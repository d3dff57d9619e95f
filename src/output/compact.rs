//! `assess --batch --compact`: each result as ids, levels and scores only,
//! for pipelines. The fixed texts of the full line (titles, messages,
//! advice, question wording) are left out: they are the same for every line
//! and a consumer looks them up once with `backtriage rules list WHAT
//! --format json`. What every output must say stays in: what to do now at
//! this urgency, that this is not a diagnosis, and what to do in an
//! emergency.

use std::io;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::output::view::{QuestionKind, SCHEMA_VERSION, TOOL_VERSION, question_kind, round3};
use crate::triage::Assessment;
use crate::triage::condition::FactId;
use crate::triage::explain::Explanation;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::Urgency;

/// One compact result line. Fields mean what they mean in the full line.
#[derive(Serialize, JsonSchema)]
pub struct CompactLine<'a> {
    /// The input line's `id`, as it was given.
    #[schemars(with = "serde_json::Value")]
    pub id: &'a RawValue,
    pub urgency: Urgency,
    /// What to do at this level, in words for people.
    pub action: &'a str,
    pub complete: bool,
    pub red_flags: Vec<CompactFlag<'a>>,
    /// Warning-sign ids not yet checked.
    pub unchecked_red_flags: Vec<&'a str>,
    pub causes: Vec<CompactCause<'a>>,
    /// Advice ids, in the order the full line gives them.
    pub advice: Vec<&'a str>,
    pub next_question: Option<CompactQuestion<'a>>,
    /// Groups whose answers disagreed (see `warnings` in the full line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<&'a str>,
    pub disclaimer: &'a str,
    pub emergency_note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Explanation")]
    pub explanation: Option<&'a Explanation>,
    #[schemars(range(min = 1))]
    pub schema_version: u32,
    pub tool_version: &'static str,
    pub rules_version: &'a str,
}

/// A warning sign that fired or is possible.
#[derive(Serialize, JsonSchema)]
pub struct CompactFlag<'a> {
    pub id: &'a str,
    pub urgency: Urgency,
    pub because: Vec<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub possible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub likely_sign: Option<&'a str>,
}

/// A cause with support.
#[derive(Serialize, JsonSchema)]
pub struct CompactCause<'a> {
    pub id: &'a str,
    pub score: f64,
    pub because: Vec<&'a str>,
    pub against: Vec<&'a str>,
}

/// The next question: its id, its kind and a checklist's open options.
#[derive(Serialize, JsonSchema)]
pub struct CompactQuestion<'a> {
    pub id: &'a str,
    pub kind: QuestionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<&'a str>>,
}

impl<'a> CompactLine<'a> {
    /// The compact line of an assessment.
    pub fn new(
        rb: &'a RuleBase,
        a: &Assessment,
        id: &'a RawValue,
        explanation: Option<&'a Explanation>,
    ) -> CompactLine<'a> {
        let ids = |facts: &[FactId]| -> Vec<&'a str> {
            facts.iter().map(|&f| rb.fact(f).id.as_str()).collect()
        };
        CompactLine {
            id,
            urgency: a.urgency,
            action: &rb.settings.urgency.get(a.urgency).action,
            complete: a.complete,
            red_flags: a
                .red_flags
                .iter()
                .map(|f| {
                    let flag = &rb.red_flags[usize::from(f.flag)];
                    CompactFlag {
                        id: &flag.id,
                        urgency: flag.urgency,
                        because: ids(a.facts(f.because)),
                        possible: f.possible,
                        likely_sign: f.likely.map(|m| rb.fact(m).id.as_str()),
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
                .map(|c| CompactCause {
                    id: &rb.causes[usize::from(c.cause)].id,
                    score: round3(c.score),
                    because: ids(a.facts(c.because)),
                    against: ids(a.facts(c.against)),
                })
                .collect(),
            advice: a
                .advice
                .iter()
                .map(|&i| rb.advice[usize::from(i)].id.as_str())
                .collect(),
            next_question: a.next_question.map(|f| {
                let kind = question_kind(rb, f);
                CompactQuestion {
                    id: &rb.fact(f).id,
                    kind,
                    options: (kind == QuestionKind::Checklist).then(|| ids(&a.next_options)),
                }
            }),
            warnings: ids(&a.disagreements),
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            explanation,
            schema_version: SCHEMA_VERSION,
            tool_version: TOOL_VERSION,
            rules_version: &rb.version,
        }
    }
}

/// Writes an assessment as one compact JSON object (no newline).
pub fn write_json(
    out: &mut Vec<u8>,
    rb: &RuleBase,
    a: &Assessment,
    id: &RawValue,
    explanation: Option<&Explanation>,
) -> io::Result<()> {
    serde_json::to_writer(out, &CompactLine::new(rb, a, id, explanation))?;
    Ok(())
}
