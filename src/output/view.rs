//! The complete result of an assessment, as every renderer sees it: ids and
//! words instead of indices, everything a renderer needs and nothing it must
//! look up. Serialized, it is the public JSON shape of `assess --format json`
//! and of each batch line (fields marked `skip` are for people only).

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::triage::Assessment;
use crate::triage::answers::Answers;
use crate::triage::assess::Headline;
use crate::triage::condition::{Cond, FactId};
use crate::triage::explain::Explanation;
use crate::triage::rulebase::{Cite, RuleBase};
use crate::triage::schema::{AdviceKind, FindingKind, Urgency};

/// A fact as a result names it: its id (for JSON) and label (for people).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Named<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

impl Serialize for Named<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// The labels of a list of facts, joined for people.
pub fn labels(facts: &[Named<'_>]) -> String {
    facts.iter().map(|f| f.label).collect::<Vec<_>>().join(", ")
}

/// What an urgency level is called and asks a person to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelWords<'a> {
    pub title: &'a str,
    pub action: &'a str,
}

/// A warning sign that fired or is possible.
#[derive(Debug, Clone, Serialize)]
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

/// A cause with some support.
#[derive(Debug, Clone, Serialize)]
pub struct CauseView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The certainty factor, rounded to 3 places.
    pub score: f64,
    pub because: Vec<Named<'a>>,
    pub against: Vec<Named<'a>>,
    #[serde(skip)]
    pub description: &'a str,
    #[serde(skip)]
    pub confirm: &'a [String],
    #[serde(skip)]
    pub treatments: &'a [String],
}

/// A piece of advice.
#[derive(Debug, Clone, Serialize)]
pub struct AdviceView<'a> {
    pub id: &'a str,
    pub kind: AdviceKind,
    pub title: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub steps: &'a [String],
    /// The labels of what holds this item back (its `avoid_when`).
    #[serde(skip)]
    pub not_while: Vec<&'a str>,
}

/// The next question of the interview.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub kind: &'static str,
    /// A checklist's members, all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<&'a str>>,
    /// A checklist's members still to answer, in their own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<OptionView<'a>>>,
}

/// One item of a checklist.
#[derive(Debug, Clone, Serialize)]
pub struct OptionView<'a> {
    pub id: &'a str,
    pub text: &'a str,
}

/// One answer, in words: the finding's label and the answer with its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerLine<'a> {
    pub label: &'a str,
    pub answer: String,
}

/// A source cited by the result.
#[derive(Debug, Clone, PartialEq)]
pub struct CiteView<'a> {
    pub title: &'a str,
    pub section: Option<&'a str>,
}

/// The words of the result that come from the rule base's settings.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    /// The level of the result.
    pub level: LevelWords<'a>,
    /// Every level, for the "not finished" headline's lists.
    pub levels: [(Urgency, LevelWords<'a>); 4],
    pub not_finished: LevelWords<'a>,
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
#[derive(Debug, Clone, Serialize)]
pub struct View<'a> {
    pub urgency: Urgency,
    pub action: &'a str,
    pub complete: bool,
    pub red_flags: Vec<FlagView<'a>>,
    pub unchecked_red_flags: Vec<UncheckedView<'a>>,
    pub causes: Vec<CauseView<'a>>,
    pub advice: Vec<AdviceView<'a>>,
    pub next_question: Option<QuestionView<'a>>,
    pub disclaimer: &'a str,
    pub emergency_note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// What is said first.
    #[serde(skip)]
    pub headline: Headline,
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
}

/// A batch output line: the input line's id, then the view.
#[derive(Serialize)]
pub struct Line<'v, 'a> {
    pub id: &'v RawValue,
    #[serde(flatten)]
    pub view: &'v View<'a>,
}

/// Rounds a score for display and JSON, so output is stable and readable.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl<'a> View<'a> {
    /// The view of an assessment of `answers`.
    pub fn new(
        rb: &'a RuleBase,
        answers: &Answers,
        a: &Assessment,
        explanation: Option<Explanation>,
    ) -> View<'a> {
        let named = |f: FactId| {
            let fact = rb.fact(f);
            Named {
                id: &fact.id,
                label: &fact.label,
            }
        };
        let level = |u: Urgency| {
            let t = rb.settings.urgency.get(u);
            LevelWords {
                title: &t.title,
                action: &t.action,
            }
        };
        View {
            urgency: a.urgency,
            action: &rb.settings.urgency.get(a.urgency).action,
            complete: a.complete,
            red_flags: a
                .red_flags
                .iter()
                .map(|f| {
                    let r = &rb.red_flags[usize::from(f.flag)];
                    FlagView {
                        id: &r.id,
                        title: &r.title,
                        urgency: r.urgency,
                        because: a.facts(f.because).iter().map(|&x| named(x)).collect(),
                        message: &r.message,
                        possible: f.possible,
                        likely: f.likely.map(named),
                    }
                })
                .collect(),
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
            causes: a
                .causes
                .iter()
                .map(|c| {
                    let rule = &rb.causes[usize::from(c.cause)];
                    CauseView {
                        id: &rule.id,
                        name: &rule.name,
                        score: round3(c.score),
                        because: a.facts(c.because).iter().map(|&x| named(x)).collect(),
                        against: a.facts(c.against).iter().map(|&x| named(x)).collect(),
                        description: &rule.description,
                        confirm: &rule.confirm,
                        treatments: &rule.treatments,
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
                        kind: item.kind,
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
            next_question: a
                .next_question
                .map(|q| question_view(rb, q, &a.next_options)),
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            explanation,
            headline: a.headline(rb),
            top_causes: rb.settings.top_causes,
            words: Words {
                level: level(a.urgency),
                levels: Urgency::ALL.map(|u| (u, level(u))),
                not_finished: LevelWords {
                    title: &rb.settings.not_finished.title,
                    action: &rb.settings.not_finished.action,
                },
            },
            answers: answer_lines(rb, answers),
            sources: cited_sources(rb, a),
        }
    }
}

/// The next question as JSON shows it. A group is a `checklist` whose
/// `options` are its members still to answer.
pub fn question_view<'a>(rb: &'a RuleBase, f: FactId, options: &[FactId]) -> QuestionView<'a> {
    let info = rb.finding(f);
    let group = info.filter(|i| !i.members.is_empty());
    QuestionView {
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
                .map(|&m| OptionView {
                    id: &rb.fact(m).id,
                    text: rb.question(m),
                })
                .collect()
        }),
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

/// The sources cited by what an assessment concluded, each once, in
/// rule-base order.
fn cited_sources<'a>(rb: &'a RuleBase, a: &Assessment) -> Vec<CiteView<'a>> {
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
        .into_iter()
        .map(|c| CiteView {
            title: rb.source_title(&c.source).unwrap_or(&c.source),
            section: c.section.as_deref(),
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
            AnswerLine {
                label: &rb.fact(f).label,
                answer: format!("{a}{unit}"),
            }
        })
        .collect()
}
