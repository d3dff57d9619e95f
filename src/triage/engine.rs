//! The inference engine: answers in, an evaluation out (every fact, red flag
//! and cause score). It never picks a question; [`crate::triage::assess`]
//! composes an evaluation and the question choice into an assessment.
//!
//! Red flags are hard rules; causes combine evidence as MYCIN-style
//! certainty factors; derived facts chain from findings. Everything works on
//! indices into the compiled [`RuleBase`], so the order in which answers were
//! given cannot change the result.

use crate::triage::answers::{Answer, Answers};
use crate::triage::condition::{Cond, FactId, Facts, Tri};
use crate::triage::ids::CauseId;
use crate::triage::rulebase::{RuleBase, Weighted};
use crate::triage::schema::Urgency;
use crate::triage::state::{Hypothesis, State, yes_groups};

/// Combines certainty factors: [`add_weight`] for each rule that holds
/// (`holds` is given each rule's place in its list).
fn combine(rules: &[Weighted], mut holds: impl FnMut(usize, &Cond) -> bool) -> f64 {
    rules
        .iter()
        .enumerate()
        .filter(|(i, w)| holds(*i, &w.when))
        .fold(0.0, |acc, (_, w)| add_weight(acc, w.weight))
}

/// The certainty `acc` with one more rule of `weight` holding:
/// `acc + weight(1 - acc)`. Every sum of rules is this, in rule order.
#[inline]
pub(crate) fn add_weight(acc: f64, weight: f64) -> f64 {
    acc + weight * (1.0 - acc)
}

/// The MYCIN certainty of one cause: `(for - against) / (1 - min(for, against))`,
/// with (score, for, against). A cause with no support scores 0: evidence
/// against is only weighed against evidence for (and is then not evaluated).
pub fn cause_score(rb: &RuleBase, cause: CauseId, state: &State) -> (f64, f64, f64) {
    certainty(rb, cause, |_, when| when.holds(state))
}

/// [`cause_score`] with whether each rule holds given by `holds`, which is
/// told the rule's place in [`RuleBase::cause_rule_start`]'s numbering.
pub fn certainty(
    rb: &RuleBase,
    cause: CauseId,
    mut holds: impl FnMut(usize, &Cond) -> bool,
) -> (f64, f64, f64) {
    let rule = &rb.causes[usize::from(cause)];
    let (support, against) = rb.rule_places(cause);
    let for_ = combine(&rule.support, |i, when| holds(support.start + i, when));
    if for_ == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    let against = combine(&rule.against, |i, when| holds(against.start + i, when));
    (mycin(for_, against), for_, against)
}

/// The score from the combined support and evidence against:
/// `(for - against) / (1 - min(for, against))`.
pub(crate) fn mycin(for_: f64, against: f64) -> f64 {
    let denominator = 1.0 - for_.min(against);
    if denominator <= f64::EPSILON {
        0.0
    } else {
        (for_ - against) / denominator
    }
}

/// The support of a cause that counts toward the urgency: its certainty
/// `for_`, or 0 while its `urgency_when` does not hold.
pub fn urgency_support(rb: &RuleBase, cause: CauseId, state: &State, for_: f64) -> f64 {
    support_when(rb, cause, for_, |when| when.holds(state))
}

