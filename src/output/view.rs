//! The complete result of an assessment, as every renderer sees it: ids and
//! words instead of indices, everything a renderer needs and nothing it must
//! look up. Serialized, it is the public JSON shape of `assess --format json`
//! and of each batch line (fields marked `skip` are for people only).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::triage::Assessment;
use crate::triage::answers::{Answer, Answers};
use crate::triage::assess::{Decider, Headline};
use crate::triage::condition::{Cond, FactId};
use crate::triage::explain::Explanation;
use crate::triage::rulebase::{AdviceRule, Cite, RuleBase};
use crate::triage::schema::{AdviceKind, FhirText, FindingKind, ResultText, Urgency};

/// The version of the JSON shape that [`View`] serializes to.
pub const SCHEMA_VERSION: u32 = 1;

/// The version of backtriage.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A fact as a result names it: its id (for JSON), its label, and how a
/// sentence says it with its value ("pain for 90 days", "age 72").
#[derive(Debug, Clone, PartialEq)]
pub struct Named<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub said: String,
    /// A finding (asked), not a derived fact (concluded).
    pub finding: bool,
}

impl Serialize for Named<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

impl JsonSchema for Named<'_> {
    fn schema_name() -> Cow<'static, str> {
        "FactId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "The id of a finding (see `backtriage rules list findings`) or of a fact concluded from findings."
        })
    }
}

/// The labels of a list of facts, joined for people.
pub fn labels(facts: &[Named<'_>]) -> String {
    facts.iter().map(|f| f.label).collect::<Vec<_>>().join(", ")
}

/// The facts as a sentence says them, with their values, joined.
pub fn said(facts: &[Named<'_>]) -> String {
    facts
        .iter()
        .map(|f| f.said.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an urgency level is called and asks a person to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelWords<'a> {
    pub title: &'a str,
    pub action: &'a str,
    /// The level as an action, where a list names it ("see a doctor today").
    pub label: &'a str,
    /// When to get help sooner than the level says.
    pub sooner: &'a str,
}

/// A warning sign that fired or is possible.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FlagView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub urgency: Urgency,
    /// The findings that fired it; for a possible flag, the group.
    pub because: Vec<Named<'a>>,
    pub message: &'a str,
    /// A group of signs was answered yes without saying which.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub possible: bool,
    /// For a possible flag: the one sign of the group not answered no.
    #[serde(rename = "likely_sign", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Named<'static>")]
    pub likely: Option<Named<'a>>,
}

/// A warning sign that was not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct UncheckedView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub urgency: Urgency,
}

impl Serialize for UncheckedView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

impl JsonSchema for UncheckedView<'_> {
    fn schema_name() -> Cow<'static, str> {
        "RedFlagId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "The id of a warning sign (see `backtriage rules list red-flags`)."
        })
    }
}

/// A cause with some support.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CauseView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The certainty factor, from 0 to 1, rounded to 3 places.
    #[schemars(range(min = 0, max = 1))]
    pub score: f64,
    pub because: Vec<Named<'a>>,
    pub against: Vec<Named<'a>>,
    #[serde(skip)]
    pub description: &'a str,
    /// The score in words: most likely, possible, less likely.
    #[serde(skip)]
    pub likelihood: &'a str,
    #[serde(skip)]
    pub confirm: &'a [String],
    #[serde(skip)]
    pub treatments: &'a [String],
}

/// A piece of advice.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AdviceView<'a> {
    pub id: &'a str,
    pub kind: AdviceKind,
    pub title: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub steps: &'a [String],
    /// One short line, for the first screen.
    #[serde(skip)]
    pub summary: &'a str,
    /// The labels of what holds this item back (its `avoid_when`).
    #[serde(skip)]
    pub not_while: Vec<&'a str>,
}

impl<'a> AdviceView<'a> {
    /// An item of advice as it reads on its own, with nothing holding it back.
    pub fn of(item: &'a AdviceRule) -> AdviceView<'a> {
        AdviceView {
            id: &item.id,
            kind: item.kind,
            title: &item.title,
            text: &item.text,
            steps: &item.steps,
            summary: &item.summary,
            not_while: Vec::new(),
        }
    }
}

/// Something about the answers a person or script should know: answers
/// that disagreed and how they were resolved.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct WarningView<'a> {
    /// The group whose answers disagreed.
    pub group: &'a str,
    pub message: String,
}

