//! Clinical behaviour as data: the case files in tests/cases run through
//! `backtriage rules test`, and the public vocabulary of the contract.

use crate::common::Cmd;

fn case_files() -> Vec<String> {
    crate::common::case_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

#[test]
fn every_clinical_case_passes() {
    let files = case_files();
    assert!(files.len() >= 5, "the case files are there");
    let mut args = vec!["rules".to_owned(), "test".to_owned()];
    args.extend(files);
    let out = Cmd::new(args).run();
    assert_eq!(out.code, 0, "failing cases:\n{}", out.stdout);
    let summary = out.stdout.lines().last().expect("a summary line");
    let passed: usize = summary
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected summary {summary:?}"));
    assert!(passed >= 40, "at least 40 cases, got {passed}");
}

#[test]
fn the_cases_cover_every_urgency_core_cause_and_red_flag() {
    let mut text = String::new();
    for file in case_files() {
        text.push_str(&std::fs::read_to_string(file).unwrap());
    }
    for level in ["emergency", "urgent", "doctor", "self_care"] {
        assert!(
            text.contains(&format!("urgency: {level}")),
            "no case expects {level} alone"
        );
    }
    let list = |what: &str| -> Vec<String> {
        let out = Cmd::new(["rules", "list", what, "--format", "json"]).run();
        out.success();
        let items: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
        items
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    for cause in list("causes") {
        assert!(text.contains(&cause), "no case names the cause {cause}");
    }
    for flag in list("red-flags") {
        assert!(
            text.contains(&format!("red_flags: [{flag}")) || text.contains(&format!(", {flag}")),
            "no case expects the red flag {flag}"
        );
    }
}

#[test]
fn a_failing_case_is_reported_with_what_was_expected_and_what_came() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wrong.yaml");
    std::fs::write(
        &file,
        "- name: numb saddle is never self-care\n  answers: {saddle_numbness: yes}\n  expect: {urgency: self_care}\n\
         - name: a passing one\n  answers: {saddle_numbness: yes}\n  expect: {urgency: emergency, red_flags: [cauda_equina]}\n\
         - name: typo in an answer\n  answers: {fevr: yes}\n  expect: {urgency: urgent}\n\
         - name: wrong cause\n  answers: {lifting_or_strain: yes}\n  expect: {urgency: [self_care, doctor], top_causes: [scoliosis]}\n",
    )
    .unwrap();
    let out = Cmd::new(["rules", "test", file.to_str().unwrap()]).run();
    assert_eq!(out.code, 1);
    let shown = file.display().to_string();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert_eq!(
        lines[0],
        format!(
            "FAIL {shown}: numb saddle is never self-care: expected urgency self_care, got emergency"
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "FAIL {shown}: typo in an answer: bad answers: unknown finding 'fevr' (did you mean 'fever'?)"
        )
    );
    assert!(lines[2].starts_with(&format!("FAIL {shown}: wrong cause: expected one of [scoliosis] among the top 3 causes, got [muscle_strain")), "{}", lines[2]);
    assert_eq!(lines[3], "1 passed, 3 failed");
}

#[test]
fn a_case_file_that_is_not_yaml_counts_as_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "- name: [unclosed\n").unwrap();
    let out = Cmd::new([
        "rules",
        "test",
        bad.to_str().unwrap(),
        "/no/such/cases.yaml",
    ])
    .run();
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains(&format!("FAIL {}:", bad.display())));
    assert!(out.stdout.contains("FAIL /no/such/cases.yaml: cannot read"));
    assert!(out.stdout.ends_with("0 passed, 2 failed\n"));
}

const CORE_FINDINGS: &[&str] = &[
    "age",
    "days",
    "lower_back_pain",
    "upper_back_pain",
    "flank_pain",
    "lifting_or_strain",
    "unaccustomed_exercise",
    "prolonged_posture",
    "inactive_lifestyle",
    "heavy_manual_work",
    "stress",
    "major_trauma",
    "minor_trauma",
    "osteoporosis_or_steroids",
    "muscle_spasm",
    "worse_with_movement",
    "pain_at_rest_or_night",
    "sudden_severe_pain",
    "colicky_pain",
    "morning_stiffness",
    "recurring_episodes",
    "worse_with_cough_sneeze",
    "muscle_tender_swollen",
    "leg_pain_below_knee",
    "leg_numbness_tingling",
    "leg_weakness",
    "both_legs_affected",
    "saddle_numbness",
    "bladder_bowel_problems",
    "fever",
    "weight_loss",
    "history_of_cancer",
    "immunosuppressed_or_iv_drugs",
    "chest_pain",
    "breathless_or_sweating",
    "pain_with_exertion",
    "blood_in_urine",
    "painful_urination",
    "right_upper_abdominal_pain",
    "pelvic_symptoms",
    "hip_groin_pain",
    "visible_curve",
    "known_disc_problem",
    "getting_worse",
    "severe_uncontrolled_pain",
];

const CORE_CAUSES: &[&str] = &[
    "muscle_strain",
    "muscle_spasm",
    "postural_strain",
    "deconditioning",
    "exercise_soreness",
    "stress_tension",
    "traumatic_injury",
    "herniated_disc",
    "radiculitis",
    "lumbago",
    "degenerative_spine",
    "scoliosis",
    "myositis",
    "chronic_pain",
    "heart_disease",
    "kidney_stone",
    "gallstones",
    "pelvic_organ_disease",
    "hip_joint_disease",
    "spinal_tumour",
    "spinal_infection",
    "rib_fracture",
    "cauda_equina_syndrome",
    "spinal_fracture",
    "aortic_emergency",
    "kidney_infection",
    "inflammatory_back_pain",
];

