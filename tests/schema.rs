//! `backtriage schema`: real outputs validate against the printed JSON
//! Schemas (with a JSON Schema validator, not by our own reading), and a
//! broken output does not, so the check can fail.

use std::sync::OnceLock;

use backtriage::embedded;
use backtriage::output::fast::{Texts, write_json};
use backtriage::output::view::{Line, View};
use backtriage::triage::answers::{Answer, Answers};
use backtriage::triage::engine::Evaluation;
use backtriage::triage::rulebase::RuleBase;
use backtriage::triage::schema::FindingKind;
use backtriage::triage::{self, Assessment, explain};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::Cmd;

fn schema_of(what: &str) -> Value {
    let out = Cmd::new(["schema", what]).run();
    out.success();
    serde_json::from_str(&out.stdout).expect("the schema is JSON")
}

/// The schema as printed, which allows fields it does not list.
fn open_schema(what: &str) -> Validator {
    jsonschema::validator_for(&schema_of(what)).expect("a valid JSON Schema")
}

/// The schema with every object closed (`additionalProperties: false`), so
/// a field the output has and the schema does not know is caught too.
fn closed_schema(what: &str) -> Validator {
    fn close(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                map.values_mut().for_each(close);
            }
            Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    static ASSESSMENT: OnceLock<Value> = OnceLock::new();
    static BATCH: OnceLock<Value> = OnceLock::new();
    static COMPACT: OnceLock<Value> = OnceLock::new();
    let cell = match what {
        "assessment" => &ASSESSMENT,
        "batch-line" => &BATCH,
        "compact-line" => &COMPACT,
        _ => panic!("no such schema: {what}"),
    };
    let schema = cell.get_or_init(|| {
        let mut s = schema_of(what);
        close(&mut s);
        s
    });
    jsonschema::validator_for(schema).expect("a valid JSON Schema")
}

fn assert_valid(v: &Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema: {errors:#?}\n{instance}"
    );
}

fn assess_json(args: &[&str]) -> Value {
    let mut all = vec!["assess", "--format", "json"];
    all.extend_from_slice(args);
    let out = Cmd::new(all).run();
    assert!(
        out.code == 0,
        "assess {args:?} failed: {out:?} (exit {})",
        out.code
    );
    serde_json::from_str(&out.stdout).expect("assess writes JSON")
}

/// Answer sets that reach every part of the output: nothing answered (a
/// checklist next), a finished self-care case, warning signs, an
/// emergency, a group answered yes without saying which (a possible red
/// flag with its likely sign), a group yes with every member no (a
/// warning), numbers and "don't know", each with and without `--explain`.
/// A finished self-care screen: every warning sign answered no.
pub const COMPLETE: &[&str] = &[
    "--yes",
    "lower_back_pain,lifting_or_strain",
    "--no",
    "upper_back_pain,flank_pain,nerve_warning_signs,chest_warning_signs,illness_warning_signs,\
     health_background,organ_signs,pregnancy_signs,muscle_signs,leg_nerve_symptoms,\
     unaccustomed_exercise,prolonged_posture,inactive_lifestyle,heavy_manual_work,stress,back_history",
    "--age",
    "34",
    "--days",
    "2",
];

const ANSWER_SETS: &[&[&str]] = &[
    &[],
    &[
        "--yes",
        "lower_back_pain,lifting_or_strain",
        "--age",
        "34",
        "--days",
        "2",
    ],
    COMPLETE,
    &["--yes", "fever", "--unknown", "weight_loss"],
    &["--yes", "saddle_numbness"],
    &["--yes", "chest_pain", "--age", "61"],
    &[
        "--yes",
        "nerve_warning_signs",
        "--no",
        "saddle_numbness,bladder_bowel_problems,sexual_function_change,both_legs_affected,leg_weakness,walking_difficulty",
    ],
    &[
        "--yes",
        "nerve_warning_signs",
        "--no",
        "saddle_numbness,bladder_bowel_problems,sexual_function_change,both_legs_affected,leg_weakness,walking_difficulty,body_numbness",
    ],
    &[
        "--answer",
        "days=120",
        "--answer",
        "age=unknown",
        "--yes",
        "morning_stiffness",
    ],
    &["--no", "pain_location", "--unknown", "days"],
];