/// The warning for a group whose answers disagreed.
pub fn warning(rb: &RuleBase, g: FactId) -> WarningView<'_> {
    let fact = rb.fact(g);
    WarningView {
        group: &fact.id,
        message: fill(
            &rb.messages.result.group_disagrees,
            &[("group", &fact.label), ("id", &fact.id)],
        ),
    }
}

/// The next question of the interview.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QuestionView<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub kind: QuestionKind,
    /// A checklist's members, all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>")]
    pub any_of: Option<Vec<&'a str>>,
    /// A checklist's members still to answer, in their own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<OptionView<'static>>")]
    pub options: Option<Vec<OptionView<'a>>>,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Yes, no or unknown.
    YesNo,
    /// A number, or unknown.
    Number,
    /// A group asked as one list: its `options` are answered one by one.
    Checklist,
}

/// One item of a checklist.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OptionView<'a> {
    pub id: &'a str,
    pub text: &'a str,
}

/// One answer, in words: the finding's label and question, the answer with
/// its unit, and what the person typed when it says more.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerLine<'a> {
    pub label: &'a str,
    pub question: &'a str,
    pub answer: String,
    pub typed: Option<String>,
    /// The finding's id.
    pub id: &'a str,
    /// The answer itself.
    pub value: Answer,
    /// The kind of question: a group's own answer is a `Checklist`.
    pub kind: QuestionKind,
    /// The checklist this finding is an item of: its id and question.
    pub group: Option<(&'a str, &'a str)>,
}

/// A question that would settle unchecked serious warning signs.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenQuestion<'a> {
    pub label: &'a str,
    pub urgency: Urgency,
    /// Answered "don't know" rather than not asked yet.
    pub unsure: bool,
}

/// The findings of a result, sorted for a clinician.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings<'a> {
    /// Answered yes, and the numbers with their values.
    pub present: Vec<String>,
    /// Answered no, or no through their checklist.
    pub absent: Vec<&'a str>,
    /// Answered "not sure".
    pub unsure: Vec<&'a str>,
    /// Warning-sign questions that were not asked.
    pub not_asked: Vec<&'a str>,
}

/// When a result was made, for a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// When the result was made, as people read it ("2026-11-26 15:40 UTC").
    pub when: String,
    /// The same, to the second, as FHIR and ISO 8601 write an instant
    /// ("2026-11-26T15:40:07Z").
    pub instant: String,
}

impl Meta {
    /// The time `secs` seconds after 1970-01-01 00:00 UTC.
    pub fn at(secs: i64) -> Meta {
        let days = secs.div_euclid(86_400);
        let seconds = secs.rem_euclid(86_400);
        let minutes = seconds / 60;
        // Days to a civil date (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let (hour, minute, second) = (minutes / 60, minutes % 60, seconds % 60);
        Meta {
            when: format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC"),
            instant: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
        }
    }
}

/// A source cited by the result, once, with the passages used.
#[derive(Debug, Clone, PartialEq)]
pub struct CiteView<'a> {
    pub title: &'a str,
    pub sections: Vec<&'a str>,
}

/// The words of the result that come from the rule base's settings and
/// messages.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    /// The level of the result.
    pub level: LevelWords<'a>,
    /// Every level, for labels in lists.
    pub levels: [(Urgency, LevelWords<'a>); 4],
    pub not_finished_title: &'a str,
    pub not_finished_action: &'a str,
    pub short_disclaimer: &'a str,
    /// How many advice items the first screen shows.
    pub advice_shown: usize,
    /// The result screen's messages.
    pub text: &'a ResultText,
    /// The prose of the FHIR output.
    pub fhir: &'a FhirText,
}

impl<'a> Words<'a> {
    /// The words of a level.
    pub fn of(&self, level: Urgency) -> LevelWords<'a> {
        self.levels
            .iter()
            .find(|(u, _)| *u == level)
            .map_or(self.level, |(_, w)| *w)
    }
}

