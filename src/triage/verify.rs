//! The safety checks on a compiled rule base: every red flag can fire and
//! the interview reaches it with every other question answered "no", every
//! emergency warning sign is screened before the first question that is not
//! about safety, every cause can be supported, and nothing that raises the
//! urgency needs a finding to be absent.

use std::collections::HashSet;

use crate::triage::answers::{Answer, Answers};
use crate::triage::condition::{Cond, FactId, Tri};
use crate::triage::engine::Evaluation;
use crate::triage::locate::yaml_path;
use crate::triage::problem::{CAUSES, RED_FLAGS, Report};
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::{FindingKind, Urgency};
use crate::triage::select::{self, simulate};
use crate::triage::state::{Hypothesis, State};

/// The findings a condition depends on, expanding derived facts and groups.
fn base_findings(rb: &RuleBase, cond: &Cond, out: &mut Vec<FactId>) {
    let push = |f: FactId, out: &mut Vec<FactId>| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    rb.walk(cond, &mut |node, _| {
        let (Cond::Fact(f) | Cond::Number(f, _)) = node else {
            return;
        };
        if let Some(info) = rb.finding(*f) {
            push(*f, out);
            for &m in &info.members {
                push(m, out);
            }
            if let Some(g) = info.group {
                push(g, out);
            }
        }
    });
}

/// The most findings whose combinations the checker tries for one condition.
const MAX_ENUMERATED: usize = 14;

/// The most combinations of answers (yes/no settings times number values)
/// the checker tries for one condition.
const MAX_COMBINATIONS: usize = 1 << 17;

/// Why a condition is too large for the checker to try every answer.
fn too_large(flags: usize, numbers: usize) -> String {
    format!(
        "depends on {flags} yes/no findings and {numbers} number comparisons, more combinations \
         than the checker can try (at most {MAX_ENUMERATED} findings and {MAX_COMBINATIONS} \
         combinations); split it"
    )
}

