//! FHIR R4 (4.0.1) JSON: the interview as a `Questionnaire` (from a
//! [`FormView`]), and an assessment as a `Bundle` of type `collection`
//! holding a `QuestionnaireResponse` (the answers) and a `RiskAssessment`
//! (the urgency, the warning signs and the likely causes, with the
//! disclaimer and the emergency note as notes), from a [`View`].
//!
//! "Don't know" stays unknown: a yes/no answer is coded yes, no or
//! "asked but unknown" (never no), and a number not known is an answer
//! whose value is absent for that reason. Ids are derived from the content
//! and the time, so the same answers at the same `SOURCE_DATE_EPOCH` give
//! byte-identical output.
//!
//! The codes and addresses here are FHIR's and HL7's own; every sentence a
//! person reads comes from the view (the rule base's messages and settings).

use serde::Serialize;

use crate::output::form::{FormItem, FormView};
use crate::output::view::{QuestionKind, View, fill, labels, said};
use crate::triage::answers::Answer;
use crate::triage::assess::Headline;

/// Where the canonical addresses of backtriage's FHIR artefacts start.
pub const BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/fhir");

/// The questionnaire's id (and the last part of its canonical address).
pub const QUESTIONNAIRE_ID: &str = "backtriage-interview";

/// The yes/no/don't-know codes, as HL7's expanded yes/no value set (v2
/// table 0532) takes them from two code systems.
const YES_NO: &str = "http://terminology.hl7.org/CodeSystem/v2-0136";
const NULL_FLAVOR: &str = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";
const UCUM: &str = "http://unitsofmeasure.org";
const EXT_MIN: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
const EXT_MAX: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
const EXT_UNIT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
const EXT_ITEM_CONTROL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
const ITEM_CONTROL: &str = "http://hl7.org/fhir/questionnaire-item-control";
const EXT_ABSENT: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

/// The canonical address of the questionnaire.
pub fn questionnaire_url() -> String {
    format!("{BASE}/Questionnaire/{QUESTIONNAIRE_ID}")
}

/// The questionnaire's (and a response's) version: the tool's, with the
/// rule base's as build metadata, since both decide the questions.
fn version(tool: &str, rules: &str) -> String {
    format!("{tool}+rules.{rules}")
}

#[derive(Serialize, Clone)]
struct Coding {
    system: String,
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

impl Coding {
    fn new(system: &str, code: &str, display: &str) -> Coding {
        Coding {
            system: system.to_owned(),
            code: code.to_owned(),
            display: Some(display.to_owned()),
        }
    }
}

#[derive(Serialize)]
struct Concept {
    coding: Vec<Coding>,
    text: String,
}

impl Concept {
    /// A code of one of backtriage's code systems (`{BASE}/CodeSystem/{system}`).
    fn ours(system: &str, code: &str, text: &str) -> Concept {
        Concept {
            coding: vec![Coding::new(
                &format!("{BASE}/CodeSystem/{system}"),
                code,
                text,
            )],
            text: text.to_owned(),
        }
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Extension {
    url: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_decimal: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_coding: Option<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_codeable_concept: Option<Concept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_code: Option<&'static str>,
}

/// A yes/no/don't-know answer as a coding.
fn answer_coding(a: Answer) -> Option<Coding> {
    match a {
        Answer::Yes => Some(Coding::new(YES_NO, "Y", "Yes")),
        Answer::No => Some(Coding::new(YES_NO, "N", "No")),
        Answer::Unknown => Some(Coding::new(NULL_FLAVOR, "ASKU", "asked but unknown")),
        Answer::Number(_) => None,
    }
}

/// A unit of the rule base as UCUM writes it, where it is one UCUM names.
fn ucum(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "years" | "year" => "a",
        "months" | "month" => "mo",
        "weeks" | "week" => "wk",
        "days" | "day" => "d",
        "hours" | "hour" => "h",
        _ => return None,
    })
}

// --- Questionnaire --------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Questionnaire {
    resource_type: &'static str,
    id: &'static str,
    url: String,
    version: String,
    name: &'static str,
    title: String,
    status: &'static str,
    subject_type: [&'static str; 1],
    description: String,
    contained: [ValueSet; 1],
    item: Vec<QItem>,
}

/// The answers of every yes/no question, held once in the questionnaire.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValueSet {
    resource_type: &'static str,
    id: &'static str,
    status: &'static str,
    compose: Compose,
}

#[derive(Serialize)]
struct Compose {
    include: Vec<Include>,
}

#[derive(Serialize)]
struct Include {
    system: &'static str,
    concept: Vec<Concept1>,
}

/// A code of a value set.
#[derive(Serialize)]
struct Concept1 {
    code: &'static str,
    display: &'static str,
}

