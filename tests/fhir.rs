//! The FHIR output: the questionnaire (`rules export fhir`) and the bundle
//! (`assess --format fhir`, `interview --save-format fhir`) have the key
//! structure, match each other and the JSON output, keep "don't know" as
//! unknown, and are reproducible. (CI also validates them against the FHIR
//! R4 models of fhir.resources: see `.ci/fhir_check.py`.)

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::{Cmd, root};
use crate::schema::COMPLETE;

const EPOCH: &str = "1767225600";

fn questionnaire() -> Value {
    let out = Cmd::new(["rules", "export", "fhir"]).run();
    out.success();
    serde_json::from_str(&out.stdout).expect("the questionnaire is JSON")
}

fn run(cmd: &str, args: &[&str]) -> Value {
    let mut all = vec![cmd, "--format", "json"];
    all.extend_from_slice(args);
    let json = Cmd::new(&all).env("SOURCE_DATE_EPOCH", EPOCH).run();
    json.success();
    serde_json::from_str(&json.stdout).expect("JSON")
}

fn bundle(args: &[&str]) -> Value {
    let mut all = vec!["assess", "--format", "fhir"];
    all.extend_from_slice(args);
    let out = Cmd::new(&all).env("SOURCE_DATE_EPOCH", EPOCH).run();
    out.success();
    serde_json::from_str(&out.stdout).expect("the bundle is JSON")
}

/// Every item of a questionnaire or response: linkId -> (parent, item).
fn items(list: &Value, parent: Option<&str>, out: &mut BTreeMap<String, (Option<String>, Value)>) {
    for item in list.as_array().into_iter().flatten() {
        let link = item["linkId"].as_str().expect("a linkId").to_owned();
        assert!(
            out.insert(link.clone(), (parent.map(str::to_owned), item.clone()))
                .is_none(),
            "linkId {link} twice"
        );
        items(&item["item"], Some(&link), out);
    }
}

fn resource<'a>(bundle: &'a Value, kind: &str) -> &'a Value {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {bundle}"))
}

