//! The inference engine: answers in, an explained assessment out.
//!
//! Pure: no I/O, no printing. Red flags are hard rules evaluated first and
//! never outweighed; causes combine evidence as MYCIN-style certainty
//! factors; derived facts chain from findings. Everything here works on
//! indices into the compiled [`RuleBase`], so the order in which answers were
//! given cannot change the result.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use crate::triage::answers::{Answer, Answers};
use crate::triage::condition::{Cond, FactId, Facts, Tri};
use crate::triage::rulebase::{FactBody, RuleBase, RuleId};
use crate::triage::schema::{AdviceKind, Urgency};
use crate::triage::select;

/// The value of every fact after the answers, groups and derived facts.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    truth: Vec<Tri>,
    number: Vec<Option<f64>>,
}

impl Facts for State {
    fn truth(&self, f: FactId) -> Tri {
        self.truth
            .get(usize::from(f))
            .copied()
            .unwrap_or(Tri::Unknown)
    }
    fn number(&self, f: FactId) -> Option<f64> {
        self.number.get(usize::from(f)).copied().flatten()
    }
}

/// The record of hypothetical changes to a [`State`], to take them back,
/// with the work space for making them (kept from one hypothesis to the
/// next, so trying an answer allocates nothing once warmed up).
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Facts' values before the changes, newest last.
    undo: Vec<(FactId, Tri, Option<f64>)>,
    /// Derived facts to work out next, by their place in `derived_order`.
    queue: BinaryHeap<Reverse<(u32, FactId)>>,
}

/// Hypothetical answers on top of real ones: each is added to a copy of the
/// answers and worked into a [`State`] with [`State::update`], and
/// [`Hypothesis::reset`] takes them all back. Used to ask "what if this were
/// answered so?" at the cost of what the answer touches.
#[derive(Debug, Clone)]
pub struct Hypothesis {
    answers: Answers,
    changes: Changes,
    /// Findings answered by the current hypothesis, with what they had before.
    applied: Vec<(FactId, Option<Answer>)>,
    /// The same findings, for [`Hypothesis::applied`].
    applied_ids: Vec<FactId>,
}

impl Hypothesis {
    /// No hypothetical answers yet, on top of `answers`.
    pub fn new(answers: &Answers) -> Hypothesis {
        Hypothesis {
            answers: answers.clone(),
            changes: Changes::default(),
            applied: Vec::new(),
            applied_ids: Vec::new(),
        }
    }

    /// Adds an answer and works it into `state`. False if it contradicts the
    /// answers (an answer already given counts when it is the same).
    pub fn assume(&mut self, rb: &RuleBase, state: &mut State, f: FactId, answer: Answer) -> bool {
        if let Some(given) = self.answers.get(f) {
            return given == answer;
        }
        self.apply(rb, state, f, answer, None)
    }

    /// Like [`Hypothesis::assume`], but an answer of "don't know" may be
    /// replaced too: "don't know" rules nothing out.
    pub fn assume_over_unknown(
        &mut self,
        rb: &RuleBase,
        state: &mut State,
        f: FactId,
        answer: Answer,
    ) -> bool {
        match self.answers.get(f) {
            Some(Answer::Unknown) => {
                self.answers.replace(f, None);
                self.apply(rb, state, f, answer, Some(Answer::Unknown))
            }
            Some(given) => given == answer,
            None => self.apply(rb, state, f, answer, None),
        }
    }

    fn apply(
        &mut self,
        rb: &RuleBase,
        state: &mut State,
        f: FactId,
        answer: Answer,
        before: Option<Answer>,
    ) -> bool {
        if self.answers.set(rb, f, answer).is_err() {
            self.answers.replace(f, before);
            return false;
        }
        self.applied.push((f, before));
        self.applied_ids.push(f);
        state.update(rb, &self.answers, f, &mut self.changes);
        true
    }

    /// Takes every hypothetical answer back, from the answers and `state`.
    pub fn reset(&mut self, state: &mut State) {
        state.undo(&mut self.changes);
        for (f, before) in self.applied.drain(..).rev() {
            self.answers.replace(f, before);
        }
        self.applied_ids.clear();
    }

    /// The findings the current hypothesis answered.
    pub fn applied(&self) -> &[FactId] {
        &self.applied_ids
    }
}

/// The groups that were answered yes.
pub fn yes_groups<'a>(rb: &'a RuleBase, answers: &'a Answers) -> impl Iterator<Item = FactId> + 'a {
    rb.groups
        .iter()
        .copied()
        .filter(|&g| answers.get(g) == Some(Answer::Yes))
}

