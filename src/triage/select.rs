//! Question selection: from the answers so far, the next question to ask, or
//! none when more questions cannot change the answer.
//!
//! One pure function, [`next_question`], serves both the interview and
//! `assess`'s `next_question` field, so a script can drive an interview
//! statelessly. The order of business:
//!
//! 1. Stop at once if an emergency warning sign has fired. After a "yes" to
//!    a group of warning signs, ask at once which sign it is.
//! 2. The opening questions of `settings.opening` (where, how long, age).
//! 3. Warning signs, most urgent level first: any question that could still
//!    change a red flag that is not yet settled. Groups are asked before their
//!    members, and members only after the group was answered yes or unknown.
//!    These questions are never cut short by the cap.
//! 4. Cause questions. Any question whose answer could change the urgency
//!    is asked. Beyond those, a question is asked when the chance that its
//!    answer changes the set of top causes reaches
//!    `settings.min_question_value`: a finding's chance of being present
//!    starts at its `prior` and rises with the scores of the causes it
//!    supports. Stops when no question qualifies, or at
//!    `settings.max_questions`.

use crate::triage::answers::{Answer, Answers};
use crate::triage::condition::{Cond, FactId, Facts, Tri};
use crate::triage::engine::{
    Evaluation, cause_score, cause_urgency, combined_urgency, rank_into, urgency_support,
};
use crate::triage::ids::CauseId;
use crate::triage::rulebase::{FactBody, RuleBase};
use crate::triage::schema::{FindingKind, Urgency};
use crate::triage::state::{Hypothesis, State, yes_groups};

/// The next question to ask after these answers, or `None` when done. A
/// group is asked as one checklist of its members, which are never asked
/// one by one.
pub fn next_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    if eval.flag_urgency(rb) == Some(Urgency::Emergency) {
        return None;
    }
    // A group of warning signs answered yes without saying which sign: its
    // checklist again, before anything else.
    if yes_groups(rb, answers).next().is_some() {
        let drill =
            best_warning_question(rb, answers, eval, |f| answers.get(f) == Some(Answer::Yes));
        if drill.is_some() {
            return drill;
        }
    }
    if let Some(&f) = rb.opening.iter().find(|&&f| is_open(rb, answers, f)) {
        return Some(f);
    }
    if let Some(f) = best_warning_question(rb, answers, eval, |_| true) {
        return Some(f);
    }
    if let Some(f) = required_question(rb, answers, eval) {
        return Some(f);
    }
    // Once the urgency is urgent or higher, or past the cap, only a question
    // that could raise the urgency is asked; the cap never cuts one.
    let capped = prompts_answered(rb, answers) >= rb.settings.max_questions
        || eval.urgency(rb) >= Urgency::Urgent;
    cause_question(rb, answers, eval, capped)
}

/// How many prompts the answers stand for: each answered finding outside a
/// group, and each group with any answer (one checklist settles all of it).
pub fn prompts_answered(rb: &RuleBase, answers: &Answers) -> usize {
    rb.findings()
        .filter(|&f| {
            let Some(info) = rb.finding(f) else {
                return false;
            };
            if info.group.is_some() {
                return false;
            }
            answers.get(f).is_some() || info.members.iter().any(|&m| answers.get(m).is_some())
        })
        .count()
}

/// The first open finding whose `ask_when` holds: a question the rule base
/// requires in this situation, whatever it would change.
fn required_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    rb.findings().find(|&f| {
        rb.finding(f).is_some_and(|info| {
            info.ask_when.as_ref().is_some_and(|w| w.holds(&eval.state)) && is_open(rb, answers, f)
        })
    })
}

/// Whether a finding can be asked now. A finding outside any group: while
/// unanswered. A group, as a checklist: while a member is unanswered and the
/// group was not answered no or "don't know" (a "yes" says one of them
/// applies, so the checklist asks which). A member: never on its own; its
/// group's checklist asks it.
pub fn is_open(rb: &RuleBase, answers: &Answers, f: FactId) -> bool {
    let Some(info) = rb.finding(f) else {
        return false;
    };
    if info.group.is_some() {
        return false;
    }
    if info.members.is_empty() {
        return answers.get(f).is_none();
    }
    matches!(answers.get(f), None | Some(Answer::Yes))
        && info.members.iter().any(|&m| answers.get(m).is_none())
}

