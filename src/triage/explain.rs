//! `--explain`: every rule that fired, the conditions that matched with each
//! finding's value, how each cause's score was made, and how the urgency was
//! decided.

use schemars::JsonSchema;
use serde::Serialize;

use crate::triage::condition::{Cond, Facts, Tri};
use crate::triage::engine::{Evaluation, cause_score};
use crate::triage::rulebase::{FactBody, RuleBase, Weighted};
use crate::triage::schema::Urgency;
use crate::triage::state::State;

/// One node of a condition with the value it had, for `--explain`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Trace {
    pub condition: String,
    pub value: Tri,
}

/// Why a red flag fired. `value` is `unknown` for a possible red flag,
/// which `possible_through` then explains.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FlagTrace {
    pub id: String,
    pub urgency: Urgency,
    pub value: Tri,
    pub condition: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_through: Vec<String>,
}

/// One evidence rule of a cause and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EvidenceTrace {
    pub condition: String,
    pub weight: f64,
    pub held: bool,
}

/// How a cause's score was made.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CauseTrace {
    pub id: String,
    pub support: Vec<EvidenceTrace>,
    pub against: Vec<EvidenceTrace>,
    pub certainty_for: f64,
    pub certainty_against: f64,
    pub score: f64,
}

/// The full chain behind an assessment: derived facts, red flags, causes,
/// and how the urgency was decided.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Explanation {
    pub derived: Vec<Trace>,
    pub red_flags: Vec<FlagTrace>,
    pub causes: Vec<CauseTrace>,
    pub urgency: String,
}

/// Explains an assessment from the evaluation it was made from: every rule
/// that fired and the conditions that matched.
pub fn explain(rb: &RuleBase, eval: &Evaluation) -> Explanation {
    let state = &eval.state;
    let derived = rb
        .derived_order
        .iter()
        .filter_map(|&d| match &rb.fact(d).body {
            FactBody::Derived { when, .. } if state.truth(d) == Tri::Yes => Some(Trace {
                condition: format!("{} <- {}", rb.fact(d).id, describe(rb, when, Some(state))),
                value: state.truth(d),
            }),
            _ => None,
        })
        .collect();
    let red_flags = rb
        .red_flags
        .iter()
        .zip(eval.flags.iter().zip(&eval.possible))
        .filter(|(_, (t, groups))| **t == Tri::Yes || !groups.is_empty())
        .map(|(r, (t, groups))| FlagTrace {
            id: r.id.clone(),
            urgency: r.urgency,
            value: *t,
            condition: describe(rb, &r.when, Some(state)),
            possible_through: if *t == Tri::Yes {
                Vec::new()
            } else {
                groups
                    .iter()
                    .map(|&g| format!("{}=yes", rb.fact(g).id))
                    .collect()
            },
        })
        .collect();
    let evidence = |rules: &[Weighted]| {
        rules
            .iter()
            .map(|w| EvidenceTrace {
                condition: describe(rb, &w.when, Some(state)),
                weight: w.weight,
                held: w.when.eval(state) == Tri::Yes,
            })
            .collect::<Vec<_>>()
    };
    let causes = eval
        .ranked()
        .iter()
        .copied()
        .map(|c| {
            let rule = &rb.causes[usize::from(c)];
            let (score, certainty_for, certainty_against) = cause_score(rb, c, state);
            CauseTrace {
                id: rule.id.clone(),
                support: evidence(&rule.support),
                against: evidence(&rule.against),
                certainty_for,
                certainty_against,
                score,
            }
        })
        .collect();
    let warning = eval.warning_urgency();
    let from_causes = eval.causes_urgency();
    let level = eval.urgency();
    let urgency = match warning {
        Some(w) if w >= from_causes && eval.flag_urgency() == Some(w) => {
            format!("{level}: the most urgent warning sign that fired")
        }
        Some(w) if w >= from_causes => format!(
            "{level}: a warning sign is not ruled out (a group of signs was answered yes without saying which); the most urgent of them counts"
        ),
        _ if from_causes > Urgency::SelfCare => format!(
            "{level}: a cause that needs it has support of at least {}, which is higher than any warning sign found",
            rb.settings.strong_support
        ),
        _ => "self_care: no warning sign fired and no cause that needs a doctor has strong support"
            .to_owned(),
    };
    Explanation {
        derived,
        red_flags,
        causes,
        urgency,
    }
}

/// A condition written out with its ids; with a state, each fact's value
/// too (`fever=yes`, `age >= 50 [age=52]`), as `--explain` shows it.
pub fn describe(rb: &RuleBase, cond: &Cond, state: Option<&State>) -> String {
    let list = |name: &str, items: &[Cond]| {
        let parts: Vec<String> = items.iter().map(|c| describe(rb, c, state)).collect();
        format!("{name}({})", parts.join(", "))
    };
    match cond {
        Cond::Fact(f) => match state {
            Some(state) => format!("{}={}", rb.fact(*f).id, state.truth(*f).as_str()),
            None => rb.fact(*f).id.clone(),
        },
        Cond::All(items) => list("all", items),
        Cond::Any(items) => list("any", items),
        Cond::Not(c) => format!("not({})", describe(rb, c, state)),
        Cond::AtLeast(n, items) => list(&format!("at_least_{n}_of"), items),
        Cond::Number(f, bounds) => {
            let id = &rb.fact(*f).id;
            match state {
                Some(state) => {
                    let value = state
                        .number(*f)
                        .map_or_else(|| "unknown".to_owned(), |x| x.to_string());
                    format!("{id}{bounds} [{id}={value}]")
                }
                None => format!("{id}{bounds}"),
            }
        }
    }
}