/// What an answer alone says about its finding.
fn answer_value(answers: &Answers, f: FactId) -> (Tri, Option<f64>) {
    match answers.get(f) {
        Some(Answer::Yes) => (Tri::Yes, None),
        Some(Answer::No) => (Tri::No, None),
        Some(Answer::Number(x)) => (Tri::Unknown, Some(x)),
        Some(Answer::Unknown) | None => (Tri::Unknown, None),
    }
}

impl State {
    /// Every fact unknown, sized for a rule base.
    fn empty(rb: &RuleBase) -> State {
        State {
            truth: vec![Tri::Unknown; rb.facts.len()],
            number: vec![None; rb.facts.len()],
        }
    }

    /// Works out every fact from the answers.
    pub fn new(rb: &RuleBase, answers: &Answers) -> State {
        let mut state = State::empty(rb);
        state.fill(rb, answers);
        state
    }

    /// Recomputes every fact in place (reusing the buffers).
    pub fn fill(&mut self, rb: &RuleBase, answers: &Answers) {
        for f in rb.findings() {
            let (truth, number) = self.finding_value(rb, answers, f);
            self.truth[usize::from(f)] = truth;
            self.number[usize::from(f)] = number;
        }
        for &g in &rb.groups {
            self.truth[usize::from(g)] = self.group_value(rb, answers, g);
        }
        for &d in &rb.derived_order {
            self.truth[usize::from(d)] = self.derived_value(rb, d);
        }
    }

    /// A plain finding's value: its answer, or "no" when its group was
    /// answered no. (A group's own value comes from [`State::group_value`].)
    fn finding_value(&self, rb: &RuleBase, answers: &Answers, f: FactId) -> (Tri, Option<f64>) {
        let (truth, number) = answer_value(answers, f);
        let group_said_no = rb
            .finding(f)
            .and_then(|i| i.group)
            .is_some_and(|g| answers.get(g) == Some(Answer::No));
        if truth == Tri::Unknown && number.is_none() && group_said_no {
            (Tri::No, None)
        } else {
            (truth, number)
        }
    }

    /// A group is yes when it was answered yes or a member is yes, no when
    /// every member is no (a "no" to the group makes them so), else unknown.
    fn group_value(&self, rb: &RuleBase, answers: &Answers, g: FactId) -> Tri {
        let Some(info) = rb.finding(g) else {
            return Tri::Unknown;
        };
        let members = info.members.iter().map(|&m| self.truth[usize::from(m)]);
        if answers.get(g) == Some(Answer::Yes) || members.clone().any(|t| t == Tri::Yes) {
            Tri::Yes
        } else if members.clone().all(|t| t == Tri::No) {
            Tri::No
        } else {
            Tri::Unknown
        }
    }

    fn derived_value(&self, rb: &RuleBase, d: FactId) -> Tri {
        match &rb.fact(d).body {
            FactBody::Derived { when, .. } => when.eval(self),
            FactBody::Finding(_) => self.truth[usize::from(d)],
        }
    }

    fn put(&mut self, f: FactId, truth: Tri, number: Option<f64>, changes: &mut Changes) {
        let i = usize::from(f);
        changes.undo.push((f, self.truth[i], self.number[i]));
        self.truth[i] = truth;
        self.number[i] = number;
    }

    /// After the answer to finding `f` changed in `answers`, recomputes only
    /// what depends on it: the finding, its group or its members, and the
    /// derived facts downstream. The old values go to `changes`, for
    /// [`State::undo`]; hypothetical answers cost what they touch, not the
    /// whole rule base.
    pub fn update(&mut self, rb: &RuleBase, answers: &Answers, f: FactId, changes: &mut Changes) {
        let Some(info) = rb.finding(f) else { return };
        if info.members.is_empty() {
            let (truth, number) = self.finding_value(rb, answers, f);
            self.put(f, truth, number, changes);
            if let Some(g) = info.group {
                let value = self.group_value(rb, answers, g);
                self.put(g, value, None, changes);
            }
        } else {
            for &m in &info.members {
                let (truth, number) = self.finding_value(rb, answers, m);
                self.put(m, truth, number, changes);
            }
            let value = self.group_value(rb, answers, f);
            self.put(f, value, None, changes);
        }
        // Derived facts downstream, in evaluation order, and only as far as
        // values change: a heap keyed on each derived fact's place in
        // `derived_order` (duplicates pop one after the other).
        let mut heap = std::mem::take(&mut changes.queue);
        let push_users = |heap: &mut BinaryHeap<Reverse<(u32, FactId)>>, c: FactId| {
            for &d in &rb.derived_users[usize::from(c)] {
                heap.push(Reverse((rb.derived_position[usize::from(d)], d)));
            }
        };
        push_users(&mut heap, f);
        if let Some(g) = info.group {
            push_users(&mut heap, g);
        }
        for &m in &info.members {
            push_users(&mut heap, m);
        }
        let mut last = None;
        while let Some(Reverse((_, d))) = heap.pop() {
            if last.replace(d) == Some(d) {
                continue;
            }
            let value = self.derived_value(rb, d);
            if value != self.truth[usize::from(d)] {
                self.put(d, value, None, changes);
                push_users(&mut heap, d);
            }
        }
        changes.queue = heap;
    }