/// The members a group's checklist offers now: those not answered yet.
pub fn open_members<'a>(
    rb: &'a RuleBase,
    answers: &'a Answers,
    g: FactId,
) -> impl Iterator<Item = FactId> + 'a {
    rb.finding(g)
        .into_iter()
        .flat_map(|info| info.members.iter().copied())
        .filter(|&m| answers.get(m).is_none())
}

/// The question that settles the most unsettled red flags of the most
/// urgent level that has any, among the questions `allowed` lets through.
fn best_warning_question(
    rb: &RuleBase,
    answers: &Answers,
    eval: &Evaluation,
    allowed: impl Fn(FactId) -> bool,
) -> Option<FactId> {
    // Per fact: how many unsettled red flags of the level it could settle.
    let mut counts: Vec<u16> = Vec::new();
    let mut found = Vec::new();
    for level in [Urgency::Emergency, Urgency::Urgent, Urgency::Doctor] {
        let unsettled = rb
            .red_flags
            .iter()
            .zip(&eval.flags)
            .filter(|(rule, truth)| rule.urgency == level && **truth == Tri::Unknown);
        for (rule, _) in unsettled {
            found.clear();
            open_leaves(rb, answers, &eval.state, &rule.when, &mut found);
            for &f in found.iter().filter(|&&f| allowed(f)) {
                if counts.is_empty() {
                    counts.resize(rb.facts.len(), 0);
                }
                counts[usize::from(f)] += 1;
            }
        }
        // The question that settles the most red flags; ties in file order.
        let best = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .max_by(|(fa, na), (fb, nb)| na.cmp(nb).then(fb.cmp(fa)));
        if let Some((f, _)) = best {
            return Some(FactId::at(f));
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
        Cond::All(items) | Cond::Any(items) | Cond::AtLeast(_, items) => {
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
            // A member is asked through its group's checklist.
            let asked = info.group.unwrap_or(f);
            if is_open(rb, answers, asked) {
                push(asked);
            } else if !info.members.is_empty() {
                // A group whose value is open: through its open members.
                for &m in &info.members {
                    if state.truth(m) == Tri::Unknown {
                        open_fact(rb, answers, state, m, out);
                    }
                }
            }
        }
    }
}

/// The findings in a condition that were answered "don't know" while it is
/// still unknown: what the person was unsure of. A member not answered whose
/// checklist was answered "don't know" counts as its checklist.
pub fn unsure_leaves(
    rb: &RuleBase,
    answers: &Answers,
    state: &State,
    cond: &Cond,
    out: &mut Vec<FactId>,
) {
    match cond {
        Cond::Fact(f) | Cond::Number(f, _) => {
            if cond.eval(state) == Tri::Unknown {
                unsure_fact(rb, answers, state, *f, out);
            }
        }
        Cond::All(items) | Cond::Any(items) | Cond::AtLeast(_, items) => {
            for c in items {
                if c.eval(state) == Tri::Unknown {
                    unsure_leaves(rb, answers, state, c, out);
                }
            }
        }
        Cond::Not(c) => unsure_leaves(rb, answers, state, c, out),
    }
}

fn unsure_fact(rb: &RuleBase, answers: &Answers, state: &State, f: FactId, out: &mut Vec<FactId>) {
    let mut push = |f: FactId| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    match &rb.fact(f).body {
        FactBody::Derived { when, .. } => unsure_leaves(rb, answers, state, when, out),
        FactBody::Finding(info) => match (answers.get(f), info.group) {
            (Some(Answer::Unknown), _) => push(f),
            (None, Some(g)) if answers.get(g) == Some(Answer::Unknown) => push(g),
            _ => {
                for &m in &info.members {
                    if state.truth(m) == Tri::Unknown {
                        unsure_fact(rb, answers, state, m, out);
                    }
                }
            }
        },
    }
}

/// What a set of answers decides: the urgency and the top causes.
#[derive(Debug, PartialEq)]
struct Outcome {
    urgency: Urgency,
    top: Vec<CauseId>,
}

fn outcome(rb: &RuleBase, flag_urgency: Option<Urgency>, scores: &Scores) -> Outcome {
    let mut top = Vec::new();
    rank_into(&scores.score, &mut top);
    top.truncate(rb.settings.top_causes);
    top.sort_unstable();
    Outcome {
        urgency: combined_urgency(flag_urgency, cause_urgency(rb, &scores.support)),
        top,
    }
}

/// Per cause: its score (for ranking) and the certainty of its support
/// alone (for the urgency), as [`Evaluation`] holds them.
#[derive(Debug, Clone)]
struct Scores {
    score: Vec<f64>,
    support: Vec<f64>,
}

/// Hypothetical answers, tried on copies of the state and the scores and
/// then taken back. Each hypothesis costs what it touches (the facts
/// downstream of its answers and the causes they feed), not the whole rule
/// base, so choosing a question grows with the rule base, not its square.
struct WhatIf<'a> {
    rb: &'a RuleBase,
    base: &'a Evaluation,
    hypo: Hypothesis,
    state: State,
    scores: Scores,
    /// Causes rescored by the current hypothesis.
    touched: Vec<CauseId>,
}

