//! The assessment as people and scripts see it: ids and texts instead of
//! indices. [`Report`] is read by the text and markdown renderers;
//! [`write_json`] writes the JSON of `assess --format json` and of every
//! batch line.
//!
//! Batch mode writes hundreds of thousands of assessments, and most of each
//! is fixed text from the rule base. [`Texts`] renders those parts as JSON
//! once per run, so writing an assessment mostly copies bytes.

use std::io;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::triage::answers::Answers;
use crate::triage::assess::{Assessment, Headline};
use crate::triage::condition::{Cond, FactId};
use crate::triage::explain::Explanation;
use crate::triage::rulebase::{Cite, RuleBase, RuleId};
use crate::triage::schema::{FindingKind, Urgency};

/// A string as a JSON string literal, quoted and escaped.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Strings and the plain structs here always serialize; the fallback only
    // keeps this free of panics.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// An advice item as JSON shows it: in an assessment, and (with its
/// sources) in `rules list advice`.
#[derive(Serialize)]
pub(crate) struct AdviceJson<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub steps: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<&'a str>>,
}

/// A question as JSON shows it. A group is a `checklist` whose `options`
/// are the members still to answer, each in its own words.
#[derive(Serialize)]
struct QuestionJson<'a> {
    id: &'a str,
    text: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<OptionJson<'a>>>,
}

/// One item of a checklist.
#[derive(Serialize)]
struct OptionJson<'a> {
    id: &'a str,
    text: &'a str,
}

fn level_index(u: Urgency) -> usize {
    match u {
        Urgency::SelfCare => 0,
        Urgency::Doctor => 1,
        Urgency::Urgent => 2,
        Urgency::Emergency => 3,
    }
}

fn fact_id_json(rb: &RuleBase, f: FactId) -> String {
    json(&rb.fact(f).id)
}

fn flag_id_json(rb: &RuleBase, r: usize) -> String {
    json(&rb.red_flags[r].id)
}

fn flag_open_json(rb: &RuleBase, r: usize) -> String {
    let flag = &rb.red_flags[r];
    format!(
        "{{\"id\":{},\"title\":{},\"urgency\":{},\"because\":[",
        json(&flag.id),
        json(&flag.title),
        json(&flag.urgency)
    )
}

fn flag_close_json(rb: &RuleBase, r: usize) -> String {
    format!("],\"message\":{}", json(&rb.red_flags[r].message))
}

fn cause_open_json(rb: &RuleBase, c: usize) -> String {
    let cause = &rb.causes[c];
    format!(
        "{{\"id\":{},\"name\":{},\"score\":",
        json(&cause.id),
        json(&cause.name)
    )
}

fn advice_json(rb: &RuleBase, i: usize) -> String {
    let a = &rb.advice[i];
    json(&AdviceJson {
        id: &a.id,
        kind: a.kind.as_str(),
        title: &a.title,
        text: &a.text,
        steps: &a.steps,
        sources: None,
    })
}

fn question_json(rb: &RuleBase, f: FactId, options: &[FactId]) -> String {
    let info = rb.finding(f);
    let group = info.filter(|i| !i.members.is_empty());
    json(&QuestionJson {
        id: &rb.fact(f).id,
        text: rb.question(f),
        kind: match (group, info) {
            (Some(_), _) => "checklist",
            (None, Some(i)) => i.kind.as_str(),
            (None, None) => FindingKind::YesNo.as_str(),
        },
        any_of: group.map(|i| i.members.iter().map(|&m| rb.fact(m).id.as_str()).collect()),
        options: group.map(|_| {
            options
                .iter()
                .map(|&m| OptionJson {
                    id: &rb.fact(m).id,
                    text: rb.question(m),
                })
                .collect()
        }),
    })
}

/// Whether `options` are all of a group's members: the usual checklist, which
/// batch renders once ahead.
fn all_members(rb: &RuleBase, f: FactId, options: &[FactId]) -> bool {
    rb.finding(f).is_none_or(|i| i.members == options)
}

fn head_json(rb: &RuleBase, u: Urgency) -> String {
    format!(
        "\"urgency\":{},\"action\":{},\"complete\":",
        json(&u),
        json(&rb.settings.urgency.get(u).action)
    )
}

fn tail_json(rb: &RuleBase) -> String {
    format!(
        ",\"disclaimer\":{},\"emergency_note\":{}",
        json(&rb.settings.disclaimer),
        json(&rb.settings.emergency_note)
    )
}

