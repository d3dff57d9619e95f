//! The assessment as people and scripts see it: ids and texts instead of
//! indices. [`Report`] is read by the text and markdown renderers;
//! [`write_json`] writes the JSON of `assess --format json` and of every
//! batch line.
//!
//! Batch mode writes hundreds of thousands of assessments, and most of each
//! is fixed text from the rule base. [`Texts`] renders those parts as JSON
//! once per run, so writing an assessment mostly copies bytes.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::answers::Answers;
use crate::condition::FactId;
use crate::engine::{Assessment, Explanation};
use crate::model::{FindingKind, Urgency};
use crate::rulebase::{Cite, RuleBase, RuleId};

/// A string as a JSON string literal, quoted and escaped.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Strings and the plain structs here always serialize; the fallback only
    // keeps this free of panics.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// An advice item as JSON shows it.
#[derive(Serialize)]
struct AdviceJson<'a> {
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    steps: &'a [String],
}

/// A question as JSON shows it.
#[derive(Serialize)]
struct QuestionJson<'a> {
    id: &'a str,
    text: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<&'a str>>,
}

fn level_index(u: Urgency) -> usize {
    match u {
        Urgency::SelfCare => 0,
        Urgency::Doctor => 1,
        Urgency::Urgent => 2,
        Urgency::Emergency => 3,
    }
}

/// The fixed parts of the JSON output, rendered once per rule base.
#[derive(Debug)]
pub struct Texts {
    /// Per fact: its id as a JSON string.
    fact_id: Vec<String>,
    /// Per red flag: its id as a JSON string.
    flag_id: Vec<String>,
    /// Per red flag: `{"id":…,"title":…,"urgency":…,"because":[`.
    flag_open: Vec<String>,
    /// Per red flag: `],"message":…`.
    flag_close: Vec<String>,
    /// Per cause: `{"id":…,"name":…,"score":`.
    cause_open: Vec<String>,
    /// Per advice item: its whole object.
    advice: Vec<String>,
    /// Per finding: its whole `next_question` object.
    question: Vec<String>,
    /// Per urgency level: `"urgency":…,"action":…,"red_flags":[`.
    head: Vec<String>,
    /// `,"disclaimer":…,"emergency_note":…`.
    tail: String,
}

impl Texts {
    /// Renders the fixed parts of the rule base as JSON.
    pub fn new(rb: &RuleBase) -> Texts {
        let levels = [
            Urgency::SelfCare,
            Urgency::Doctor,
            Urgency::Urgent,
            Urgency::Emergency,
        ];
        Texts {
            fact_id: rb.facts.iter().map(|f| json(&f.id)).collect(),
            flag_id: rb.red_flags.iter().map(|r| json(&r.id)).collect(),
            flag_open: rb
                .red_flags
                .iter()
                .map(|r| {
                    format!(
                        "{{\"id\":{},\"title\":{},\"urgency\":{},\"because\":[",
                        json(&r.id),
                        json(&r.title),
                        json(&r.urgency)
                    )
                })
                .collect(),
            flag_close: rb
                .red_flags
                .iter()
                .map(|r| format!("],\"message\":{}", json(&r.message)))
                .collect(),
            cause_open: rb
                .causes
                .iter()
                .map(|c| {
                    format!(
                        "{{\"id\":{},\"name\":{},\"score\":",
                        json(&c.id),
                        json(&c.name)
                    )
                })
                .collect(),
            advice: rb
                .advice
                .iter()
                .map(|a| {
                    json(&AdviceJson {
                        id: &a.id,
                        kind: a.kind.as_str(),
                        title: &a.title,
                        text: &a.text,
                        steps: &a.steps,
                    })
                })
                .collect(),
            question: (0..rb.facts.len() as FactId)
                .map(|f| {
                    let info = rb.finding(f);
                    json(&QuestionJson {
                        id: &rb.fact(f).id,
                        text: question_text(rb, f),
                        kind: info.map_or(FindingKind::YesNo, |i| i.kind).as_str(),
                        any_of: info
                            .filter(|i| !i.members.is_empty())
                            .map(|i| i.members.iter().map(|&m| rb.fact(m).id.as_str()).collect()),
                    })
                })
                .collect(),
            head: levels
                .iter()
                .map(|&u| {
                    format!(
                        "\"urgency\":{},\"action\":{},\"red_flags\":[",
                        json(&u),
                        json(&rb.settings.urgency.get(u).action)
                    )
                })
                .collect(),
            tail: format!(
                ",\"disclaimer\":{},\"emergency_note\":{}",
                json(&rb.settings.disclaimer),
                json(&rb.settings.emergency_note)
            ),
        }
    }
}

fn write_list<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a str>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.as_bytes());
    }
}

