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
use crate::triage::state::State;

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

/// Assignments of answers that make `cond` true, simplest first; an error
/// (saying why) when there are too many combinations to try.
fn satisfying(rb: &RuleBase, cond: &Cond) -> Result<Vec<Answers>, String> {
    let mut vars = Vec::new();
    base_findings(rb, cond, &mut vars);
    let (numbers, flags): (Vec<FactId>, Vec<FactId>) = vars
        .into_iter()
        .partition(|&f| rb.finding(f).is_some_and(|i| i.kind == FindingKind::Number));
    if flags.len() > MAX_ENUMERATED {
        return Err(too_large(flags.len(), numbers.len()));
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

    let mut found = Vec::new();
    // Fewest "yes" answers first, so the simplest cases are tried first.
    // Checked: many number comparisons would overflow the product.
    let combos = candidates
        .iter()
        .try_fold(1usize, |acc, values| acc.checked_mul(values.len()))
        .filter(|&c| {
            c.checked_mul(1 << flags.len())
                .is_some_and(|t| t <= MAX_COMBINATIONS)
        })
        .ok_or_else(|| too_large(flags.len(), numbers.len()))?;
    let mut masks: Vec<u32> = (0..1u32 << flags.len()).collect();
    masks.sort_by_key(|m| m.count_ones());
    for mask in masks {
        for k in 0..combos {
            let mut answers = Answers::new(rb);
            let mut ok = true;
            for (bit, &f) in flags.iter().enumerate() {
                let answer = if mask & (1 << bit) != 0 {
                    Answer::Yes
                } else {
                    Answer::No
                };
                ok &= answers.set(rb, f, answer).is_ok();
            }
            let mut rest = k;
            for (&f, values) in numbers.iter().zip(&candidates) {
                if let Some(v) = values[rest % values.len()] {
                    ok &= answers.set(rb, f, Answer::Number(v)).is_ok();
                }
                rest /= values.len();
            }
            if ok && cond.eval(&State::new(rb, &answers)) == Tri::Yes {
                found.push(answers);
                if found.len() >= 16 {
                    return Ok(found);
                }
            }
        }
    }
    Ok(found)
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

/// The safety checks, on a rule base whose references all resolve.
pub(crate) fn check_safety(rb: &RuleBase, report: &mut Report<'_>) {
    // Every red flag can fire, and the interview reaches it.
    for (i, flag) in rb.red_flags.iter().enumerate() {
        let p = yaml_path!["red_flags", i, "when"];
        match satisfying(rb, &flag.when) {
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
                let reached = cases.iter().any(|script| {
                    let (answers, _) = simulate(rb, script, Answer::No);
                    Evaluation::new(rb, &answers).flags[i] == Tri::Yes
                });
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
            match satisfying(rb, &w.when) {
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
        let (_, asked) = simulate(rb, &Answers::new(rb), fallback);
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
}