/// The whole result, in the order of the public JSON.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct View<'a> {
    /// The level the answers support: the highest of every warning sign
    /// that fired or is possible and every strongly supported cause. Read
    /// it with `complete`.
    pub urgency: Urgency,
    /// What to do at this level, in words for people.
    pub action: &'a str,
    /// True only when no warning sign is unchecked or possible, no answer is
    /// "don't know", and `next_question` is null.
    pub complete: bool,
    /// The warning signs that fired, or are possible.
    pub red_flags: Vec<FlagView<'a>>,
    /// Warning signs not ruled out: their questions were not answered, or
    /// answered "don't know".
    pub unchecked_red_flags: Vec<UncheckedView<'a>>,
    /// The causes with some support, most likely first.
    pub causes: Vec<CauseView<'a>>,
    pub advice: Vec<AdviceView<'a>>,
    /// What the interview would ask next after exactly these answers, or
    /// null where it would stop.
    pub next_question: Option<QuestionView<'a>>,
    /// Answers that disagreed and how they were resolved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<WarningView<'a>>,
    /// That this is not a diagnosis.
    pub disclaimer: &'a str,
    /// What to do in an emergency.
    pub emergency_note: &'a str,
    /// With `--explain`: the rules that fired and how the urgency was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Explanation")]
    pub explanation: Option<Explanation>,
    /// The version of this JSON shape.
    #[schemars(range(min = 1))]
    pub schema_version: u32,
    /// The version of backtriage that made the result.
    pub tool_version: &'static str,
    /// Which rule base made the result: a hash of its files.
    pub rules_version: &'a str,
    /// What is said first.
    #[serde(skip)]
    pub headline: Headline,
    /// One sentence on why: what decided the urgency, with values.
    #[serde(skip)]
    pub why: String,
    /// For an emergency: what to tell the call handler.
    #[serde(skip)]
    pub tell_handler: String,
    /// The questions that would settle unchecked serious warning signs, most
    /// urgent first.
    #[serde(skip)]
    pub open_questions: Vec<OpenQuestion<'a>>,
    #[serde(skip)]
    pub findings: Findings<'a>,
    /// How many causes count as "likely" (the rest are "less likely").
    #[serde(skip)]
    pub top_causes: usize,
    #[serde(skip)]
    pub words: Words<'a>,
    /// The answers given, in rule-base order.
    #[serde(skip)]
    pub answers: Vec<AnswerLine<'a>>,
    /// The sources behind what was concluded, each once.
    #[serde(skip)]
    pub sources: Vec<CiteView<'a>>,
    /// When the result was made (reports only).
    #[serde(skip)]
    pub meta: Option<Meta>,
}

/// A batch output line: the input line's id, then the view.
#[derive(Serialize, JsonSchema)]
pub struct Line<'v, 'a> {
    /// The input line's `id`, as it was given.
    #[schemars(with = "serde_json::Value")]
    pub id: &'v RawValue,
    #[serde(flatten)]
    pub view: &'v View<'a>,
}

/// A batch output line for an input line that could not be assessed. It
/// names the tool and rule base as a result line does.
#[derive(Serialize, JsonSchema)]
pub struct ErrorLine<'a> {
    /// The input line's `id` as it was given, or null where it could not be
    /// read.
    #[schemars(with = "serde_json::Value")]
    pub id: Option<&'a RawValue>,
    /// The input line's number, from 1.
    #[schemars(range(min = 1))]
    pub line: u64,
    /// What is wrong with the line, in one sentence.
    pub error: &'a str,
    /// The version of this JSON shape.
    #[schemars(range(min = 1))]
    pub schema_version: u32,
    /// The version of backtriage that read the line.
    pub tool_version: &'static str,
    /// Which rule base was used: a hash of its files.
    pub rules_version: &'a str,
}

/// Rounds a score for display and JSON, so output is stable and readable.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Fills `{name}` in a message.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A fact as a sentence says it: a number with its phrase ("pain for 90
/// days"), anything else by its label.
fn named<'a>(rb: &'a RuleBase, answers: &Answers, f: FactId) -> Named<'a> {
    let fact = rb.fact(f);
    let said = match (
        rb.finding(f).and_then(|i| i.phrase.as_deref()),
        answers.get(f),
    ) {
        (Some(phrase), Some(Answer::Number(x))) => fill(phrase, &[("value", &x.to_string())]),
        _ => in_a_sentence(&fact.label),
    };
    Named {
        id: &fact.id,
        label: &fact.label,
        said,
        finding: rb.finding(f).is_some(),
    }
}

