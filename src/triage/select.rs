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
    Evaluation, add_weight, certainty, combined_urgency, mycin, support_when,
};
use crate::triage::ids::CauseId;
use crate::triage::rulebase::{FactBody, RuleBase, Weighted};
use crate::triage::schema::{FindingKind, Urgency};
use crate::triage::state::{Hypothesis, Mark, State, yes_groups};

/// The next question to ask after these answers, or `None` when done. A
/// group is asked as one checklist of its members, which are never asked
/// one by one.
pub fn next_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    next_question_in(rb, answers, eval, &mut Workspace::default())
}

/// Buffers for choosing a question, kept from one choice to the next (in
/// the [`crate::triage::Assessment`] that batch mode reuses line after
/// line), so that choosing allocates nothing once warmed up.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// For [`best_warning_question`].
    unsettled: Vec<usize>,
    counts: Vec<u16>,
    found: Vec<FactId>,
    /// For [`cause_question`].
    spare: Spare,
    relevant: Vec<bool>,
    raise: Vec<FactId>,
    no_scores: Vec<(CauseId, f64)>,
    moved: Vec<CauseId>,
    presences: Vec<f64>,
    raisers: Vec<bool>,
}

/// Buffers only: whatever they hold, two workspaces are interchangeable, so
/// an [`crate::triage::Assessment`] that keeps one compares by its results.
impl PartialEq for Workspace {
    fn eq(&self, _: &Workspace) -> bool {
        true
    }
}

/// [`next_question`] with its buffers in `work`.
pub fn next_question_in(
    rb: &RuleBase,
    answers: &Answers,
    eval: &Evaluation,
    work: &mut Workspace,
) -> Option<FactId> {
    if eval.flag_urgency() == Some(Urgency::Emergency) {
        return None;
    }
    // A group of warning signs answered yes without saying which sign: its
    // checklist again, before anything else.
    if yes_groups(rb, answers).next().is_some() {
        let drill = best_warning_question(rb, answers, eval, work, |f| {
            answers.get(f) == Some(Answer::Yes)
        });
        if drill.is_some() {
            return drill;
        }
    }
    if let Some(&f) = rb.opening.iter().find(|&&f| is_open(rb, answers, f)) {
        return Some(f);
    }
    if let Some(f) = best_warning_question(rb, answers, eval, work, |_| true) {
        return Some(f);
    }
    if let Some(f) = required_question(rb, answers, eval) {
        return Some(f);
    }
    // Once the urgency is urgent or higher, or past the cap, only a question
    // that could raise the urgency is asked; the cap never cuts one.
    let capped = prompts_answered(rb, answers) >= rb.settings.max_questions
        || eval.urgency() >= Urgency::Urgent;
    cause_question(rb, answers, eval, capped, work)
}

/// How many prompts the answers stand for: each answered finding outside a
/// group, and each group with any answer (one checklist settles all of it).
pub fn prompts_answered(rb: &RuleBase, answers: &Answers) -> usize {
    rb.prompts
        .iter()
        .filter(|&&f| {
            answers.get(f).is_some()
                || rb
                    .finding(f)
                    .is_some_and(|info| info.members.iter().any(|&m| answers.get(m).is_some()))
        })
        .count()
}

