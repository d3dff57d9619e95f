//! The assessment: an evaluation and the next question, in indices, with the
//! reasons behind each conclusion. The one place where evaluation and
//! question choice meet.

use crate::triage::answers::Answers;
use crate::triage::condition::{Cond, FactId, Facts, Tri};
use crate::triage::engine::Evaluation;
use crate::triage::ids::{AdviceId, CauseId, FlagId};
use crate::triage::rulebase::{RuleBase, Weighted};
use crate::triage::schema::{AdviceKind, Urgency};
use crate::triage::select;
use crate::triage::state::State;

/// A run of fact ids in an assessment's pool of reasons (see
/// [`Assessment::facts`]); one pool instead of a vector per conclusion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    start: u32,
    end: u32,
}

/// A red flag that fired, with the findings that fired it. A possible one
/// fired through a group answered yes without saying which sign.
#[derive(Debug, Clone, PartialEq)]
pub struct FiredFlag {
    pub flag: FlagId,
    pub because: Span,
    pub possible: bool,
    /// For a possible flag: the one member of its group that was not
    /// answered no, when all the others were: the likely sign.
    pub likely: Option<FactId>,
}

/// A cause with support, its score and the findings for and against it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredCause {
    pub cause: CauseId,
    pub score: f64,
    pub because: Span,
    pub against: Span,
}

/// The engine's result, in indices; `report` turns it into text and JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The level the answers support: the highest of every warning sign that
    /// fired or is possible and every strongly supported cause.
    pub urgency: Urgency,
    /// True only when no warning sign is unchecked or possible, no answer is
    /// "don't know", and the interview would ask nothing more.
    pub complete: bool,
    pub red_flags: Vec<FiredFlag>,
    pub unchecked_red_flags: Vec<FlagId>,
    pub causes: Vec<ScoredCause>,
    pub advice: Vec<AdviceId>,
    pub next_question: Option<FactId>,
    /// When the next question is a checklist: the members it offers (those
    /// not answered yet).
    pub next_options: Vec<FactId>,
    /// What decided the urgency.
    pub decided_by: Decider,
    /// Groups answered yes with every member answered no: their members
    /// were counted as "don't know" (see `Answers::settle_disagreements`).
    pub disagreements: Vec<FactId>,
    reasons: Vec<FactId>,
    /// Buffers kept for the next assessment.
    scratch: Scratch,
    /// The question choice's buffers, kept for the next assessment.
    choice: select::Workspace,
}

impl Default for Assessment {
    fn default() -> Assessment {
        Assessment {
            urgency: Urgency::SelfCare,
            complete: false,
            red_flags: Vec::new(),
            unchecked_red_flags: Vec::new(),
            causes: Vec::new(),
            advice: Vec::new(),
            next_question: None,
            next_options: Vec::new(),
            decided_by: Decider::Nothing,
            disagreements: Vec::new(),
            reasons: Vec::new(),
            scratch: Scratch::default(),
            choice: select::Workspace::default(),
        }
    }
}

/// Buffers an assessment keeps for the next one. They are not part of the
/// result: whatever they hold, two assessments with the same results are
/// equal (as with [`select::Workspace`]).
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// Per advice item: whether a top cause names it.
    for_top: Vec<bool>,
}

impl PartialEq for Scratch {
    fn eq(&self, _: &Scratch) -> bool {
        true
    }
}

/// A question that would settle an unchecked serious warning sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenItem {
    pub fact: FactId,
    /// The most urgent level of the warning signs it bears on.
    pub urgency: Urgency,
    /// It was answered "don't know" (otherwise it was not asked yet).
    pub unsure: bool,
}

/// What decided an assessment's urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    /// The red flag at this place in [`Assessment::red_flags`].
    Flag(usize),
    /// The cause at this place in [`Assessment::causes`].
    Cause(usize),
    /// No warning sign and no cause that needs a doctor.
    Nothing,
}

/// What a person is told first: the urgency, or that the screen is not
/// finished because a serious warning sign was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headline {
    /// The answers support this level and nothing more serious is unchecked.
    Level(Urgency),
    /// A warning sign of this level (urgent or emergency) was not checked,
    /// and nothing as urgent was found: never a self-care or doctor banner.
    NotFinished(Urgency),
}

impl Assessment {
    /// The headline: "not finished" when an unchecked warning sign is urgent
    /// or an emergency and more urgent than what was found.
    pub fn headline(&self, rb: &RuleBase) -> Headline {
        match self.most_serious_unchecked(rb) {
            Some(u) if u >= Urgency::Urgent && u > self.urgency => Headline::NotFinished(u),
            _ => Headline::Level(self.urgency),
        }
    }