/// [`urgency_support`] with whether `urgency_when` holds given by `holds`.
pub fn support_when(
    rb: &RuleBase,
    cause: CauseId,
    for_: f64,
    holds: impl FnOnce(&Cond) -> bool,
) -> f64 {
    let rule = &rb.causes[usize::from(cause)];
    match &rule.urgency_when {
        Some(when) if !holds(when) => 0.0,
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
    /// Per cause rule (numbered as [`RuleBase::cause_rule_start`] says): its
    /// value, or unknown where it was not evaluated (the rules against a
    /// cause without support). A value that is yes or no stays so whatever
    /// else is answered: hypothetical answers re-evaluate only the unknown.
    pub rule_truth: Vec<Tri>,
    /// Per cause: the value of its `urgency_when` (yes when it has none).
    pub urgency_when_truth: Vec<Tri>,
    /// [`Evaluation::flag_urgency`] and [`Evaluation::warning_urgency`],
    /// worked out by [`Evaluation::fill`] as it goes: an assessment asks
    /// for them several times.
    fired: Option<Urgency>,
    warning: Option<Urgency>,
    /// [`Evaluation::causes_urgency`], worked out once likewise.
    causes_urgency: Urgency,
    /// The causes with a score above 0, highest first, ties in rule order.
    ranking: Vec<CauseId>,
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
            rule_truth: vec![Tri::Unknown; rb.cause_rule_start.last().map_or(0, |&n| n as usize)],
            urgency_when_truth: vec![Tri::Yes; rb.causes.len()],
            fired: None,
            warning: None,
            causes_urgency: Urgency::SelfCare,
            ranking: Vec::new(),
        }
    }

    /// Evaluates the rule base on the answers, reusing these buffers.
    pub fn fill(&mut self, rb: &RuleBase, answers: &Answers) {
        self.state.fill(rb, answers);
        rb.flag_sweep.run(&self.state, &mut self.flags);
        let mut fired = None;
        for_each_yes(&self.flags, |i| fired = fired.max(Some(rb.flag_levels[i])));
        let possible = possible_flags(
            rb,
            answers,
            &mut self.state,
            &self.flags,
            &mut self.possible,
        );
        self.fired = fired;
        self.warning = fired.max(possible);
        rb.rule_sweep.run(&self.state, &mut self.rule_truth);
        // The causes without an `urgency_when` keep the yes they start with.
        rb.when_sweep.run(&self.state, &mut self.urgency_when_truth);
        let truths = &mut self.rule_truth;
        // What `certainty` works out, the support of every cause in one pass
        // over the rules (the same additions in the same order; few rules
        // hold, and a loop per cause would mispredict its end each time).
        self.supports.fill(0.0);
        let supports = &mut self.supports;
        for_each_yes(truths, |r| {
            let cause = rb.supported_by_rule[r];
            if cause != u32::MAX {
                let acc = &mut supports[cause as usize];
                *acc = add_weight(*acc, rb.rule_weights[r]);
            }
        });
        // One pass over the causes settles each score and support, and
        // gathers the causes' urgency (the most urgent level of a cause with
        // strong support) and the ranking (the causes above 0, highest
        // first, ties in rule order: a stable sort).
        let strong = rb.settings.strong_support;
        let mut causes_urgency = Urgency::SelfCare;
        self.ranking.clear();
        for (c, (score, support)) in self.scores.iter_mut().zip(&mut self.supports).enumerate() {
            let for_ = *support;
            let (_, against) = rb.rule_places(CauseId::at(c));
            if for_ == 0.0 {
                // The rules against a cause without support are not weighed,
                // and stay unknown (see `rule_truth`). (Most are already:
                // writing only those that are not costs less than a call to
                // `memset` for a rule or two.)
                for t in &mut truths[against] {
                    if *t != Tri::Unknown {
                        *t = Tri::Unknown;
                    }
                }
                // Without support, the support that counts is 0 whatever
                // the `urgency_when`.
                *score = 0.0;
                continue;
            }
            let held = combine(&rb.causes[c].against, |i, _| {
                truths[against.start + i] == Tri::Yes
            });
            *score = mycin(for_, held);
            if *score > 0.0 {
                self.ranking.push(CauseId::at(c));
            }
            let when_truth = self.urgency_when_truth[c];
            *support = support_when(rb, CauseId::at(c), for_, |_| when_truth == Tri::Yes);
            if *support >= strong {
                causes_urgency = causes_urgency.max(rb.cause_levels[c]);
            }
        }
        self.causes_urgency = causes_urgency;
        let scores = &self.scores;
        self.ranking
            .sort_by(|&a, &b| scores[usize::from(b)].total_cmp(&scores[usize::from(a)]));
    }

    /// The urgency the causes ask for: the most urgent level of a cause
    /// with strong support (see [`Evaluation::supports`]), self-care when
    /// none has.
    pub fn causes_urgency(&self) -> Urgency {
        self.causes_urgency
    }

    /// The most urgent level among the red flags that fired (confirmed).
    pub fn flag_urgency(&self) -> Option<Urgency> {
        self.fired
    }

    /// The most urgent level among the red flags that fired or that a group
    /// answered yes makes possible.
    pub fn warning_urgency(&self) -> Option<Urgency> {
        self.warning
    }

    /// The urgency: the highest of every red flag that fired or is
    /// possible and every cause with strong support; self-care when none.
    /// One never switches the other off.
    pub fn urgency(&self) -> Urgency {
        combined_urgency(self.warning_urgency(), self.causes_urgency)
    }

    /// Causes with a score above 0, most likely first (ties in rule order).
    pub fn ranked(&self) -> &[CauseId] {
        &self.ranking
    }
}

