//! Properties of the engine over random answer sets, with the real rule base:
//! the safety promises hold for every input, not just the chosen cases.

use std::sync::OnceLock;

use backtriage::embedded;
use backtriage::triage;
use backtriage::triage::answers::{Answer, Answers};
use backtriage::triage::condition::FactId;
use backtriage::triage::engine::Evaluation;
use backtriage::triage::rulebase::RuleBase;
use backtriage::triage::schema::{FindingKind, Urgency};
use backtriage::triage::select;
use backtriage::triage::select::simulate;
use proptest::prelude::*;

fn rb() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(|| embedded::rule_base().expect("the embedded rule base"))
}

/// One random answer per finding: not given, yes, no, unknown, or a number.
fn raw_answers() -> impl Strategy<Value = Vec<(u8, f64)>> {
    let n = rb().n_findings;
    prop::collection::vec((0u8..4, 0.0f64..1.0), n)
}

/// Answers as an intake would see them: per finding, mostly "no" or not
/// asked, a few "yes" and some "don't know" (choice codes as in
/// [`raw_answers`]), so that most sets are not already an emergency and
/// the safety properties are put to the test.
fn sparse_answers() -> impl Strategy<Value = Vec<(u8, f64)>> {
    let n = rb().n_findings;
    let choice = (0u8..100).prop_map(|p| match p {
        0..30 => 0,  // not asked
        30..86 => 2, // no
        86..93 => 1, // yes
        _ => 3,      // don't know
    });
    prop::collection::vec((choice, 0.0f64..1.0), n)
}

/// The random choices as answers, in the order given by `order` (a
/// permutation seed); answers that contradict earlier ones are skipped.
fn build(raw: &[(u8, f64)], order: &[usize]) -> (Answers, Vec<(FactId, Answer)>) {
    let rb = rb();
    let mut answers = Answers::new(rb);
    let mut given = Vec::new();
    for &i in order {
        let f = FactId::at(i);
        let Some(info) = rb.finding(f) else { continue };
        let (choice, x) = raw[i];
        let answer = match (info.kind, choice) {
            (_, 0) => continue,
            (FindingKind::Number, 3) => Answer::Unknown,
            (FindingKind::Number, _) => {
                let (lo, hi) = (info.min.unwrap_or(0.0), info.max.unwrap_or(100.0));
                Answer::Number((lo + x * (hi - lo).min(400.0)).round())
            }
            (FindingKind::YesNo, 1) => Answer::Yes,
            (FindingKind::YesNo, 2) => Answer::No,
            (FindingKind::YesNo, _) => Answer::Unknown,
        };
        if answers.set(rb, f, answer).is_ok() {
            given.push((f, answer));
        }
    }
    (answers, given)
}

fn in_order(raw: &[(u8, f64)]) -> (Answers, Vec<(FactId, Answer)>) {
    let order: Vec<usize> = (0..raw.len()).collect();
    build(raw, &order)
}