/// Where the fixed parts of an assessment's JSON come from: rendered ahead
/// for a whole batch ([`Texts`]), or on the spot for one assessment
/// ([`OnTheSpot`]), which then renders only what it writes.
pub trait Fragments {
    /// A fact's id as a JSON string.
    fn fact_id(&self, out: &mut Vec<u8>, f: FactId);
    /// A red flag's id as a JSON string.
    fn flag_id(&self, out: &mut Vec<u8>, r: usize);
    /// `{"id":…,"title":…,"urgency":…,"because":[` of a red flag.
    fn flag_open(&self, out: &mut Vec<u8>, r: usize);
    /// `],"message":…` of a red flag.
    fn flag_close(&self, out: &mut Vec<u8>, r: usize);
    /// `{"id":…,"name":…,"score":` of a cause.
    fn cause_open(&self, out: &mut Vec<u8>, c: usize);
    /// An advice item's whole object.
    fn advice(&self, out: &mut Vec<u8>, i: usize);
    /// A finding's whole `next_question` object; `options` are the open
    /// members of a checklist.
    fn question(&self, out: &mut Vec<u8>, f: FactId, options: &[FactId]);
    /// `"urgency":…,"action":…,"complete":` of a level.
    fn head(&self, out: &mut Vec<u8>, level: Urgency);
    /// `,"disclaimer":…,"emergency_note":…`.
    fn tail(&self, out: &mut Vec<u8>);
}

/// Renders each fragment when it is written: for a single assessment.
#[derive(Debug, Clone, Copy)]
pub struct OnTheSpot<'a>(pub &'a RuleBase);

impl Fragments for OnTheSpot<'_> {
    fn fact_id(&self, out: &mut Vec<u8>, f: FactId) {
        out.extend_from_slice(fact_id_json(self.0, f).as_bytes());
    }
    fn flag_id(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(flag_id_json(self.0, r).as_bytes());
    }
    fn flag_open(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(flag_open_json(self.0, r).as_bytes());
    }
    fn flag_close(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(flag_close_json(self.0, r).as_bytes());
    }
    fn cause_open(&self, out: &mut Vec<u8>, c: usize) {
        out.extend_from_slice(cause_open_json(self.0, c).as_bytes());
    }
    fn advice(&self, out: &mut Vec<u8>, i: usize) {
        out.extend_from_slice(advice_json(self.0, i).as_bytes());
    }
    fn question(&self, out: &mut Vec<u8>, f: FactId, options: &[FactId]) {
        out.extend_from_slice(question_json(self.0, f, options).as_bytes());
    }
    fn head(&self, out: &mut Vec<u8>, level: Urgency) {
        out.extend_from_slice(head_json(self.0, level).as_bytes());
    }
    fn tail(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(tail_json(self.0).as_bytes());
    }
}

/// Every fragment rendered once, ahead: for a batch, where each is written
/// hundreds of thousands of times.
#[derive(Debug)]
pub struct Texts<'r> {
    rb: &'r RuleBase,
    fact_id: Vec<String>,
    flag_id: Vec<String>,
    flag_open: Vec<String>,
    flag_close: Vec<String>,
    cause_open: Vec<String>,
    advice: Vec<String>,
    question: Vec<String>,
    head: Vec<String>,
    tail: String,
}

impl<'r> Texts<'r> {
    /// Renders every fragment of the rule base.
    pub fn new(rb: &'r RuleBase) -> Texts<'r> {
        let levels = [
            Urgency::SelfCare,
            Urgency::Doctor,
            Urgency::Urgent,
            Urgency::Emergency,
        ];
        Texts {
            rb,
            fact_id: (0..rb.facts.len() as FactId)
                .map(|f| fact_id_json(rb, f))
                .collect(),
            flag_id: (0..rb.red_flags.len())
                .map(|r| flag_id_json(rb, r))
                .collect(),
            flag_open: (0..rb.red_flags.len())
                .map(|r| flag_open_json(rb, r))
                .collect(),
            flag_close: (0..rb.red_flags.len())
                .map(|r| flag_close_json(rb, r))
                .collect(),
            cause_open: (0..rb.causes.len())
                .map(|c| cause_open_json(rb, c))
                .collect(),
            advice: (0..rb.advice.len()).map(|i| advice_json(rb, i)).collect(),
            question: (0..rb.facts.len() as FactId)
                .map(|f| {
                    let all = rb.finding(f).map(|i| i.members.clone()).unwrap_or_default();
                    question_json(rb, f, &all)
                })
                .collect(),
            head: levels.iter().map(|&u| head_json(rb, u)).collect(),
            tail: tail_json(rb),
        }
    }
}

impl Fragments for Texts<'_> {
    fn fact_id(&self, out: &mut Vec<u8>, f: FactId) {
        out.extend_from_slice(self.fact_id[usize::from(f)].as_bytes());
    }
    fn flag_id(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(self.flag_id[r].as_bytes());
    }
    fn flag_open(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(self.flag_open[r].as_bytes());
    }
    fn flag_close(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(self.flag_close[r].as_bytes());
    }
    fn cause_open(&self, out: &mut Vec<u8>, c: usize) {
        out.extend_from_slice(self.cause_open[c].as_bytes());
    }
    fn advice(&self, out: &mut Vec<u8>, i: usize) {
        out.extend_from_slice(self.advice[i].as_bytes());
    }
    fn question(&self, out: &mut Vec<u8>, f: FactId, options: &[FactId]) {
        if all_members(self.rb, f, options) {
            out.extend_from_slice(self.question[usize::from(f)].as_bytes());
        } else {
            out.extend_from_slice(question_json(self.rb, f, options).as_bytes());
        }
    }
    fn head(&self, out: &mut Vec<u8>, level: Urgency) {
        out.extend_from_slice(self.head[level_index(level)].as_bytes());
    }
    fn tail(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tail.as_bytes());
    }
}

