//! The interview's efficiency over the clinical cases, driven statelessly
//! through `next_question`: how many questions it asks, and that it never
//! ends with a warning sign that applies left unasked.

use backtriage::triage;
use backtriage::triage::answers::Answer;
use backtriage::triage::condition::Tri;
use backtriage::triage::engine::Evaluation;
use backtriage::triage::schema::Urgency;
use backtriage::triage::select;
use backtriage::triage::select::simulate;
use backtriage::{cases, embedded};

#[test]
fn interview_is_short_and_never_leaves_an_applicable_warning_sign_unasked() {
    let rb = embedded::rule_base().expect("embedded rule base");
    let mut counts = Vec::new();
    let mut top_agree = 0;
    let mut compared = 0;
    for file in crate::common::case_files() {
        for case in cases::read_file(&file).expect("case file parses") {
            let script = cases::answers_of(&rb, &case).expect("case answers are valid");
            // A person answers what the case says, and "no" to anything else.
            let (answers, asked) = simulate(&rb, &script, Answer::No);
            counts.push((asked.len(), case.name.clone()));
            let eval = Evaluation::new(&rb, &answers);
            let emergency_stop = eval.flag_urgency() == Some(Urgency::Emergency);
            let full = {
                // Everything the person would have said if asked every question.
                let mut all = script.clone();
                for f in rb.findings() {
                    if all.get(f).is_none() {
                        let is_number = rb.finding(f).is_some_and(|i| {
                            i.kind == backtriage::triage::schema::FindingKind::Number
                        });
                        let group_yes = rb.finding(f).is_some_and(|i| {
                            i.members
                                .iter()
                                .any(|&m| script.get(m) == Some(Answer::Yes))
                        });
                        let member_of_no_group = rb
                            .finding(f)
                            .and_then(|i| i.group)
                            .is_some_and(|g| script.get(g) == Some(Answer::No));
                        if !is_number && !group_yes && !member_of_no_group {
                            let _ = all.set(&rb, f, Answer::No);
                        }
                    }
                }
                Evaluation::new(&rb, &all)
            };
            // The interview's urgency is the one all the answers would give.
            let with_all = triage::assess(&rb, &script);
            let got = triage::assess(&rb, &answers);
            assert_eq!(
                got.urgency, with_all.urgency,
                "case '{}': the interview ended at a different urgency than all the answers give",
                case.name
            );
            if !emergency_stop {
                compared += 1;
                let top: Vec<_> = with_all.causes.iter().take(3).map(|c| c.cause).collect();
                if got.causes.first().is_none_or(|c| top.contains(&c.cause)) {
                    top_agree += 1;
                } else {
                    println!("top cause differs: {} (asked {})", case.name, asked.len());
                }
            }
            for (i, flag) in rb.red_flags.iter().enumerate() {
                if full.flags[i] == Tri::Yes && eval.flags[i] != Tri::Yes {
                    // Only an emergency stop may leave it, and only for a flag no more urgent.
                    assert!(
                        emergency_stop,
                        "case '{}': red flag {} applies but the interview ended without it (asked {:?})",
                        case.name,
                        flag.id,
                        asked
                            .iter()
                            .map(|&q| rb.fact(q).id.as_str())
                            .collect::<Vec<_>>()
                    );
                }
                if !emergency_stop && eval.flags[i] == Tri::Unknown {
                    let mut open = Vec::new();
                    select::open_leaves(&rb, &answers, &eval.state, &flag.when, &mut open);
                    assert!(
                        open.is_empty(),
                        "case '{}': red flag {} left unasked",
                        case.name,
                        flag.id
                    );
                }
            }
        }
    }
    counts.sort();
    let median = counts[counts.len() / 2].0;
    let (max, max_case) = counts.last().cloned().expect("there are cases");
    println!(
        "interview efficiency over {} cases: median {median} questions, largest {max} ({max_case})",
        counts.len()
    );
    let histogram: Vec<usize> = counts.iter().map(|c| c.0).collect();
    println!("question counts: {histogram:?}");
    println!(
        "top cause within the top three of all the answers: {top_agree} of {compared} interviews not stopped by an emergency"
    );
    assert_eq!(
        top_agree, compared,
        "an interview settled on a cause all the answers rank lower"
    );
    // The figures issue 13 asks for, and the README quotes.
    assert!(
        median <= 10,
        "the median interview grew to {median} questions"
    );
    assert!(max <= 14, "an interview asked {max} questions ({max_case})");
}