    /// Puts back the values recorded by [`State::update`], newest first.
    pub fn undo(&mut self, changes: &mut Changes) {
        while let Some((f, truth, number)) = changes.undo.pop() {
            self.truth[usize::from(f)] = truth;
            self.number[usize::from(f)] = number;
        }
    }
}

/// Combines certainty factors: `a + b(1 - a)` for each that holds.
fn combine<'a>(rules: impl Iterator<Item = (&'a Cond, f64)>, state: &State) -> f64 {
    rules
        .filter(|(when, _)| when.holds(state))
        .fold(0.0, |acc, (_, w)| acc + w * (1.0 - acc))
}

/// The MYCIN certainty of one cause: `(for - against) / (1 - min(for, against))`,
/// with (score, for, against). A cause with no support scores 0: evidence
/// against is only weighed against evidence for (and is then not evaluated).
pub fn cause_score(rb: &RuleBase, cause: RuleId, state: &State) -> (f64, f64, f64) {
    let rule = &rb.causes[usize::from(cause)];
    let for_ = combine(rule.support.iter().map(|w| (&w.when, w.weight)), state);
    if for_ == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    let against = combine(rule.against.iter().map(|w| (&w.when, w.weight)), state);
    let denominator = 1.0 - for_.min(against);
    let score = if denominator <= f64::EPSILON {
        0.0
    } else {
        (for_ - against) / denominator
    };
    (score, for_, against)
}

/// The support of a cause that counts toward the urgency: its certainty
/// `for_`, or 0 while its `urgency_when` does not hold.
pub fn urgency_support(rb: &RuleBase, cause: RuleId, state: &State, for_: f64) -> f64 {
    let rule = &rb.causes[usize::from(cause)];
    match &rule.urgency_when {
        Some(when) if !when.holds(state) => 0.0,
        _ => for_,
    }
}

/// Everything evaluated once per set of answers: facts, red flags, scores.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub state: State,
    /// Per red flag: fired (yes), ruled out (no) or not checked (unknown).
    pub flags: Vec<Tri>,
    /// Per red flag that did not fire: the groups answered yes whose
    /// still-unknown members could each fire it. A "yes" to a group says one
    /// of its warning signs is present without saying which, so each red flag
    /// one of them would fire counts as possibly present until those members
    /// are answered no. Empty for most flags.
    pub possible: Vec<Vec<FactId>>,
    /// Per cause: its certainty factor score (support weighed against the
    /// evidence against it), which ranks the causes.
    pub scores: Vec<f64>,
    /// Per cause: the certainty of its support alone, which decides whether
    /// its urgency counts (0 while its `urgency_when` does not hold). Evidence
    /// against a cause changes its rank, never the urgency: a "yes" must never
    /// lower the urgency.
    pub supports: Vec<f64>,
}

impl Evaluation {
    /// Evaluates the rule base on the answers.
    pub fn new(rb: &RuleBase, answers: &Answers) -> Evaluation {
        let mut eval = Evaluation::empty(rb);
        eval.fill(rb, answers);
        eval
    }

    /// Buffers sized for a rule base, ready for [`Evaluation::fill`].
    pub fn empty(rb: &RuleBase) -> Evaluation {
        Evaluation {
            state: State::empty(rb),
            flags: vec![Tri::Unknown; rb.red_flags.len()],
            possible: vec![Vec::new(); rb.red_flags.len()],
            scores: vec![0.0; rb.causes.len()],
            supports: vec![0.0; rb.causes.len()],
        }
    }

    /// Evaluates the rule base on the answers, reusing these buffers.
    pub fn fill(&mut self, rb: &RuleBase, answers: &Answers) {
        self.state.fill(rb, answers);
        for (slot, rule) in self.flags.iter_mut().zip(&rb.red_flags) {
            *slot = rule.when.eval(&self.state);
        }
        possible_flags(
            rb,
            answers,
            &mut self.state,
            &self.flags,
            &mut self.possible,
        );
        for (c, (score, support)) in self.scores.iter_mut().zip(&mut self.supports).enumerate() {
            let (s, for_, _) = cause_score(rb, c as RuleId, &self.state);
            *score = s;
            *support = urgency_support(rb, c as RuleId, &self.state, for_);
        }
    }

