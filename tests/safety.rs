//! Safety regressions from issue 10: "don't know" never lowers the urgency,
//! the urgency is the highest of warning signs and causes, and an unfinished
//! screen is never headlined as self-care.

use crate::common::Cmd;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let mut all = vec!["assess", "--format", "json"];
    all.extend_from_slice(args);
    let out = Cmd::new(all).run();
    out.success();
    serde_json::from_str(&out.stdout).expect("one JSON object")
}

fn urgency(v: &Value) -> &str {
    v["urgency"].as_str().expect("urgency is a string")
}

fn flag<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    v["red_flags"]
        .as_array()
        .expect("red_flags is a list")
        .iter()
        .find(|f| f["id"] == id)
}

/// Reproduction 1: "?" to the last member not yet denied used to drop an
/// emergency to self-care, while leaving it unanswered kept the emergency.
#[test]
fn dont_know_to_the_last_open_member_of_a_yes_group_keeps_the_emergency() {
    let common = [
        "--answer",
        "nerve_warning_signs=yes",
        "--no",
        "saddle_numbness,bladder_bowel_problems,leg_weakness,sexual_function_change,walking_difficulty,body_numbness",
        "--age",
        "40",
        "--days",
        "5",
    ];
    let unanswered = json(&common);
    let mut with_unknown = common.to_vec();
    with_unknown.extend(["--unknown", "both_legs_affected"]);
    let unknown = json(&with_unknown);
    assert_eq!(urgency(&unanswered), "emergency");
    assert_eq!(urgency(&unknown), "emergency");
    for v in [&unanswered, &unknown] {
        let cauda = flag(v, "cauda_equina").expect("cauda equina stays possible");
        assert_eq!(cauda["possible"], true);
        // Every other member was denied, so the one left is named.
        assert_eq!(cauda["likely_sign"], "both_legs_affected");
        assert_eq!(v["complete"], false);
    }
}

/// Reproduction 2: pain in waves (an urgent cause) used to become "doctor"
/// as soon as a doctor-level warning sign also fired.
#[test]
fn a_doctor_level_sign_never_switches_off_an_urgent_cause() {
    let v = json(&[
        "--yes",
        "colicky_pain,painful_urination",
        "--age",
        "40",
        "--days",
        "3",
    ]);
    assert!(flag(&v, "urinary_signs").is_some(), "{v}");
    assert_eq!(urgency(&v), "urgent", "{v}");
}

/// Reproduction 3: with nothing answered, the banner said self-care.
#[test]
fn an_assessment_with_no_answers_is_not_finished() {
    let v = json(&[]);
    assert_eq!(v["complete"], false);
    // `urgency` stays the level the answers support...
    assert_eq!(urgency(&v), "self_care");
    // ...but people are never told to look after it at home.
    for format in ["text", "markdown"] {
        let out = Cmd::new(["assess", "--format", format]).run();
        out.success();
        // The first line of text, or the first heading after the title in markdown.
        let head = match format {
            "text" => out.stdout.lines().next(),
            _ => out.stdout.lines().find(|l| l.starts_with("## ")),
        }
        .unwrap_or_default()
        .to_owned();
        assert!(
            head.to_lowercase().contains("not finished"),
            "{format}: {head}"
        );
        assert!(
            !out.stdout.contains("SELF-CARE"),
            "{format}: {}",
            out.stdout
        );
        assert!(!out.stdout.contains("Urgency: Look after it at home"));
    }
}

#[test]
fn only_lower_back_pain_answered_is_not_finished() {
    let out = Cmd::new(["assess", "--yes", "lower_back_pain"]).run();
    out.success();
    assert!(out.stdout.to_lowercase().contains("not finished"));
    assert!(!out.stdout.contains("SELF-CARE"));
}

#[test]
fn quitting_the_interview_at_once_is_not_finished() {
    for input in ["quit\n", ""] {
        let out = Cmd::new(["interview"]).stdin(input).run();
        out.success();
        assert!(
            out.stdout.to_lowercase().contains("not finished"),
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains("SELF-CARE"));
    }
}

/// A finished screen with nothing found is complete and self-care.
#[test]
fn a_finished_benign_screen_is_complete() {
    // Drive the interview statelessly: answer "no" to whatever it asks.
    let mut args: Vec<String> = [
        "--age",
        "35",
        "--days",
        "3",
        "--yes",
        "lower_back_pain,lifting_or_strain",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..60 {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let v = json(&refs);
        let Some(q) = v["next_question"].as_object() else {
            assert_eq!(v["complete"], true, "{v}");
            assert_eq!(urgency(&v), "self_care", "{v}");
            return;
        };
        // A checklist is answered option by option, as the contract says.
        let ids: Vec<String> = match q["kind"].as_str() {
            Some("checklist") => q["options"]
                .as_array()
                .expect("options")
                .iter()
                .map(|o| o["id"].as_str().expect("option id").to_owned())
                .collect(),
            _ => vec![q["id"].as_str().expect("question id").to_owned()],
        };
        let answer = if q["kind"] == "number" { "50" } else { "no" };
        for id in ids {
            args.push("--answer".into());
            args.push(format!("{id}={answer}"));
        }
    }
    panic!("the interview did not end");
}