fn codes(v: &Value) -> Vec<(String, String)> {
    v["coding"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["system"].as_str().unwrap_or("").to_owned(),
                c["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_questionnaire_has_every_finding_once_by_its_id() {
    let q = questionnaire();
    assert_eq!(q["resourceType"], "Questionnaire");
    assert_eq!(q["status"], "active");
    assert!(q["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(q["url"].as_str().is_some_and(|u| u.starts_with("https://")));
    let rules = run("assess", &[])["rules_version"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        q["version"],
        format!("{}+rules.{rules}", env!("CARGO_PKG_VERSION"))
    );
    let mut all = BTreeMap::new();
    items(&q["item"], None, &mut all);

    let out = Cmd::new(["rules", "list", "findings", "--format", "json"]).run();
    let findings: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    for f in &findings {
        let id = f["id"].as_str().unwrap();
        let (parent, item) = all.get(id).unwrap_or_else(|| panic!("{id} is not an item"));
        assert_eq!(
            item["text"], f["question"],
            "{id}: the question is its text"
        );
        match (f["kind"].as_str(), f["any_of"].as_array()) {
            (_, Some(members)) => {
                assert_eq!(item["type"], "group", "{id}");
                assert_eq!(parent, &None, "{id}: a checklist is at the top");
                for m in members {
                    let m = m.as_str().unwrap();
                    assert_eq!(all[m].0.as_deref(), Some(id), "{m} is inside {id}");
                }
                let any = &all[&format!("{id}.any")];
                assert_eq!(any.0.as_deref(), Some(id));
                assert_eq!(any.1["type"], "choice");
            }
            (Some("number"), None) => {
                assert_eq!(item["type"], "decimal", "{id}");
                let urls: Vec<&str> = item["extension"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["url"].as_str().unwrap())
                    .collect();
                assert!(urls.iter().any(|u| u.ends_with("/minValue")), "{id}");
                assert!(
                    urls.iter().any(|u| u.ends_with("/questionnaire-unit")),
                    "{id}"
                );
            }
            _ => {
                assert_eq!(item["type"], "choice", "{id}");
                assert_eq!(item["answerValueSet"], "#yes-no-unknown", "{id}");
            }
        }
    }
    // Don't know is an answer of every yes/no question, not left out.
    let set = &q["contained"][0];
    assert_eq!(set["id"], "yes-no-unknown");
    let answers: Vec<&str> = set["compose"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["concept"].as_array().unwrap())
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(answers, ["Y", "N", "ASKU"]);
    // It says it is not a diagnosis and what to do in an emergency, first.
    let notice = q["item"][0]["text"].as_str().unwrap();
    let json = run("assess", &[]);
    assert!(notice.contains(json["disclaimer"].as_str().unwrap()));
    assert!(notice.contains(json["emergency_note"].as_str().unwrap()));
}

#[test]
fn the_bundle_holds_the_answers_and_the_assessment_of_the_json_output() {
    let q = questionnaire();
    let mut questions = BTreeMap::new();
    items(&q["item"], None, &mut questions);
    let sets: &[&[&str]] = &[
        &[],
        COMPLETE,
        &["--yes", "saddle_numbness", "--age", "52"],
        &[
            "--yes",
            "nerve_warning_signs,lifting_or_strain",
            "--no",
            "saddle_numbness,bladder_bowel_problems,sexual_function_change,both_legs_affected,leg_weakness,walking_difficulty",
            "--unknown",
            "fever,days",
            "--age",
            "40",
        ],
    ];
    for args in sets {
        let b = bundle(args);
        let json = run("assess", args);
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        assert_eq!(b["timestamp"], "2026-01-01T00:00:00Z");

        let qr = resource(&b, "QuestionnaireResponse");
        assert_eq!(
            qr["questionnaire"],
            format!(
                "{}|{}",
                q["url"].as_str().unwrap(),
                q["version"].as_str().unwrap()
            )
        );
        assert_eq!(
            qr["status"],
            if json["next_question"].is_null() {
                "completed"
            } else {
                "in-progress"
            }
        );
        let mut answered = BTreeMap::new();
        items(&qr["item"], None, &mut answered);
        for (link, (parent, item)) in &answered {
            let (q_parent, question) = questions
                .get(link)
                .unwrap_or_else(|| panic!("{link} is not in the questionnaire"));
            assert_eq!(parent, q_parent, "{link} is nested as in the questionnaire");
            assert_eq!(item["text"], question["text"], "{link}");
        }

        let risk = resource(&b, "RiskAssessment");
        let fired: Vec<String> = json["red_flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect();
        let causes = json["causes"].as_array().unwrap();
        let predictions = risk["prediction"].as_array().unwrap();
        assert_eq!(predictions.len(), 1 + fired.len() + causes.len());
        // The urgency first, then the red flags, then the causes with scores.
        let urgency = codes(&predictions[0]["outcome"]);
        assert!(urgency[0].0.ends_with("/CodeSystem/urgency"));
        assert_eq!(urgency[0].1, json["urgency"].as_str().unwrap());
        for (p, id) in predictions[1..].iter().zip(&fired) {
            assert_eq!(&codes(&p["outcome"])[0].1, id);
        }
        for (p, c) in predictions[1 + fired.len()..].iter().zip(causes) {
            assert_eq!(codes(&p["outcome"])[0].1, c["id"].as_str().unwrap());
            assert_eq!(p["probabilityDecimal"], c["score"]);
        }
        assert_eq!(
            risk["status"],
            if json["complete"] == true {
                "final"
            } else {
                "preliminary"
            }
        );
        let basis = risk["basis"][0]["reference"].as_str().unwrap();
        assert_eq!(basis, format!("urn:uuid:{}", qr["id"].as_str().unwrap()));
        let notes: Vec<&str> = risk["note"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap())
            .collect();
        assert!(notes.contains(&json["disclaimer"].as_str().unwrap()));
        assert!(notes.contains(&json["emergency_note"].as_str().unwrap()));
    }
}

#[test]
fn dont_know_is_never_written_as_no() {
    let b = bundle(&[
        "--unknown",
        "fever,saddle_numbness,days",
        "--no",
        "chest_pain",
    ]);
    let mut answered = BTreeMap::new();
    items(
        &resource(&b, "QuestionnaireResponse")["item"],
        None,
        &mut answered,
    );
    for id in ["fever", "saddle_numbness"] {
        let answer = &answered[id].1["answer"];
        assert_eq!(answer.as_array().unwrap().len(), 1);
        assert_eq!(answer[0]["valueCoding"]["code"], "ASKU", "{id}: {answer}");
        assert!(
            answer[0]["valueCoding"]["system"]
                .as_str()
                .unwrap()
                .ends_with("/v3-NullFlavor")
        );
    }
    // A number not known has no value, and says why.
    let days = &answered["days"].1["answer"][0];
    assert!(days.get("valueDecimal").is_none(), "{days}");
    assert_eq!(
        days["_valueDecimal"]["extension"][0]["valueCode"],
        "asked-unknown"
    );
    assert_eq!(
        answered["chest_pain"].1["answer"][0]["valueCoding"]["code"],
        "N"
    );
    // What was not answered is not there at all.
    assert!(!answered.contains_key("leg_weakness"));
    assert!(!answered.contains_key("age"));
    // Nothing was answered yes, so no answer anywhere is "Y".
    let text = serde_json::to_string(&b).unwrap();
    assert!(text.contains(r#""code":"N""#));
    assert!(!text.contains(r#""code":"Y""#));
}

#[test]
fn the_bundle_is_reproducible_and_its_ids_follow_its_content() {
    let args = ["assess", "--format", "fhir", "--yes", "fever"];
    let once = Cmd::new(args).env("SOURCE_DATE_EPOCH", EPOCH).run();
    let twice = Cmd::new(args).env("SOURCE_DATE_EPOCH", EPOCH).run();
    assert_eq!(once.stdout, twice.stdout);
    let later = Cmd::new(args).env("SOURCE_DATE_EPOCH", "1767229200").run();
    let other = Cmd::new([
        "assess", "--format", "fhir", "--yes", "fever", "--age", "30",
    ])
    .env("SOURCE_DATE_EPOCH", EPOCH)
    .run();
    let id = |s: &str| serde_json::from_str::<Value>(s).unwrap()["id"].clone();
    assert_ne!(id(&once.stdout), id(&later.stdout));
    assert_ne!(id(&once.stdout), id(&other.stdout));
    let v: Value = serde_json::from_str(&later.stdout).unwrap();
    assert_eq!(v["timestamp"], "2026-01-01T01:00:00Z");
}

#[test]
fn the_docs_examples_are_what_the_binary_writes() {
    let dir = root().join("docs/fhir");
    let q = std::fs::read_to_string(dir.join("questionnaire.json")).unwrap();
    assert_eq!(
        q,
        Cmd::new(["rules", "export", "fhir"]).run().stdout,
        "docs/fhir/questionnaire.json is stale: run .ci/fhir-examples.sh docs/fhir"
    );
    let list = std::fs::read_to_string(dir.join("examples.txt")).unwrap();
    let mut n = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, args) = line.split_once(':').unwrap();
        let mut all = vec!["assess", "--format", "fhir"];
        all.extend(args.split_whitespace());
        let fresh = Cmd::new(&all).env("SOURCE_DATE_EPOCH", EPOCH).run();
        let committed = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        assert_eq!(
            committed, fresh.stdout,
            "docs/fhir/{name}.json is stale: run .ci/fhir-examples.sh docs/fhir"
        );
        n += 1;
    }
    assert!(n >= 3, "the examples list has {n} bundles");
}

#[test]
fn the_interview_saves_a_fhir_bundle_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("visit.json");
    let out = Cmd::new([
        "interview",
        "--save",
        path.to_str().unwrap(),
        "--save-format",
        "fhir",
    ])
    .stdin(format!("1\n3\n34\n0\n0\n0\n0\n0\n{}", "0\n".repeat(20)))
    .env("SOURCE_DATE_EPOCH", EPOCH)
    .run();
    out.success();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(b["resourceType"], "Bundle");
    let qr = resource(&b, "QuestionnaireResponse");
    let mut answered = BTreeMap::new();
    items(&qr["item"], None, &mut answered);
    assert_eq!(answered["age"].1["answer"][0]["valueDecimal"], 34.0);
    assert_eq!(
        answered["lower_back_pain"].1["answer"][0]["valueCoding"]["code"],
        "Y"
    );
    // Without --save-format the file is the markdown summary, as before.
    let md = dir.path().join("summary.md");
    Cmd::new(["interview", "--save", md.to_str().unwrap()])
        .stdin(format!("1\n3\n34\n0\n0\n0\n0\n0\n{}", "0\n".repeat(20)))
        .run()
        .success();
    assert!(std::fs::read_to_string(&md).unwrap().starts_with("# "));
}

#[test]
fn fhir_is_refused_where_it_does_not_fit() {
    Cmd::new(["interview", "--save-format", "fhir"])
        .run()
        .clap_usage_error(&["--save"]);
    Cmd::new(["assess", "--batch", "-", "--format", "fhir"])
        .run()
        .usage_error("--batch writes JSON Lines only");
    Cmd::new(["rules", "export", "hl7"])
        .run()
        .clap_usage_error(&["fhir"]);
}