fn listed(what: &str) -> Vec<serde_json::Value> {
    let out = Cmd::new(["rules", "list", what, "--format", "json"]).run();
    out.success();
    serde_json::from_str(&out.stdout).expect("a JSON array")
}

#[test]
fn rules_list_shows_every_core_id_of_the_contract() {
    let findings = listed("findings");
    for id in CORE_FINDINGS {
        let f = findings.iter().find(|f| f["id"] == *id);
        let f = f.unwrap_or_else(|| panic!("core finding {id} is missing"));
        let kind = if ["age", "days"].contains(id) {
            "number"
        } else {
            "yes_no"
        };
        assert_eq!(f["kind"], kind, "{id}");
        assert!(!f["question"].as_str().unwrap().is_empty());
    }
    let causes = listed("causes");
    for id in CORE_CAUSES {
        assert!(
            causes.iter().any(|c| c["id"] == *id),
            "core cause {id} is missing"
        );
    }
}

#[test]
fn causes_red_flags_and_advice_name_their_sources() {
    let sources: Vec<String> = listed("sources")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        sources.len() >= 5 + 3,
        "the five documents and the guidelines"
    );
    for what in ["causes", "red-flags", "advice"] {
        for item in listed(what) {
            let cited = item["sources"].as_array().expect("sources");
            assert!(!cited.is_empty(), "{what} {} has no source", item["id"]);
            for s in cited {
                assert!(sources.contains(&s.as_str().unwrap().to_owned()));
            }
        }
    }
}

#[test]
fn groups_list_their_members() {
    let findings = listed("findings");
    let group = findings
        .iter()
        .find(|f| f["id"] == "nerve_warning_signs")
        .expect("a group");
    assert_eq!(
        group["any_of"],
        serde_json::json!([
            "saddle_numbness",
            "bladder_bowel_problems",
            "sexual_function_change",
            "both_legs_affected",
            "leg_weakness",
            "walking_difficulty",
            "body_numbness"
        ])
    );
}

#[test]
fn every_exercise_of_the_fourth_document_is_advice_with_steps() {
    let advice = listed("advice");
    for id in [
        "deadlift",
        "hyperextension",
        "cat_cow",
        "childs_pose",
        "bird_dog",
        "glute_bridge",
        "row",
        "face_pull",
        "superman",
        "band_pull_apart",
    ] {
        let item = advice
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(item["kind"], "exercise");
        assert!(
            item["steps"].as_array().is_some_and(|s| s.len() >= 2),
            "{id} has steps"
        );
    }
}

#[test]
fn text_listings_work_for_every_kind() {
    for what in ["findings", "causes", "red-flags", "advice", "sources"] {
        let out = Cmd::new(["rules", "list", what]).run();
        out.success();
        assert!(out.stdout.lines().count() >= 5, "{what}");
    }
    Cmd::new(["rules", "list", "symptoms"])
        .run()
        .clap_usage_error(&["invalid value 'symptoms'", "[possible values: findings,"]);
}

/// docs/rules.md lists every red flag with its urgency, so the table a
/// clinician reads cannot drift from the rules.
#[test]
fn the_red_flag_table_in_the_docs_matches_the_rules() {
    let doc = std::fs::read_to_string(crate::common::root().join("docs/rules.md")).unwrap();
    let flags = listed("red-flags");
    for flag in &flags {
        let row = format!(
            "| `{}` | {} |",
            flag["id"].as_str().unwrap(),
            flag["urgency"].as_str().unwrap()
        );
        assert!(doc.contains(&row), "docs/rules.md lacks the row {row}");
    }
    let rows = doc
        .lines()
        .filter(|l| {
            l.starts_with("| `") && l.contains("` | emergency |")
                || l.contains("` | urgent |")
                || l.contains("` | doctor |")
        })
        .count();
    assert_eq!(
        rows,
        flags.len(),
        "the table has a row per red flag, no more"
    );
}

/// Issue 14: every case, whatever it expects, fails if its result carries no
/// advice for its level (self-care advice for self-care, advice for until
/// seen for doctor and urgent). With the until-seen advice turned into
/// prevention advice, a doctor case must fail for that reason alone.
#[test]
fn a_result_without_advice_for_its_level_fails_its_case() {
    let rules = crate::common::RulesCopy::new();
    let advice = rules.read("advice.yaml");
    assert!(advice.contains("kind: until_seen"));
    rules.write(
        "advice.yaml",
        &advice.replace("kind: until_seen", "kind: prevention"),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chronic.yaml");
    std::fs::write(
        &file,
        "- name: months of pain\n  answers: {lower_back_pain: yes, days: 120, age: 45}\n  expect: {urgency: doctor}\n",
    )
    .unwrap();
    let with = |rules_dir: Option<&std::path::Path>| {
        let mut args = vec!["rules".to_owned(), "test".to_owned()];
        if let Some(d) = rules_dir {
            args.extend(["--rules".to_owned(), d.display().to_string()]);
        }
        args.push(file.display().to_string());
        Cmd::new(args).run()
    };
    with(None).success();
    let out = with(Some(rules.path()));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("months of pain: a doctor result carries no advice for until seen"),
        "{}",
        out.stdout
    );
}