/// A label as the middle of a sentence says it: its first letter in lower
/// case ("Fever, chills or night sweats" -> "fever, chills or night sweats").
fn in_a_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The reasons worth a sentence: the findings (with values), at most three;
/// the derived facts only when no finding is among them.
fn reasons(facts: &[Named<'_>]) -> String {
    let findings: Vec<&str> = facts
        .iter()
        .filter(|f| f.finding)
        .take(3)
        .map(|f| f.said.as_str())
        .collect();
    if findings.is_empty() {
        said(facts)
    } else {
        findings.join(", ")
    }
}

impl<'a> View<'a> {
    /// The view of an assessment of `answers`.
    pub fn new(
        rb: &'a RuleBase,
        answers: &Answers,
        a: &Assessment,
        explanation: Option<Explanation>,
    ) -> View<'a> {
        let text = &rb.messages.result;
        let red_flags = flag_views(rb, answers, a);
        let causes = cause_views(rb, answers, a);
        let why = why_line(text, a.decided_by, &red_flags, &causes);
        let tell_handler = tell_handler(rb, answers, a, &red_flags);
        View {
            urgency: a.urgency,
            action: &rb.settings.urgency.get(a.urgency).action,
            complete: a.complete,
            red_flags,
            unchecked_red_flags: a
                .unchecked_red_flags
                .iter()
                .map(|&i| {
                    let r = &rb.red_flags[usize::from(i)];
                    UncheckedView {
                        id: &r.id,
                        title: &r.title,
                        urgency: r.urgency,
                    }
                })
                .collect(),
            causes,
            advice: advice_views(rb, a),
            next_question: a
                .next_question
                .map(|q| question_view(rb, q, &a.next_options)),
            warnings: a.disagreements.iter().map(|&g| warning(rb, g)).collect(),
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            explanation,
            schema_version: SCHEMA_VERSION,
            tool_version: TOOL_VERSION,
            rules_version: &rb.version,
            headline: a.headline(rb),
            why,
            tell_handler,
            open_questions: a
                .unchecked_questions(rb, answers)
                .iter()
                .map(|i| OpenQuestion {
                    label: &rb.fact(i.fact).label,
                    urgency: i.urgency,
                    unsure: i.unsure,
                })
                .collect(),
            findings: findings(rb, answers),
            top_causes: rb.settings.top_causes,
            words: words(rb, a.urgency),
            answers: answer_lines(rb, answers),
            sources: cited_sources(rb, a),
            meta: None,
        }
    }

    /// The questions that would settle unchecked warning signs of `level`,
    /// as listed: those answered "not sure" say so.
    pub fn open_questions_at(&self, level: Urgency) -> Vec<String> {
        self.open_questions
            .iter()
            .filter(|q| q.urgency == level)
            .map(|q| match q.unsure {
                true => format!("{} ({})", q.label, self.words.text.not_sure),
                false => q.label.to_owned(),
            })
            .collect()
    }

    /// Adds what the person typed, for the answers it was typed for.
    pub fn with_typed(mut self, rb: &RuleBase, typed: &[(FactId, String)]) -> View<'a> {
        for (f, words) in typed {
            let label = rb.fact(*f).label.as_str();
            if let Some(line) = self.answers.iter_mut().find(|l| l.label == label)
                && *words != line.answer
                && !words.trim().is_empty()
            {
                line.typed = Some(words.clone());
            }
        }
        self
    }

    /// Adds when the result was made, for a report.
    pub fn with_meta(mut self, meta: Meta) -> View<'a> {
        self.meta = Some(meta);
        self
    }

    /// The advice of a kind, in the order given.
    pub fn advice_of(&self, kind: AdviceKind) -> impl Iterator<Item = &AdviceView<'a>> {
        self.advice.iter().filter(move |a| a.kind == kind)
    }
}

