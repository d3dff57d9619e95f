//! Question selection: from the answers so far, the next question to ask, or
//! none when more questions cannot change the answer.
//!
//! One pure function, [`next_question`], serves both the interview and
//! `assess`'s `next_question` field, so a script can drive an interview
//! statelessly. The order of business:
//!
//! 1. Stop at once if an emergency warning sign has fired.
//! 2. The opening questions of `settings.opening` (where, how long, age).
//! 3. Warning signs, most urgent level first: any question that could still
//!    change a red flag that is not yet settled. Groups are asked before their
//!    members, and members only after the group was answered yes or unknown.
//!    These questions are never cut short by the cap.
//! 4. Cause questions: among the questions whose answer (yes or no) could
//!    change the urgency or the set of top causes, the one that moves the
//!    cause scores most. Stops when none could, or at `settings.max_questions`.

use crate::answers::{Answer, Answers};
use crate::condition::{Cond, FactId, Facts, Tri};
use crate::engine::{Evaluation, State, cause_score, cause_urgency, rank};
use crate::model::{FindingKind, Urgency};
use crate::rulebase::{FactBody, RuleBase, RuleId};

/// The next question to ask after these answers, or `None` when done.
pub fn next_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    if eval.flag_urgency(rb) == Some(Urgency::Emergency) {
        return None;
    }
    if let Some(&f) = rb.opening.iter().find(|&&f| is_open(rb, answers, f)) {
        return Some(f);
    }
    if let Some(f) = warning_sign_question(rb, answers, eval) {
        return Some(f);
    }
    if answers.given() >= rb.settings.max_questions {
        return None;
    }
    cause_question(rb, answers, eval)
}

/// Whether a finding may still be asked: not answered, and not answered
/// already through its group.
fn is_open(rb: &RuleBase, answers: &Answers, f: FactId) -> bool {
    if answers.get(f).is_some() {
        return false;
    }
    match rb.finding(f).and_then(|info| info.group) {
        Some(g) => answers.get(g) != Some(Answer::No),
        None => true,
    }
}

/// The best question for the most urgent level that has unsettled red flags.
fn warning_sign_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    for level in [Urgency::Emergency, Urgency::Urgent, Urgency::Doctor] {
        let mut counts: Vec<(FactId, usize)> = Vec::new();
        for (rule, truth) in rb.red_flags.iter().zip(&eval.flags) {
            if rule.urgency == level && *truth == Tri::Unknown {
                let mut found = Vec::new();
                open_leaves(rb, answers, &eval.state, &rule.when, &mut found);
                for f in found {
                    match counts.iter_mut().find(|(g, _)| *g == f) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((f, 1)),
                    }
                }
            }
        }
        // The question that settles the most red flags; ties in file order.
        let best = counts
            .into_iter()
            .max_by(|(fa, na), (fb, nb)| na.cmp(nb).then(fb.cmp(fa)));
        if let Some((f, _)) = best {
            return Some(f);
        }
    }
    None
}

/// The questions that could still change an unknown condition.
pub fn open_leaves(
    rb: &RuleBase,
    answers: &Answers,
    state: &State,
    cond: &Cond,
    out: &mut Vec<FactId>,
) {
    match cond {
        Cond::Fact(f) => {
            if state.truth(*f) == Tri::Unknown {
                open_fact(rb, answers, state, *f, out);
            }
        }
        Cond::Number(f, _) => {
            if state.number(*f).is_none() {
                open_fact(rb, answers, state, *f, out);
            }
        }
        Cond::All(items) | Cond::Any(items) => {
            for c in items {
                if c.eval(state) == Tri::Unknown {
                    open_leaves(rb, answers, state, c, out);
                }
            }
        }
        Cond::Not(c) => open_leaves(rb, answers, state, c, out),
    }
}

fn open_fact(rb: &RuleBase, answers: &Answers, state: &State, f: FactId, out: &mut Vec<FactId>) {
    let mut push = |f: FactId| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    match &rb.fact(f).body {
        FactBody::Derived { when, .. } => open_leaves(rb, answers, state, when, out),
        FactBody::Finding(info) => {
            if !info.members.is_empty() {
                if answers.get(f).is_none() {
                    push(f);
                } else {
                    // Answered "unknown": ask the members one by one.
                    for &m in &info.members {
                        if state.truth(m) == Tri::Unknown && answers.get(m).is_none() {
                            push(m);
                        }
                    }
                }
            } else if let Some(g) = info.group.filter(|&g| answers.get(g).is_none()) {
                push(g);
            } else if answers.get(f).is_none() {
                push(f);
            }
        }
    }
}