impl<'a> WhatIf<'a> {
    fn new(rb: &'a RuleBase, answers: &Answers, base: &'a Evaluation) -> WhatIf<'a> {
        WhatIf {
            rb,
            base,
            hypo: Hypothesis::new(answers),
            state: base.state.clone(),
            scores: Scores {
                score: base.scores.clone(),
                support: base.supports.clone(),
            },
            touched: Vec::new(),
        }
    }

    /// Takes the current hypothesis back.
    fn reset(&mut self) {
        self.hypo.reset(&mut self.state);
        for c in self.touched.drain(..) {
            self.scores.score[usize::from(c)] = self.base.scores[usize::from(c)];
            self.scores.support[usize::from(c)] = self.base.supports[usize::from(c)];
        }
    }

    /// Adds an answer to the hypothesis; false if it contradicts the answers.
    fn assume(&mut self, f: FactId, answer: Answer) -> bool {
        self.hypo.assume(self.rb, &mut self.state, f, answer)
    }

    /// Rescores the causes the hypothesis can change.
    fn rescore(&mut self) {
        for &f in self.hypo.applied() {
            for &c in &self.rb.cause_deps[usize::from(f)] {
                if !self.touched.contains(&c) {
                    self.touched.push(c);
                    let (score, for_, _) = cause_score(self.rb, c, &self.state);
                    self.scores.score[usize::from(c)] = score;
                    self.scores.support[usize::from(c)] =
                        urgency_support(self.rb, c, &self.state, for_);
                }
            }
        }
    }

    /// The scores if each finding in `set` had its answer (and the group
    /// `via`, if given, were answered yes).
    fn scores(&mut self, set: &[(FactId, Answer)], via: Option<FactId>) -> &Scores {
        self.reset();
        if let Some(g) = via {
            // The finding is answered through its group: the group becomes yes too.
            self.assume(g, Answer::Yes);
        }
        for &(f, answer) in set {
            if !self.assume(f, answer) {
                self.reset();
                return &self.scores;
            }
        }
        self.rescore();
        &self.scores
    }
}

/// How likely a finding is to be present, given the answers: a noisy-OR of
/// its prior and of each supported cause's score times the weight with which
/// the finding supports it. Under a group answered yes (with no member yet
/// known to be present), it is conditioned on "at least one member is".
fn presence(rb: &RuleBase, answers: &Answers, eval: &Evaluation, f: FactId) -> f64 {
    let p = unconditioned(rb, &eval.scores, f);
    let Some(g) = rb.finding(f).and_then(|i| i.group) else {
        return p;
    };
    let Some(info) = rb.finding(g) else { return p };
    if answers.get(g) != Some(Answer::Yes)
        || info
            .members
            .iter()
            .any(|&m| eval.state.truth(m) == Tri::Yes)
    {
        return p;
    }
    let none_present: f64 = info
        .members
        .iter()
        .filter(|&&m| eval.state.truth(m) == Tri::Unknown)
        .map(|&m| 1.0 - unconditioned(rb, &eval.scores, m))
        .product();
    let any_present = 1.0 - none_present;
    if any_present > 0.0 {
        (p / any_present).min(1.0)
    } else {
        p
    }
}