/// The id of the contained yes/no/unknown value set.
const YES_NO_UNKNOWN: &str = "yes-no-unknown";

fn yes_no_unknown_set() -> ValueSet {
    ValueSet {
        resource_type: "ValueSet",
        id: YES_NO_UNKNOWN,
        status: "active",
        compose: Compose {
            include: vec![
                Include {
                    system: YES_NO,
                    concept: vec![
                        Concept1 {
                            code: "Y",
                            display: "Yes",
                        },
                        Concept1 {
                            code: "N",
                            display: "No",
                        },
                    ],
                },
                Include {
                    system: NULL_FLAVOR,
                    concept: vec![Concept1 {
                        code: "ASKU",
                        display: "asked but unknown",
                    }],
                },
            ],
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QItem {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
    link_id: String,
    text: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_value_set: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<QItem>,
}

fn yes_no_unknown() -> Option<String> {
    Some(format!("#{YES_NO_UNKNOWN}"))
}

fn display(link_id: String, text: &str, extension: Vec<Extension>) -> QItem {
    QItem {
        extension,
        link_id,
        text: text.to_owned(),
        kind: "display",
        answer_value_set: None,
        item: Vec::new(),
    }
}

/// A finding's help, shown by a form as help for its question.
fn help(item: &FormItem<'_>) -> Option<QItem> {
    (!item.help.is_empty()).then(|| {
        let control = Concept {
            coding: vec![Coding::new(ITEM_CONTROL, "help", "Help-Button")],
            text: "Help-Button".to_owned(),
        };
        display(
            format!("{}.help", item.id),
            item.help,
            vec![Extension {
                url: EXT_ITEM_CONTROL,
                value_codeable_concept: Some(control),
                ..Extension::default()
            }],
        )
    })
}

fn question(item: &FormItem<'_>, group_answer: &str) -> QItem {
    let mut children: Vec<QItem> = help(item).into_iter().collect();
    let mut extension = Vec::new();
    let (kind, answer_value_set) = match item.kind {
        QuestionKind::Checklist => {
            children.extend(item.members.iter().map(|m| question(m, group_answer)));
            // The checklist's own answer: "one of these applies" without
            // saying which is a warning sign not ruled out.
            children.push(QItem {
                extension: Vec::new(),
                link_id: format!("{}.any", item.id),
                text: group_answer.to_owned(),
                kind: "choice",
                answer_value_set: yes_no_unknown(),
                item: Vec::new(),
            });
            ("group", None)
        }
        QuestionKind::YesNo => ("choice", yes_no_unknown()),
        QuestionKind::Number => {
            for (url, bound) in [(EXT_MIN, item.min), (EXT_MAX, item.max)] {
                if let Some(x) = bound {
                    extension.push(Extension {
                        url,
                        value_decimal: Some(x),
                        ..Extension::default()
                    });
                }
            }
            if let Some(unit) = item.unit {
                extension.push(Extension {
                    url: EXT_UNIT,
                    value_coding: Some(match ucum(unit) {
                        Some(code) => Coding::new(UCUM, code, unit),
                        None => Coding {
                            system: UCUM.to_owned(),
                            code: unit.to_owned(),
                            display: None,
                        },
                    }),
                    ..Extension::default()
                });
            }
            ("decimal", None)
        }
    };
    QItem {
        extension,
        link_id: item.id.to_owned(),
        text: item.question.to_owned(),
        kind,
        answer_value_set,
        item: children,
    }
}

/// The interview as a FHIR R4 `Questionnaire`, pretty JSON with a newline.
///
/// Every finding is an item whose `linkId` is its id, in the rule base's
/// order; a checklist is a `group` item holding its items, then its own
/// question (`{id}.any`). Yes/no questions are `choice` items answered yes,
/// no or "asked but unknown" (a value set contained once); numbers are `decimal` with their range and
/// unit. The disclaimer and emergency note come first, as a display item.
pub fn questionnaire(form: &FormView<'_>) -> serde_json::Result<String> {
    let notice = format!("{} {}", form.disclaimer, form.emergency_note);
    let mut item = vec![display("backtriage.notice".to_owned(), &notice, Vec::new())];
    item.extend(form.items.iter().map(|i| question(i, form.group_answer)));
    let q = Questionnaire {
        resource_type: "Questionnaire",
        id: QUESTIONNAIRE_ID,
        url: questionnaire_url(),
        version: version(form.tool_version, form.rules_version),
        name: "BacktriageInterview",
        title: form.title.to_owned(),
        status: "active",
        subject_type: ["Patient"],
        description: format!("{}\n\n{}", form.disclaimer, form.emergency_note),
        contained: [yes_no_unknown_set()],
        item,
    };
    serde_json::to_string_pretty(&q).map(|s| s + "\n")
}

// --- Bundle -----------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    resource_type: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    entry: Vec<Entry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    full_url: String,
    resource: Resource,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Resource {
    Response(QuestionnaireResponse),
    Risk(Box<RiskAssessment>),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QuestionnaireResponse {
    resource_type: &'static str,
    id: String,
    questionnaire: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    authored: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<RItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RItem {
    link_id: String,
    text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answer: Vec<RAnswer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<RItem>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct RAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    value_coding: Option<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_decimal: Option<f64>,
    /// A number not known: the value is absent, and the extension says why.
    #[serde(rename = "_valueDecimal", skip_serializing_if = "Option::is_none")]
    absent_decimal: Option<Absent>,
}

#[derive(Serialize)]
struct Absent {
    extension: [Extension; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RiskAssessment {
    resource_type: &'static str,
    id: String,
    status: &'static str,
    code: Concept,
    subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurrence_date_time: Option<String>,
    performer: Reference,
    basis: [Reference; 1],
    prediction: Vec<Prediction>,
    mitigation: String,
    note: Vec<Note>,
}

#[derive(Serialize, Default)]
struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Prediction {
    outcome: Concept,
    #[serde(skip_serializing_if = "Option::is_none")]
    probability_decimal: Option<f64>,
    rationale: String,
}

#[derive(Serialize)]
struct Note {
    text: String,
}

/// An answer as a response item's answer. "Don't know" to a number is an
/// answer without a value, saying why it is absent.
fn response_answer(kind: QuestionKind, a: Answer) -> RAnswer {
    match (kind, a) {
        (QuestionKind::Number, Answer::Unknown) => RAnswer {
            absent_decimal: Some(Absent {
                extension: [Extension {
                    url: EXT_ABSENT,
                    value_code: Some("asked-unknown"),
                    ..Extension::default()
                }],
            }),
            ..RAnswer::default()
        },
        (_, Answer::Number(x)) => RAnswer {
            value_decimal: Some(x),
            ..RAnswer::default()
        },
        (_, a) => RAnswer {
            value_coding: answer_coding(a),
            ..RAnswer::default()
        },
    }
}

/// The answers as response items, nested as the questionnaire nests them:
/// a checklist's items inside its group, its own answer after them. Only
/// what was answered is there.
fn response_items(view: &View<'_>, group_answer: &str) -> Vec<RItem> {
    struct Group {
        id: String,
        text: String,
        members: Vec<RItem>,
        own: Option<RItem>,
    }
    enum Top {
        Item(RItem),
        Group(Group),
    }
    let mut top: Vec<Top> = Vec::new();
    for line in &view.answers {
        let answer = response_answer(line.kind, line.value);
        let own = line.kind == QuestionKind::Checklist;
        let item = RItem {
            link_id: if own {
                format!("{}.any", line.id)
            } else {
                line.id.to_owned()
            },
            text: if own {
                group_answer.to_owned()
            } else {
                line.question.to_owned()
            },
            answer: vec![answer],
            item: Vec::new(),
        };
        let group = if own {
            Some((line.id, line.question))
        } else {
            line.group
        };
        let Some((id, text)) = group else {
            top.push(Top::Item(item));
            continue;
        };
        let at = top
            .iter()
            .position(|t| matches!(t, Top::Group(g) if g.id == id))
            .unwrap_or_else(|| {
                top.push(Top::Group(Group {
                    id: id.to_owned(),
                    text: text.to_owned(),
                    members: Vec::new(),
                    own: None,
                }));
                top.len() - 1
            });
        if let Some(Top::Group(g)) = top.get_mut(at) {
            if own {
                g.own = Some(item);
            } else {
                g.members.push(item);
            }
        }
    }
    top.into_iter()
        .map(|t| match t {
            Top::Item(item) => item,
            Top::Group(g) => RItem {
                link_id: g.id,
                text: g.text,
                answer: Vec::new(),
                item: g.members.into_iter().chain(g.own).collect(),
            },
        })
        .collect()
}

/// 64-bit FNV-1a, from a given start.
fn fnv1a(start: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(start, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A UUID (version 8: made by the application) from `seed` and a name: the
/// same content gives the same id.
fn uuid(seed: &str, name: &str) -> String {
    let text = format!("{seed}\u{0}{name}");
    let hi = fnv1a(0xcbf2_9ce4_8422_2325, text.as_bytes());
    let lo = fnv1a(0x8422_2325_cbf2_9ce4, text.as_bytes());
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// What the ids are made from: the tool, the rule base, the time and
/// every answer.
fn seed(view: &View<'_>) -> String {
    let mut seed = format!(
        "{}|{}|{}",
        view.tool_version,
        view.rules_version,
        view.meta.as_ref().map_or("", |m| m.instant.as_str())
    );
    for line in &view.answers {
        seed.push_str(&format!("|{}={}", line.id, line.value));
    }
    seed
}

fn risk_assessment(view: &View<'_>, id: String, response_url: &str) -> RiskAssessment {
    let f = view.words.fhir;
    let t = view.words.text;
    let level = view.words.level;
    let mut prediction = vec![Prediction {
        outcome: Concept::ours("urgency", view.urgency.as_str(), level.title),
        probability_decimal: None,
        rationale: view.why.clone(),
    }];
    prediction.extend(view.red_flags.iter().map(|flag| {
        let mut rationale = flag.message.to_owned();
        if flag.possible {
            rationale.push(' ');
            rationale.push_str(&fill(
                &f.possible_flag,
                &[("group", &labels(&flag.because))],
            ));
        }
        Prediction {
            outcome: Concept::ours("red-flag", flag.id, flag.title),
            probability_decimal: None,
            rationale,
        }
    }));
    prediction.extend(view.causes.iter().map(|c| {
        let mut rationale = format!("{} {}.", t.why_cause_label, said(&c.because));
        if !c.against.is_empty() {
            rationale.push_str(&format!(" {} {}.", t.against_label, said(&c.against)));
        }
        Prediction {
            outcome: Concept::ours("cause", c.id, c.name),
            probability_decimal: Some(c.score),
            rationale,
        }
    }));
    let not_finished = matches!(view.headline, Headline::NotFinished(_));
    let mut note = vec![
        Note {
            text: view.disclaimer.to_owned(),
        },
        Note {
            text: view.emergency_note.to_owned(),
        },
    ];
    if not_finished {
        note.push(Note {
            text: format!(
                "{}. {}",
                view.words.not_finished_title, view.words.not_finished_action
            ),
        });
    }
    if !view.unchecked_red_flags.is_empty() {
        let flags: Vec<&str> = view.unchecked_red_flags.iter().map(|u| u.title).collect();
        note.push(Note {
            text: fill(&f.not_checked, &[("flags", &flags.join("; "))]),
        });
    }
    note.extend(view.warnings.iter().map(|w| Note {
        text: w.message.clone(),
    }));
    if !view.causes.is_empty() {
        note.push(Note {
            text: f.score_note.clone(),
        });
    }
    RiskAssessment {
        resource_type: "RiskAssessment",
        id,
        status: if view.complete {
            "final"
        } else {
            "preliminary"
        },
        code: Concept::ours("assessment", "back-pain-triage", &f.assessment),
        subject: Reference {
            display: Some(f.subject.clone()),
            ..Reference::default()
        },
        occurrence_date_time: view.meta.as_ref().map(|m| m.instant.clone()),
        performer: Reference {
            display: Some(fill(
                &f.made_by,
                &[("tool", view.tool_version), ("rules", view.rules_version)],
            )),
            ..Reference::default()
        },
        basis: [Reference {
            reference: Some(response_url.to_owned()),
            ..Reference::default()
        }],
        prediction,
        mitigation: if not_finished {
            view.words.not_finished_action.to_owned()
        } else {
            view.action.to_owned()
        },
        note,
    }
}

/// An assessment as a FHIR R4 `Bundle` (type `collection`) of a
/// `QuestionnaireResponse` and a `RiskAssessment`, pretty JSON with a
/// newline.
pub fn render(view: &View<'_>) -> serde_json::Result<String> {
    let seed = seed(view);
    let response_id = uuid(&seed, "QuestionnaireResponse");
    let risk_id = uuid(&seed, "RiskAssessment");
    let response_url = format!("urn:uuid:{response_id}");
    let when = view.meta.as_ref().map(|m| m.instant.clone());
    let response = QuestionnaireResponse {
        resource_type: "QuestionnaireResponse",
        id: response_id,
        questionnaire: format!(
            "{}|{}",
            questionnaire_url(),
            version(view.tool_version, view.rules_version)
        ),
        status: if view.next_question.is_none() {
            "completed"
        } else {
            "in-progress"
        },
        authored: when.clone(),
        item: response_items(view, &view.words.fhir.group_answer),
    };
    let risk = risk_assessment(view, risk_id.clone(), &response_url);
    let bundle = Bundle {
        resource_type: "Bundle",
        id: uuid(&seed, "Bundle"),
        kind: "collection",
        timestamp: when,
        entry: vec![
            Entry {
                full_url: response_url,
                resource: Resource::Response(response),
            },
            Entry {
                full_url: format!("urn:uuid:{risk_id}"),
                resource: Resource::Risk(Box::new(risk)),
            },
        ],
    };
    serde_json::to_string_pretty(&bundle).map(|s| s + "\n")
}