    /// The most urgent level among the unchecked warning signs.
    pub fn most_serious_unchecked(&self, rb: &RuleBase) -> Option<Urgency> {
        self.unchecked_red_flags
            .iter()
            .map(|&r| rb.red_flags[usize::from(r)].urgency)
            .max()
    }

    /// The questions that would settle the unchecked warning signs of
    /// urgent or emergency level, each with the most urgent level it bears
    /// on, most urgent first, those answered "don't know" first within a
    /// level (the "not finished" headline lists them). `answers` are the
    /// ones assessed. Worked out here, for the screens that show them,
    /// rather than with every assessment: JSON output has no place for them.
    pub fn unchecked_questions(&self, rb: &RuleBase, answers: &Answers) -> Vec<OpenItem> {
        let mut items: Vec<OpenItem> = Vec::new();
        let serious = (self.unchecked_red_flags.iter())
            .map(|&r| &rb.red_flags[usize::from(r)])
            .filter(|rule| rule.urgency >= Urgency::Urgent);
        let mut serious = serious.peekable();
        if serious.peek().is_none() {
            return items;
        }
        let state = State::new(rb, answers);
        let mut leaves = Vec::new();
        // Only a "don't know" makes a question unsure: without one, there is
        // nothing to look for.
        let any_unsure = answers.any_unsure();
        for rule in serious {
            for unsure in [true, false] {
                if unsure && !any_unsure {
                    continue;
                }
                leaves.clear();
                if unsure {
                    select::unsure_leaves(rb, answers, &state, &rule.when, &mut leaves);
                } else {
                    select::open_leaves(rb, answers, &state, &rule.when, &mut leaves);
                }
                for &fact in &leaves {
                    match items.iter_mut().find(|i| i.fact == fact) {
                        Some(item) => item.urgency = item.urgency.max(rule.urgency),
                        None => items.push(OpenItem {
                            fact,
                            urgency: rule.urgency,
                            unsure,
                        }),
                    }
                }
            }
        }
        items.sort_by_key(|i| (std::cmp::Reverse(i.urgency), !i.unsure));
        items
    }

    /// The fact ids of a span (the reasons for a red flag or cause).
    pub fn facts(&self, span: Span) -> &[FactId] {
        self.reasons
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    /// Appends the reasons of a condition that holds, as a new span.
    fn add_reasons<'a>(&mut self, conds: impl Iterator<Item = &'a Cond>, state: &State) -> Span {
        let start = self.reasons.len();
        for cond in conds {
            cond.reasons(state, &mut self.reasons, start);
        }
        Span {
            start: start as u32,
            end: self.reasons.len() as u32,
        }
    }
}

/// Assesses a set of answers.
pub fn assess(rb: &RuleBase, answers: &Answers) -> Assessment {
    let mut eval = Evaluation::empty(rb);
    let mut out = Assessment::default();
    assess_into(rb, answers, &mut eval, &mut out);
    out
}