/// Writes `items` separated by commas, each by `write`.
fn write_list<T: Copy>(out: &mut Vec<u8>, items: &[T], mut write: impl FnMut(&mut Vec<u8>, T)) {
    for (i, &item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

/// Writes an assessment as one JSON object (no newline). `id` is a batch
/// line's id, echoed as given; `explanation` is added by `--explain`.
///
/// The fields and their order are the public JSON shape (see the README);
/// `tests/assess.rs` locks them.
pub fn write_json(
    out: &mut Vec<u8>,
    frags: &impl Fragments,
    a: &Assessment,
    id: Option<&RawValue>,
    explanation: Option<&Explanation>,
) -> io::Result<()> {
    let fact = |out: &mut Vec<u8>, f: FactId| frags.fact_id(out, f);
    out.push(b'{');
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        out.extend_from_slice(id.get().as_bytes());
        out.push(b',');
    }
    frags.head(out, a.urgency);
    out.extend_from_slice(if a.complete {
        b"true,\"red_flags\":["
    } else {
        b"false,\"red_flags\":["
    });
    for (i, f) in a.red_flags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let r = usize::from(f.flag);
        frags.flag_open(out, r);
        write_list(out, a.facts(f.because), fact);
        frags.flag_close(out, r);
        if f.possible {
            out.extend_from_slice(b",\"possible\":true");
        }
        if let Some(m) = f.likely {
            out.extend_from_slice(b",\"likely_sign\":");
            frags.fact_id(out, m);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"unchecked_red_flags\":[");
    write_list(out, &a.unchecked_red_flags, |out, r| {
        frags.flag_id(out, usize::from(r))
    });
    out.extend_from_slice(b"],\"causes\":[");
    for (i, c) in a.causes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        frags.cause_open(out, usize::from(c.cause));
        serde_json::to_writer(&mut *out, &round3(c.score))?;
        out.extend_from_slice(b",\"because\":[");
        write_list(out, a.facts(c.because), fact);
        out.extend_from_slice(b"],\"against\":[");
        write_list(out, a.facts(c.against), fact);
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"advice\":[");
    write_list(out, &a.advice, |out, i| frags.advice(out, usize::from(i)));
    out.extend_from_slice(b"],\"next_question\":");
    match a.next_question {
        Some(f) => frags.question(out, f, &a.next_options),
        None => out.extend_from_slice(b"null"),
    }
    frags.tail(out);
    if let Some(explanation) = explanation {
        out.extend_from_slice(b",\"explanation\":");
        serde_json::to_writer(&mut *out, explanation)?;
    }
    out.push(b'}');
    Ok(())
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
    /// For a possible flag, the one sign of the group not answered no.
    pub likely: Option<&'a str>,
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
    /// The labels of what holds this item back (its `avoid_when`), for
    /// "not while" in the text output.
    pub not_while: Vec<&'a str>,
}

/// The assessment for the text and markdown renderers.
#[derive(Debug)]
pub struct Report<'a> {
    pub urgency: Urgency,
    /// What is said first: the urgency, or that the screen is not finished.
    pub headline: Headline,
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
            headline: a.headline(rb),
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
                        likely: f.likely.map(|m| rb.fact(m).label.as_str()),
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
                        not_while: item
                            .avoid_when
                            .as_ref()
                            .map(|c| condition_labels(rb, c))
                            .unwrap_or_default(),
                    }
                })
                .collect(),
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            explanation,
        }
    }
}

/// The labels of the facts a condition names at its top level (a fact, or
/// the facts of an `all`/`any`), as plain words for people.
fn condition_labels<'a>(rb: &'a RuleBase, cond: &Cond) -> Vec<&'a str> {
    let label = |c: &Cond| match c {
        Cond::Fact(f) => Some(rb.fact(*f).label.as_str()),
        _ => None,
    };
    match cond {
        Cond::All(items) | Cond::Any(items) => items.iter().filter_map(label).collect(),
        other => label(other).into_iter().collect(),
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