/// Assignments of answers that make `cond` true, simplest first, at most
/// `wanted` of them; an error (saying why) when there are too many
/// combinations to try.
///
/// Each combination is tried as a hypothesis on one state of no answers,
/// so it costs what its answers touch, not the whole rule base.
fn satisfying(
    rb: &RuleBase,
    cond: &Cond,
    wanted: usize,
    budget: &mut Budget,
) -> Result<Result<Vec<Answers>, String>, TooLarge> {
    let mut vars = Vec::new();
    base_findings(rb, cond, &mut vars);
    let (numbers, flags): (Vec<FactId>, Vec<FactId>) = vars
        .into_iter()
        .partition(|&f| rb.finding(f).is_some_and(|i| i.kind == FindingKind::Number));
    if flags.len() > MAX_ENUMERATED {
        return Ok(Err(too_large(flags.len(), numbers.len())));
    }
    // Candidate values for each number: each threshold, and one either side.
    let mut thresholds: Vec<Vec<f64>> = vec![Vec::new(); numbers.len()];
    collect_thresholds(cond, rb, &numbers, &mut thresholds);
    let candidates: Vec<Vec<Option<f64>>> = numbers
        .iter()
        .zip(&thresholds)
        .map(|(&f, ts)| {
            let info = rb.finding(f);
            let lo = info.and_then(|i| i.min).unwrap_or(f64::MIN);
            let hi = info.and_then(|i| i.max).unwrap_or(f64::MAX);
            let mut values: Vec<Option<f64>> = vec![None];
            for &t in ts {
                for v in [t - 1.0, t, t + 1.0] {
                    if v >= lo && v <= hi && !values.contains(&Some(v)) {
                        values.push(Some(v));
                    }
                }
            }
            values
        })
        .collect();

    // Checked: many number comparisons would overflow the product.
    let Some(combos) = candidates
        .iter()
        .try_fold(1usize, |acc, values| acc.checked_mul(values.len()))
        .filter(|&c| {
            c.checked_mul(1 << flags.len())
                .is_some_and(|t| t <= MAX_COMBINATIONS)
        })
    else {
        return Ok(Err(too_large(flags.len(), numbers.len())));
    };
    // A member "yes" under its group's "no" is not a possible answer.
    let conflicts: Vec<(usize, usize)> = flags
        .iter()
        .enumerate()
        .filter_map(|(m, &f)| {
            let g = rb.finding(f)?.group?;
            Some((m, flags.iter().position(|&x| x == g)?))
        })
        .collect();
    let empty = Answers::new(rb);
    let mut state = State::new(rb, &empty);
    let mut hypo = Hypothesis::new(&empty);
    // A hypothesis costs a few times an evaluation per answer it sets.
    let cost = 3 * (flags.len() + numbers.len() + 1);
    let mut found = Vec::new();
    // Fewest "yes" answers first, so the simplest cases are tried first.
    let mut masks: Vec<u32> = (0..1u32 << flags.len()).collect();
    masks.sort_by_key(|m| m.count_ones());
    for mask in masks {
        let yes = |bit: usize| mask & (1 << bit) != 0;
        if conflicts.iter().any(|&(m, g)| yes(m) && !yes(g)) {
            continue;
        }
        for k in 0..combos {
            budget.spend(cost)?;
            hypo.reset(&mut state);
            let mut set: Vec<(FactId, Answer)> = flags
                .iter()
                .enumerate()
                .map(|(bit, &f)| (f, if yes(bit) { Answer::Yes } else { Answer::No }))
                .collect();
            let mut rest = k;
            for (&f, values) in numbers.iter().zip(&candidates) {
                if let Some(v) = values[rest % values.len()] {
                    set.push((f, Answer::Number(v)));
                }
                rest /= values.len();
            }
            for &(f, answer) in &set {
                hypo.assume(rb, &mut state, f, answer);
            }
            if cond.eval(&state) == Tri::Yes {
                let mut answers = Answers::new(rb);
                for (f, answer) in set {
                    let _ = answers.set(rb, f, answer);
                }
                found.push(answers);
                if found.len() >= wanted {
                    return Ok(Ok(found));
                }
            }
        }
    }
    Ok(Ok(found))
}

fn collect_thresholds(cond: &Cond, rb: &RuleBase, numbers: &[FactId], out: &mut [Vec<f64>]) {
    rb.walk(cond, &mut |node, _| {
        if let Cond::Number(f, bounds) = node
            && let Some(i) = numbers.iter().position(|n| n == f)
        {
            out[i].extend(bounds.thresholds());
        }
    });
}

/// The first finding a condition needs to be absent (named under an odd
/// number of `not`s, looking through derived facts), if any.
fn needs_absent(rb: &RuleBase, cond: &Cond) -> Option<FactId> {
    let mut found = None;
    rb.walk(cond, &mut |node, negated| {
        if let (Cond::Fact(f) | Cond::Number(f, _), true) = (node, negated)
            && found.is_none()
            && rb.finding(*f).is_some()
        {
            found = Some(*f);
        }
    });
    found
}