/// Assesses a set of answers into `out`, reusing its buffers and `eval`'s:
/// batch mode assesses line after line without allocating anew.
pub fn assess_into(rb: &RuleBase, answers: &Answers, eval: &mut Evaluation, out: &mut Assessment) {
    eval.fill(rb, answers);
    let state = &eval.state;
    out.disagreements.clear();
    out.disagreements.extend_from_slice(answers.disagreed());
    out.red_flags.clear();
    out.unchecked_red_flags.clear();
    out.causes.clear();
    out.advice.clear();
    out.reasons.clear();
    for (i, (truth, groups)) in eval.flags.iter().zip(&eval.possible).enumerate() {
        match truth {
            Tri::No => {}
            Tri::Yes => {
                let because = out.add_reasons(std::iter::once(&rb.red_flags[i].when), state);
                out.red_flags.push(FiredFlag {
                    flag: FlagId::at(i),
                    because,
                    possible: false,
                    likely: None,
                });
            }
            Tri::Unknown if !groups.is_empty() => {
                let start = out.reasons.len() as u32;
                out.reasons.extend_from_slice(groups);
                let because = Span {
                    start,
                    end: out.reasons.len() as u32,
                };
                out.red_flags.push(FiredFlag {
                    flag: FlagId::at(i),
                    because,
                    possible: true,
                    likely: likely_sign(rb, state, groups),
                });
            }
            Tri::Unknown => out.unchecked_red_flags.push(FlagId::at(i)),
        }
    }
    // Most urgent first; rule order within a level.
    out.red_flags
        .sort_by_key(|f| std::cmp::Reverse(rb.red_flags[usize::from(f.flag)].urgency));

    for &c in eval.ranked() {
        let rule = &rb.causes[usize::from(c)];
        // A ranked cause has support, so each of its rules was evaluated.
        let (support, against) = rb.rule_places(c);
        let because = out.add_reasons(
            holding_conds(&rule.support, &eval.rule_truth[support]),
            state,
        );
        let against = out.add_reasons(
            holding_conds(&rule.against, &eval.rule_truth[against]),
            state,
        );
        out.causes.push(ScoredCause {
            cause: c,
            score: eval.scores[usize::from(c)],
            because,
            against,
        });
    }

    out.urgency = eval.urgency();
    fitting_advice(
        rb,
        out.urgency,
        &out.causes,
        state,
        &mut out.scratch.for_top,
        &mut out.advice,
    );
    out.decided_by = decider(rb, out);
    out.next_question = select::next_question_in(rb, answers, eval, &mut out.choice);
    out.next_options.clear();
    if let Some(q) = out.next_question {
        out.next_options
            .extend(select::open_members(rb, answers, q));
    }
    // A "don't know" leaves what it asked about unchecked, warning sign or not.
    out.complete = out.next_question.is_none()
        && out.unchecked_red_flags.is_empty()
        && out.red_flags.iter().all(|f| !f.possible)
        && !answers.any_unsure();
}

/// The only member of the groups behind a possible red flag that was not
/// answered no, if there is exactly one.
fn likely_sign(rb: &RuleBase, state: &State, groups: &[FactId]) -> Option<FactId> {
    let mut open = groups
        .iter()
        .filter_map(|&g| rb.finding(g))
        .flat_map(|info| info.members.iter().copied())
        .filter(|&m| state.truth(m) != Tri::No);
    let first = open.next()?;
    open.next().is_none().then_some(first)
}

/// The conditions of evidence rules that hold, by their values in
/// [`Evaluation::rule_truth`] (`truths`, in the rules' order).
fn holding_conds<'a>(rules: &'a [Weighted], truths: &'a [Tri]) -> impl Iterator<Item = &'a Cond> {
    rules
        .iter()
        .zip(truths)
        .filter(|(_, t)| **t == Tri::Yes)
        .map(|(w, _)| &w.when)
}

/// What decided the urgency: the most urgent red flag that fired or is
/// possible, else the strongest cause that asks for this level.
fn decider(rb: &RuleBase, a: &Assessment) -> Decider {
    if let Some(i) = a
        .red_flags
        .iter()
        .position(|f| rb.red_flags[usize::from(f.flag)].urgency == a.urgency)
    {
        return Decider::Flag(i);
    }
    a.causes
        .iter()
        .position(|c| {
            rb.causes[usize::from(c.cause)].urgency == a.urgency && a.urgency > Urgency::SelfCare
        })
        .map_or(Decider::Nothing, Decider::Cause)
}