/// The first open finding whose `ask_when` holds: a question the rule base
/// requires in this situation, whatever it would change.
fn required_question(rb: &RuleBase, answers: &Answers, eval: &Evaluation) -> Option<FactId> {
    rb.required.iter().copied().find(|&f| {
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
    work: &mut Workspace,
    allowed: impl Fn(FactId) -> bool,
) -> Option<FactId> {
    // The red flags not settled, by place; then per fact, how many of those
    // of a level it could settle.
    let (unsettled, counts, found) = (&mut work.unsettled, &mut work.counts, &mut work.found);
    unsettled.clear();
    unsettled.extend(
        (eval.flags.iter().enumerate())
            .filter(|(_, truth)| **truth == Tri::Unknown)
            .map(|(i, _)| i),
    );
    if unsettled.is_empty() {
        return None;
    }
    counts.clear();
    counts.resize(rb.facts.len(), 0);
    for level in [Urgency::Emergency, Urgency::Urgent, Urgency::Doctor] {
        // The question that settles the most red flags; ties in file order.
        // (Counts only grow, so the best is kept as they do; a level
        // without one leaves every count at 0.)
        let mut best: Option<(u16, usize)> = None;
        for &i in unsettled.iter().filter(|&&i| rb.flag_levels[i] == level) {
            found.clear();
            open_leaves(rb, answers, &eval.state, &rb.red_flags[i].when, found);
            for &f in found.iter().filter(|&&f| allowed(f)) {
                let f = usize::from(f);
                counts[f] += 1;
                let n = counts[f];
                if best.is_none_or(|(most, first)| n > most || (n == most && f < first)) {
                    best = Some((n, f));
                }
            }
        }
        if let Some((_, f)) = best {
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
    unknown_leaves(rb, answers, state, cond, out, open_fact);
}

/// Walks the parts of a condition that are still unknown, calling `at_fact`
/// on each fact there (a number is unknown until answered): what
/// [`open_leaves`] and [`unsure_leaves`] do at each such fact.
fn unknown_leaves<F>(
    rb: &RuleBase,
    answers: &Answers,
    state: &State,
    cond: &Cond,
    out: &mut Vec<FactId>,
    at_fact: F,
) where
    F: Fn(&RuleBase, &Answers, &State, FactId, &mut Vec<FactId>) + Copy,
{
    match cond {
        Cond::Fact(f) | Cond::Number(f, _) => {
            if cond.eval(state) == Tri::Unknown {
                at_fact(rb, answers, state, *f, out);
            }
        }
        Cond::All(items) | Cond::Any(items) | Cond::AtLeast(_, items) => {
            for c in items {
                match c {
                    // A plain fact is read once, here.
                    Cond::Fact(f) if state.truth(*f) == Tri::Unknown => {
                        at_fact(rb, answers, state, *f, out);
                    }
                    Cond::Fact(_) => {}
                    _ if c.eval(state) == Tri::Unknown => {
                        unknown_leaves(rb, answers, state, c, out, at_fact);
                    }
                    _ => {}
                }
            }
        }
        Cond::Not(c) => unknown_leaves(rb, answers, state, c, out, at_fact),
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
    unknown_leaves(rb, answers, state, cond, out, unsure_fact);
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

/// What a set of answers decides: the urgency and the top causes (in
/// index order).
#[derive(Debug, PartialEq)]
struct Outcome {
    urgency: Urgency,
    top: Vec<CauseId>,
}

/// Hypothetical answers, tried on a copy of the state and the scores and
/// then taken back. Each hypothesis costs what it touches, not the whole
/// rule base: the facts downstream of its answers; the causes whose rules
/// those can make hold (`cause_deps_signed`), re-evaluating only their
/// rules still unknown; and a merge of those causes into the ranking. So
/// choosing a question grows with the rule base, not its square.
struct WhatIf<'a> {
    rb: &'a RuleBase,
    base: &'a Evaluation,
    flag_urgency: Option<Urgency>,
    hypo: Hypothesis,
    state: State,
    /// Per cause: its score (for ranking) and the certainty of its support
    /// alone (for the urgency), as [`Evaluation`] holds them: the base
    /// values except for the causes in `touched`.
    score: Vec<f64>,
    support: Vec<f64>,
    /// Causes rescored by the current hypothesis, and per cause whether it is.
    touched: Vec<CauseId>,
    is_touched: Vec<bool>,
    /// Per urgency level: how many causes have strong support in the base.
    strong: [u32; 4],
    /// What the base answers decide.
    now: Outcome,
    /// Work space for [`WhatIf::outcome`].
    merged: Vec<CauseId>,
    top: Vec<CauseId>,
    /// Per cause: [`WhatIf::score_range`], worked out when first needed
    /// (NaN until then).
    ranges: Vec<(f64, f64)>,
    /// The scores and supports of the causes a kept group's "yes"
    /// rescored, in the order of `touched`.
    group_scores: Vec<(f64, f64)>,
    /// The lowest base score among the top causes (infinite when none),
    /// and the highest among the others (0 when none is above 0).
    weakest_top: f64,
    strongest_other: f64,
}

/// Marks cause `c` rescored by the current hypothesis (in a [`WhatIf`]'s
/// `is_touched` and `touched`).
fn touch(is_touched: &mut [bool], touched: &mut Vec<CauseId>, c: CauseId) {
    if !is_touched[usize::from(c)] {
        is_touched[usize::from(c)] = true;
        touched.push(c);
    }
}

/// A cause's score and support with the facts of `facts`, on top of
/// `base`: the rules already yes or no in the base stay so; only the
/// unknown ones are evaluated. Returns (score, for, support).
fn score_with(rb: &RuleBase, base: &Evaluation, c: CauseId, facts: &impl Facts) -> (f64, f64, f64) {
    let (score, for_, _) = certainty(rb, c, |i, when| match base.rule_truth[i] {
        Tri::Yes => true,
        Tri::No => false,
        Tri::Unknown => when.holds(facts),
    });
    let support = support_when(rb, c, for_, |when| {
        match base.urgency_when_truth[usize::from(c)] {
            Tri::Yes => true,
            Tri::No => false,
            Tri::Unknown => when.holds(facts),
        }
    });
    (score, for_, support)
}

/// How many changed facts [`OneMoreYes`] holds.
const ONE_MORE: usize = 8;

/// A state with one more finding yes (a member of a group that is yes)
/// and the derived facts that change with it, read through without
/// changing the state: what [`State::update`] would make of that answer.
struct OneMoreYes<'a> {
    state: &'a State,
    changed: [(FactId, Tri); ONE_MORE],
    len: usize,
}

impl<'a> OneMoreYes<'a> {
    /// Member `yes` of a group that is yes in `state` (a consistent state,
    /// as [`State::update`] leaves it), itself unanswered. `None` when more
    /// facts change than it holds, or should anything be amiss: the caller
    /// then works the answer into the state.
    fn new(rb: &RuleBase, state: &'a State, yes: FactId) -> Option<OneMoreYes<'a>> {
        debug_assert!(
            (rb.finding(yes).and_then(|i| i.group)).is_some_and(|g| state.truth(g) == Tri::Yes),
            "a member of a group that is yes"
        );
        let mut facts = OneMoreYes {
            state,
            changed: [(yes, Tri::Yes); ONE_MORE],
            len: 1,
        };
        // Derived facts downstream, in evaluation order, and only as far
        // as values change (as `State::update` works them out).
        let mut queue = [FactId::at(0); ONE_MORE];
        let mut queued = 0;
        let push = |queue: &mut [FactId; ONE_MORE], queued: &mut usize, f: FactId| {
            for &d in &rb.derived_users[usize::from(f)] {
                if !queue[..*queued].contains(&d) {
                    *queue.get_mut(*queued)? = d;
                    *queued += 1;
                }
            }
            Some(())
        };
        push(&mut queue, &mut queued, yes)?;
        while queued > 0 {
            let position = |d: &FactId| rb.derived_position[usize::from(*d)];
            let next = (0..queued).min_by_key(|&k| position(&queue[k]))?;
            let d = queue[next];
            queued -= 1;
            queue[next] = queue[queued];
            // (Only derived facts use facts.)
            let FactBody::Derived { when, .. } = &rb.fact(d).body else {
                return None;
            };
            let value = when.eval(&facts);
            if value != facts.truth(d) {
                *facts.changed.get_mut(facts.len)? = (d, value);
                facts.len += 1;
                push(&mut queue, &mut queued, d)?;
            }
        }
        Some(facts)
    }
}

impl Facts for OneMoreYes<'_> {
    #[inline]
    fn truth(&self, f: FactId) -> Tri {
        match self.changed[..self.len].iter().find(|(g, _)| *g == f) {
            Some(&(_, t)) => t,
            None => self.state.truth(f),
        }
    }
    #[inline]
    fn number(&self, f: FactId) -> Option<f64> {
        self.state.number(f)
    }
}

/// How far apart [`WhatIf::top_fixed`] wants scores before it trusts a
/// bound: far above the rounding of a few certainty factors.
const RANGE_MARGIN: f64 = 1e-9;

/// A group's "yes" kept while its members are tried (see
/// [`WhatIf::member_yes`]): where the hypothesis stood, and how many of the
/// touched causes the group rescored (their values in `group_scores`).
#[derive(Debug, Clone, Copy)]
struct KeptGroup {
    mark: Mark,
    touched: usize,
}

/// The buffers of a [`WhatIf`], kept between question choices.
#[derive(Debug, Clone, Default)]
struct Spare {
    hypo: Hypothesis,
    state: State,
    score: Vec<f64>,
    support: Vec<f64>,
    touched: Vec<CauseId>,
    is_touched: Vec<bool>,
    merged: Vec<CauseId>,
    top: Vec<CauseId>,
    now_top: Vec<CauseId>,
    ranges: Vec<(f64, f64)>,
    group_scores: Vec<(f64, f64)>,
}

impl<'a> WhatIf<'a> {
    /// No hypothesis yet on top of `answers`, in the buffers of `spare`.
    fn new(
        rb: &'a RuleBase,
        answers: &Answers,
        base: &'a Evaluation,
        flag_urgency: Option<Urgency>,
        spare: Spare,
    ) -> WhatIf<'a> {
        let Spare {
            mut hypo,
            mut state,
            mut score,
            mut support,
            mut touched,
            mut is_touched,
            merged,
            top: top_space,
            now_top: mut top,
            mut ranges,
            group_scores,
        } = spare;
        ranges.clear();
        ranges.resize(rb.causes.len(), (f64::NAN, f64::NAN));
        hypo.restart(answers);
        state.copy_from(&base.state);
        score.clone_from(&base.scores);
        support.clone_from(&base.supports);
        touched.clear();
        is_touched.clear();
        is_touched.resize(rb.causes.len(), false);
        let ranked = base.ranked();
        let mut strong = [0; 4];
        for (level, &support) in rb.cause_levels.iter().zip(&base.supports) {
            if support >= rb.settings.strong_support {
                strong[level.index()] += 1;
            }
        }
        top.clear();
        top.extend(ranked.iter().take(rb.settings.top_causes).copied());
        top.sort_unstable();
        let k = rb.settings.top_causes.min(ranked.len());
        let weakest_top = ranked[..k]
            .iter()
            .map(|&c| base.scores[usize::from(c)])
            .fold(f64::INFINITY, f64::min);
        let strongest_other = ranked.get(k).map_or(0.0, |&c| base.scores[usize::from(c)]);
        let now = Outcome {
            urgency: combined_urgency(flag_urgency, base.causes_urgency()),
            top,
        };
        WhatIf {
            rb,
            base,
            flag_urgency,
            hypo,
            state,
            score,
            support,
            touched,
            is_touched,
            strong,
            now,
            merged,
            top: top_space,
            ranges,
            group_scores,
            weakest_top,
            strongest_other,
        }
    }

    /// The buffers, for the next [`WhatIf::new`].
    fn into_spare(self) -> Spare {
        Spare {
            hypo: self.hypo,
            state: self.state,
            score: self.score,
            support: self.support,
            touched: self.touched,
            is_touched: self.is_touched,
            merged: self.merged,
            top: self.top,
            now_top: self.now.top,
            ranges: self.ranges,
            group_scores: self.group_scores,
        }
    }

    /// Takes the current hypothesis back.
    fn reset(&mut self) {
        self.hypo.reset(&mut self.state);
        self.reset_scores();
    }

    /// Puts the rescored causes back to the base's values.
    fn reset_scores(&mut self) {
        self.reset_scores_from(0);
    }

    /// Puts the causes rescored after the first `start` touched back to the
    /// base's values.
    fn reset_scores_from(&mut self, start: usize) {
        for c in self.touched.drain(start..) {
            let i = usize::from(c);
            self.score[i] = self.base.scores[i];
            self.support[i] = self.base.supports[i];
            self.is_touched[i] = false;
        }
    }

    /// Adds an answer to the hypothesis; false if it contradicts the answers.
    fn assume(&mut self, f: FactId, answer: Answer) -> bool {
        self.hypo.assume(self.rb, &mut self.state, f, answer)
    }

    /// A cause's score and support in the hypothetical state (see
    /// [`score_with`]). Returns (score, for, support).
    fn rescore_one(&self, c: CauseId) -> (f64, f64, f64) {
        score_with(self.rb, self.base, c, &self.state)
    }

    /// Rescores cause `c` in the hypothetical state and marks it touched;
    /// a cause already touched is rescored only `again`.
    fn rescore_cause(&mut self, c: CauseId, again: bool) {
        let i = usize::from(c);
        if self.is_touched[i] && !again {
            return;
        }
        touch(&mut self.is_touched, &mut self.touched, c);
        let (score, _, support) = self.rescore_one(c);
        self.score[i] = score;
        self.support[i] = support;
    }

    /// Rescores the causes the hypothesis can change: for each answer, the
    /// causes its direction can reach.
    fn rescore(&mut self) {
        let rb = self.rb;
        for k in 0..self.hypo.applied().len() {
            let f = self.hypo.applied()[k];
            let (yes, no) = &rb.cause_deps_signed[usize::from(f)];
            let deps = match self.hypo.answer(f) {
                Some(Answer::Yes) => yes,
                Some(Answer::No) => no,
                _ => &rb.cause_deps[usize::from(f)],
            };
            for &c in deps {
                self.rescore_cause(c, false);
            }
        }
    }

    /// Tries the answers in `set` (and the group `via`, if given, answered
    /// yes): afterwards `score` and `support` hold their effect, or the
    /// base values if they contradict the answers.
    fn hypothesis(&mut self, set: &[(FactId, Answer)], via: Option<FactId>) {
        self.reset();
        // Answers that can make no rule of any cause hold leave every score
        // as it is (whether or not they contradict the answers).
        let reaches = |f: FactId, answer: Answer| {
            let (yes, no) = &self.rb.cause_deps_signed[usize::from(f)];
            match answer {
                Answer::Yes => !yes.is_empty(),
                Answer::No => !no.is_empty(),
                _ => true,
            }
        };
        if !via.is_some_and(|g| reaches(g, Answer::Yes))
            && !set.iter().any(|&(f, answer)| reaches(f, answer))
        {
            return;
        }
        if let Some(g) = via {
            // The finding is answered through its group: the group becomes yes too.
            self.assume(g, Answer::Yes);
        }
        for &(f, answer) in set {
            if !self.assume(f, answer) {
                self.reset();
                return;
            }
        }
        self.rescore();
    }

    /// [`WhatIf::hypothesis`] for member `m` of group `g` answered yes
    /// through the group, trying the members one after another: the
    /// group's "yes" and the causes it rescores are kept from one member to
    /// the next (`kept`, `None` before the first), and each member rescores
    /// only the causes its own "yes" can reach (for the others, a member's
    /// "yes" changes no rule that could hold).
    fn member_yes(&mut self, g: FactId, m: FactId, kept: &mut Option<KeptGroup>) {
        let rb = self.rb;
        let reaches = |f: FactId| !rb.cause_deps_signed[usize::from(f)].0.is_empty();
        if !reaches(g) && !reaches(m) {
            self.reset();
            *kept = None;
            return;
        }
        match *kept {
            Some(k) => self.back_to_group(k),
            None => {
                self.reset();
                self.assume(g, Answer::Yes);
                self.rescore();
                self.group_scores.clear();
                for &c in &self.touched {
                    let i = usize::from(c);
                    self.group_scores.push((self.score[i], self.support[i]));
                }
                *kept = Some(KeptGroup {
                    mark: self.hypo.mark(),
                    touched: self.touched.len(),
                });
            }
        }
        // Under the group's "yes" (and unless the member is answered), a
        // member's "yes" changes only its own value and the derived facts
        // downstream: its causes are rescored reading those on top of the
        // state, with nothing put in the state to take back.
        if self.hypo.answer(g) == Some(Answer::Yes)
            && self.hypo.answer(m).is_none()
            && let Some(facts) = OneMoreYes::new(rb, &self.state, m)
        {
            for &c in &rb.cause_deps_signed[usize::from(m)].0 {
                let i = usize::from(c);
                (self.score[i], _, self.support[i]) = score_with(rb, self.base, c, &facts);
                touch(&mut self.is_touched, &mut self.touched, c);
            }
            return;
        }
        if !self.assume(m, Answer::Yes) {
            self.reset();
            *kept = None;
            return;
        }
        for &c in &rb.cause_deps_signed[usize::from(m)].0 {
            self.rescore_cause(c, true);
        }
    }

    /// The outcome of a "yes" to question `f` through `target`: `f` itself,
    /// or a member of group `f` (see [`WhatIf::member_yes`] for `kept`).
    fn yes_to(
        &mut self,
        f: FactId,
        target: FactId,
        kept: &mut Option<KeptGroup>,
    ) -> (Urgency, bool) {
        if target == f {
            self.hypothesis(&[(f, Answer::Yes)], None);
        } else {
            self.member_yes(f, target, kept);
        }
        self.outcome()
    }

    /// Takes the last member's "yes" back, to the group's "yes" alone.
    fn back_to_group(&mut self, k: KeptGroup) {
        self.hypo.reset_to(&mut self.state, k.mark);
        self.reset_scores_from(k.touched);
        for (&c, &(score, support)) in self.touched.iter().zip(&self.group_scores) {
            self.score[usize::from(c)] = score;
            self.support[usize::from(c)] = support;
        }
    }

    /// The least and most a cause's ranking score (its score, or 0 when
    /// not above 0) can become, whatever the open rules turn out to be:
    /// support rules counted only where yes (least) or wherever not no
    /// (most), and the rules against it the other way round. A score grows
    /// with its support and shrinks with the evidence against it.
    fn score_range(&mut self, c: CauseId) -> (f64, f64) {
        let memo = self.ranges[usize::from(c)];
        if !memo.0.is_nan() {
            return memo;
        }
        let (rb, base) = (self.rb, self.base);
        let rule = &rb.causes[usize::from(c)];
        let (support, against) = rb.rule_places(c);
        // Both ends in one pass over each list of rules.
        let (least_for, most_for) = sums(&rule.support, &base.rule_truth[support]);
        let (most_against, least_against) = sums(&rule.against, &base.rule_truth[against]);
        let score = |for_: f64, against: f64| {
            if for_ == 0.0 {
                0.0
            } else {
                mycin(for_, against)
            }
        };
        let least = score(least_for, least_against);
        let most = score(most_for, most_against);
        // A cause without any support scores exactly 0; otherwise one that
        // is not clearly below 0 may come out above it.
        let most = if most_for == 0.0 || most < -RANGE_MARGIN {
            0.0
        } else {
            most.max(2.0 * RANGE_MARGIN)
        };
        let range = (least.max(0.0), most);
        self.ranges[usize::from(c)] = range;
        range
    }

    /// Whether answers that can change only the causes in `a` and `b`
    /// surely leave the top causes as they are: every top cause at its
    /// least still beats every other cause at its most, by a margin far
    /// above rounding. A cheap bound, so that a branch it settles need not
    /// be tried. (A cause's range holds its base score, so the base's
    /// weakest top cause and strongest other one stand in for those not
    /// changed.)
    fn top_fixed(&mut self, a: &[CauseId], b: &[CauseId]) -> bool {
        let start = self.bounds_of(b, (self.weakest_top, self.strongest_other));
        self.top_fixed_from(a, b.is_empty(), start)
    }

    /// [`WhatIf::top_fixed`] with the causes of `b` already folded into
    /// `bounds` by [`WhatIf::bounds_of`] (`b_empty`: whether there were
    /// none): for the members of one group, which share `b`.
    fn top_fixed_from(&mut self, a: &[CauseId], b_empty: bool, bounds: (f64, f64)) -> bool {
        if a.is_empty() && b_empty {
            return true;
        }
        let (least, most) = self.bounds_of(a, bounds);
        if self.now.top.len() < self.rb.settings.top_causes {
            // Every cause above 0 is in the top: none may join it, none leave.
            return most == 0.0 && least > RANGE_MARGIN;
        }
        least > RANGE_MARGIN && least > most + RANGE_MARGIN
    }

    /// `(least, most)` lowered to the least of the top causes among
    /// `causes` and raised to the most of the others.
    fn bounds_of(&mut self, causes: &[CauseId], (mut least, mut most): (f64, f64)) -> (f64, f64) {
        for &c in causes {
            let (lo, hi) = self.score_range(c);
            if self.is_top(c) {
                least = least.min(lo);
            } else {
                most = most.max(hi);
            }
        }
        (least, most)
    }

    /// Whether a cause is among the base's top causes.
    fn is_top(&self, c: CauseId) -> bool {
        self.now.top.binary_search(&c).is_ok()
    }

    /// The current hypothesis's urgency, and whether its top causes are the
    /// base's: the base ranking with the touched causes merged back in.
    fn outcome(&mut self) -> (Urgency, bool) {
        let rb = self.rb;
        let mut strong = self.strong;
        for &c in &self.touched {
            let i = usize::from(c);
            let u = rb.cause_levels[i].index();
            if self.base.supports[i] >= rb.settings.strong_support {
                strong[u] -= 1;
            }
            if self.support[i] >= rb.settings.strong_support {
                strong[u] += 1;
            }
        }
        let causes = [
            Urgency::Emergency,
            Urgency::Urgent,
            Urgency::Doctor,
            Urgency::SelfCare,
        ]
        .into_iter()
        .find(|&u| strong[u.index()] > 0)
        .unwrap_or(Urgency::SelfCare);
        let urgency = combined_urgency(self.flag_urgency, causes);
        // The ranking depends on the scores alone: none moved, none reordered.
        let base = &self.base.scores;
        if self
            .touched
            .iter()
            .all(|&c| self.score[usize::from(c)].to_bits() == base[usize::from(c)].to_bits())
        {
            return (urgency, true);
        }

        // The ranking's order: score, highest first, then rule order
        // (the evaluation's stable sort).
        let score = &self.score;
        let first = |a: CauseId, b: CauseId| {
            score[usize::from(b)]
                .total_cmp(&score[usize::from(a)])
                .then(a.cmp(&b))
                == std::cmp::Ordering::Less
        };
        self.merged.clear();
        self.merged.extend(
            self.touched
                .iter()
                .copied()
                .filter(|&c| score[usize::from(c)] > 0.0),
        );
        self.merged.sort_unstable_by(|&a, &b| {
            score[usize::from(b)]
                .total_cmp(&score[usize::from(a)])
                .then(a.cmp(&b))
        });
        self.top.clear();
        let k = rb.settings.top_causes;
        let mut base = self
            .base
            .ranked()
            .iter()
            .copied()
            .filter(|&c| !self.is_touched[usize::from(c)]);
        let mut moved = self.merged.iter().copied();
        let (mut b, mut m) = (base.next(), moved.next());
        while self.top.len() < k {
            match (b, m) {
                (Some(x), Some(y)) if first(y, x) => {
                    self.top.push(y);
                    m = moved.next();
                }
                (Some(x), _) => {
                    self.top.push(x);
                    b = base.next();
                }
                (None, Some(y)) => {
                    self.top.push(y);
                    m = moved.next();
                }
                (None, None) => break,
            }
        }
        self.top.sort_unstable();
        (urgency, self.top == self.now.top)
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
/// supporting findings (and its group) could change the urgency. A cause
/// whose support rules still able to hold cannot reach strong support is
/// passed over: answers only settle what is unknown.
fn urgency_relevant(
    what_if: &mut WhatIf<'_>,
    answers: &Answers,
    eval: &Evaluation,
    now: Urgency,
    work: &mut Workspace,
) {
    let rb = what_if.rb;
    // Per cause, whether some answers could make it raise the urgency
    // ([`may_raise`]), worked out once (the question choice reads it too).
    let raisers = &mut work.raisers;
    raisers.clear();
    raisers.extend((0..rb.causes.len()).map(|c| may_raise(rb, eval, CauseId::at(c), now)));
    let (relevant, raise) = (&mut work.relevant, &mut work.raise);
    let strong = rb.settings.strong_support;
    relevant.clear();
    relevant.resize(rb.facts.len(), false);
    for (c, &level) in rb.cause_levels.iter().enumerate() {
        if level <= now || eval.supports[c] >= strong {
            continue;
        }
        // Past those two tests, [`may_raise`] is whether it could still
        // become strong.
        if strong > 0.0 && !raisers[c] {
            continue;
        }
        let (support, against) = &rb.cause_findings[c];
        let open = |f: &FactId| is_open(rb, answers, *f) && eval.state.truth(*f) == Tri::Unknown;
        raise.clear();
        raise.extend(support.iter().filter(|f| open(f)).copied());
        if raise.is_empty() {
            continue;
        }
        what_if.reset();
        for &f in raise.iter() {
            if let Some(g) = rb.finding(f).and_then(|i| i.group) {
                what_if.assume(g, Answer::Yes);
            }
            what_if.assume(f, Answer::Yes);
        }
        for &f in against.iter().filter(|f| open(f) && !raise.contains(f)) {
            what_if.assume(f, Answer::No);
        }
        if what_if.rescore_one(CauseId::at(c)).2 >= strong {
            for &f in raise.iter() {
                relevant[usize::from(f)] = true;
                if let Some(g) = rb.finding(f).and_then(|i| i.group) {
                    relevant[usize::from(g)] = true;
                }
            }
        }
    }
    what_if.reset();
}

/// Whether a cause could still reach strong support: its `urgency_when`
/// not ruled out, and its support rules not ruled out, all holding, strong
/// enough (with a margin far above rounding, so that a borderline case is
/// worked out in full).
fn could_become_strong(rb: &RuleBase, eval: &Evaluation, c: CauseId) -> bool {
    if eval.urgency_when_truth[usize::from(c)] == Tri::No {
        return false;
    }
    let (support, _) = rb.rule_places(c);
    let (_, most) = sums(
        &rb.causes[usize::from(c)].support,
        &eval.rule_truth[support],
    );
    most >= rb.settings.strong_support - 1e-9
}

/// The certainty of the rules that are yes, and of those yes or unknown
/// (not ruled out), by their values: each the same additions in rule order
/// as `certainty` would make.
#[inline]
fn sums(rules: &[Weighted], values: &[Tri]) -> (f64, f64) {
    let (mut yes, mut open) = (0.0, 0.0);
    for (w, t) in rules.iter().zip(values) {
        match t {
            Tri::Yes => {
                yes = add_weight(yes, w.weight);
                open = add_weight(open, w.weight);
            }
            Tri::Unknown => open = add_weight(open, w.weight),
            Tri::No => {}
        }
    }
    (yes, open)
}

/// Whether some answers could make a cause raise the urgency above `now`:
/// it is more urgent, not yet strong, and could still become strong.
#[inline]
fn may_raise(rb: &RuleBase, eval: &Evaluation, c: CauseId, now: Urgency) -> bool {
    let strong = rb.settings.strong_support;
    rb.cause_levels[usize::from(c)] > now
        && eval.supports[usize::from(c)] < strong
        && could_become_strong(rb, eval, c)
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
    work: &mut Workspace,
) -> Option<FactId> {
    with_scales(rb, answers, eval, capped, work, |scales| {
        // (changes urgency, chance of a change, movement, question)
        let mut best: Option<(bool, f64, f64, FactId)> = None;
        // Yes/no findings that bear on a cause, outside any checklist
        // (members are asked through their group's).
        for &f in &rb.cause_candidates {
            let to_beat = best.map(|(u, v, _, _)| (u, v));
            let Some(key) = scales.weigh(f, to_beat) else {
                continue;
            };
            let better = best.is_none_or(|(u, v, m, _)| {
                (key.0, key.1, key.2).partial_cmp(&(u, v, m)) == Some(std::cmp::Ordering::Greater)
            });
            if better {
                best = Some((key.0, key.1, key.2, f));
            }
        }
        best.map(|(_, _, _, f)| f)
    })
}

/// Runs `body` with the [`Scales`] for these answers, in the buffers of
/// `work`.
fn with_scales<R>(
    rb: &RuleBase,
    answers: &Answers,
    eval: &Evaluation,
    capped: bool,
    work: &mut Workspace,
    body: impl FnOnce(&mut Scales<'_, '_>) -> R,
) -> R {
    let flag_urgency = eval.warning_urgency();
    let spare = std::mem::take(&mut work.spare);
    let mut what_if = WhatIf::new(rb, answers, eval, flag_urgency, spare);
    let now = what_if.now.urgency;
    urgency_relevant(&mut what_if, answers, eval, now, work);
    let mut scales = Scales {
        answers,
        eval,
        capped,
        what_if,
        relevant: &work.relevant,
        raisers: &work.raisers,
        presences: &mut work.presences,
        no_scores: &mut work.no_scores,
        moved_causes: &mut work.moved,
    };
    let result = body(&mut scales);
    work.spare = scales.what_if.into_spare();
    result
}

/// The scores of the causes the current hypothesis rescored, into `out`.
fn keep_scores(what_if: &WhatIf<'_>, out: &mut Vec<(CauseId, f64)>) {
    out.extend((what_if.touched.iter()).map(|&c| (c, what_if.score[usize::from(c)])));
}

/// What weighing the cause questions one after another needs: the answers
/// and their evaluation, the hypotheses, which causes could raise the
/// urgency and which questions could, and buffers.
struct Scales<'a, 'w> {
    answers: &'a Answers,
    eval: &'a Evaluation,
    capped: bool,
    what_if: WhatIf<'a>,
    relevant: &'w [bool],
    raisers: &'w [bool],
    presences: &'w mut Vec<f64>,
    /// The "no" branch's rescored causes, and the causes either branch moved.
    no_scores: &'w mut Vec<(CauseId, f64)>,
    moved_causes: &'w mut Vec<CauseId>,
}

impl Scales<'_, '_> {
    /// Whether `f` turning yes (or no) could make a cause raise the urgency.
    #[inline]
    fn raises(&self, f: FactId, yes: bool) -> bool {
        let (on_yes, on_no) = &self.what_if.rb.cause_deps_signed[usize::from(f)];
        let deps = if yes { on_yes } else { on_no };
        deps.iter().any(|&c| self.raisers[usize::from(c)])
    }

    /// Cause question `f`, if it is open and worth asking: (whether its
    /// answer could change the urgency, the chance that it changes the
    /// outcome, how far it moves the scores). `None` too when it cannot
    /// beat `to_beat` (the urgency and chance of the best question so
    /// far), whatever its movement: a question wins only with a greater
    /// key, so its movement need not be worked out.
    fn weigh(&mut self, f: FactId, to_beat: Option<(bool, f64)>) -> Option<(bool, f64, f64)> {
        let (rb, answers, eval, capped) = (self.what_if.rb, self.answers, self.eval, self.capped);
        let now = self.what_if.now.urgency;
        let relevant = self.relevant[usize::from(f)];
        let info = rb.finding(f)?;
        if !is_open(rb, answers, f) {
            return None;
        }
        // For a group, "yes" means one of its members: try each.
        let single = [f];
        let targets = if info.members.is_empty() {
            &single[..]
        } else {
            &info.members[..]
        };
        let open_target = |&t: &FactId| t == f || answers.get(t).is_none();
        // Whether a "yes" could raise the urgency: through a cause that an
        // answer could still make strong (answers only add support).
        let yes_raises = targets
            .iter()
            .filter(|t| open_target(t))
            .any(|&t| self.raises(t, true) || (t != f && self.raises(f, true)));
        let no_raises = self.raises(f, false);
        let may_change_urgency = relevant || yes_raises || no_raises;
        if !may_change_urgency && (capped || to_beat.is_some_and(|(urgency, _)| urgency)) {
            // Past the cap only the urgency counts, and no answer moves it;
            // nor can it beat a question that may change the urgency.
            return None;
        }
        // A "no" that can neither raise the urgency nor (by the bound of
        // `top_fixed`) move the top causes need not be tried yet.
        let what_if = &mut self.what_if;
        let no_fixed = !relevant
            && !no_raises
            && what_if.top_fixed(&rb.cause_deps_signed[usize::from(f)].1, &[]);
        // The "no" branch's rescored causes are kept for the movement as
        // soon as it is tried: the "yes" branches tried next replace them.
        let no_scores = &mut *self.no_scores;
        no_scores.clear();
        let (no_urgency, no_same_top) = if no_fixed {
            (now, true)
        } else {
            what_if.hypothesis(&[(f, Answer::No)], None);
            keep_scores(what_if, no_scores);
            what_if.outcome()
        };
        let mut urgency_changes = relevant || no_urgency != now;
        let no_changes = no_urgency != now || !no_same_top;
        let presences = &mut *self.presences;
        presences.clear();
        presences.extend(
            targets
                .iter()
                .filter(|t| open_target(t))
                .map(|&t| presence(rb, answers, eval, t)),
        );
        let p_yes = 1.0 - presences.iter().fold(1.0, |absent, p| absent * (1.0 - p));
        // The most a "yes" can add to the value: its chance (through a
        // group, the chance that any member is present).
        let yes_at_most = if info.members.is_empty() {
            presences.first().copied().unwrap_or(0.0)
        } else {
            p_yes
        };
        if !urgency_changes
            && !yes_raises
            && (capped || (!no_changes && yes_at_most < rb.settings.min_question_value))
        {
            // Whatever a "yes" does, the question is not worth asking.
            return None;
        }
        // The question's value from the largest chance of a "yes" that
        // changes the outcome; through a group, any member that would
        // change things is reached.
        let value_of = |p_yes_changes: f64| {
            let yes_value = match (info.members.is_empty(), p_yes_changes > 0.0) {
                (true, _) => p_yes_changes,
                (false, true) => p_yes,
                (false, false) => 0.0,
            };
            yes_value + if no_changes { 1.0 - p_yes } else { 0.0 }
        };
        // At most: a "yes" changes the urgency only through a cause it
        // could make strong, and the value grows with the chance.
        let at_most = (urgency_changes || yes_raises, value_of(yes_at_most));
        if to_beat.is_some_and(|best| at_most < best) {
            return None;
        }
        let open_targets = || targets.iter().copied().filter(|t| open_target(t));
        if !yes_raises {
            // First without the movement, trying only the branches the
            // bound cannot settle: most questions end here.
            // Worth asking once a branch changes the urgency or is likely
            // enough to change the outcome: both only grow as branches are
            // tried, so the first branch that makes it so settles it.
            let worth = |yes_urgency_changes: bool, p_yes_changes: f64| {
                urgency_changes
                    || yes_urgency_changes
                    || (!capped && value_of(p_yes_changes) >= rb.settings.min_question_value)
            };
            if !yes_changes(what_if, f, open_targets(), presences, worth) {
                return None;
            }
        }
        if no_fixed {
            // The movement needs the "no" branch's scores after all.
            what_if.hypothesis(&[(f, Answer::No)], None);
            keep_scores(what_if, no_scores);
        }
        let (yes_urgency_changes, p_yes_changes, movement) = yes_branches(
            what_if,
            eval,
            f,
            open_targets(),
            presences,
            no_scores,
            self.moved_causes,
        );
        urgency_changes |= yes_urgency_changes;
        let value = value_of(p_yes_changes);
        if !urgency_changes && (capped || value < rb.settings.min_question_value) {
            return None;
        }
        Some((urgency_changes, value, movement))
    }
}

/// Whether the "yes" branches of question `f` make it `worth` asking,
/// told whether one changes the urgency and the largest chance of one that
/// changes the outcome (both only grow, branch by branch, and `worth` must
/// only grow with them): [`yes_branches`] without the movement, trying
/// only the branches [`WhatIf::top_fixed`] cannot settle, and only until
/// `worth` holds. Meant for a question whose "yes" cannot raise the
/// urgency; a settled branch changes nothing, so the answer is exact.
fn yes_changes(
    what_if: &mut WhatIf<'_>,
    f: FactId,
    targets: impl Iterator<Item = FactId>,
    presences: &[f64],
    worth: impl Fn(bool, f64) -> bool,
) -> bool {
    let rb = what_if.rb;
    let now = what_if.now.urgency;
    let mut urgency_changes = false;
    let mut p_yes_changes: f64 = 0.0;
    let mut kept = None;
    // The group's causes, which every member's "yes" rescores too, folded
    // into the bound once.
    let group = &rb.cause_deps_signed[usize::from(f)].0;
    let start = (what_if.weakest_top, what_if.strongest_other);
    let with_group = what_if.bounds_of(group, start);
    for (target, &p) in targets.zip(presences) {
        let own = &rb.cause_deps_signed[usize::from(target)].0;
        let fixed = if target == f {
            what_if.top_fixed_from(own, true, start)
        } else {
            what_if.top_fixed_from(own, group.is_empty(), with_group)
        };
        if fixed {
            continue;
        }
        let (yes_urgency, yes_same_top) = what_if.yes_to(f, target, &mut kept);
        urgency_changes |= yes_urgency != now;
        if yes_urgency != now || !yes_same_top {
            p_yes_changes = p_yes_changes.max(p);
            if worth(urgency_changes, p_yes_changes) {
                return true;
            }
        }
    }
    worth(urgency_changes, p_yes_changes)
}

/// What the "yes" branches of question `f` do, one per open target (`f`
/// itself, or each member of a group, with its chance in `presences`):
/// whether one changes the urgency, the largest chance of a "yes" that
/// changes the outcome, and the most the scores move between "yes" and the
/// "no" already tried (whose rescored causes are `no_scores`).
fn yes_branches(
    what_if: &mut WhatIf<'_>,
    eval: &Evaluation,
    f: FactId,
    targets: impl Iterator<Item = FactId>,
    presences: &[f64],
    no_scores: &[(CauseId, f64)],
    moved_causes: &mut Vec<CauseId>,
) -> (bool, f64, f64) {
    let now = what_if.now.urgency;
    let mut urgency_changes = false;
    let mut p_yes_changes: f64 = 0.0;
    let mut movement: f64 = 0.0;
    // The group's "yes", kept while its members are tried in turn.
    let mut kept = None;
    for (target, &p) in targets.zip(presences) {
        let (yes_urgency, yes_same_top) = what_if.yes_to(f, target, &mut kept);
        urgency_changes |= yes_urgency != now;
        if yes_urgency != now || !yes_same_top {
            p_yes_changes = p_yes_changes.max(p);
        }
        // How far the scores move between the two answers: only causes
        // one of the branches rescored can differ; summed in rule order.
        moved_causes.clear();
        moved_causes.extend_from_slice(&what_if.touched);
        moved_causes.extend(no_scores.iter().map(|&(c, _)| c));
        moved_causes.sort_unstable();
        moved_causes.dedup();
        let moved: f64 = moved_causes
            .iter()
            .map(|&c| {
                let yes = what_if.score[usize::from(c)];
                let no = no_scores
                    .iter()
                    .find(|&&(n, _)| n == c)
                    .map_or(eval.scores[usize::from(c)], |&(_, s)| s);
                (yes - no).abs()
            })
            .sum();
        movement = movement.max(moved);
    }
    (urgency_changes, p_yes_changes, movement)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain way to a cause's range: its score counted twice with
    /// `certainty`, the open rules for it (most) or against it (least).
    fn plain_range(rb: &RuleBase, eval: &Evaluation, c: CauseId) -> (f64, f64) {
        let (_, against) = rb.rule_places(c);
        let count = |open_holds: fn(bool) -> bool| {
            certainty(rb, c, |i, _| match eval.rule_truth[i] {
                Tri::Yes => true,
                Tri::No => false,
                Tri::Unknown => open_holds(i >= against.start),
            })
        };
        let (least, _, _) = count(|against| against);
        let (most, most_for, _) = count(|against| !against);
        let most = if most_for == 0.0 || most < -RANGE_MARGIN {
            0.0
        } else {
            most.max(2.0 * RANGE_MARGIN)
        };
        (least.max(0.0), most)
    }

    proptest! {
        /// Both ends of a cause's range, worked out in one pass over its
        /// rules, are to the bit what counting it twice gives.
        #[test]
        fn a_range_in_one_pass_is_the_plain_range(picks in prop::collection::vec(any::<u8>(), 1..120)) {
            let rb = crate::embedded::for_tests();
            let answers = crate::triage::answers::from_picks(rb, &picks);
            let eval = Evaluation::new(rb, &answers);
            let mut what_if = WhatIf::new(rb, &answers, &eval, eval.warning_urgency(), Spare::default());
            for c in (0..rb.causes.len()).map(CauseId::at) {
                let (least, most) = what_if.score_range(c);
                let (plain_least, plain_most) = plain_range(rb, &eval, c);
                prop_assert_eq!(least.to_bits(), plain_least.to_bits(), "{}", rb.causes[usize::from(c)].id);
                prop_assert_eq!(most.to_bits(), plain_most.to_bits(), "{}", rb.causes[usize::from(c)].id);
            }
        }
    }

    /// For every question and answer on top of `answers`: where
    /// [`WhatIf::top_fixed`] settles the branch, trying it must leave the
    /// top causes as they are. Returns how many branches it settled.
    fn check_bound(rb: &RuleBase, answers: &Answers) -> Result<usize, String> {
        let eval = Evaluation::new(rb, answers);
        let spare = Spare::default();
        let mut what_if = WhatIf::new(rb, answers, &eval, eval.warning_urgency(), spare);
        let mut settled = 0;
        for f in rb.findings() {
            let Some(info) = rb.finding(f) else { continue };
            if info.kind != FindingKind::YesNo || info.group.is_some() {
                continue;
            }
            let (yes, no) = &rb.cause_deps_signed[usize::from(f)];
            let mut branches = vec![(f, Answer::No, None, &no[..], &[][..])];
            if info.members.is_empty() {
                branches.push((f, Answer::Yes, None, &yes[..], &[][..]));
            }
            for &m in &info.members {
                let own = &rb.cause_deps_signed[usize::from(m)].0;
                branches.push((m, Answer::Yes, Some(f), &own[..], &yes[..]));
            }
            for (t, answer, via, a, b) in branches {
                if !what_if.top_fixed(a, b) {
                    continue;
                }
                settled += 1;
                what_if.hypothesis(&[(t, answer)], via);
                let (_, same_top) = what_if.outcome();
                if !same_top {
                    return Err(format!(
                        "{} = {answer} was settled but moves the top causes",
                        rb.fact(t).id
                    ));
                }
            }
        }
        Ok(settled)
    }

    /// One choice per finding of the rule base of `rules/`, for
    /// [`answers_from`].
    fn raw_answers() -> impl Strategy<Value = Vec<(u8, f64)>> {
        prop::collection::vec(
            (0u8..100, 0.0f64..1.0),
            crate::embedded::for_tests().n_findings,
        )
    }

    /// Answers from per-finding choices: not asked, yes, no, don't know
    /// (numbers from `x`), mostly "no" so that the cause stage is reached.
    fn answers_from(rb: &RuleBase, raw: &[(u8, f64)]) -> Answers {
        let mut answers = Answers::new(rb);
        for (i, &(choice, x)) in raw.iter().enumerate() {
            let f = FactId::at(i);
            let Some(info) = rb.finding(f) else { continue };
            let answer = match (info.kind, choice) {
                (_, 0..30) => continue,
                (FindingKind::Number, _) => Answer::Number((x * 120.0).round()),
                (FindingKind::YesNo, 30..75) => Answer::No,
                (FindingKind::YesNo, 75..95) => Answer::Yes,
                (FindingKind::YesNo, _) => Answer::Unknown,
            };
            let _ = answers.set(rb, f, answer);
        }
        answers
    }

    #[test]
    fn the_top_causes_bound_settles_branches_and_only_those_that_change_nothing() {
        let rb = crate::embedded::for_tests();
        let mut answers = Answers::new(rb);
        for (id, answer) in [
            ("lower_back_pain", Answer::Yes),
            ("lifting_or_strain", Answer::Yes),
            ("muscle_spasm", Answer::Yes),
            ("worse_with_movement", Answer::Yes),
            ("age", Answer::Number(40.0)),
            ("days", Answer::Number(3.0)),
        ] {
            let f = rb.fact_id(id).expect(id);
            answers.set(rb, f, answer).expect(id);
        }
        let settled = check_bound(rb, &answers).unwrap();
        assert!(settled > 0, "the bound settled no branch at all");
    }

    /// Trying a group's members one after another with
    /// [`WhatIf::member_yes`] (the group's "yes" and its rescoring kept
    /// between members) gives every cause the score and support that the
    /// plain way, [`WhatIf::hypothesis`] with the group as `via`, gives
    /// each member on its own.
    fn check_member_reuse(rb: &RuleBase, answers: &Answers) -> Result<usize, String> {
        let eval = Evaluation::new(rb, answers);
        let urgency = eval.warning_urgency();
        let mut kept_way = WhatIf::new(rb, answers, &eval, urgency, Spare::default());
        let mut plain_way = WhatIf::new(rb, answers, &eval, urgency, Spare::default());
        let mut tried = 0;
        for &g in &rb.groups {
            let Some(info) = rb.finding(g) else { continue };
            let mut kept = None;
            for &m in info.members.iter().filter(|&&m| answers.get(m).is_none()) {
                kept_way.member_yes(g, m, &mut kept);
                plain_way.hypothesis(&[(m, Answer::Yes)], Some(g));
                tried += 1;
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                if bits(&kept_way.score) != bits(&plain_way.score)
                    || bits(&kept_way.support) != bits(&plain_way.support)
                {
                    return Err(format!(
                        "{} through {}: scores differ",
                        rb.fact(m).id,
                        rb.fact(g).id
                    ));
                }
            }
        }
        Ok(tried)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn trying_members_with_the_group_kept_gives_the_plain_scores(
            raw in raw_answers()
        ) {
            let rb = crate::embedded::for_tests();
            let answers = answers_from(rb, &raw);
            check_member_reuse(rb, &answers).map_err(TestCaseError::fail)?;
        }
    }

    /// Read through [`OneMoreYes`], a member's "yes" under its group's
    /// "yes" gives every fact the value that working the answer into the
    /// state gives it. Returns how many members were read so, and for how
    /// many a derived fact changed too.
    fn check_one_more(rb: &RuleBase, answers: &Answers) -> Result<(usize, usize), String> {
        let eval = Evaluation::new(rb, answers);
        let (mut tried, mut derived) = (0, 0);
        for &g in &rb.groups {
            let Some(info) = rb.finding(g) else { continue };
            for &m in info.members.iter().filter(|&&m| answers.get(m).is_none()) {
                let mut hypo = Hypothesis::new(answers);
                let mut state = eval.state.clone();
                if !hypo.assume(rb, &mut state, g, Answer::Yes) {
                    continue;
                }
                let Some(through) = OneMoreYes::new(rb, &state, m) else {
                    continue;
                };
                let mut worked = state.clone();
                if !hypo.assume(rb, &mut worked, m, Answer::Yes) {
                    return Err(format!("{} = yes refused", rb.fact(m).id));
                }
                tried += 1;
                derived += usize::from(through.len > 1);
                for f in (0..rb.facts.len()).map(FactId::at) {
                    let number = |n: Option<f64>| n.map(f64::to_bits);
                    if through.truth(f) != worked.truth(f)
                        || number(through.number(f)) != number(worked.number(f))
                    {
                        return Err(format!("{} after {} = yes", rb.fact(f).id, rb.fact(m).id));
                    }
                }
            }
        }
        Ok((tried, derived))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn a_member_read_through_is_the_member_worked_in(
            raw in raw_answers()
        ) {
            let rb = crate::embedded::for_tests();
            let answers = answers_from(rb, &raw);
            check_one_more(rb, &answers).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn members_are_read_through_with_derived_facts_changing() {
        let rb = crate::embedded::for_tests();
        let (tried, derived) = check_one_more(rb, &Answers::new(rb)).unwrap();
        assert!(tried > 0, "no member was read through");
        assert!(derived > 0, "no derived fact changed with a member");
    }

    /// The rule base of `rules/` with a chain of more derived facts than
    /// [`OneMoreYes`] holds, starting from the member `upper_back_pain`.
    fn long_chain() -> &'static RuleBase {
        static RB: std::sync::OnceLock<RuleBase> = std::sync::OnceLock::new();
        RB.get_or_init(|| {
            let mut chain = |text: &mut String| {
                for k in 1..=ONE_MORE + 1 {
                    let when = match k {
                        1 => "upper_back_pain".to_string(),
                        _ => format!("chain_{}", k - 1),
                    };
                    text.push_str(&derived_fact(&format!("chain_{k}"), &when));
                }
            };
            crate::embedded::compile_edited(&mut [("derived.yaml", &mut chain)])
                .expect("the longer rule base compiles")
        })
    }

    /// A member whose "yes" changes more facts than [`OneMoreYes`] holds is
    /// worked into the state instead, with the same scores.
    #[test]
    fn a_member_that_changes_too_much_to_read_through_is_worked_in() {
        let rb = long_chain();
        let answers = Answers::new(rb);
        let eval = Evaluation::new(rb, &answers);
        let (Some(g), Some(m)) = (rb.fact_id("pain_location"), rb.fact_id("upper_back_pain"))
        else {
            panic!("the group and its member");
        };
        let mut state = eval.state.clone();
        assert!(Hypothesis::new(&answers).assume(rb, &mut state, g, Answer::Yes));
        assert!(OneMoreYes::new(rb, &state, m).is_none(), "the chain fits");
        assert!(check_member_reuse(rb, &answers).unwrap() > 0);
    }

    /// What a "yes" to question `f` may be: `f` itself, or each of its
    /// members not answered.
    fn open_targets(rb: &RuleBase, answers: &Answers, f: FactId) -> Vec<FactId> {
        let members = &rb.finding(f).expect("a finding").members;
        if members.is_empty() {
            return vec![f];
        }
        (members.iter().copied())
            .filter(|&m| answers.get(m).is_none())
            .collect()
    }

    /// How far question `f` moves the scores, worked out the plain way:
    /// each branch tried on its own, the "no" against each open target's
    /// "yes", summed over the causes either rescored, in cause order.
    fn plain_movement(rb: &RuleBase, answers: &Answers, eval: &Evaluation, f: FactId) -> f64 {
        let fresh = || WhatIf::new(rb, answers, eval, eval.warning_urgency(), Spare::default());
        let mut no = fresh();
        no.hypothesis(&[(f, Answer::No)], None);
        let no_score = |c: CauseId| no.score[usize::from(c)];
        let mut movement: f64 = 0.0;
        for t in open_targets(rb, answers, f) {
            let mut yes = fresh();
            match t == f {
                true => yes.hypothesis(&[(f, Answer::Yes)], None),
                false => yes.hypothesis(&[(t, Answer::Yes)], Some(f)),
            }
            let mut moved: Vec<CauseId> = yes.touched.iter().chain(&no.touched).copied().collect();
            moved.sort_unstable();
            moved.dedup();
            let sum: f64 = (moved.iter())
                .map(|&c| (yes.score[usize::from(c)] - no_score(c)).abs())
                .sum();
            movement = movement.max(sum);
        }
        movement
    }

    /// Every cause question worth asking is weighed with the movement of
    /// its own branches. Returns how many were weighed.
    fn check_movement(rb: &RuleBase, answers: &Answers) -> Result<usize, String> {
        let eval = Evaluation::new(rb, answers);
        let mut work = Workspace::default();
        let keys: Vec<(FactId, f64)> =
            with_scales(rb, answers, &eval, false, &mut work, |scales| {
                (rb.cause_candidates.iter())
                    .filter_map(|&f| scales.weigh(f, None).map(|key| (f, key.2)))
                    .collect()
            });
        for &(f, movement) in &keys {
            let plain = plain_movement(rb, answers, &eval, f);
            if movement.to_bits() != plain.to_bits() {
                return Err(format!(
                    "{}: moves {movement}, on its own {plain}",
                    rb.fact(f).id
                ));
            }
        }
        Ok(keys.len())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn a_question_is_weighed_with_the_movement_of_its_own_branches(
            raw in raw_answers()
        ) {
            let rb = crate::embedded::for_tests();
            let answers = answers_from(rb, &raw);
            check_movement(rb, &answers).map_err(TestCaseError::fail)?;
        }
    }

    /// For every open cause question: trying its "yes" branches only
    /// until `worth` holds decides as trying them all does. Returns how
    /// many questions were worth asking.
    fn check_early_stop(rb: &RuleBase, answers: &Answers, threshold: f64) -> Result<usize, String> {
        let eval = Evaluation::new(rb, answers);
        let urgency = eval.warning_urgency();
        let mut what_if = WhatIf::new(rb, answers, &eval, urgency, Spare::default());
        let mut worth_asking = 0;
        for &f in rb
            .cause_candidates
            .iter()
            .filter(|&&f| is_open(rb, answers, f))
        {
            let targets = open_targets(rb, answers, f);
            let presences: Vec<f64> = (targets.iter())
                .map(|&t| presence(rb, answers, &eval, t))
                .collect();
            let worth = |urgency: bool, p: f64| urgency || p > threshold;
            let early = yes_changes(&mut what_if, f, targets.iter().copied(), &presences, worth);
            let last = std::cell::Cell::new((false, 0.0));
            let record = |urgency, p| {
                last.set((urgency, p));
                false
            };
            yes_changes(&mut what_if, f, targets.iter().copied(), &presences, record);
            let (urgency, p) = last.get();
            if early != worth(urgency, p) {
                return Err(format!(
                    "{}: {early} until worth, all tried {urgency} {p}",
                    rb.fact(f).id
                ));
            }
            worth_asking += usize::from(early);
        }
        Ok(worth_asking)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn trying_branches_until_worth_decides_as_trying_all(
            raw in raw_answers(),
            threshold in 0.0f64..0.5,
        ) {
            let rb = crate::embedded::for_tests();
            let answers = answers_from(rb, &raw);
            check_early_stop(rb, &answers, threshold).map_err(TestCaseError::fail)?;
        }
    }

    /// With nothing answered, some "yes" changes the outcome: the stop
    /// inside the loop is reached at all.
    #[test]
    fn some_questions_are_worth_asking_before_every_branch_is_tried() {
        let rb = crate::embedded::for_tests();
        assert!(check_early_stop(rb, &Answers::new(rb), 0.0).unwrap() > 0);
    }

    /// The cause question chosen while passing over those that cannot beat
    /// the best so far is the one chosen by weighing every question in
    /// full. Returns whether there was one.
    fn check_passing_over(rb: &RuleBase, answers: &Answers, capped: bool) -> Result<bool, String> {
        let eval = Evaluation::new(rb, answers);
        let mut work = Workspace::default();
        let chosen = cause_question(rb, answers, &eval, capped, &mut work);
        let full = with_scales(rb, answers, &eval, capped, &mut work, |scales| {
            let mut best: Option<((bool, f64, f64), FactId)> = None;
            for &f in &rb.cause_candidates {
                let Some(key) = scales.weigh(f, None) else {
                    continue;
                };
                if best
                    .is_none_or(|(b, _)| key.partial_cmp(&b) == Some(std::cmp::Ordering::Greater))
                {
                    best = Some((key, f));
                }
            }
            best.map(|(_, f)| f)
        });
        if chosen != full {
            let id = |q: Option<FactId>| q.map(|f| rb.fact(f).id.clone());
            return Err(format!(
                "chose {:?}, weighing all {:?}",
                id(chosen),
                id(full)
            ));
        }
        Ok(chosen.is_some())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn passing_over_questions_that_cannot_win_chooses_the_same(
            raw in raw_answers(),
            capped in any::<bool>(),
            sparse in any::<bool>(),
        ) {
            let rb = crate::embedded::for_tests();
            // Sparse: four in five findings not asked, so that more
            // questions stay open and compete.
            let raw: Vec<(u8, f64)> = match sparse {
                true => raw.iter().map(|&(c, x)| (if c < 80 { 0 } else { c }, x)).collect(),
                false => raw,
            };
            let answers = answers_from(rb, &raw);
            check_passing_over(rb, &answers, capped).map_err(TestCaseError::fail)?;
        }
    }

    /// With nothing answered every cause question is open: one is chosen
    /// among many.
    #[test]
    fn passing_over_is_checked_where_questions_compete() {
        let rb = crate::embedded::for_tests();
        assert_eq!(check_passing_over(rb, &Answers::new(rb), false), Ok(true));
    }

    /// A member's "yes" under its group's is read through, not worked into
    /// the state: only the group's "yes" is in the hypothesis after it.
    #[test]
    fn a_member_yes_is_read_through() {
        let rb = crate::embedded::for_tests();
        let answers = Answers::new(rb);
        let eval = Evaluation::new(rb, &answers);
        let mut what_if = WhatIf::new(rb, &answers, &eval, None, Spare::default());
        let (Some(g), Some(m)) = (rb.fact_id("pain_location"), rb.fact_id("lower_back_pain"))
        else {
            panic!("the group and its member");
        };
        let mut kept = None;
        what_if.member_yes(g, m, &mut kept);
        assert_eq!(what_if.hypo.applied(), &[g]);
        assert!(
            !what_if.touched.is_empty(),
            "the member's causes were rescored"
        );
    }

    /// A random condition over members, their groups, the other derived
    /// facts (only those before it, as a rule base must) and numbers, in
    /// YAML.
    fn derived_condition(before: usize) -> impl Strategy<Value = String> {
        let named = prop::sample::select(vec![
            "lower_back_pain",
            "upper_back_pain",
            "flank_pain",
            "pain_location",
            "muscle_spasm",
            "lifting_or_strain",
            "mechanical_pattern",
        ])
        .prop_map(str::to_owned);
        let number = (
            prop::sample::select(vec!["age", "days"]),
            0u32..100,
            any::<bool>(),
        )
            .prop_map(|(n, x, less)| {
                format!(
                    "{{number: {n}, {}: {x}}}",
                    if less { "less_than" } else { "at_least" }
                )
            });
        let earlier = (1..=before.max(1)).prop_map(|k| format!("chained_{k}"));
        let leaf =
            prop_oneof![4 => named, 1 => number, (if before == 0 { 0 } else { 3 }) => earlier];
        leaf.prop_recursive(2, 8, 3, |inner| {
            let list = prop::collection::vec(inner.clone(), 1..4);
            prop_oneof![
                list.clone()
                    .prop_map(|v| format!("{{all: [{}]}}", v.join(", "))),
                list.clone()
                    .prop_map(|v| format!("{{any: [{}]}}", v.join(", "))),
                inner.prop_map(|c| format!("{{not: {c}}}")),
                list.prop_map(|v| format!(
                    "{{at_least: {}, of: [{}]}}",
                    v.len().div_ceil(2),
                    v.join(", ")
                )),
            ]
        })
    }

    /// The rule base of `rules/` with derived facts on these conditions,
    /// each supporting a self-care cause and every other one against it.
    fn with_derived(conditions: &[String]) -> Option<RuleBase> {
        let mut add_facts = |text: &mut String| {
            for (k, when) in conditions.iter().enumerate() {
                text.push_str(&derived_fact(&format!("chained_{}", k + 1), when));
            }
        };
        let (support, against) = (
            "      - {when: lifting_or_strain, weight: 0.6}\n",
            "      - {when: muscle_spasm, weight: 0.7}\n",
        );
        let mut add_rules = |text: &mut String| {
            let mut more = String::from(support);
            let mut less = String::from(against);
            for k in 1..=conditions.len() {
                more.push_str(&format!(
                    "      - {{when: chained_{k}, weight: 0.{}}}\n",
                    1 + k % 8
                ));
                if k % 2 == 0 {
                    less.push_str(&format!(
                        "      - {{when: {{not: chained_{k}}}, weight: 0.25}}\n"
                    ));
                }
            }
            assert!(
                text.contains(support) && text.contains(against),
                "the rules the derived facts are added beside"
            );
            *text = text.replacen(support, &more, 1).replacen(against, &less, 1);
        };
        crate::embedded::compile_edited(&mut [
            ("derived.yaml", &mut add_facts),
            ("causes.yaml", &mut add_rules),
        ])
    }

    /// A derived fact in the YAML of `derived.yaml`, with a source.
    fn derived_fact(id: &str, when: &str) -> String {
        format!(
            "\n  - id: {id}\n    label: Link {id}\n    when: {when}\n    \
             sources: [{{id: nice_cks_sciatica}}]\n"
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// On rule bases with chains and diamonds of derived facts from
        /// members and groups, reading a member's "yes" through gives the
        /// values and the scores of working it in.
        #[test]
        fn reading_through_holds_for_chains_of_derived_facts(
            conditions in (1usize..8).prop_flat_map(|n| (0..n).map(derived_condition).collect::<Vec<_>>()),
            raws in prop::collection::vec(prop::collection::vec((0u8..100, 0.0f64..1.0), 100), 3),
        ) {
            // (A rule base the checker refuses, a condition too large to
            // check, is not one to try.)
            let rb = with_derived(&conditions);
            prop_assume!(rb.is_some());
            let Some(rb) = rb.as_ref() else { return Ok(()) };
            let empty = Answers::new(rb);
            for answers in raws.iter().map(|raw| answers_from(rb, &raw[..rb.n_findings])).chain([empty]) {
                check_one_more(rb, &answers).map_err(TestCaseError::fail)?;
                check_member_reuse(rb, &answers).map_err(TestCaseError::fail)?;
            }
        }
    }

    #[test]
    fn member_reuse_is_checked_on_members_at_all() {
        let rb = crate::embedded::for_tests();
        let tried = check_member_reuse(rb, &Answers::new(rb)).unwrap();
        assert!(tried > 0, "no member was tried");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_top_causes_bound_never_settles_a_branch_that_moves_them(
            raw in raw_answers()
        ) {
            let rb = crate::embedded::for_tests();
            let answers = answers_from(rb, &raw);
            check_bound(rb, &answers).map_err(TestCaseError::fail)?;
        }
    }

    /// The warning question as first written: every fact's count per level,
    /// then the largest, ties to file order.
    fn warning_question_by_counting(
        rb: &RuleBase,
        answers: &Answers,
        eval: &Evaluation,
    ) -> Option<FactId> {
        for level in [Urgency::Emergency, Urgency::Urgent, Urgency::Doctor] {
            let mut counts = vec![0u16; rb.facts.len()];
            for (i, rule) in rb.red_flags.iter().enumerate() {
                if rule.urgency == level && eval.flags[i] == Tri::Unknown {
                    let mut found = Vec::new();
                    open_leaves(rb, answers, &eval.state, &rule.when, &mut found);
                    for f in found {
                        counts[usize::from(f)] += 1;
                    }
                }
            }
            let best = (counts.iter().enumerate())
                .filter(|(_, n)| **n > 0)
                .max_by(|(fa, na), (fb, nb)| na.cmp(nb).then(fb.cmp(fa)));
            if let Some((f, _)) = best {
                return Some(FactId::at(f));
            }
        }
        None
    }

    proptest! {
        /// The warning question kept while counting is the one counting
        /// all first finds: most unsettled red flags of the most urgent
        /// level, ties to file order.
        #[test]
        fn the_warning_question_is_the_one_that_settles_most(
            raw in raw_answers()
        ) {
            let rb = crate::embedded::for_tests();
            let answers = answers_from(rb, &raw);
            let eval = Evaluation::new(rb, &answers);
            let mut work = Workspace::default();
            prop_assert_eq!(
                best_warning_question(rb, &answers, &eval, &mut work, |_| true),
                warning_question_by_counting(rb, &answers, &eval)
            );
        }
    }
}