fn unconditioned(rb: &RuleBase, scores: &[f64], f: FactId) -> f64 {
    let prior = rb
        .finding(f)
        .map_or(rb.settings.question_base_rate, |i| i.prior);
    let mut absent = 1.0 - prior;
    for &(c, weight) in &rb.support_links[usize::from(f)] {
        let score = scores[usize::from(c)].max(0.0);
        absent *= 1.0 - score * weight;
    }
    1.0 - absent
}

/// Per finding: whether some answers to the open questions, this one among
/// them, could raise the urgency. For each cause more urgent than the
/// result now, it answers the cause's open supporting findings yes and its
/// open contrary findings no; if that makes the cause strong, each of those
/// supporting findings (and its group) could change the urgency.
fn urgency_relevant(
    what_if: &mut WhatIf<'_>,
    answers: &Answers,
    eval: &Evaluation,
    now: Urgency,
) -> Vec<bool> {
    let rb = what_if.rb;
    let mut relevant = vec![false; rb.facts.len()];
    for (c, cause) in rb.causes.iter().enumerate() {
        if cause.urgency <= now || eval.supports[c] >= rb.settings.strong_support {
            continue;
        }
        let (support, against) = &rb.cause_findings[c];
        let open = |f: &FactId| is_open(rb, answers, *f) && eval.state.truth(*f) == Tri::Unknown;
        let raise: Vec<FactId> = support.iter().filter(|f| open(f)).copied().collect();
        if raise.is_empty() {
            continue;
        }
        what_if.reset();
        for &f in &raise {
            if let Some(g) = rb.finding(f).and_then(|i| i.group) {
                what_if.assume(g, Answer::Yes);
            }
            what_if.assume(f, Answer::Yes);
        }
        for &f in against.iter().filter(|f| open(f) && !raise.contains(f)) {
            what_if.assume(f, Answer::No);
        }
        let for_ = cause_score(rb, CauseId::at(c), &what_if.state).1;
        if urgency_support(rb, CauseId::at(c), &what_if.state, for_) >= rb.settings.strong_support {
            for &f in &raise {
                relevant[usize::from(f)] = true;
                if let Some(g) = rb.finding(f).and_then(|i| i.group) {
                    relevant[usize::from(g)] = true;
                }
            }
        }
    }
    what_if.reset();
    relevant
}

/// The next cause question, or `None` when none is worth asking.
///
/// A question whose answer could change the urgency, alone or with other
/// open answers (see [`urgency_relevant`]), is always worth asking: those
/// come first. Otherwise a question is worth asking when
/// the chance that its answer changes the top causes reaches
/// `settings.min_question_value`: each branch that changes them counts with
/// the chance of that answer. Ties go to the question that moves the scores
/// most, then to file order.
fn cause_question(
    rb: &RuleBase,
    answers: &Answers,
    eval: &Evaluation,
    capped: bool,
) -> Option<FactId> {
    let flag_urgency = eval.warning_urgency(rb);
    let now = outcome(
        rb,
        flag_urgency,
        &Scores {
            score: eval.scores.clone(),
            support: eval.supports.clone(),
        },
    );
    let mut what_if = WhatIf::new(rb, answers, eval);
    let relevant = urgency_relevant(&mut what_if, answers, eval, now.urgency);
    // (changes urgency, chance of a change, movement, question)
    let mut best: Option<(bool, f64, f64, FactId)> = None;

    for f in rb.findings() {
        let Some(info) = rb.finding(f) else { continue };
        if info.kind != FindingKind::YesNo
            || rb.cause_deps[usize::from(f)].is_empty()
            || !is_open(rb, answers, f)
        {
            continue;
        }
        // Members are asked through their group's checklist.
        if info.group.is_some() {
            continue;
        }
        let no = what_if.scores(&[(f, Answer::No)], None).clone();
        let no_outcome = outcome(rb, flag_urgency, &no);
        let mut urgency_changes = relevant[usize::from(f)] || no_outcome.urgency != now.urgency;
        let no_changes = no_outcome != now;
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
        let mut p_absent_all = 1.0;
        let mut p_yes_changes: f64 = 0.0;
        let mut movement: f64 = 0.0;
        for (target, via) in yes_cases {
            let p = presence(rb, answers, eval, target);
            p_absent_all *= 1.0 - p;
            let yes = what_if.scores(&[(target, Answer::Yes)], via);
            let yes_outcome = outcome(rb, flag_urgency, yes);
            urgency_changes |= yes_outcome.urgency != now.urgency;
            if yes_outcome != now {
                p_yes_changes = p_yes_changes.max(p);
            }
            let moved: f64 = yes
                .score
                .iter()
                .zip(&no.score)
                .map(|(a, b)| (a - b).abs())
                .sum();
            movement = movement.max(moved);
        }
        let p_yes = 1.0 - p_absent_all;
        // Through a group, any member that would change things is reached.
        let yes_value = match (info.members.is_empty(), p_yes_changes > 0.0) {
            (true, _) => p_yes_changes,
            (false, true) => p_yes,
            (false, false) => 0.0,
        };
        let value = yes_value + if no_changes { 1.0 - p_yes } else { 0.0 };
        if !urgency_changes && (capped || value < rb.settings.min_question_value) {
            continue;
        }
        let key = (urgency_changes, value, movement);
        let better = best.is_none_or(|(u, v, m, _)| {
            (key.0, key.1, key.2).partial_cmp(&(u, v, m)) == Some(std::cmp::Ordering::Greater)
        });
        if better {
            best = Some((urgency_changes, value, movement, f));
        }
    }
    best.map(|(_, _, _, f)| f)
}