#[test]
fn the_schemas_are_valid_json_schema_2020_12() {
    for what in ["assessment", "batch-line", "compact-line"] {
        let schema = schema_of(what);
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{what}"
        );
        jsonschema::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("{what}: not a valid schema: {e}"));
    }
}

#[test]
fn assessments_of_many_answer_sets_match_the_schema() {
    let (open, closed) = (open_schema("assessment"), closed_schema("assessment"));
    let mut seen = Vec::new();
    for args in ANSWER_SETS {
        for explain in [false, true] {
            let mut args = args.to_vec();
            if explain {
                args.push("--explain");
            }
            let out = assess_json(&args);
            assert_valid(&open, &out, &format!("assess {args:?}"));
            assert_valid(&closed, &out, &format!("assess {args:?}"));
            seen.push(out);
        }
    }
    // The sets reach what they are meant to: otherwise the test proves less.
    let any = |f: &dyn Fn(&Value) -> bool| seen.iter().any(f);
    assert!(any(&|v| v["next_question"]["kind"] == "checklist"));
    assert!(any(&|v| v["next_question"]["kind"] == "number"));
    assert!(any(&|v| v["next_question"].is_null()));
    assert!(any(&|v| v["warnings"].is_array()));
    assert!(any(&|v| v["explanation"].is_object()));
    assert!(any(&|v| v["red_flags"][0]["likely_sign"].is_string()));
    assert!(any(&|v| v["red_flags"][0]["possible"] == true));
    assert!(any(&|v| v["urgency"] == "emergency"));
    assert!(any(&|v| v["complete"] == true));
}

#[test]
fn batch_lines_and_error_lines_match_the_schema() {
    batch_lines_match("batch-line", &[]);
    batch_lines_match("compact-line", &["--compact"]);
}

fn batch_lines_match(what: &str, extra: &[&str]) {
    let (open, closed) = (open_schema(what), closed_schema(what));
    let input = [
        r#"{"id": "a", "answers": {"lower_back_pain": "yes", "age": 40}}"#,
        r#"{"id": 7, "answers": {"nerve_warning_signs": "yes", "saddle_numbness": "no"}}"#,
        r#"{"id": "c", "answers": {}}"#,
        r#"{"id": "bad id", "answers": {"fevr": "yes"}}"#,
        r#"not json"#,
        "",
        r#"{"id": {"nested": [1, 2]}, "answers": {"fever": true, "days": 3}}"#,
        r#"{"answers": {"fever": "yes"}}"#,
    ]
    .join("\n")
        + "\n";
    for explain in [false, true] {
        let mut args = vec!["assess", "--batch", "-"];
        args.extend(extra);
        if explain {
            args.push("--explain");
        }
        let out = Cmd::new(args).stdin(&input).run();
        assert_eq!(out.code, 1, "some lines are bad: {out:?}");
        let lines: Vec<Value> = out
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(lines.len(), 8);
        let errors = lines.iter().filter(|l| l["error"].is_string()).count();
        assert_eq!(errors, 4, "{lines:#?}");
        for (i, line) in lines.iter().enumerate() {
            assert_valid(&open, line, &format!("{what} {}", i + 1));
            assert_valid(&closed, line, &format!("{what} {}", i + 1));
        }
    }
}

#[test]
fn every_json_output_names_its_shape_tool_and_rule_base() {
    let result = assess_json(&["--yes", "fever"]);
    let out = Cmd::new(["assess", "--batch", "-"])
        .stdin("{\"id\": 1, \"answers\": {}}\nnot json\n")
        .run();
    for v in std::iter::once(result).chain(
        out.stdout
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("JSON")),
    ) {
        assert_eq!(v["schema_version"], 1, "{v}");
        assert_eq!(v["tool_version"], env!("CARGO_PKG_VERSION"), "{v}");
        assert!(
            v["rules_version"].as_str().is_some_and(|s| s.len() == 16),
            "{v}"
        );
    }
}

