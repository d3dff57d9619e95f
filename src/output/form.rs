//! The interview as a form: every question of a rule base in the order the
//! rules list them, each checklist with its items, and the words around
//! them. What `rules export fhir` renders; like [`crate::output::view`], a
//! renderer reads this and never the rule base.

use crate::output::view::{QuestionKind, TOOL_VERSION, question_view};
use crate::triage::rulebase::RuleBase;

/// One question of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormItem<'a> {
    pub id: &'a str,
    pub question: &'a str,
    pub help: &'a str,
    pub kind: QuestionKind,
    pub unit: Option<&'a str>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// A checklist's items, in order; empty for any other question.
    pub members: Vec<FormItem<'a>>,
}

/// The whole form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormView<'a> {
    pub title: &'a str,
    pub disclaimer: &'a str,
    pub emergency_note: &'a str,
    /// A checklist's own question, asked after its items.
    pub group_answer: &'a str,
    /// The questions not inside a checklist, and the checklists, in order.
    pub items: Vec<FormItem<'a>>,
    pub tool_version: &'static str,
    pub rules_version: &'a str,
}

impl<'a> FormView<'a> {
    /// The form of a rule base's interview.
    pub fn new(rb: &'a RuleBase) -> FormView<'a> {
        let item = |f| {
            let info = rb.finding(f);
            FormItem {
                id: rb.fact(f).id.as_str(),
                question: rb.question(f),
                help: info.map_or("", |i| i.help.as_str()),
                kind: question_view(rb, f, &[]).kind,
                unit: info.and_then(|i| i.unit.as_deref()),
                min: info.and_then(|i| i.min),
                max: info.and_then(|i| i.max),
                members: Vec::new(),
            }
        };
        let items = rb
            .findings()
            .filter(|&f| rb.finding(f).is_some_and(|i| i.group.is_none()))
            .map(|f| {
                let mut top = item(f);
                if let Some(info) = rb.finding(f) {
                    top.members = info.members.iter().map(|&m| item(m)).collect();
                }
                top
            })
            .collect();
        FormView {
            title: &rb.messages.interview.title,
            disclaimer: &rb.settings.disclaimer,
            emergency_note: &rb.settings.emergency_note,
            group_answer: &rb.messages.fhir.group_answer,
            items,
            tool_version: TOOL_VERSION,
            rules_version: &rb.version,
        }
    }
}