/// Conditions that raise the urgency (red flags, and the support of causes
/// that need a doctor) may only need findings to be present. One that needs
/// a finding to be absent would be switched off by a "yes", and lowered by a
/// "don't know" (which must rule nothing out).
pub(crate) fn check_monotone(rb: &RuleBase, report: &mut Report<'_>) {
    let why = "a \"yes\" would switch it off and a \"don't know\" would lower the urgency; \
               name what must be present instead (see docs/rules.md, conditions that raise the urgency)";
    for (i, flag) in rb.red_flags.iter().enumerate() {
        if let Some(f) = needs_absent(rb, &flag.when) {
            report.add(
                RED_FLAGS,
                yaml_path!["red_flags", i, "when"],
                format!(
                    "red flag `{}` needs `{}` to be absent: {why}",
                    flag.id,
                    rb.fact(f).id
                ),
            );
        }
    }
    for (i, cause) in rb.causes.iter().enumerate() {
        if cause.urgency == Urgency::SelfCare {
            continue;
        }
        if let Some(f) = cause
            .urgency_when
            .as_ref()
            .and_then(|w| needs_absent(rb, w))
        {
            report.add(
                CAUSES,
                yaml_path!["causes", i, "urgency_when"],
                format!(
                    "the `urgency_when` of cause `{}` needs `{}` to be absent: {why}",
                    cause.id,
                    rb.fact(f).id
                ),
            );
        }
        for (j, w) in cause.support.iter().enumerate() {
            if let Some(f) = needs_absent(rb, &w.when) {
                report.add(
                    CAUSES,
                    yaml_path!["causes", i, "support", j, "when"],
                    format!(
                        "cause `{}` ({}) is supported when `{}` is absent: {why}",
                        cause.id,
                        cause.urgency,
                        rb.fact(f).id
                    ),
                );
            }
        }
    }
}

/// The most work the safety checks may do on one rule base, in units of
/// one fact, red flag or cause looked at. Far beyond any real rule base
/// (the one in `rules/` needs about 1% of it), it stops a rule base built
/// to be slow to check: it is reported as too large instead.
pub const MAX_CHECK_WORK: u64 = 600_000_000;

/// The most red flags a rule base may have for the safety checks, which
/// follow the interview for each of them.
pub const MAX_RED_FLAGS: usize = 5_000;

/// The work left for the safety checks.
pub(crate) struct Budget {
    left: u64,
}

/// The safety checks ran out of work: the rule base is too large to check.
#[derive(Debug)]
pub(crate) struct TooLarge;

impl Budget {
    fn new(work: u64) -> Budget {
        Budget { left: work }
    }

    fn spend(&mut self, units: usize) -> Result<(), TooLarge> {
        self.left = self.left.checked_sub(units as u64).ok_or(TooLarge)?;
        Ok(())
    }
}

/// The cost of one step of a simulated interview: an evaluation of the
/// rule base and the choice of the next question.
fn step_cost(rb: &RuleBase) -> usize {
    rb.facts.len() + rb.red_flags.len() + rb.causes.len()
}

/// The safety checks, on a rule base whose references all resolve.
pub(crate) fn check_safety(rb: &RuleBase, report: &mut Report<'_>) {
    check_safety_within(rb, report, MAX_CHECK_WORK);
}

/// [`check_safety`] with a given amount of work.
pub(crate) fn check_safety_within(rb: &RuleBase, report: &mut Report<'_>, work: u64) {
    if rb.red_flags.len() > MAX_RED_FLAGS {
        report.add(
            RED_FLAGS,
            yaml_path!["red_flags"],
            format!(
                "{} red flags: the safety checks follow the interview for each, and take at most {MAX_RED_FLAGS}",
                rb.red_flags.len()
            ),
        );
        return;
    }
    let mut budget = Budget::new(work);
    if safety_checks(rb, report, &mut budget).is_err() {
        report.add(
            RED_FLAGS,
            yaml_path!["red_flags"],
            format!(
                "the rule base is too large for the safety checks: they would need more than {work} units of work ({} red flags, {} findings, {} causes); split large conditions or use fewer rules (see docs/rules.md, Limits)",
                rb.red_flags.len(),
                rb.n_findings,
                rb.causes.len()
            ),
        );
    }
}

/// The interview when every question is answered "no" (numbers "don't
/// know"), step by step. A script is followed along it up to the first
/// question the script answers otherwise, and simulated only from there:
/// until then its interview is this one.
struct Baseline {
    /// Per step: the question and the answers given to it.
    steps: Vec<(FactId, Vec<(FactId, Answer)>)>,
    /// Per finding: the first step that asked it or, in a checklist, answered it.
    step_of: Vec<Option<usize>>,
    /// The red flags after the whole interview.
    flags: Vec<Tri>,
}