/// A check that cannot fail proves nothing: each of these breaks a real
/// output in one way the schema must catch.
#[test]
fn the_schema_rejects_broken_outputs() {
    let open = open_schema("assessment");
    let good = assess_json(&["--yes", "fever,lifting_or_strain", "--explain"]);
    assert_valid(&open, &good, "the unbroken output");
    type Break = (&'static str, fn(&mut Value));
    let breaks: &[Break] = &[
        ("urgency missing", |v| {
            v.as_object_mut().expect("an object").remove("urgency");
        }),
        ("an urgency level that does not exist", |v| {
            v["urgency"] = json!("soon");
        }),
        ("complete as a string", |v| v["complete"] = json!("true")),
        ("a score above 1", |v| v["causes"][0]["score"] = json!(1.5)),
        ("a red flag without its id", |v| {
            v["red_flags"][0]
                .as_object_mut()
                .expect("an object")
                .remove("id");
        }),
        ("a question of an unknown kind", |v| {
            v["next_question"]["kind"] = json!("free_text");
        }),
        ("an unchecked red flag as an object", |v| {
            v["unchecked_red_flags"][0] = json!({"id": "x"});
        }),
        ("schema_version 0", |v| v["schema_version"] = json!(0)),
        ("explanation null", |v| v["explanation"] = Value::Null),
    ];
    for (what, break_it) in breaks {
        let mut bad = good.clone();
        break_it(&mut bad);
        assert!(!open.is_valid(&bad), "the schema accepts {what}");
    }
    // A field the schema does not list is allowed (later versions may add
    // fields), but the closed form used by these tests catches it.
    let mut extra = good.clone();
    extra["surprise"] = json!(1);
    assert!(open.is_valid(&extra));
    assert!(!closed_schema("assessment").is_valid(&extra));

    let batch = open_schema("batch-line");
    let error_line = json!({"id": null, "line": 3, "error": "not JSON",
        "schema_version": 1, "tool_version": "0.1.0", "rules_version": "0123456789abcdef"});
    assert!(batch.is_valid(&error_line));
    let mut no_line = error_line.clone();
    no_line.as_object_mut().expect("an object").remove("line");
    assert!(!batch.is_valid(&no_line), "an error line without its line");
    let mut result_line = good.clone();
    assert!(
        !batch.is_valid(&result_line),
        "a result line without its id"
    );
    result_line["id"] = json!("x");
    assert!(batch.is_valid(&result_line));
}

#[test]
fn schema_takes_one_of_two_documents() {
    Cmd::new(["schema"]).run().clap_usage_error(&["<WHAT>"]);
    Cmd::new(["schema", "fhir"])
        .run()
        .clap_usage_error(&["batch-line", "compact-line"]);
}

fn rb() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(|| embedded::rule_base().expect("the embedded rule base"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Over random answers, both ways the JSON is written (serde from the
    /// view, and the batch fast path) match the schema.
    #[test]
    fn random_assessments_match_the_schema(
        choices in prop::collection::vec((0u8..6, 0u8..120), 120),
        explained in any::<bool>(),
    ) {
        static VALIDATORS: OnceLock<(Validator, Validator)> = OnceLock::new();
        let (assessment, batch) =
            VALIDATORS.get_or_init(|| (closed_schema("assessment"), closed_schema("batch-line")));
        let rb = rb();
        let mut answers = Answers::new(rb);
        for (f, &(choice, x)) in rb.findings().zip(&choices) {
            let number = rb.finding(f).is_some_and(|i| i.kind == FindingKind::Number);
            let answer = match (choice, number) {
                (0 | 1, _) => continue,
                (2, true) => Answer::Number(f64::from(x)),
                (2, false) | (5, _) => Answer::No,
                (3, _) => Answer::Unknown,
                _ if number => Answer::Number(f64::from(x) / 3.0),
                _ => Answer::Yes,
            };
            let _ = answers.set(rb, f, answer);
        }
        answers.settle_disagreements(rb);
        let mut eval = Evaluation::empty(rb);
        let mut a = Assessment::default();
        triage::assess_into(rb, &answers, &mut eval, &mut a);
        let explanation = explained.then(|| explain::explain(rb, &eval));

        let mut fast = Vec::new();
        let id = serde_json::value::to_raw_value(&42).expect("an id");
        write_json(&mut fast, &Texts::new(rb), &a, Some(id.get()), explanation.as_ref())
            .expect("writes");
        let line: Value = serde_json::from_slice(&fast).expect("JSON");
        prop_assert!(batch.is_valid(&line), "{line}");

        let view = View::new(rb, &answers, &a, explanation);
        let one: Value = serde_json::to_value(&view).expect("serializes");
        prop_assert!(assessment.is_valid(&one), "{one}");
        let with_id: Value = serde_json::to_value(Line { id: &id, view: &view }).expect("serializes");
        prop_assert!(batch.is_valid(&with_id), "{with_id}");
    }
}