/// One sentence on why the result is what it is.
fn why_line(
    text: &ResultText,
    decided: Decider,
    flags: &[FlagView<'_>],
    causes: &[CauseView<'_>],
) -> String {
    let reason = match decided {
        Decider::Flag(i) => match flags.get(i) {
            Some(f) if f.possible => {
                let mut r = fill(&text.why_possible, &[("group", &labels(&f.because))]);
                if let Some(sign) = &f.likely {
                    r.push(' ');
                    r.push_str(&fill(&text.likely_sign, &[("sign", sign.label)]));
                }
                r
            }
            Some(f) => fill(
                &text.why_flag,
                &[("flag", f.title), ("signs", &reasons(&f.because))],
            ),
            None => text.why_nothing_found.clone(),
        },
        Decider::Cause(i) => match causes.get(i) {
            Some(c) => fill(
                &text.why_cause,
                &[
                    ("cause", &in_a_sentence(c.name)),
                    ("signs", &reasons(&c.because)),
                ],
            ),
            None => text.why_nothing_found.clone(),
        },
        Decider::Nothing => match causes.first() {
            Some(c) => fill(
                &text.why_self_care,
                &[
                    ("cause", &in_a_sentence(c.name)),
                    ("signs", &reasons(&c.because)),
                ],
            ),
            None => text.why_nothing_found.clone(),
        },
    };
    fill(&text.why, &[("reason", &reason)])
}

/// How a finding's question is answered.
pub fn question_kind(rb: &RuleBase, f: FactId) -> QuestionKind {
    match rb.finding(f) {
        Some(i) if !i.members.is_empty() => QuestionKind::Checklist,
        Some(i) if i.kind == FindingKind::Number => QuestionKind::Number,
        _ => QuestionKind::YesNo,
    }
}

/// The next question as JSON shows it. A group is a `checklist` whose
/// `options` are its members still to answer.
pub fn question_view<'a>(rb: &'a RuleBase, f: FactId, options: &[FactId]) -> QuestionView<'a> {
    let group = rb.finding(f).filter(|i| !i.members.is_empty());
    QuestionView {
        id: &rb.fact(f).id,
        text: rb.question(f),
        kind: question_kind(rb, f),
        any_of: group.map(|i| i.members.iter().map(|&m| rb.fact(m).id.as_str()).collect()),
        options: group.map(|_| {
            options
                .iter()
                .map(|&m| OptionView {
                    id: &rb.fact(m).id,
                    text: rb.question(m),
                })
                .collect()
        }),
    }
}

/// The warning signs that fired or are possible.
fn flag_views<'a>(rb: &'a RuleBase, answers: &Answers, a: &Assessment) -> Vec<FlagView<'a>> {
    a.red_flags
        .iter()
        .map(|f| {
            let r = &rb.red_flags[usize::from(f.flag)];
            FlagView {
                id: &r.id,
                title: &r.title,
                urgency: r.urgency,
                because: a
                    .facts(f.because)
                    .iter()
                    .map(|&x| named(rb, answers, x))
                    .collect(),
                message: &r.message,
                possible: f.possible,
                likely: f.likely.map(|x| named(rb, answers, x)),
            }
        })
        .collect()
}

/// The causes with support, each with how likely it is in words.
fn cause_views<'a>(rb: &'a RuleBase, answers: &Answers, a: &Assessment) -> Vec<CauseView<'a>> {
    let text = &rb.messages.result;
    let likely = &rb.settings.likelihood;
    a.causes
        .iter()
        .map(|c| {
            let rule = &rb.causes[usize::from(c.cause)];
            let likelihood = if c.score >= likely.most_likely {
                &text.most_likely
            } else if c.score >= likely.possible {
                &text.possible
            } else {
                &text.less_likely
            };
            CauseView {
                id: &rule.id,
                name: &rule.name,
                score: round3(c.score),
                because: a
                    .facts(c.because)
                    .iter()
                    .map(|&x| named(rb, answers, x))
                    .collect(),
                against: a
                    .facts(c.against)
                    .iter()
                    .map(|&x| named(rb, answers, x))
                    .collect(),
                description: &rule.description,
                likelihood,
                confirm: &rule.confirm,
                treatments: &rule.treatments,
            }
        })
        .collect()
}