/// Calls `each` with the place of every value that is yes, in order. Few
/// are: the values are taken eight at a time, and a block without a yes is
/// passed over with one test of the eight read as a word.
#[inline]
fn for_each_yes(truths: &[Tri], mut each: impl FnMut(usize)) {
    let mut blocks = truths.chunks_exact(8);
    let mut base = 0;
    for block in blocks.by_ref() {
        let word = u64::from_le_bytes(std::array::from_fn(|k| block[k] as u8));
        // A byte equal to yes's code is 0 after the xor; a zero byte is
        // flagged where subtracting one borrows into a clear top bit.
        let x = word ^ (0x0101_0101_0101_0101 * Tri::Yes as u64);
        if x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080 != 0 {
            for (k, &t) in block.iter().enumerate() {
                if t == Tri::Yes {
                    each(base + k);
                }
            }
        }
        base += 8;
    }
    for (k, &t) in blocks.remainder().iter().enumerate() {
        if t == Tri::Yes {
            each(base + k);
        }
    }
}

/// For each red flag that did not fire, the groups answered yes with an
/// unknown member that would fire it on its own; returns the most urgent
/// level among the flags so made possible. Each member is tried on
/// `state` and put back, looking only at the red flags it can change.
fn possible_flags(
    rb: &RuleBase,
    answers: &Answers,
    state: &mut State,
    flags: &[Tri],
    possible: &mut [Vec<FactId>],
) -> Option<Urgency> {
    for groups in possible.iter_mut() {
        groups.clear();
    }
    // Without a group answered yes, no flag is made possible.
    yes_groups(rb, answers).next()?;
    let mut most = None;
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
                        most = most.max(Some(rb.flag_levels[i]));
                    }
                }
            }
            hypo.reset(state);
        }
    }
    most
}