/// The findings any red flag names (through groups and derived facts too).
fn warning_findings() -> Vec<FactId> {
    let rb = rb();
    rb.findings()
        .filter(|&f| !rb.flag_deps[usize::from(f)].is_empty())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_answers_give_a_complete_assessment(raw in raw_answers()) {
        let (answers, _) = in_order(&raw);
        let a = triage::assess(rb(), &answers);
        prop_assert!(Urgency::ALL.contains(&a.urgency));
        // Self-care only when no red flag fired. Advice fits the level: self-care
        // items only for self-care, what to do until seen for doctor and urgent,
        // and none for an emergency (its red flag says what to do).
        if !a.red_flags.is_empty() {
            prop_assert!(a.urgency > Urgency::SelfCare);
        }
        for &i in &a.advice {
            let kind = rb().advice[usize::from(i)].kind;
            let until_seen = kind == backtriage::triage::schema::AdviceKind::UntilSeen;
            match a.urgency {
                Urgency::Emergency => prop_assert!(false, "advice in an emergency"),
                Urgency::Urgent | Urgency::Doctor => prop_assert!(until_seen),
                Urgency::SelfCare => prop_assert!(!until_seen),
            }
        }
        // Every result below an emergency carries advice for its level.
        prop_assert!(a.urgency == Urgency::Emergency || !a.advice.is_empty());
        // The urgency is at least that of every red flag that fired.
        for f in &a.red_flags {
            prop_assert!(a.urgency >= rb().red_flags[usize::from(f.flag)].urgency);
        }
        // Causes listed have support, most likely first.
        prop_assert!(a.causes.iter().all(|c| c.score > 0.0 && c.score <= 1.0));
        prop_assert!(a.causes.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn the_order_of_the_answers_never_changes_the_result(
        raw in raw_answers(),
        shuffle in Just(()).prop_perturb(|_, mut rng| {
            let mut order: Vec<usize> = (0..rb().n_findings).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, (rng.next_u32() as usize) % (i + 1));
            }
            order
        }),
    ) {
        let (first, given) = in_order(&raw);
        // The same answers, given in another order.
        let mut order: Vec<usize> = given.iter().map(|(f, _)| usize::from(*f)).collect();
        order.sort_by_key(|i| shuffle.iter().position(|s| s == i));
        let (second, _) = build(&raw, &order);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(triage::assess(rb(), &first), triage::assess(rb(), &second));
    }

    #[test]
    fn a_yes_to_a_warning_sign_never_lowers_the_urgency(raw in raw_answers(), pick in 0usize..1000) {
        let (answers, _) = in_order(&raw);
        let warnings = warning_findings();
        let open: Vec<FactId> = warnings
            .iter()
            .copied()
            .filter(|&f| answers.get(f).is_none()
                && rb().finding(f).is_some_and(|i| i.kind == FindingKind::YesNo))
            .collect();
        prop_assume!(!open.is_empty());
        let f = open[pick % open.len()];
        let before = triage::assess(rb(), &answers).urgency;
        let mut more = answers.clone();
        prop_assume!(more.set(rb(), f, Answer::Yes).is_ok());
        let after = triage::assess(rb(), &more).urgency;
        prop_assert!(after >= before, "yes to {} lowered {} to {}", rb().fact(f).id, before, after);
    }

    #[test]
    fn with_every_warning_sign_answered_no_nothing_is_unchecked(raw in raw_answers()) {
        let rb = rb();
        let warnings = warning_findings();
        let mut answers = Answers::new(rb);
        // Every warning-sign question answered no (numbers get a value)...
        for &f in &warnings {
            let answer = match rb.finding(f).map(|i| i.kind) {
                Some(FindingKind::Number) => Answer::Number(40.0),
                _ => Answer::No,
            };
            prop_assert!(answers.set(rb, f, answer).is_ok());
        }
        // ...and anything else at random.
        let (random, _) = in_order(&raw);
        for (f, a) in random.iter() {
            if answers.get(f).is_none() {
                let _ = answers.set(rb, f, a);
            }
        }
        let a = triage::assess(rb, &answers);
        prop_assert!(a.unchecked_red_flags.is_empty());
    }

    #[test]
    fn the_interview_never_repeats_a_question_and_always_ends(raw in raw_answers(), unknown in any::<bool>()) {
        let rb = rb();
        let (script, _) = in_order(&raw);
        let fallback = if unknown { Answer::Unknown } else { Answer::No };
        let (answers, asked) = simulate(rb, &script, fallback);
        let mut seen = asked.clone();
        seen.sort_unstable();
        seen.dedup();
        prop_assert_eq!(seen.len(), asked.len(), "a question was asked twice");
        prop_assert!(asked.len() <= rb.n_findings);
        // And it ended: nothing more to ask.
        let eval = Evaluation::new(rb, &answers);
        prop_assert_eq!(select::next_question(rb, &answers, &eval), None);
    }

    #[test]
    fn next_question_never_returns_an_answered_question(raw in raw_answers()) {
        let rb = rb();
        let (answers, _) = in_order(&raw);
        let eval = Evaluation::new(rb, &answers);
        if let Some(q) = select::next_question(rb, &answers, &eval) {
            let info = rb.finding(q).expect("a finding is asked");
            // Members are only ever asked through their group's checklist.
            prop_assert!(info.group.is_none(), "member {} asked alone", rb.fact(q).id);
            if info.members.is_empty() {
                prop_assert!(answers.get(q).is_none(), "{} was answered", rb.fact(q).id);
            } else {
                // A checklist offers only unanswered members, and comes back
                // after a group "yes" (to say which), never after "no" or "?".
                prop_assert!(matches!(answers.get(q), None | Some(Answer::Yes)));
                let open = select::open_members(rb, &answers, q).count();
                prop_assert!(open > 0, "{} offers nothing", rb.fact(q).id);
            }
        }
    }
}

/// The safety properties of issue 10, over thousands of random answer sets
/// that include groups, numbers and "don't know".
mod unknowns {
    use super::*;
    use backtriage::color::Painter;
    use backtriage::output::{self, Format, view::View};

    fn urgency(answers: &Answers) -> Urgency {
        triage::assess(rb(), answers).urgency
    }

    /// The yes/no findings, groups included.
    fn yes_no() -> Vec<FactId> {
        rb().findings()
            .filter(|&f| {
                rb().finding(f)
                    .is_some_and(|i| i.kind == FindingKind::YesNo)
            })
            .collect()
    }