/// Writes an assessment as one JSON object (no newline). `id` is a batch
/// line's id, echoed as given; `explanation` is added by `--explain`.
///
/// The fields and their order are the public JSON shape (see the README);
/// `tests/assess.rs` locks them.
pub fn write_json(
    out: &mut Vec<u8>,
    texts: &Texts,
    a: &Assessment,
    id: Option<&RawValue>,
    explanation: Option<&Explanation>,
) -> io::Result<()> {
    let facts = |span| {
        a.facts(span)
            .iter()
            .map(|&f| texts.fact_id[usize::from(f)].as_str())
    };
    out.push(b'{');
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        out.extend_from_slice(id.get().as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(texts.head[level_index(a.urgency)].as_bytes());
    for (i, f) in a.red_flags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let r = usize::from(f.flag);
        out.extend_from_slice(texts.flag_open[r].as_bytes());
        write_list(out, facts(f.because));
        out.extend_from_slice(texts.flag_close[r].as_bytes());
        if f.possible {
            out.extend_from_slice(b",\"possible\":true");
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"unchecked_red_flags\":[");
    write_list(
        out,
        a.unchecked_red_flags
            .iter()
            .map(|&r| texts.flag_id[usize::from(r)].as_str()),
    );
    out.extend_from_slice(b"],\"causes\":[");
    for (i, c) in a.causes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(texts.cause_open[usize::from(c.cause)].as_bytes());
        serde_json::to_writer(&mut *out, &round3(c.score))?;
        out.extend_from_slice(b",\"because\":[");
        write_list(out, facts(c.because));
        out.extend_from_slice(b"],\"against\":[");
        write_list(out, facts(c.against));
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"advice\":[");
    write_list(
        out,
        a.advice
            .iter()
            .map(|&i| texts.advice[usize::from(i)].as_str()),
    );
    out.extend_from_slice(b"],\"next_question\":");
    match a.next_question {
        Some(f) => out.extend_from_slice(texts.question[usize::from(f)].as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(texts.tail.as_bytes());
    if let Some(explanation) = explanation {
        out.extend_from_slice(b",\"explanation\":");
        serde_json::to_writer(&mut *out, explanation)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes an assessment as JSON to a stream, with a newline.
pub fn write_json_line(
    w: &mut impl Write,
    buf: &mut Vec<u8>,
    texts: &Texts,
    a: &Assessment,
    id: Option<&RawValue>,
    explanation: Option<&Explanation>,
) -> io::Result<()> {
    buf.clear();
    write_json(buf, texts, a, id, explanation)?;
    buf.push(b'\n');
    w.write_all(buf)
}

fn question_text(rb: &RuleBase, f: FactId) -> &str {
    let fact = rb.fact(f);
    rb.finding(f)
        .map_or(fact.label.as_str(), |i| i.question.as_str())
}

/// Rounds a score for display and JSON, so output is stable and readable.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A list of findings (the reasons for a conclusion).
#[derive(Debug, Clone, Copy)]
pub struct FactList<'a> {
    rb: &'a RuleBase,
    pub facts: &'a [FactId],
}

impl FactList<'_> {
    /// The findings' short labels, joined for people.
    pub fn labels(&self) -> String {
        self.facts
            .iter()
            .map(|&f| self.rb.fact(f).label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

/// A fired warning sign.
#[derive(Debug)]
pub struct FlagView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub urgency: Urgency,
    pub because: FactList<'a>,
    pub message: &'a str,
    /// True when a group of warning signs was answered yes without saying
    /// which: `because` then names the group.
    pub possible: bool,
}

/// A likely cause.
#[derive(Debug)]
pub struct CauseView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub score: f64,
    pub because: FactList<'a>,
    pub against: FactList<'a>,
}

/// A piece of advice.
#[derive(Debug)]
pub struct AdviceView<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    pub steps: &'a [String],
}

/// The assessment for the text and markdown renderers.
#[derive(Debug)]
pub struct Report<'a> {
    pub urgency: Urgency,
    /// What to do now, in plain words.
    pub action: &'a str,
    pub red_flags: Vec<FlagView<'a>>,
    pub unchecked_red_flags: &'a [RuleId],
    pub causes: Vec<CauseView<'a>>,
    pub advice: Vec<AdviceView<'a>>,
    pub disclaimer: &'a str,
    pub emergency_note: &'a str,
    pub explanation: Option<Explanation>,
}

impl<'a> Report<'a> {
    /// Builds the view of an assessment.
    pub fn new(
        rb: &'a RuleBase,
        a: &'a Assessment,
        explanation: Option<Explanation>,
    ) -> Report<'a> {
        let facts = |facts: &'a [FactId]| FactList { rb, facts };
        Report {
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
                        because: facts(a.facts(f.because)),
                        message: &r.message,
                        possible: f.possible,
                    }
                })
                .collect(),
            unchecked_red_flags: &a.unchecked_red_flags,
            causes: a
                .causes
                .iter()
                .map(|c| {
                    let rule = &rb.causes[usize::from(c.cause)];
                    CauseView {
                        id: &rule.id,
                        name: &rule.name,
                        score: round3(c.score),
                        because: facts(a.facts(c.because)),
                        against: facts(a.facts(c.against)),
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
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            explanation,
        }
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