    /// The most urgent level among the red flags that fired (confirmed).
    pub fn flag_urgency(&self, rb: &RuleBase) -> Option<Urgency> {
        self.flags
            .iter()
            .zip(&rb.red_flags)
            .filter(|(t, _)| **t == Tri::Yes)
            .map(|(_, r)| r.urgency)
            .max()
    }

    /// The most urgent level among the red flags that fired or that a group
    /// answered yes makes possible.
    pub fn warning_urgency(&self, rb: &RuleBase) -> Option<Urgency> {
        let possible = self
            .possible
            .iter()
            .zip(&rb.red_flags)
            .filter(|(groups, _)| !groups.is_empty())
            .map(|(_, r)| r.urgency)
            .max();
        self.flag_urgency(rb).max(possible)
    }

    /// The urgency: the highest of every red flag that fired or is
    /// possible and every cause with strong support; self-care when none.
    /// One never switches the other off.
    pub fn urgency(&self, rb: &RuleBase) -> Urgency {
        combined_urgency(self.warning_urgency(rb), cause_urgency(rb, &self.supports))
    }

    /// Causes with some support, most likely first (ties in rule order).
    pub fn ranked(&self) -> Vec<RuleId> {
        let mut ranked = Vec::new();
        rank_into(&self.scores, &mut ranked);
        ranked
    }
}

/// For each red flag that did not fire, the groups answered yes with an
/// unknown member that would fire it on its own. Each member is tried on
/// `state` and put back, looking only at the red flags it can change.
fn possible_flags(
    rb: &RuleBase,
    answers: &Answers,
    state: &mut State,
    flags: &[Tri],
    possible: &mut [Vec<FactId>],
) {
    for groups in possible.iter_mut() {
        groups.clear();
    }
    if yes_groups(rb, answers).next().is_none() {
        return;
    }
    let mut hypo = Hypothesis::new(answers);
    for g in yes_groups(rb, answers) {
        let Some(info) = rb.finding(g) else { continue };
        for &m in &info.members {
            // "Don't know" rules nothing out: an unknown member counts as much
            // as an unanswered one.
            if state.truth(m) != Tri::Unknown {
                continue;
            }
            if hypo.assume_over_unknown(rb, state, m, Answer::Yes) {
                for &r in &rb.flag_deps[usize::from(m)] {
                    let i = usize::from(r);
                    if flags[i] != Tri::Yes
                        && rb.red_flags[i].when.eval(state) == Tri::Yes
                        && !possible[i].contains(&g)
                    {
                        possible[i].push(g);
                    }
                }
            }
            hypo.reset(state);
        }
    }
}

/// The urgency the causes ask for: only causes whose support is strong
/// count (see [`Evaluation::supports`]).
pub fn cause_urgency(rb: &RuleBase, supports: &[f64]) -> Urgency {
    supports
        .iter()
        .zip(&rb.causes)
        .filter(|(s, _)| **s >= rb.settings.strong_support)
        .map(|(_, c)| c.urgency)
        .max()
        .unwrap_or(Urgency::SelfCare)
}

/// The highest of the warning signs' urgency and the causes'.
pub fn combined_urgency(warning: Option<Urgency>, causes: Urgency) -> Urgency {
    warning.map_or(causes, |w| w.max(causes))
}

/// The causes with a score above zero, highest first, ties in rule order.
pub fn rank_into(scores: &[f64], ranked: &mut Vec<RuleId>) {
    ranked.clear();
    ranked.extend((0..scores.len() as RuleId).filter(|&c| scores[usize::from(c)] > 0.0));
    ranked.sort_by(|&a, &b| scores[usize::from(b)].total_cmp(&scores[usize::from(a)]));
}

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
    pub flag: RuleId,
    pub because: Span,
    pub possible: bool,
    /// For a possible flag: the one member of its group that was not
    /// answered no, when all the others were: the likely sign.
    pub likely: Option<FactId>,
}