/// For an emergency: what to tell the call handler.
fn tell_handler(
    rb: &RuleBase,
    answers: &Answers,
    a: &Assessment,
    red_flags: &[FlagView<'_>],
) -> String {
    let text = &rb.messages.result;
    match (a.urgency, red_flags.first()) {
        (Urgency::Emergency, Some(f)) => {
            // `age` is one of the contract's core findings.
            let age = match rb.fact_id("age").and_then(|f| answers.get(f)) {
                Some(Answer::Number(x)) => fill(&text.tell_age, &[("age", &x.to_string())]),
                _ => String::new(),
            };
            let signs = if f.possible {
                f.title.to_lowercase()
            } else {
                said(&f.because).to_lowercase()
            };
            fill(&text.tell_handler, &[("signs", &signs), ("age", &age)])
        }
        _ => String::new(),
    }
}

/// The advice, each with when not to follow it.
fn advice_views<'a>(rb: &'a RuleBase, a: &Assessment) -> Vec<AdviceView<'a>> {
    a.advice
        .iter()
        .map(|&i| {
            let item = &rb.advice[usize::from(i)];
            AdviceView {
                not_while: item
                    .avoid_when
                    .as_ref()
                    .map(|c| condition_labels(rb, c))
                    .unwrap_or_default(),
                ..AdviceView::of(item)
            }
        })
        .collect()
}

/// The words the renderers need, at the urgency `urgency`.
fn words(rb: &RuleBase, urgency: Urgency) -> Words<'_> {
    let level = |u: Urgency| {
        let t = rb.settings.urgency.get(u);
        LevelWords {
            title: &t.title,
            action: &t.action,
            label: &t.label,
            sooner: &t.sooner,
        }
    };
    Words {
        level: level(urgency),
        levels: Urgency::ALL.map(|u| (u, level(u))),
        not_finished_title: &rb.settings.not_finished.title,
        not_finished_action: &rb.settings.not_finished.action,
        short_disclaimer: &rb.settings.short_disclaimer,
        advice_shown: rb.settings.advice_shown,
        text: &rb.messages.result,
        fhir: &rb.messages.fhir,
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

/// The sources cited by what an assessment concluded, each once with the
/// passages used, in rule-base order.
fn cited_sources<'a>(rb: &'a RuleBase, a: &Assessment) -> Vec<CiteView<'a>> {
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
    let mut cites: Vec<(&str, Vec<&str>)> = Vec::new();
    for Cite { source, section } in flags.chain(causes).chain(advice).flatten() {
        let at = match cites.iter().position(|(s, _)| s == source) {
            Some(at) => at,
            None => {
                cites.push((source, Vec::new()));
                cites.len() - 1
            }
        };
        if let Some(section) = section.as_deref()
            && !cites[at].1.contains(&section)
        {
            cites[at].1.push(section);
        }
    }
    cites
        .into_iter()
        .map(|(id, sections)| CiteView {
            title: rb.source_title(id).unwrap_or(id),
            sections,
        })
        .collect()
}

/// The answers in a readable form, in rule-base order.
fn answer_lines<'a>(rb: &'a RuleBase, answers: &Answers) -> Vec<AnswerLine<'a>> {
    answers
        .iter()
        .map(|(f, a)| {
            let unit = rb
                .finding(f)
                .and_then(|i| i.unit.as_deref())
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            let info = rb.finding(f);
            AnswerLine {
                label: &rb.fact(f).label,
                question: rb.question(f),
                answer: format!("{a}{unit}"),
                typed: None,
                id: &rb.fact(f).id,
                value: a,
                kind: question_view(rb, f, &[]).kind,
                group: info
                    .and_then(|i| i.group)
                    .map(|g| (rb.fact(g).id.as_str(), rb.question(g))),
            }
        })
        .collect()
}

/// The findings sorted for a clinician: present (with values), absent, not
/// sure, and the warning-sign questions never asked.
fn findings<'a>(rb: &'a RuleBase, answers: &Answers) -> Findings<'a> {
    let mut out = Findings::default();
    for f in rb.findings() {
        let Some(info) = rb.finding(f) else { continue };
        if !info.members.is_empty() {
            continue;
        }
        let label = rb.fact(f).label.as_str();
        let group_no = info
            .group
            .is_some_and(|g| answers.get(g) == Some(Answer::No));
        match answers.get(f) {
            Some(Answer::Yes) => out.present.push(label.to_owned()),
            Some(Answer::Number(_)) => out.present.push(named(rb, answers, f).said),
            Some(Answer::No) => out.absent.push(label),
            None if group_no => out.absent.push(label),
            Some(Answer::Unknown) => out.unsure.push(label),
            None => {
                if !rb.flag_deps[usize::from(f)].is_empty() {
                    out.not_asked.push(label);
                }
            }
        }
    }
    out
}