/// The advice that fits the result's level. Self-care: the core self-care,
/// the items for a top cause or whose `when` holds, and the safety net.
/// Doctor or urgent: what to do until seen. Emergency: none (the red flag's
/// message says what to do). An item is given only where its `needs` holds,
/// and held back while its `avoid_when` is true or not ruled out. Core items
/// come first. (`for_top` is a buffer kept between assessments.)
fn fitting_advice(
    rb: &RuleBase,
    level: Urgency,
    causes: &[ScoredCause],
    state: &State,
    for_top: &mut Vec<bool>,
    out: &mut Vec<AdviceId>,
) {
    if level == Urgency::Emergency {
        return;
    }
    // Per item: whether a top cause scoring enough names it.
    for_top.clear();
    for_top.resize(rb.advice.len(), false);
    let top = &causes[..rb.settings.top_causes.min(causes.len())];
    for t in top
        .iter()
        .filter(|t| t.score >= rb.settings.advice_min_score)
    {
        for &a in &rb.cause_advice[usize::from(t.cause)] {
            for_top[usize::from(a)] = true;
        }
    }
    // Core items first, each part in rule order.
    for &id in &rb.advice_order {
        let (i, a) = (usize::from(id), &rb.advice[usize::from(id)]);
        let for_level = match level {
            Urgency::SelfCare => a.kind != AdviceKind::UntilSeen,
            _ => a.kind == AdviceKind::UntilSeen,
        };
        if !for_level {
            continue;
        }
        // Each test only where the ones before it passed.
        let wanted = || {
            a.core
                || a.kind == AdviceKind::SafetyNet
                || for_top[i]
                || a.when.as_ref().is_some_and(|w| w.holds(state))
        };
        let needed = || a.needs.as_ref().is_none_or(|w| w.holds(state));
        let held_back = || {
            a.kind != AdviceKind::SafetyNet
                && (a.avoid_when.as_ref()).is_some_and(|w| w.eval(state) != Tri::No)
        };
        if wanted() && needed() && !held_back() {
            out.push(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::triage::answers::{Answer, from_picks};

    /// An emergency after a self-care result, in the same buffers, is the
    /// emergency a fresh assessment gives (no buffer of the first shows).
    #[test]
    fn a_reused_assessment_of_an_emergency_equals_a_fresh_one() {
        let rb = crate::embedded::for_tests();
        let (mut eval, mut out) = (Evaluation::empty(rb), Assessment::default());
        let one = |id: &str| {
            let mut answers = Answers::new(rb);
            let f = rb.fact_id(id).expect("a finding");
            answers.set(rb, f, Answer::Yes).expect("an answer");
            answers
        };
        assess_into(rb, &one("lifting_or_strain"), &mut eval, &mut out);
        assert_eq!(out.urgency, Urgency::SelfCare);
        let emergency = one("saddle_numbness");
        assess_into(rb, &emergency, &mut eval, &mut out);
        assert_eq!(out.urgency, Urgency::Emergency);
        assert_eq!(out, assess(rb, &emergency));
    }

    /// A strained back at home: the core items, then those for its causes,
    /// though the rule base's file puts one of those (rest, then move)
    /// between two core items.
    #[test]
    fn a_strain_gets_the_core_advice_first() {
        let rb = crate::embedded::for_tests();
        let mut answers = Answers::new(rb);
        let yes = [
            "lower_back_pain",
            "lifting_or_strain",
            "worse_with_movement",
            "muscle_spasm",
        ];
        let no = [
            "illness_warning_signs",
            "nerve_warning_signs",
            "chest_warning_signs",
            "health_background",
            "organ_signs",
            "leg_nerve_symptoms",
            "pregnancy_signs",
        ];
        let numbers = [("age", 35.0), ("days", 3.0)];
        let given = (yes.iter().map(|&id| (id, Answer::Yes)))
            .chain(no.iter().map(|&id| (id, Answer::No)))
            .chain(numbers.iter().map(|&(id, x)| (id, Answer::Number(x))));
        for (id, answer) in given {
            let f = rb.fact_id(id).expect("a finding");
            answers.set(rb, f, answer).expect("an answer");
        }
        let a = assess(rb, &answers);
        assert_eq!(a.urgency, Urgency::SelfCare);
        let ids: Vec<&str> = a
            .advice
            .iter()
            .map(|&i| rb.advice[usize::from(i)].id.as_str())
            .collect();
        assert_eq!(
            ids[..6],
            [
                "keep_moving",
                "ice_pack",
                "avoid_trigger_moves",
                "otc_anti_inflammatories",
                "rest_then_move",
                "gradual_return"
            ]
        );
    }

    proptest! {
        /// The advice given comes core items first, each part in file order
        /// (the rule base's file has them mixed).
        #[test]
        fn advice_comes_core_first_then_in_file_order(picks in prop::collection::vec(any::<u8>(), 1..60)) {
            let rb = crate::embedded::for_tests();
            let a = assess(rb, &from_picks(rb, &picks));
            let key = |&id: &AdviceId| (!rb.advice[usize::from(id)].core, usize::from(id));
            prop_assert!(a.advice.windows(2).all(|w| key(&w[0]) < key(&w[1])), "{:?}", a.advice);
        }

        /// Assessing line after line in the same buffers, as batch mode
        /// does, gives each time what a fresh assessment gives.
        #[test]
        fn reused_buffers_never_change_an_assessment(
            lines in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..60), 2..6)
        ) {
            let rb = crate::embedded::for_tests();
            let (mut eval, mut out) = (Evaluation::empty(rb), Assessment::default());
            for picks in &lines {
                let answers = from_picks(rb, picks);
                assess_into(rb, &answers, &mut eval, &mut out);
                prop_assert_eq!(&out, &assess(rb, &answers));
            }
        }
    }
}