impl Baseline {
    fn new(rb: &RuleBase, budget: &mut Budget) -> Result<Baseline, TooLarge> {
        let script = Answers::new(rb);
        let mut answers = Answers::new(rb);
        let mut steps = Vec::new();
        let mut step_of = vec![None; rb.n_findings];
        // As `select::simulate`: each question settles at least one finding.
        for k in 0..=rb.n_findings {
            budget.spend(step_cost(rb))?;
            let eval = Evaluation::new(rb, &answers);
            let Some(q) = select::next_question(rb, &answers, &eval) else {
                break;
            };
            let planned = select::simulated_answers(rb, &answers, q, &script, Answer::No);
            let mut settled = false;
            for &(f, answer) in &planned {
                settled |= answers.set(rb, f, answer).is_ok();
            }
            for f in std::iter::once(q).chain(planned.iter().map(|&(f, _)| f)) {
                if let Some(slot) = step_of.get_mut(usize::from(f)) {
                    slot.get_or_insert(k);
                }
            }
            steps.push((q, planned));
            if !settled {
                break;
            }
        }
        budget.spend(step_cost(rb))?;
        let flags = Evaluation::new(rb, &answers).flags;
        Ok(Baseline {
            steps,
            step_of,
            flags,
        })
    }

    /// The questions asked, in order.
    fn asked(&self) -> Vec<FactId> {
        self.steps.iter().map(|(q, _)| *q).collect()
    }
}

/// Whether the interview, answering from `script` and "no" to everything
/// else, ends with red flag `i` fired: `select::simulate` and an evaluation
/// of its answers, but following `base` up to the first step the script
/// answers otherwise, and stopping as soon as the red flag is settled
/// (a red flag needs nothing absent, see [`check_monotone`], so once fired
/// or ruled out it stays so).
fn reaches(
    rb: &RuleBase,
    base: &Baseline,
    script: &Answers,
    i: usize,
    budget: &mut Budget,
) -> Result<bool, TooLarge> {
    let mut candidates: Vec<usize> = script
        .iter()
        .filter_map(|(f, _)| base.step_of.get(usize::from(f)).copied().flatten())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut answers = Answers::new(rb);
    let mut done = 0;
    let mut diverged = None;
    for k in candidates {
        budget.spend(k - done + 1)?;
        for (_, planned) in &base.steps[done..k] {
            for &(f, answer) in planned {
                let _ = answers.set(rb, f, answer);
            }
        }
        done = k;
        let (q, planned) = &base.steps[k];
        if &select::simulated_answers(rb, &answers, *q, script, Answer::No) != planned {
            diverged = Some((k, *q));
            break;
        }
    }
    let Some((k, mut q)) = diverged else {
        return Ok(base.flags[i] == Tri::Yes);
    };
    let when = &rb.red_flags[i].when;
    for step in k..=rb.n_findings {
        if step > k {
            budget.spend(step_cost(rb))?;
            let eval = Evaluation::new(rb, &answers);
            match select::next_question(rb, &answers, &eval) {
                Some(next) => q = next,
                None => break,
            }
        }
        let mut settled = false;
        for (f, answer) in select::simulated_answers(rb, &answers, q, script, Answer::No) {
            settled |= answers.set(rb, f, answer).is_ok();
        }
        budget.spend(rb.facts.len())?;
        match when.eval(&State::new(rb, &answers)) {
            Tri::Yes => return Ok(true),
            Tri::No => return Ok(false),
            Tri::Unknown => {}
        }
        if !settled {
            break;
        }
    }
    Ok(false)
}

