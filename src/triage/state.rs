//! The value of every fact after the answers, groups and derived facts, and
//! hypothetical answers on top of it that cost only what they touch.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::triage::answers::{Answer, Answers, value_of};
use crate::triage::condition::{FactId, Facts, Tri};
use crate::triage::rulebase::{FactBody, RuleBase};

/// The value of every fact after the answers, groups and derived facts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    truth: Vec<Tri>,
    number: Vec<Option<f64>>,
}

impl Facts for State {
    #[inline]
    fn truth(&self, f: FactId) -> Tri {
        self.truth
            .get(usize::from(f))
            .copied()
            .unwrap_or(Tri::Unknown)
    }
    #[inline]
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
#[derive(Debug, Clone, Default)]
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

    /// No hypothetical answers, on top of `answers`: [`Hypothesis::new`]
    /// reusing this one's buffers.
    pub fn restart(&mut self, answers: &Answers) {
        self.answers.copy_from(answers);
        self.changes.undo.clear();
        self.changes.queue.clear();
        self.applied.clear();
        self.applied_ids.clear();
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

    /// How far the hypothesis has gone, for [`Hypothesis::reset_to`].
    pub fn mark(&self) -> Mark {
        Mark {
            undo: self.changes.undo.len(),
            applied: self.applied.len(),
        }
    }

    /// Takes back the answers added since `mark`, from the answers and
    /// `state`, newest first: as if they had never been assumed.
    pub fn reset_to(&mut self, state: &mut State, mark: Mark) {
        state.undo_to(&mut self.changes, mark.undo);
        while self.applied.len() > mark.applied {
            if let Some((f, before)) = self.applied.pop() {
                self.answers.replace(f, before);
            }
        }
        self.applied_ids.truncate(mark.applied);
    }

    /// The findings the current hypothesis answered.
    pub fn applied(&self) -> &[FactId] {
        &self.applied_ids
    }

    /// The answer to a finding, given or assumed.
    pub fn answer(&self, f: FactId) -> Option<Answer> {
        self.answers.get(f)
    }
}

/// A point in a [`Hypothesis`], from [`Hypothesis::mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    undo: usize,
    applied: usize,
}

/// The groups that were answered yes.
pub fn yes_groups<'a>(rb: &'a RuleBase, answers: &'a Answers) -> impl Iterator<Item = FactId> + 'a {
    rb.groups
        .iter()
        .copied()
        .filter(|&g| answers.get(g) == Some(Answer::Yes))
}

impl State {
    /// Every fact unknown, sized for a rule base.
    pub(crate) fn empty(rb: &RuleBase) -> State {
        State {
            truth: vec![Tri::Unknown; rb.facts.len()],
            number: vec![None; rb.number_slots],
        }
    }

    /// Works out every fact from the answers.
    pub fn new(rb: &RuleBase, answers: &Answers) -> State {
        let mut state = State::empty(rb);
        state.fill(rb, answers);
        state
    }

    fn number_at(&self, i: usize) -> Option<f64> {
        self.number.get(i).copied().flatten()
    }

    fn set_number(&mut self, i: usize, number: Option<f64>) {
        match self.number.get_mut(i) {
            Some(slot) => *slot = number,
            None => debug_assert!(number.is_none(), "a number for a fact without a slot"),
        }
    }

    /// Becomes a copy of `other`, reusing the buffers.
    pub fn copy_from(&mut self, other: &State) {
        self.truth.clone_from(&other.truth);
        self.number.clone_from(&other.number);
    }

