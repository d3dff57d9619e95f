//! `assess`: the contract's examples, the locked JSON shape, `--explain`,
//! markdown, and bad answers.

// The mirror structs below hold some fields only to match them, never to read.
#![allow(dead_code)]

use crate::common::Cmd;
use serde::Deserialize;

// Mirror structs: any field added, renamed or dropped in the JSON output
// breaks these tests, so the shape cannot drift by accident.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Assessment {
    urgency: String,
    action: String,
    complete: bool,
    red_flags: Vec<RedFlag>,
    unchecked_red_flags: Vec<String>,
    causes: Vec<Cause>,
    advice: Vec<Advice>,
    next_question: Option<Question>,
    #[serde(default)]
    warnings: Vec<Warning>,
    disclaimer: String,
    emergency_note: String,
    #[serde(default)]
    explanation: Option<Explanation>,
    schema_version: u32,
    tool_version: String,
    rules_version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Warning {
    group: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedFlag {
    id: String,
    title: String,
    urgency: String,
    because: Vec<String>,
    message: String,
    #[serde(default)]
    possible: bool,
    #[serde(default)]
    likely_sign: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cause {
    id: String,
    name: String,
    score: f64,
    because: Vec<String>,
    against: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advice {
    id: String,
    kind: String,
    title: String,
    text: String,
    #[serde(default)]
    steps: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    id: String,
    text: String,
    kind: String,
    #[serde(default)]
    any_of: Option<Vec<String>>,
    #[serde(default)]
    options: Option<Vec<QuestionOption>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionOption {
    id: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Explanation {
    derived: Vec<Trace>,
    red_flags: Vec<FlagTrace>,
    causes: Vec<CauseTrace>,
    urgency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trace {
    condition: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagTrace {
    id: String,
    urgency: String,
    value: String,
    condition: String,
    #[serde(default)]
    possible_through: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evidence {
    condition: String,
    weight: f64,
    held: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CauseTrace {
    id: String,
    support: Vec<Evidence>,
    against: Vec<Evidence>,
    certainty_for: f64,
    certainty_against: f64,
    score: f64,
}

fn json(args: &[&str]) -> Assessment {
    let mut all = vec!["assess", "--format", "json"];
    all.extend_from_slice(args);
    let out = Cmd::new(all).run();
    out.success();
    assert_eq!(out.stderr, "", "JSON mode writes nothing to stderr");
    serde_json::from_str(&out.stdout).expect("the JSON shape matches the contract")
}

#[test]
fn the_contract_example_works() {
    let a = json(&[
        "--yes",
        "lower_back_pain,lifting_or_strain",
        "--no",
        "fever",
        "--age",
        "52",
    ]);
    assert!(["self_care", "doctor", "urgent", "emergency"].contains(&a.urgency.as_str()));
    assert!(!a.disclaimer.is_empty());
    assert!(a.emergency_note.contains("emergency"));
    assert!(!a.action.is_empty());
    // Nothing said about most warning signs: they are listed as not checked.
    assert!(a.unchecked_red_flags.contains(&"cauda_equina".to_owned()));
    assert!(a.causes.iter().any(|c| c.id == "muscle_strain"));
    // Causes come most likely first, each with some support.
    assert!(a.causes.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(a.causes.iter().all(|c| c.score > 0.0 && !c.name.is_empty()));
    let next = a.next_question.expect("the interview would go on");
    assert!(["yes_no", "number", "checklist"].contains(&next.kind.as_str()));
    assert!(!next.text.is_empty());
}

#[test]
fn a_red_flag_sets_the_urgency_and_names_its_findings() {
    let a = json(&["--yes", "saddle_numbness,lifting_or_strain", "--age", "30"]);
    assert_eq!(a.urgency, "emergency");
    let flag = a
        .red_flags
        .iter()
        .find(|f| f.id == "cauda_equina")
        .expect("fired");
    assert_eq!(flag.urgency, "emergency");
    assert_eq!(flag.because, ["saddle_numbness"]);
    assert!(!flag.possible);
    assert!(!flag.title.is_empty() && !flag.message.is_empty());
    // No self-care when a warning sign fired, and the interview stops.
    assert!(a.advice.is_empty());
    assert!(a.next_question.is_none());
}

#[test]
fn a_simple_strain_gets_self_care_and_the_safety_net() {
    let a = json(&[
        "--yes",
        "lower_back_pain,lifting_or_strain,worse_with_movement",
        "--no",
        "nerve_warning_signs,chest_warning_signs,illness_warning_signs,health_background,organ_signs",
        "--age",
        "34",
        "--days",
        "2",
    ]);
    assert_eq!(a.urgency, "self_care");
    assert!(a.red_flags.is_empty());
    assert_eq!(a.causes[0].id, "muscle_strain");
    assert!(
        a.causes[0]
            .because
            .contains(&"lifting_or_strain".to_owned())
    );
    assert!(a.advice.iter().any(|x| x.id == "keep_moving"));
    assert!(
        a.advice.iter().any(|x| x.kind == "safety_net"),
        "says when to see a doctor"
    );
    assert!(
        a.advice
            .iter()
            .all(|x| !x.title.is_empty() && !x.text.is_empty())
    );
}

#[test]
fn group_questions_carry_their_members() {
    // Drive the screen statelessly, answering each group "no": every group
    // asked lists exactly the members `rules list findings` gives it.
    let out = Cmd::new(["rules", "list", "findings", "--format", "json"]).run();
    let findings: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let members_of = |id: &str| -> Vec<String> {
        let f = findings.iter().find(|f| f["id"] == id).unwrap();
        serde_json::from_value(f["any_of"].clone()).unwrap()
    };
    let mut args: Vec<String> = [
        "--yes",
        "lower_back_pain",
        "--no",
        "upper_back_pain,flank_pain",
    ]
    .iter()
    .chain(&["--age", "40", "--days", "3"])
    .map(|s| s.to_string())
    .collect();
    let mut groups_seen = 0;
    for _ in 0..30 {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let a = json(&refs);
        let Some(q) = a.next_question else { break };
        if let Some(any_of) = q.any_of {
            assert_eq!(any_of, members_of(&q.id), "{}", q.id);
            groups_seen += 1;
        }
        args.push("--answer".into());
        args.push(format!(
            "{}={}",
            q.id,
            if q.kind == "number" { "40" } else { "no" }
        ));
    }
    assert!(
        groups_seen >= 5,
        "the screen asks its groups ({groups_seen})"
    );
}

#[test]
fn explain_shows_the_full_chain_for_a_red_flag_and_a_cause() {
    let a = json(&[
        "--explain",
        "--yes",
        "saddle_numbness,leg_pain_below_knee,worse_with_cough_sneeze",
        "--age",
        "40",
    ]);
    let e = a.explanation.expect("--explain adds the explanation");
    let flag = e
        .red_flags
        .iter()
        .find(|f| f.id == "cauda_equina")
        .expect("the red flag");
    assert_eq!(flag.value, "yes");
    assert_eq!(flag.urgency, "emergency");
    assert!(
        flag.condition.contains("saddle_numbness=yes"),
        "{}",
        flag.condition
    );
    assert!(e.urgency.starts_with("emergency"));
    // The derived fact that chains from two findings, and a cause built on it.
    let derived = e
        .derived
        .iter()
        .find(|d| d.condition.starts_with("nerve_root_irritation"));
    let derived = derived.expect("nerve_root_irritation is derived");
    assert_eq!(derived.value, "yes");
    assert!(derived.condition.contains("leg_pain_below_knee=yes"));
    let cause = e
        .causes
        .iter()
        .find(|c| c.id == "radiculitis")
        .expect("a cause trace");
    let held: Vec<&Evidence> = cause.support.iter().filter(|s| s.held).collect();
    assert!(
        held.iter()
            .any(|s| s.condition.contains("nerve_root_irritation=yes"))
    );
    assert!(held.iter().all(|s| s.weight > 0.0 && s.weight <= 1.0));
    assert!(cause.certainty_for > 0.0 && cause.certainty_against >= 0.0);
    assert!(cause.score > 0.0 && cause.score <= 1.0);
    assert!(cause.against.iter().all(|a| a.weight > 0.0));
    let main = a
        .causes
        .iter()
        .find(|c| c.id == "radiculitis")
        .expect("ranked");
    assert!((main.score - cause.score).abs() < 0.001);
}

#[test]
fn explain_in_text_shows_how_it_was_decided() {
    let out = Cmd::new(["assess", "--explain", "--yes", "fever,lifting_or_strain"]).run();
    out.success();
    assert!(out.stdout.contains("How this was decided"));
    assert!(
        out.stdout
            .contains("spinal_infection_signs [urgent] <- fever=yes")
    );
    assert!(out.stdout.contains("+0.60 lifting_or_strain=yes"));
}

#[test]
fn text_output_leads_with_urgency_and_ends_with_the_disclaimer() {
    // A finished screen with nothing found: self-care first.
    let out = Cmd::new([
        "assess",
        "--yes",
        "lower_back_pain,lifting_or_strain",
        "--no",
        "nerve_warning_signs,chest_warning_signs,illness_warning_signs,health_background,organ_signs",
        "--age",
        "35",
        "--days",
        "3",
    ])
    .run();
    out.success();
    let first = out.stdout.lines().next().unwrap();
    assert!(first.contains("SELF-CARE"), "{first}");
    assert!(out.stdout.contains("This is not a diagnosis."));
    assert!(out.stdout.trim_end().ends_with("emergency department."));
}

#[test]
fn an_unscreened_strain_is_not_finished_and_lists_what_was_not_checked() {
    let out = Cmd::new(["assess", "--yes", "lower_back_pain,lifting_or_strain"]).run();
    out.success();
    let first = out.stdout.lines().next().unwrap();
    assert!(first.contains("NOT FINISHED"), "{first}");
    assert!(
        out.stdout
            .contains("Not answered yet, or not sure, about signs that need emergency help:")
    );
    assert!(
        out.stdout
            .contains("? Warning signs from the heart, chest or belly")
    );
    assert!(
        out.stdout
            .contains("Without those answers, the result so far would be: Look after it at home.")
    );
    assert!(out.stdout.trim_end().ends_with("emergency department."));
}

#[test]
fn markdown_is_a_summary_for_a_doctor() {
    let out = Cmd::new([
        "assess",
        "--format",
        "markdown",
        "--yes",
        "lifting_or_strain,muscle_spasm",
        "--no",
        "fever",
        "--age",
        "40",
    ])
    .run();
    out.success();
    let md = &out.stdout;
    assert!(md.starts_with("# Back pain summary"));
    assert!(md.contains("Prepared with backtriage "), "{md}");
    assert!(
        md.contains("| How old are you, in years? | 40 years |"),
        "{md}"
    );
    assert!(md.contains("| Have you had a fever, shivering chills or night sweats? | no |"));
    assert!(
        md.contains(
            "- **Present:** age 40; Began after lifting, twisting or overuse; Muscle spasm or knot."
        ),
        "{md}"
    );
    assert!(
        md.contains("- **Absent:** Fever, chills or night sweats."),
        "{md}"
    );
    assert!(md.contains("## Likely causes"));
    assert!(md.contains("## Sources"));
    assert!(md.contains("(NICE NG59)") || md.contains("Back Pain Muscle Spasms"));
}

#[test]
fn answers_can_be_given_in_the_general_form() {
    let a = json(&[
        "--answer",
        "saddle_numbness=yes",
        "--answer",
        "age=61",
        "--answer",
        "fever=unknown",
    ]);
    assert_eq!(a.urgency, "emergency");
    let b = json(&[
        "--yes",
        "saddle_numbness",
        "--age",
        "61",
        "--unknown",
        "fever",
    ]);
    assert_eq!(a.urgency, b.urgency);
    assert_eq!(a.unchecked_red_flags, b.unchecked_red_flags);
}

#[test]
fn the_same_answer_twice_is_fine() {
    let a = json(&["--yes", "fever", "--answer", "fever=yes"]);
    assert!(a.red_flags.iter().any(|f| f.id == "spinal_infection_signs"));
}

// Bad answers: a one-line error naming the id, exit 2, nothing on stdout.

#[test]
fn an_unknown_id_suggests_the_closest_one() {
    Cmd::new(["assess", "--yes", "fevr"])
        .run()
        .usage_error("unknown finding 'fevr' (did you mean 'fever'?)");
    Cmd::new(["assess", "--answer", "sadle_numbness=yes"])
        .run()
        .usage_error("did you mean 'saddle_numbness'?");
    Cmd::new(["assess", "--no", "xyzzy"])
        .run()
        .usage_error("unknown finding 'xyzzy' (see 'backtriage rules list findings')");
}

// Issue 17: ids and values in argv error messages were echoed raw, so an id
// could clear the screen or reorder the message.
#[test]
fn ids_and_values_in_error_messages_are_shown_escaped() {
    for (args, shown) in [
        (
            vec!["assess", "--yes", "fev\u{1b}[2Jer"],
            "unknown finding 'fev\\u{1b}[2Jer'",
        ),
        (
            vec!["assess", "--answer", "fever=\u{9b}2Kyes"],
            "not '\\u{9b}2Kyes'",
        ),
        (
            vec!["assess", "--no", "\u{202e}revef"],
            "unknown finding '\\u{202e}revef'",
        ),
        (
            vec!["assess", "--answer", "x\u{7f}\u{1b}]0;title\u{7}"],
            "not 'x\\u{7f}\\u{1b}]0;title\\u{7}'",
        ),
        (vec!["assess", "--\u{9b}31m"], "'--\\u{9b}31m'"),
    ] {
        let out = Cmd::new(&args).run();
        // clap's own errors (an unknown option) are its whole message.
        if out.stderr.contains("For more information, try '--help'.") {
            out.clap_usage_error(&[shown]);
        } else {
            out.usage_error(shown);
        }
        for c in ['\u{1b}', '\u{7}', '\u{7f}', '\u{9b}', '\u{202e}'] {
            assert!(!out.stderr.contains(c), "{args:?}: {:?}", out.stderr);
        }
    }
}

#[test]
fn a_mis_cased_id_is_refused_with_its_real_spelling() {
    // Ids are case-sensitive; the suggestion ignores case.
    Cmd::new(["assess", "--yes", "FEVER"])
        .run()
        .usage_error("unknown finding 'FEVER' (did you mean 'fever'?)");
    Cmd::new(["assess", "--answer", "Saddle_Numbness=yes"])
        .run()
        .usage_error("did you mean 'saddle_numbness'?");
}

#[test]
fn a_value_of_the_wrong_kind_is_refused() {
    Cmd::new(["assess", "--answer", "fever=3"])
        .run()
        .usage_error("'fever' is answered yes, no or unknown, not '3'");
    Cmd::new(["assess", "--answer", "age=yes"])
        .run()
        .usage_error("'age' takes a number, not 'yes'");
    Cmd::new(["assess", "--yes", "age"])
        .run()
        .usage_error("'age' takes a number");
    Cmd::new(["assess", "--age", "fifty"])
        .run()
        .usage_error("'age' takes a number, not 'fifty'");
}

#[test]
fn negative_or_absurd_numbers_are_refused() {
    Cmd::new(["assess", "--age", "-5"])
        .run()
        .usage_error("'age' must be a number from 0 to 120, not -5");
    Cmd::new(["assess", "--age", "400"])
        .run()
        .usage_error("not 400");
    Cmd::new(["assess", "--days", "-1"])
        .run()
        .usage_error("'days' must be a number from 0");
    Cmd::new(["assess", "--days", "1e9"])
        .run()
        .usage_error("'days' must be a number");
    Cmd::new(["assess", "--age", "NaN"])
        .run()
        .usage_error("'age' must be a number");
    Cmd::new(["assess", "--days", "inf"])
        .run()
        .usage_error("'days' must be a number");
}

#[test]
fn one_id_answered_twice_differently_is_refused() {
    Cmd::new(["assess", "--yes", "fever", "--no", "fever"])
        .run()
        .usage_error("'fever' is answered twice with different values (yes and no)");
    Cmd::new(["assess", "--age", "30", "--answer", "age=31"])
        .run()
        .usage_error("'age' is answered twice");
}

#[test]
fn a_member_yes_under_a_group_no_is_refused() {
    Cmd::new([
        "assess",
        "--no",
        "nerve_warning_signs",
        "--yes",
        "saddle_numbness",
    ])
    .run()
    .usage_error(
        "'saddle_numbness' is answered yes, but its group 'nerve_warning_signs' is answered no",
    );
}

#[test]
fn derived_facts_and_malformed_pairs_are_refused() {
    Cmd::new(["assess", "--yes", "nerve_root_irritation"])
        .run()
        .usage_error("'nerve_root_irritation' is concluded from other answers");
    Cmd::new(["assess", "--answer", "fever"])
        .run()
        .usage_error("--answer takes ID=VALUE");
    Cmd::new(["assess", "--yes", ","])
        .run()
        .usage_error("an empty finding id");
}

#[test]
fn batch_conflicts_with_answers_on_the_command_line() {
    Cmd::new(["assess", "--batch", "-", "--yes", "fever"])
        .run()
        .clap_usage_error(&["cannot be used with"]);
}

#[test]
fn a_group_of_warning_signs_answered_yes_counts_until_its_members_are_answered() {
    // "Yes" to the group, nothing about which sign: the most urgent sign counts.
    let a = json(&["--yes", "nerve_warning_signs", "--age", "40"]);
    assert_eq!(a.urgency, "emergency");
    let flag = a
        .red_flags
        .iter()
        .find(|f| f.id == "cauda_equina")
        .expect("possible");
    assert!(flag.possible);
    assert_eq!(flag.because, ["nerve_warning_signs"]);
    assert!(!a.unchecked_red_flags.contains(&"cauda_equina".to_owned()));
    // The interview asks which sign next: the group's checklist again.
    let next = a.next_question.expect("a question");
    assert_eq!(next.id, "nerve_warning_signs");
    assert_eq!(next.kind, "checklist");
    assert_eq!(next.options.expect("options").len(), 7);
    // Once the emergency signs are answered no, only the urgent one remains.
    let b = json(&[
        "--yes",
        "nerve_warning_signs,leg_weakness",
        "--no",
        "saddle_numbness,bladder_bowel_problems,sexual_function_change,both_legs_affected,walking_difficulty,body_numbness,getting_worse,history_of_cancer,blood_thinners",
    ]);
    assert_eq!(b.urgency, "urgent");
    assert!(b.red_flags.iter().all(|f| !f.possible));
}

#[test]
fn explain_names_the_group_behind_a_possible_red_flag() {
    let a = json(&["--explain", "--yes", "nerve_warning_signs"]);
    let e = a.explanation.expect("explanation");
    let flag = e
        .red_flags
        .iter()
        .find(|f| f.id == "cauda_equina")
        .expect("traced");
    assert_eq!(flag.value, "unknown");
    assert_eq!(flag.possible_through, ["nerve_warning_signs=yes"]);
    assert!(
        e.urgency.contains("answered yes without saying which"),
        "{}",
        e.urgency
    );
}

/// Issue 13: a group answered yes with every member answered no is pointed
/// out and resolved (the members count as "not sure"), never silently
/// dropped: the warning signs the person said yes to stay possible.
#[test]
fn a_group_yes_with_every_member_no_is_warned_about_and_rules_nothing_out() {
    let members = "saddle_numbness,bladder_bowel_problems,sexual_function_change,both_legs_affected,leg_weakness,walking_difficulty,body_numbness";
    let args = [
        "--yes",
        "nerve_warning_signs,lower_back_pain",
        "--no",
        members,
        "--age",
        "40",
        "--days",
        "3",
    ];
    let a = json(&args);
    assert_eq!(a.warnings.len(), 1, "{a:?}");
    assert_eq!(a.warnings[0].group, "nerve_warning_signs");
    assert!(a.warnings[0].message.contains("The answers disagree"));
    assert!(!a.complete);
    assert_eq!(
        a.urgency, "emergency",
        "none of the nerve signs is ruled out"
    );
    assert!(
        a.red_flags
            .iter()
            .any(|f| f.id == "cauda_equina" && f.possible)
    );

    let mut all = vec!["assess"];
    all.extend_from_slice(&args);
    let text = Cmd::new(all).run();
    text.success();
    assert!(
        crate::common::unwrapped(&text.stdout).contains(
            "The answers disagree: yes to \"Warning signs from the nerves\", but no to each sign in it."
        ),
        "{}",
        text.stdout
    );

    // Agreeing answers carry no warning.
    let fine = json(&["--no", "nerve_warning_signs", "--age", "40"]);
    assert!(fine.warnings.is_empty());
}

// `--fail-on LEVEL` (issue 15): status 3 at or above LEVEL, output unchanged.

#[test]
fn fail_on_exits_3_at_or_above_the_level_and_still_prints() {
    let fever = ["assess", "--yes", "fever", "--format", "json"];
    let plain = Cmd::new(fever).run();
    plain.success();
    for (level, code) in [
        ("emergency", 0),
        ("urgent", 3),
        ("doctor", 3),
        ("self_care", 3),
        ("self-care", 3),
    ] {
        let mut args = fever.to_vec();
        args.extend(["--fail-on", level]);
        let out = Cmd::new(args).run();
        assert_eq!(out.code, code, "--fail-on {level}: {out:?}");
        assert_eq!(out.stdout, plain.stdout, "the output does not change");
        assert_eq!(out.stderr, "");
    }
}

#[test]
fn fail_on_below_the_level_is_success() {
    Cmd::new([
        "assess",
        "--yes",
        "lower_back_pain,lifting_or_strain",
        "--fail-on",
        "doctor",
    ])
    .run()
    .success();
}

#[test]
fn fail_on_takes_only_the_four_levels() {
    Cmd::new(["assess", "--fail-on", "soon"])
        .run()
        .clap_usage_error(&[
            "invalid value 'soon'",
            "[possible values: emergency, urgent, doctor, self_care]",
        ]);
}