    /// `answers` with `f` answered `to` instead of what it had (or nothing).
    fn changed(answers: &Answers, f: FactId, to: Option<Answer>) -> Option<Answers> {
        let mut out = Answers::new(rb());
        for (g, a) in answers.iter() {
            if g != f {
                out.set(rb(), g, a).ok()?;
            }
        }
        match to {
            Some(a) => out.set(rb(), f, a).ok().map(|()| out),
            None => Some(out),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

        /// (a) no -> unknown, or unanswered -> unknown, never lowers the urgency.
        #[test]
        fn dont_know_never_lowers_the_urgency(raw in sparse_answers(), pick in 0usize..10_000) {
            let (answers, _) = in_order(&raw);
            let open: Vec<FactId> = yes_no()
                .into_iter()
                .filter(|&f| matches!(answers.get(f), None | Some(Answer::No)))
                .collect();
            prop_assume!(!open.is_empty());
            let f = open[pick % open.len()];
            let Some(unknown) = changed(&answers, f, Some(Answer::Unknown)) else {
                return Ok(());
            };
            let (before, after) = (triage::assess(rb(), &answers), triage::assess(rb(), &unknown));
            prop_assert!(after.urgency >= before.urgency, "{} {:?} -> unknown lowered {} to {}",
                rb().fact(f).id, answers.get(f), before.urgency, after.urgency);
            prop_assert!(before.complete || !after.complete,
                "{} {:?} -> unknown made the result complete", rb().fact(f).id, answers.get(f));
        }

        /// (b) "unknown" and "unanswered" give the same urgency.
        #[test]
        fn dont_know_and_no_answer_are_the_same(raw in sparse_answers()) {
            let (answers, _) = in_order(&raw);
            let mut blank = Answers::new(rb());
            for (f, a) in answers.iter() {
                if a != Answer::Unknown {
                    prop_assert!(blank.set(rb(), f, a).is_ok());
                }
            }
            let (a, b) = (triage::assess(rb(), &answers), triage::assess(rb(), &blank));
            prop_assert_eq!(a.urgency, b.urgency);
        }

        /// (c) adding a yes never lowers the urgency.
        #[test]
        fn a_yes_never_lowers_the_urgency(raw in sparse_answers(), pick in 0usize..10_000) {
            let (answers, _) = in_order(&raw);
            let open: Vec<FactId> = yes_no()
                .into_iter()
                .filter(|&f| matches!(answers.get(f), None | Some(Answer::Unknown)))
                .collect();
            prop_assume!(!open.is_empty());
            let f = open[pick % open.len()];
            let Some(yes) = changed(&answers, f, Some(Answer::Yes)) else {
                return Ok(());
            };
            let (before, after) = (urgency(&answers), urgency(&yes));
            prop_assert!(after >= before, "yes to {} lowered {} to {}",
                rb().fact(f).id, before, after);
        }

        /// (e) answers that disagree (a group yes with every member no) are
        /// settled upwards: never a lower urgency than the answers as given,
        /// never complete, always with a warning; answers that agree are
        /// left as they are.
        #[test]
        fn settling_disagreeing_answers_never_lowers_the_urgency(
            raw in sparse_answers(),
            pick in 0usize..1000,
        ) {
            let rb = rb();
            let (answers, _) = in_order(&raw);
            let mut settled = answers.clone();
            settled.settle_disagreements(rb);
            if settled.disagreed().is_empty() {
                prop_assert_eq!(&settled, &answers);
            }
            // Make one group disagree: yes to it, no to each member.
            let g = rb.groups[pick % rb.groups.len()];
            let members = &rb.finding(g).expect("a group is a finding").members;
            let mut given = Answers::new(rb);
            for (f, a) in answers.iter() {
                if f != g && !members.contains(&f) {
                    prop_assert!(given.set(rb, f, a).is_ok());
                }
            }
            for &m in members {
                prop_assert!(given.set(rb, m, Answer::No).is_ok());
            }
            prop_assert!(given.set(rb, g, Answer::Yes).is_ok());
            let before = triage::assess(rb, &given);
            let mut resolved = given.clone();
            resolved.settle_disagreements(rb);
            let after = triage::assess(rb, &resolved);
            prop_assert!(after.urgency >= before.urgency, "settling {} lowered {} to {}",
                rb.fact(g).id, before.urgency, after.urgency);
            prop_assert!(!after.complete);
            prop_assert!(after.disagreements.contains(&g));
        }

        /// (d) every result with an unchecked urgent or emergency warning sign
        /// is not complete and is never headlined as self-care or doctor.
        #[test]
        fn an_unchecked_serious_sign_is_never_headlined_as_self_care(raw in sparse_answers()) {
            let (answers, _) = in_order(&raw);
            let a = triage::assess(rb(), &answers);
            let view = View::new(rb(), &answers, &a, None);
            let plain = output::TextOptions { paint: Painter::PLAIN, width: 80, details: false };
            let text = output::render(&view, Format::Text, plain).expect("text renders");
            let banner = text.lines().next().unwrap_or_default();
            let serious = a.most_serious_unchecked(rb()).filter(|&u| u >= Urgency::Urgent);
            if serious.is_some() {
                prop_assert!(!a.complete);
            }
            if serious.is_some_and(|u| u > a.urgency) {
                prop_assert!(!banner.contains("SELF-CARE") && !banner.contains("DOCTOR"), "{}", banner);
                prop_assert!(banner.contains("NOT FINISHED"), "{}", banner);
            }
            // And only then: a finished screen shows its level.
            if serious.is_none_or(|u| u <= a.urgency) {
                prop_assert!(!banner.contains("NOT FINISHED"), "{}", banner);
            }
        }
    }
}