/// A cause with support, its score and the findings for and against it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredCause {
    pub cause: RuleId,
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
    pub unchecked_red_flags: Vec<RuleId>,
    pub causes: Vec<ScoredCause>,
    pub advice: Vec<RuleId>,
    pub next_question: Option<FactId>,
    /// When the next question is a checklist: the members it offers (those
    /// not answered yet).
    pub next_options: Vec<FactId>,
    reasons: Vec<FactId>,
    ranked: Vec<RuleId>,
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
            reasons: Vec::new(),
            ranked: Vec::new(),
        }
    }
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
    out.red_flags.clear();
    out.unchecked_red_flags.clear();
    out.causes.clear();
    out.advice.clear();
    out.reasons.clear();
    for (i, (truth, rule)) in eval.flags.iter().zip(&rb.red_flags).enumerate() {
        let groups = &eval.possible[i];
        match truth {
            Tri::Yes => {
                let because = out.add_reasons(std::iter::once(&rule.when), state);
                out.red_flags.push(FiredFlag {
                    flag: i as RuleId,
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
                    flag: i as RuleId,
                    because,
                    possible: true,
                    likely: likely_sign(rb, state, groups),
                });
            }
            Tri::Unknown => out.unchecked_red_flags.push(i as RuleId),
            Tri::No => {}
        }
    }
    // Most urgent first; rule order within a level.
    out.red_flags
        .sort_by_key(|f| std::cmp::Reverse(rb.red_flags[usize::from(f.flag)].urgency));

    let mut ranked = std::mem::take(&mut out.ranked);
    rank_into(&eval.scores, &mut ranked);
    for &c in &ranked {
        let rule = &rb.causes[usize::from(c)];
        let because = out.add_reasons(holding_conds(&rule.support, state), state);
        let against = out.add_reasons(holding_conds(&rule.against, state), state);
        out.causes.push(ScoredCause {
            cause: c,
            score: eval.scores[usize::from(c)],
            because,
            against,
        });
    }
    out.ranked = ranked;

    if out.red_flags.is_empty() {
        fitting_advice(rb, &out.causes, state, &mut out.advice);
    }
    out.urgency = eval.urgency(rb);
    out.next_question = select::next_question(rb, answers, eval);
    out.next_options.clear();
    if let Some(q) = out.next_question {
        out.next_options
            .extend(select::open_members(rb, answers, q));
    }
    // A "don't know" leaves what it asked about unchecked, warning sign or not.
    out.complete = out.next_question.is_none()
        && out.unchecked_red_flags.is_empty()
        && out.red_flags.iter().all(|f| !f.possible)
        && answers.iter().all(|(_, a)| a != Answer::Unknown);
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

/// The conditions of evidence rules that hold.
fn holding_conds<'a>(
    rules: &'a [crate::triage::rulebase::Weighted],
    state: &'a State,
) -> impl Iterator<Item = &'a Cond> {
    rules
        .iter()
        .filter(move |w| w.when.holds(state))
        .map(|w| &w.when)
}

/// The advice that fits when no red flag fired: items for a top cause or
/// whose `when` holds, minus those whose `avoid_when` is true or not ruled out.
fn fitting_advice(rb: &RuleBase, causes: &[ScoredCause], state: &State, out: &mut Vec<RuleId>) {
    let top = || {
        causes
            .iter()
            .take(rb.settings.top_causes)
            .filter(|c| c.score >= rb.settings.advice_min_score)
            .map(|c| c.cause)
    };
    for (i, a) in rb.advice.iter().enumerate() {
        let wanted = a.kind == AdviceKind::SafetyNet
            || a.for_causes.iter().any(|c| top().any(|t| t == *c))
            || a.when.as_ref().is_some_and(|w| w.eval(state) == Tri::Yes);
        let held_back = a
            .avoid_when
            .as_ref()
            .is_some_and(|w| w.eval(state) != Tri::No);
        if wanted && (a.kind == AdviceKind::SafetyNet || !held_back) {
            out.push(i as RuleId);
        }
    }
}

/// One node of a condition with the value it had, for `--explain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub condition: String,
    pub value: Tri,
}

/// Why a red flag fired. `value` is `unknown` for a possible red flag,
/// which `possible_through` then explains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagTrace {
    pub id: String,
    pub urgency: Urgency,
    pub value: Tri,
    pub condition: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_through: Vec<String>,
}

/// One evidence rule of a cause and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceTrace {
    pub condition: String,
    pub weight: f64,
    pub held: bool,
}

/// How a cause's score was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    let evidence = |rules: &[crate::triage::rulebase::Weighted]| {
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
        .into_iter()
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
    let warning = eval.warning_urgency(rb);
    let from_causes = cause_urgency(rb, &eval.supports);
    let level = combined_urgency(warning, from_causes);
    let urgency = match warning {
        Some(w) if w >= from_causes && eval.flag_urgency(rb) == Some(w) => {
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