/// The highest of the warning signs' urgency and the causes'.
pub fn combined_urgency(warning: Option<Urgency>, causes: Urgency) -> Urgency {
    warning.map_or(causes, |w| w.max(causes))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::triage::answers::from_picks;
    use crate::triage::schema::FindingKind;

    /// The rule base of `rules/` with its causes, and each cause's support
    /// and contrary rules, in reverse order: another layout of the one
    /// numbering of cause rules.
    fn reversed_causes() -> &'static RuleBase {
        static RB: std::sync::OnceLock<RuleBase> = std::sync::OnceLock::new();
        RB.get_or_init(|| {
            let mut reverse = |text: &mut String| {
                let mut doc: serde_yaml::Value = serde_yaml::from_str(text).expect("YAML");
                let list = (doc.get_mut("causes"))
                    .and_then(|c| c.as_sequence_mut())
                    .expect("a list of causes");
                list.reverse();
                for cause in list.iter_mut() {
                    for key in ["support", "against"] {
                        if let Some(rules) = cause.get_mut(key).and_then(|r| r.as_sequence_mut()) {
                            rules.reverse();
                        }
                    }
                }
                *text = serde_yaml::to_string(&doc).expect("YAML");
            };
            let rb = crate::embedded::compile_edited(&mut [("causes.yaml", &mut reverse)])
                .expect("the reordered rule base compiles");
            let first = &crate::embedded::for_tests().causes;
            assert_eq!(
                rb.causes[0].id,
                first[first.len() - 1].id,
                "the causes are reversed"
            );
            rb
        })
    }

    proptest! {
        /// The scores and supports of the one pass over every cause's
        /// rules are, to the bit, those of walking each cause's rules: on
        /// the rule base of `rules/` and on one with its causes and their
        /// rules in reverse order.
        #[test]
        fn every_cause_scores_as_its_rules_say(
            picks in prop::collection::vec(any::<u8>(), 1..120),
            reversed in any::<bool>(),
        ) {
            let rb = if reversed { reversed_causes() } else { crate::embedded::for_tests() };
            let eval = Evaluation::new(rb, &from_picks(rb, &picks));
            for c in 0..rb.causes.len() {
                let cause = CauseId::at(c);
                let (score, for_, _) = cause_score(rb, cause, &eval.state);
                prop_assert_eq!(eval.scores[c].to_bits(), score.to_bits(), "{}", rb.causes[c].id);
                let support = urgency_support(rb, cause, &eval.state, for_);
                prop_assert_eq!(eval.supports[c].to_bits(), support.to_bits(), "{}", rb.causes[c].id);
            }
        }
    }

    /// The plain way to the urgency the causes ask for: only causes whose
    /// support is strong count (see [`Evaluation::supports`]).
    fn cause_urgency(rb: &RuleBase, supports: &[f64]) -> Urgency {
        supports
            .iter()
            .zip(&rb.cause_levels)
            .filter(|(s, _)| **s >= rb.settings.strong_support)
            .map(|(_, &u)| u)
            .max()
            .unwrap_or(Urgency::SelfCare)
    }

    /// The plain way to the ranking: the causes with a score above zero,
    /// highest first, ties in rule order.
    fn rank_into(scores: &[f64], ranked: &mut Vec<CauseId>) {
        ranked.clear();
        ranked.extend(
            (0..scores.len())
                .filter(|&c| scores[c] > 0.0)
                .map(CauseId::at),
        );
        ranked.sort_by(|&a, &b| scores[usize::from(b)].total_cmp(&scores[usize::from(a)]));
    }

    proptest! {
        /// The causes' urgency and ranking gathered in the one pass over
        /// the causes are what `cause_urgency` and `rank_into` say.
        #[test]
        fn the_one_pass_ranks_and_levels_as_the_plain_ways(
            picks in prop::collection::vec(any::<u8>(), 1..120),
        ) {
            let rb = crate::embedded::for_tests();
            let eval = Evaluation::new(rb, &from_picks(rb, &picks));
            prop_assert_eq!(eval.causes_urgency(), cause_urgency(rb, &eval.supports));
            let mut ranked = Vec::new();
            rank_into(&eval.scores, &mut ranked);
            prop_assert_eq!(eval.ranked(), &ranked[..]);
        }
    }

    proptest! {
        /// Every yes is found, in order, whatever the length (blocks of
        /// eight and the rest) and wherever the yeses fall in a block.
        #[test]
        fn each_yes_is_found_in_order(codes in prop::collection::vec(0..3u8, 0..40)) {
            let truths: Vec<Tri> = codes
                .iter()
                .map(|c| [Tri::Yes, Tri::No, Tri::Unknown][usize::from(*c)])
                .collect();
            let mut found = Vec::new();
            for_each_yes(&truths, |i| found.push(i));
            let expected: Vec<usize> = (0..truths.len()).filter(|&i| truths[i] == Tri::Yes).collect();
            prop_assert_eq!(found, expected);
        }
    }

    /// The rules against a cause without support are not weighed, and
    /// `rule_truth` says so: unknown, though the state settles them.
    #[test]
    fn the_rules_against_a_cause_without_support_stay_unknown() {
        let rb = crate::embedded::for_tests();
        let mut answers = Answers::new(rb);
        for f in rb.findings() {
            if rb.finding(f).is_some_and(|i| i.kind == FindingKind::YesNo) {
                answers
                    .set(rb, f, Answer::No)
                    .expect("every finding can be no");
            }
        }
        let eval = Evaluation::new(rb, &answers);
        let mut settled_but_unknown = 0;
        for (c, rule) in rb.causes.iter().enumerate() {
            let (support, against) = rb.rule_places(CauseId::at(c));
            let (support, against) = (&eval.rule_truth[support], &eval.rule_truth[against]);
            // Every support rule is evaluated, whatever the score.
            for (w, &t) in rule.support.iter().zip(support) {
                assert_eq!(t, w.when.eval(&eval.state), "{}", rule.id);
            }
            for (w, &t) in rule.against.iter().zip(against) {
                if eval.supports[c] == 0.0 && eval.scores[c] == 0.0 {
                    assert_eq!(t, Tri::Unknown, "{}", rule.id);
                    settled_but_unknown += usize::from(w.when.eval(&eval.state) != Tri::Unknown);
                } else {
                    assert_eq!(t, w.when.eval(&eval.state), "{}", rule.id);
                }
            }
        }
        // The answers do settle some of them: the test can fail.
        assert!(settled_but_unknown > 0);
    }
}