/// Issue 10: a person unsure of something that is true answers "?". For each
/// case and each of its "yes" answers (one at a time, and all at once), the
/// interview is run with that answer "don't know": it may end below the
/// case's expected urgency only with `complete: false`.
#[test]
fn dont_know_to_a_true_yes_never_ends_below_the_urgency_unflagged() {
    let rb = embedded::rule_base().expect("embedded rule base");
    let (mut runs, mut below, mut below_complete) = (0, 0, Vec::new());
    for file in crate::common::case_files() {
        for case in cases::read_file(&file).expect("case file parses") {
            let script = cases::answers_of(&rb, &case).expect("case answers are valid");
            let yeses: Vec<_> = script
                .iter()
                .filter(|&(_, a)| a == Answer::Yes)
                .map(|(f, _)| f)
                .collect();
            let expected = *case.expect.urgency.iter().min().expect("an urgency");
            let mut variants: Vec<Vec<_>> = yeses.iter().map(|&f| vec![f]).collect();
            variants.push(yeses.clone());
            for unsure in variants {
                let mut unsure_script = backtriage::triage::answers::Answers::new(&rb);
                for (f, a) in script.iter() {
                    let a = if unsure.contains(&f) {
                        Answer::Unknown
                    } else {
                        a
                    };
                    unsure_script
                        .set(&rb, f, a)
                        .expect("same answers, some unknown");
                }
                let (answers, _) = simulate(&rb, &unsure_script, Answer::No);
                let got = triage::assess(&rb, &answers);
                runs += 1;
                if got.urgency < expected {
                    below += 1;
                    if got.complete {
                        below_complete.push(case.name.clone());
                    }
                }
            }
        }
    }
    println!(
        "\"?\" instead of a true yes: {runs} interviews, {below} ended below the expected urgency, \
         all of them with complete: false ({} complete)",
        below_complete.len()
    );
    assert!(
        below_complete.is_empty(),
        "ended below the expected urgency yet complete: {below_complete:?}"
    );
}

/// Issue 13: a person who is unsure of about one question in five answers
/// "?" to it (which ones is fixed per case, so the run is repeatable). The
/// interview stays short, and it never ends below the urgency of all the
/// case's answers while calling itself complete.
#[test]
fn a_person_unsure_of_one_question_in_five() {
    let rb = embedded::rule_base().expect("embedded rule base");
    let mut counts = Vec::new();
    let (mut below, mut below_complete) = (0, Vec::new());
    for file in crate::common::case_files() {
        for case in cases::read_file(&file).expect("case file parses") {
            let script = cases::answers_of(&rb, &case).expect("case answers are valid");
            let seed = case
                .name
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            let unsure =
                |i: usize| (seed.wrapping_add(i as u32).wrapping_mul(2_654_435_761) >> 16) % 5 == 0;
            let mut unsure_script = backtriage::triage::answers::Answers::new(&rb);
            for (i, f) in rb.findings().enumerate() {
                let answer = match script.get(f) {
                    _ if unsure(i) => Some(Answer::Unknown),
                    given => given,
                };
                if let Some(a) = answer {
                    let _ = unsure_script.set(&rb, f, a);
                }
            }
            let (answers, asked) = simulate(&rb, &unsure_script, Answer::No);
            counts.push(asked.len());
            let got = triage::assess(&rb, &answers);
            let with_all = triage::assess(&rb, &script);
            if got.urgency < with_all.urgency {
                below += 1;
                if got.complete {
                    below_complete.push(case.name.clone());
                }
            }
        }
    }
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    let max = *counts.last().expect("there are cases");
    println!(
        "unsure of one question in five, over {} cases: median {median} questions, largest {max}; \
         {below} ended below the urgency of all the answers, all with complete: false ({} complete)",
        counts.len(),
        below_complete.len()
    );
    assert!(
        below_complete.is_empty(),
        "ended below the urgency of all the answers yet complete: {below_complete:?}"
    );
    // Regression guards on the figures in the README.
    assert!(median <= 13, "median {median}");
    assert!(max <= 15, "largest {max}");
}