    /// Recomputes every fact in place (reusing the buffers).
    pub fn fill(&mut self, rb: &RuleBase, answers: &Answers) {
        let n = rb.n_findings;
        // Answers for this rule base have the state's shape: one copy each.
        let slots = self.number.len();
        match (
            self.truth.get_mut(..n),
            self.number.get_mut(..answers.numbers().len()),
        ) {
            (Some(truth), Some(number))
                if answers.truths().len() == n && answers.numbers().len() == slots =>
            {
                truth.copy_from_slice(answers.truths());
                number.copy_from_slice(answers.numbers());
            }
            _ => {
                for f in rb.findings() {
                    let (truth, number) = value_of(answers.get(f));
                    self.truth[usize::from(f)] = truth;
                    self.set_number(usize::from(f), number);
                }
            }
        }
        // As [`State::finding_value`] says, group by group: a "no" to a
        // group makes its members with no value of their own no.
        for &g in &rb.groups {
            if answers.get(g) != Some(Answer::No) {
                continue;
            }
            for &m in rb.finding(g).map_or(&[][..], |i| &i.members) {
                let m = usize::from(m);
                if self.truth[m] == Tri::Unknown && self.number_at(m).is_none() {
                    self.truth[m] = Tri::No;
                }
            }
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
        let (truth, number) = value_of(answers.get(f));
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
        if answers.get(g) == Some(Answer::Yes) {
            return Tri::Yes;
        }
        let mut all_no = true;
        for &m in &info.members {
            match self.truth[usize::from(m)] {
                Tri::Yes => return Tri::Yes,
                Tri::No => {}
                Tri::Unknown => all_no = false,
            }
        }
        if all_no { Tri::No } else { Tri::Unknown }
    }

    fn derived_value(&self, rb: &RuleBase, d: FactId) -> Tri {
        match &rb.fact(d).body {
            FactBody::Derived { when, .. } => when.eval(self),
            FactBody::Finding(_) => self.truth[usize::from(d)],
        }
    }

    fn put(&mut self, f: FactId, truth: Tri, number: Option<f64>, changes: &mut Changes) {
        let i = usize::from(f);
        changes.undo.push((f, self.truth[i], self.number_at(i)));
        self.truth[i] = truth;
        self.set_number(i, number);
    }

    /// Puts a fact's new value, and queues the derived facts that use it,
    /// only if the value changed: what did not change cannot change
    /// anything downstream (the state is consistent before an update).
    fn change(
        &mut self,
        rb: &RuleBase,
        f: FactId,
        (truth, number): (Tri, Option<f64>),
        changes: &mut Changes,
    ) {
        let i = usize::from(f);
        let bits = |n: Option<f64>| n.map(f64::to_bits);
        if self.truth[i] == truth && bits(self.number_at(i)) == bits(number) {
            return;
        }
        self.put(f, truth, number, changes);
        for &d in &rb.derived_users[i] {
            changes
                .queue
                .push(Reverse((rb.derived_position[usize::from(d)], d)));
        }
    }

    /// After the answer to finding `f` changed in `answers`, recomputes only
    /// what depends on it: the finding, its group or its members, and the
    /// derived facts downstream. The old values go to `changes`, for
    /// [`State::undo`]; hypothetical answers cost what they touch, not the
    /// whole rule base.
    pub fn update(&mut self, rb: &RuleBase, answers: &Answers, f: FactId, changes: &mut Changes) {
        let Some(info) = rb.finding(f) else { return };
        if info.members.is_empty() {
            let value = self.finding_value(rb, answers, f);
            self.change(rb, f, value, changes);
            if let Some(g) = info.group {
                let value = self.group_value(rb, answers, g);
                self.change(rb, g, (value, None), changes);
            }
        } else {
            for &m in &info.members {
                let value = self.finding_value(rb, answers, m);
                self.change(rb, m, value, changes);
            }
            let value = self.group_value(rb, answers, f);
            self.change(rb, f, (value, None), changes);
        }
        // Derived facts downstream, in evaluation order, and only as far as
        // values change: a heap keyed on each derived fact's place in
        // `derived_order` (duplicates pop one after the other).
        let mut last = None;
        while let Some(Reverse((_, d))) = changes.queue.pop() {
            if last.replace(d) == Some(d) {
                continue;
            }
            let value = self.derived_value(rb, d);
            self.change(rb, d, (value, None), changes);
        }
    }

    /// Puts back the values recorded by [`State::update`], newest first.
    pub fn undo(&mut self, changes: &mut Changes) {
        self.undo_to(changes, 0);
    }

    /// Puts back the values recorded after the first `len`, newest first.
    fn undo_to(&mut self, changes: &mut Changes, len: usize) {
        while changes.undo.len() > len {
            if let Some((f, truth, number)) = changes.undo.pop() {
                self.truth[usize::from(f)] = truth;
                self.set_number(usize::from(f), number);
            }
        }
    }
}
