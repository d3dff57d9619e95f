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

use crate::output::fast::{json, tail_json, versions_json, write_score};
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

/// Every fixed fragment of a compact line written as JSON once per run (the
/// ids, the levels, what to do at each level, the disclaimer, the emergency
/// note), so that writing a line mostly copies bytes.
#[derive(Debug)]
pub struct CompactTexts {
    /// Per urgency level, by [`Urgency::index`]: `"urgency":…,"action":…`.
    head: Vec<String>,
    fact_id: Vec<String>,
    /// Per red flag: `{"id":…,"urgency":…,"because":[`.
    flag_open: Vec<String>,
    flag_id: Vec<String>,
    /// Per cause: `{"id":…,"score":`.
    cause_open: Vec<String>,
    advice_id: Vec<String>,
    /// Per fact: `{"id":…,"kind":…` of it as the next question, and
    /// whether it is a checklist (which lists its open options).
    question_open: Vec<String>,
    checklist: Vec<bool>,
    /// `,"disclaimer":…,"emergency_note":…`.
    tail: String,
    /// `,"schema_version":…,"tool_version":…,"rules_version":…`.
    versions: String,
}

impl CompactTexts {
    /// The fragments of a rule base.
    pub fn new(rb: &RuleBase) -> CompactTexts {
        let action = |u: Urgency| &rb.settings.urgency.get(u).action;
        CompactTexts {
            head: Urgency::BY_INDEX
                .iter()
                .map(|&u| format!("\"urgency\":{},\"action\":{}", json(&u), json(action(u))))
                .collect(),
            fact_id: rb.facts.iter().map(|f| json(&f.id)).collect(),
            flag_open: rb
                .red_flags
                .iter()
                .map(|r| {
                    format!(
                        "{{\"id\":{},\"urgency\":{},\"because\":[",
                        json(&r.id),
                        json(&r.urgency)
                    )
                })
                .collect(),
            flag_id: rb.red_flags.iter().map(|r| json(&r.id)).collect(),
            cause_open: rb
                .causes
                .iter()
                .map(|c| format!("{{\"id\":{},\"score\":", json(&c.id)))
                .collect(),
            advice_id: rb.advice.iter().map(|a| json(&a.id)).collect(),
            question_open: (0..rb.facts.len())
                .map(FactId::at)
                .map(|f| {
                    let kind = question_kind(rb, f);
                    format!("{{\"id\":{},\"kind\":{}", json(&rb.fact(f).id), json(&kind))
                })
                .collect(),
            checklist: (0..rb.facts.len())
                .map(|f| question_kind(rb, FactId::at(f)) == QuestionKind::Checklist)
                .collect(),
            tail: tail_json(rb),
            versions: versions_json(rb),
        }
    }
}

/// Writes an assessment as one compact JSON object (no newline), byte for
/// byte what serializing its [`CompactLine`] writes (a test holds the two
/// equal), from the fragments in `texts`. `id` is the line's id, the JSON
/// text echoed as given (the caller has checked it is JSON).
pub fn write_json(
    out: &mut Vec<u8>,
    texts: &CompactTexts,
    a: &Assessment,
    id: &str,
    explanation: Option<&Explanation>,
) -> io::Result<()> {
    let put = |out: &mut Vec<u8>, text: &str| out.extend_from_slice(text.as_bytes());
    let facts = |out: &mut Vec<u8>, facts: &[FactId]| {
        list(out, facts, |out, f| {
            put(out, &texts.fact_id[usize::from(f)])
        });
    };
    put(out, "{\"id\":");
    put(out, id);
    out.push(b',');
    put(out, &texts.head[a.urgency.index()]);
    put(
        out,
        if a.complete {
            ",\"complete\":true,\"red_flags\":["
        } else {
            ",\"complete\":false,\"red_flags\":["
        },
    );
    for (i, f) in a.red_flags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put(out, &texts.flag_open[usize::from(f.flag)]);
        facts(out, a.facts(f.because));
        out.push(b']');
        if f.possible {
            put(out, ",\"possible\":true");
        }
        if let Some(m) = f.likely {
            put(out, ",\"likely_sign\":");
            put(out, &texts.fact_id[usize::from(m)]);
        }
        out.push(b'}');
    }
    put(out, "],\"unchecked_red_flags\":[");
    list(out, &a.unchecked_red_flags, |out, r| {
        put(out, &texts.flag_id[usize::from(r)])
    });
    put(out, "],\"causes\":[");
    for (i, c) in a.causes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put(out, &texts.cause_open[usize::from(c.cause)]);
        write_score(out, c.score)?;
        put(out, ",\"because\":[");
        facts(out, a.facts(c.because));
        put(out, "],\"against\":[");
        facts(out, a.facts(c.against));
        put(out, "]}");
    }
    put(out, "],\"advice\":[");
    list(out, &a.advice, |out, i| {
        put(out, &texts.advice_id[usize::from(i)])
    });
    put(out, "],\"next_question\":");
    match a.next_question {
        Some(f) => {
            put(out, &texts.question_open[usize::from(f)]);
            if texts.checklist[usize::from(f)] {
                put(out, ",\"options\":[");
                facts(out, &a.next_options);
                out.push(b']');
            }
            out.push(b'}');
        }
        None => put(out, "null"),
    }
    if !a.disagreements.is_empty() {
        put(out, ",\"warnings\":[");
        facts(out, &a.disagreements);
        out.push(b']');
    }
    put(out, &texts.tail);
    if let Some(explanation) = explanation {
        put(out, ",\"explanation\":");
        serde_json::to_writer(&mut *out, explanation)?;
    }
    put(out, &texts.versions);
    out.push(b'}');
    Ok(())
}

/// Writes `items` separated by commas, each by `write`.
fn list<T: Copy>(out: &mut Vec<u8>, items: &[T], mut write: impl FnMut(&mut Vec<u8>, T)) {
    for (i, &item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::output::testing;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// The compact writer writes exactly what serializing its
        /// [`CompactLine`] (the form its schema describes) writes.
        #[test]
        fn the_compact_writer_and_the_serde_form_write_the_same_bytes(
            choices in testing::choices(),
            explained in any::<bool>(),
        ) {
            let rb = crate::embedded::for_tests();
            let (_, a, explanation) = testing::assessment(rb, &choices, explained);
            let id = serde_json::value::to_raw_value("line-1").expect("an id");

            let mut fast = Vec::new();
            write_json(&mut fast, &CompactTexts::new(rb), &a, id.get(), explanation.as_ref())
                .expect("writes");
            let line = CompactLine::new(rb, &a, &id, explanation.as_ref());
            let slow = serde_json::to_vec(&line).expect("serializes");
            prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&slow));
        }
    }
}