/// What a set of answers decides: the urgency and the top causes.
#[derive(Debug, PartialEq)]
struct Outcome {
    urgency: Urgency,
    top: Vec<RuleId>,
}

fn outcome(rb: &RuleBase, flag_urgency: Option<Urgency>, scores: &[f64]) -> Outcome {
    let mut top = rank(scores);
    top.truncate(rb.settings.top_causes);
    top.sort_unstable();
    Outcome {
        urgency: flag_urgency.unwrap_or_else(|| cause_urgency(rb, scores)),
        top,
    }
}

/// Scores after one hypothetical answer, recomputing only the causes it can touch.
struct WhatIf<'a> {
    rb: &'a RuleBase,
    base: &'a Evaluation,
    answers: Answers,
    state: State,
    scores: Vec<f64>,
}

impl<'a> WhatIf<'a> {
    fn new(rb: &'a RuleBase, answers: &Answers, base: &'a Evaluation) -> WhatIf<'a> {
        WhatIf {
            rb,
            base,
            answers: answers.clone(),
            state: base.state.clone(),
            scores: base.scores.clone(),
        }
    }

    /// The scores if `f` were answered `answer` (and the group, if `via` is set).
    fn scores(&mut self, f: FactId, answer: Answer, via: Option<FactId>) -> &[f64] {
        let mut hypo = self.answers.clone();
        if let Some(g) = via {
            // The finding is answered through its group: the group becomes yes too.
            let _ = hypo.set(self.rb, g, Answer::Yes);
        }
        self.scores.copy_from_slice(&self.base.scores);
        if hypo.set(self.rb, f, answer).is_err() {
            return &self.scores;
        }
        self.state.fill(self.rb, &hypo);
        for &c in &self.rb.cause_deps[usize::from(f)] {
            self.scores[usize::from(c)] = cause_score(self.rb, c, &self.state).0;
        }
        &self.scores
    }
}

/// Among the cause questions that could change the outcome, the one that
/// moves the scores most.
fn cause_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    let flag_urgency = eval.flag_urgency(rb);
    let now = outcome(rb, flag_urgency, &eval.scores);
    let mut what_if = WhatIf::new(rb, answers, eval);
    let mut best: Option<(f64, FactId)> = None;

    for f in rb.findings() {
        let Some(info) = rb.finding(f) else { continue };
        if info.kind != FindingKind::YesNo
            || rb.cause_deps[usize::from(f)].is_empty()
            || eval.state.truth(f) != Tri::Unknown
            || !is_open(rb, answers, f)
        {
            continue;
        }
        // A member whose group was never asked waits for its group.
        if info.group.is_some_and(|g| answers.get(g).is_none()) {
            continue;
        }
        let no = what_if.scores(f, Answer::No, None).to_vec();
        let mut changes = outcome(rb, flag_urgency, &no) != now;
        let mut movement: f64 = 0.0;
        // For a group, "yes" means one of its members: try each.
        let yes_cases: Vec<(FactId, Option<FactId>)> = if info.members.is_empty() {
            vec![(f, None)]
        } else {
            info.members
                .iter()
                .filter(|&&m| answers.get(m).is_none())
                .map(|&m| (m, Some(f)))
                .collect()
        };
        for (target, via) in yes_cases {
            let yes = what_if.scores(target, Answer::Yes, via);
            changes |= outcome(rb, flag_urgency, yes) != now;
            let moved: f64 = yes.iter().zip(&no).map(|(a, b)| (a - b).abs()).sum();
            movement = movement.max(moved);
        }
        if changes && best.is_none_or(|(m, _)| movement > m) {
            best = Some((movement, f));
        }
    }
    best.map(|(_, f)| f)
}

/// An upper bound on how many more questions the interview may ask.
pub fn remaining_bound(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> usize {
    if eval.flag_urgency(rb) == Some(Urgency::Emergency) {
        return 0;
    }
    let open_findings = rb.findings().filter(|&f| is_open(rb, answers, f));
    let mut safety = 0;
    let mut other = 0;
    for f in open_findings {
        let flags = &rb.flag_deps[usize::from(f)];
        let unsettled = flags
            .iter()
            .any(|&r| eval.flags[usize::from(r)] == Tri::Unknown);
        if rb.opening.contains(&f) || unsettled {
            safety += 1;
        } else if !rb.cause_deps[usize::from(f)].is_empty() {
            other += 1;
        }
    }
    let cap_left = rb
        .settings
        .max_questions
        .saturating_sub(answers.given() + safety);
    safety + other.min(cap_left)
}