/// Runs the interview, answering from `script` and with `fallback` for
/// anything the script does not say. Returns the questions asked in order
/// (a checklist is one question).
///
/// A checklist is answered as a person would: each member as the script
/// says; a member the script leaves out counts as what the script said of
/// the group ("no" for all, "don't know" for all, or, after a "yes" that
/// names no member, "don't know"), else `fallback`.
pub fn simulate(rb: &RuleBase, script: &Answers, fallback: Answer) -> (Answers, Vec<FactId>) {
    simulate_from(rb, Answers::new(rb), script, fallback)
}

/// Like [`simulate`], continuing from answers already given.
pub fn simulate_from(
    rb: &RuleBase,
    mut answers: Answers,
    script: &Answers,
    fallback: Answer,
) -> (Answers, Vec<FactId>) {
    let mut asked = Vec::new();
    // Each question settles at least one finding, so the interview cannot
    // outlast the findings.
    for _ in 0..=rb.n_findings {
        let eval = Evaluation::new(rb, &answers);
        let Some(q) = next_question(rb, &answers, &eval) else {
            break;
        };
        asked.push(q);
        if rb.finding(q).is_none() {
            break;
        }
        let mut settled = false;
        for (f, answer) in simulated_answers(rb, &answers, q, script, fallback) {
            settled |= answers.set(rb, f, answer).is_ok();
        }
        if !settled {
            break;
        }
    }
    (answers, asked)
}

/// The answers [`simulate`]'s person gives to question `q` after `answers`:
/// for a plain question one answer, for a checklist one per open member.
/// The simulation sets them in this order.
pub fn simulated_answers(
    rb: &RuleBase,
    answers: &Answers,
    q: FactId,
    script: &Answers,
    fallback: Answer,
) -> Vec<(FactId, Answer)> {
    let Some(info) = rb.finding(q) else {
        return Vec::new();
    };
    if info.members.is_empty() {
        let answer = script.get(q).unwrap_or(match info.kind {
            FindingKind::Number => Answer::Unknown,
            FindingKind::YesNo => fallback,
        });
        return vec![(q, answer)];
    }
    let named_yes = info
        .members
        .iter()
        .any(|&m| script.get(m) == Some(Answer::Yes));
    let unnamed = match script.get(q) {
        Some(Answer::No) => Answer::No,
        Some(Answer::Unknown) => Answer::Unknown,
        Some(Answer::Yes) if !named_yes => Answer::Unknown,
        _ => fallback,
    };
    open_members(rb, answers, q)
        .map(|m| (m, script.get(m).unwrap_or(unnamed)))
        .collect()
}

/// An estimate of how many more questions the interview will ask, this one
/// included: how many it would ask if every answer from here on were "no"
/// (and numbers unknown), by running the selection forward. Honest rather
/// than a bound: a "yes" can add a question, so the interview says "about".
pub fn remaining_estimate(rb: &RuleBase, answers: &Answers) -> usize {
    simulate_from(rb, answers.clone(), &Answers::new(rb), Answer::No)
        .1
        .len()
}