fn safety_checks(
    rb: &RuleBase,
    report: &mut Report<'_>,
    budget: &mut Budget,
) -> Result<(), TooLarge> {
    let base = Baseline::new(rb, budget)?;
    // Every red flag can fire, and the interview reaches it.
    for (i, flag) in rb.red_flags.iter().enumerate() {
        let p = yaml_path!["red_flags", i, "when"];
        match satisfying(rb, &flag.when, 16, budget)? {
            Err(why) => report.add(RED_FLAGS, p, format!("red flag `{}` {why}", flag.id)),
            Ok(cases) if cases.is_empty() => report.add(
                RED_FLAGS,
                p,
                format!(
                    "red flag `{}` can never fire: no answers make its condition true",
                    flag.id
                ),
            ),
            Ok(cases) => {
                let mut reached = false;
                for script in &cases {
                    if reaches(rb, &base, script, i, budget)? {
                        reached = true;
                        break;
                    }
                }
                if !reached {
                    report.add(
                        RED_FLAGS,
                        p,
                        format!(
                            "red flag `{}` is never reached by the interview when the other questions are answered no",
                            flag.id
                        ),
                    );
                }
            }
        }
    }

    // Every cause can be supported by some answers.
    for (i, cause) in rb.causes.iter().enumerate() {
        let mut supported = false;
        for (j, w) in cause.support.iter().enumerate() {
            match satisfying(rb, &w.when, 1, budget)? {
                Ok(cases) => supported |= !cases.is_empty(),
                Err(why) => {
                    report.add(
                        CAUSES,
                        yaml_path!["causes", i, "support", j, "when"],
                        format!("a condition of cause `{}` {why}", cause.id),
                    );
                    supported = true;
                }
            }
        }
        if !supported {
            report.add(
                CAUSES,
                yaml_path!["causes", i, "support"],
                format!(
                    "cause `{}` can never be supported: no answers make any of its `support` true",
                    cause.id
                ),
            );
        }
    }

    // Emergency warning signs come before the first question that is not about safety.
    let safety: HashSet<FactId> = rb
        .findings()
        .filter(|&f| rb.opening.contains(&f) || !rb.flag_deps[usize::from(f)].is_empty())
        .collect();
    for fallback in [Answer::No, Answer::Unknown] {
        let asked = match fallback {
            Answer::No => base.asked(),
            _ => {
                // A whole interview, as `select::simulate` runs it.
                budget.spend(step_cost(rb).saturating_mul(base.steps.len() + 1))?;
                simulate(rb, &Answers::new(rb), fallback).1
            }
        };
        let first_other = asked
            .iter()
            .position(|q| !safety.contains(q))
            .unwrap_or(asked.len());
        let mut answers = Answers::new(rb);
        for &q in &asked[..first_other] {
            let answer = match rb.finding(q).map(|i| i.kind) {
                Some(FindingKind::Number) => Answer::Unknown,
                _ => fallback,
            };
            let _ = answers.set(rb, q, answer);
        }
        budget.spend(step_cost(rb))?;
        let eval = Evaluation::new(rb, &answers);
        for (i, flag) in rb.red_flags.iter().enumerate() {
            if flag.urgency != Urgency::Emergency || eval.flags[i] != Tri::Unknown {
                continue;
            }
            let mut open = Vec::new();
            select::open_leaves(rb, &answers, &eval.state, &flag.when, &mut open);
            if !open.is_empty() {
                report.add(
                    RED_FLAGS,
                    yaml_path!["red_flags", i, "id"],
                    format!(
                        "emergency red flag `{}` is not screened before the first question that is not about safety (answering {fallback})",
                        flag.id
                    ),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::load;
    use crate::triage::problem::Report;

    #[test]
    fn a_rule_base_past_the_work_limit_is_reported_as_too_large() {
        let texts = crate::embedded::texts();
        let rb = load::compile_texts(&texts).unwrap();
        // The rule base of rules/ needs under 0.1% of the limit.
        let mut report = Report::new(&texts);
        check_safety_within(&rb, &mut report, MAX_CHECK_WORK / 1000);
        assert!(report.found.is_empty());
        let mut report = Report::new(&texts);
        check_safety_within(&rb, &mut report, 1000);
        let problems = report.finish();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0]
                .message
                .starts_with("the rule base is too large for the safety checks: they would need more than 1000 units of work ("),
            "{}",
            problems[0]
        );
    }
}
