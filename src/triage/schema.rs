//! The rule base as written in `rules/*.yaml`: one serde type per file.
//!
//! These types only describe the shape of the files. Whether the content makes
//! sense (ids exist, sources are named, red flags can be asked) is `check`'s job.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::triage::condition::Condition;

/// The only `schema_version` this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// How urgently someone should act, from least to most urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    SelfCare,
    Doctor,
    Urgent,
    Emergency,
}

impl Urgency {
    /// Every level, most urgent first.
    pub const ALL: [Urgency; 4] = [
        Urgency::Emergency,
        Urgency::Urgent,
        Urgency::Doctor,
        Urgency::SelfCare,
    ];

    /// Every level, least urgent first: in [`Urgency::index`] order, for
    /// building tables by level.
    pub const BY_INDEX: [Urgency; 4] = [
        Urgency::SelfCare,
        Urgency::Doctor,
        Urgency::Urgent,
        Urgency::Emergency,
    ];

    /// Its place from least urgent (0) to most (3), for tables by level.
    pub fn index(self) -> usize {
        match self {
            Urgency::SelfCare => 0,
            Urgency::Doctor => 1,
            Urgency::Urgent => 2,
            Urgency::Emergency => 3,
        }
    }

    /// The id used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::SelfCare => "self_care",
            Urgency::Doctor => "doctor",
            Urgency::Urgent => "urgent",
            Urgency::Emergency => "emergency",
        }
    }
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A citation: a source id, optionally with the passage it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRef {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl<'de> Deserialize<'de> for SourceRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RefVisitor;
        impl<'de> Visitor<'de> for RefVisitor {
            type Value = SourceRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a source id, or a map `{id: ..., section: ...}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SourceRef, E> {
                Ok(SourceRef {
                    id: v.to_owned(),
                    section: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SourceRef, A::Error> {
                let mut id = None;
                let mut section = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "id" if id.is_none() => id = Some(map.next_value::<String>()?),
                        "section" if section.is_none() => {
                            section = Some(map.next_value::<String>()?)
                        }
                        "id" | "section" => {
                            return Err(de::Error::custom(format!("duplicate key `{key}`")));
                        }
                        other => return Err(de::Error::unknown_field(other, &["id", "section"])),
                    }
                }
                let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(SourceRef { id, section })
            }
        }
        deserializer.deserialize_any(RefVisitor)
    }
}

/// `sources.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    pub schema_version: u32,
    pub sources: Vec<Source>,
}

/// Whether a source is one of the project's documents or a clinical guideline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Document,
    Guideline,
}

/// A document or guideline that rules draw on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub covers: String,
}

/// `findings.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingsFile {
    pub schema_version: u32,
    pub findings: Vec<Finding>,
}

/// Whether a finding is answered yes/no or with a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    #[default]
    YesNo,
    Number,
}

impl FindingKind {
    /// The id used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::YesNo => "yes_no",
            FindingKind::Number => "number",
        }
    }
}

/// Something the tool can ask or be told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub label: String,
    pub question: String,
    pub help: String,
    #[serde(default)]
    pub kind: FindingKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Present on a group: the findings it screens for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<String>>,
    /// A rough chance that a person with back pain has this finding. Used
    /// only to order cause questions; it never changes a score or urgency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior: Option<f64>,
    /// When this holds, the interview asks this finding (after the warning
    /// signs) even if no score would change: for splits the guidelines
    /// require, such as asking about sciatica whenever a leg is involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_when: Option<Condition>,
    /// For a number: how a result says it, `{value}` standing for the
    /// number ("pain for {value} days").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
}

/// `derived.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedFile {
    pub schema_version: u32,
    pub derived: Vec<Derived>,
}

/// A fact concluded from findings, never asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    pub id: String,
    pub label: String,
    pub when: Condition,
    pub sources: Vec<SourceRef>,
}

/// `red_flags.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlagsFile {
    pub schema_version: u32,
    pub red_flags: Vec<RedFlag>,
}

/// A warning sign: a hard rule that sets the urgency when it fires.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    pub id: String,
    pub title: String,
    pub urgency: Urgency,
    pub when: Condition,
    pub message: String,
    #[serde(default)]
    pub causes: Vec<String>,
    pub sources: Vec<SourceRef>,
}

/// `causes.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CausesFile {
    pub schema_version: u32,
    pub causes: Vec<Cause>,
}

/// A possible cause of the pain, with the evidence for and against it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    pub id: String,
    pub name: String,
    pub description: String,
    pub urgency: Urgency,
    /// When given, the cause's urgency counts only when this holds too: what
    /// the guidelines name (a duration, a progressive pattern, an objective
    /// sign), so that risk factors alone never send someone to a doctor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency_when: Option<Condition>,
    pub support: Vec<Evidence>,
    #[serde(default)]
    pub against: Vec<Evidence>,
    #[serde(default)]
    pub confirm: Vec<String>,
    #[serde(default)]
    pub treatments: Vec<String>,
    pub sources: Vec<SourceRef>,
}

/// One piece of evidence: a condition and its certainty factor.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub when: Condition,
    pub weight: f64,
}

/// `advice.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceFile {
    pub schema_version: u32,
    pub advice: Vec<Advice>,
}

/// What kind of help an advice item gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdviceKind {
    SelfCare,
    Exercise,
    Prevention,
    SafetyNet,
    /// What to do until a doctor sees you (doctor and urgent results).
    UntilSeen,
}

impl AdviceKind {
    /// The id used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AdviceKind::SelfCare => "self_care",
            AdviceKind::Exercise => "exercise",
            AdviceKind::Prevention => "prevention",
            AdviceKind::SafetyNet => "safety_net",
            AdviceKind::UntilSeen => "until_seen",
        }
    }
}

/// Self-care, an exercise, prevention, or the safety net.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    pub id: String,
    pub kind: AdviceKind,
    pub title: String,
    /// One short line for the result's first screen.
    pub summary: String,
    pub text: String,
    #[serde(default)]
    pub steps: Vec<String>,
    /// Given with every result of its level (the core self-care).
    #[serde(default)]
    pub core: bool,
    #[serde(default)]
    pub for_causes: Vec<String>,
    /// Given only when this holds (for example an exercise for the lower back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoid_when: Option<Condition>,
    pub sources: Vec<SourceRef>,
}

/// `settings.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    pub schema_version: u32,
    pub settings: Settings,
}

/// Thresholds, the interview's opening, and the fixed texts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub opening: Vec<String>,
    pub max_questions: usize,
    pub top_causes: usize,
    pub strong_support: f64,
    pub advice_min_score: f64,
    /// How likely a finding without its own `prior` is to be present before
    /// any cause points to it.
    pub question_base_rate: f64,
    /// The least chance, from 0 to 1, that a cause question's answer changes
    /// the urgency or the top causes, for the question to be worth asking.
    pub min_question_value: f64,
    /// How many advice items the result's first screen shows (the rest
    /// with `--details`).
    pub advice_shown: usize,
    /// The least score for a cause to be called "most likely", and
    /// "possible"; below it is "less likely".
    pub likelihood: Likelihood,
    pub disclaimer: String,
    /// The disclaimer and the emergency numbers in one line, for the first
    /// screen.
    pub short_disclaimer: String,
    pub emergency_note: String,
    pub urgency: UrgencyTexts,
    /// The headline when a serious warning sign was not checked.
    pub not_finished: Headline,
}

/// Where the words for a cause's likelihood begin.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Likelihood {
    pub most_likely: f64,
    pub possible: f64,
}

/// A title and what to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headline {
    pub title: String,
    pub action: String,
}

/// What each urgency level is called and asks a person to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgencyTexts {
    pub emergency: LevelText,
    pub urgent: LevelText,
    pub doctor: LevelText,
    pub self_care: LevelText,
}

impl UrgencyTexts {
    /// The texts of one level.
    pub fn get(&self, level: Urgency) -> &LevelText {
        match level {
            Urgency::Emergency => &self.emergency,
            Urgency::Urgent => &self.urgent,
            Urgency::Doctor => &self.doctor,
            Urgency::SelfCare => &self.self_care,
        }
    }
}

/// The words of one urgency level.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelText {
    /// The banner: "See a doctor today".
    pub title: String,
    /// What to do now, in a sentence.
    pub action: String,
    /// The level as an action, where a list names it ("see a doctor today").
    pub label: String,
    /// When to get help sooner than this level says.
    pub sooner: String,
}

/// All the files of one rule base, parsed.
#[derive(Debug, Clone)]
pub struct RuleFiles {
    pub sources: SourcesFile,
    pub findings: FindingsFile,
    pub derived: DerivedFile,
    pub red_flags: RedFlagsFile,
    pub causes: CausesFile,
    pub advice: AdviceFile,
    pub settings: SettingsFile,
    pub messages: MessagesFile,
}

/// `messages.yaml`: the words of the interview and the result screen that do
/// not belong to a rule, keyed by id, and the words the prompt understands.
/// A translation of the tool is this file plus the texts of the rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagesFile {
    pub schema_version: u32,
    pub interview: InterviewText,
    pub result: ResultText,
    pub fhir: FhirText,
    pub words: Words,
}

/// The prose of the FHIR output. `{name}` marks a value filled in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FhirText {
    /// A checklist's own question, for when which item applies is not known.
    pub group_answer: String,
    /// What the RiskAssessment is.
    pub assessment: String,
    /// Who the RiskAssessment is about.
    pub subject: String,
    /// `{tool}`, `{rules}`.
    pub made_by: String,
    /// `{group}`.
    pub possible_flag: String,
    /// `{flags}`.
    pub not_checked: String,
    pub score_note: String,
}

/// The interview's messages. `{name}` marks a value filled in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewText {
    pub title: String,
    pub help_hint: String,
    /// `{number}`, `{total}`.
    pub progress: String,
    pub emergency_stop: String,
    pub input_ended: String,
    pub hint_checklist: String,
    pub hint_days: String,
    pub hint_years: String,
    pub hint_number: String,
    pub hint_yes_no: String,
    pub how_checklist: String,
    pub how_number: String,
    pub how_yes_no: String,
    pub commands: String,
    /// `{hint}`.
    pub not_understood: String,
    /// `{word}`.
    pub did_you_mean: String,
    pub no_earlier_answer: String,
    /// `{answer}`, `{question}`.
    pub went_back: String,
    pub picked_none: String,
    /// `{label}`.
    pub picked_unsure: String,
    pub which_ones: String,
    /// A checklist answered "yes", then none.
    pub yes_then_none: String,
    /// `{kib}`, `{hint}`: an answer line too long to read.
    pub too_long: String,
    /// `{hint}`: an answer line that is not UTF-8.
    pub not_text: String,
    /// `{why}`: the interview stops before its end.
    pub stopped: String,
    /// `{mib}`: a line with no end in sight.
    pub endless: String,
    /// `{error}`: the input could not be read.
    pub unreadable: String,
    /// `{item}`, `{count}`.
    pub no_such_item: String,
    /// `{range}`, `{value}`.
    pub number_out_of_range: String,
    /// `{min}`, `{max}`.
    pub range: String,
    pub why_flags: String,
    pub why_causes: String,
    pub why_nothing: String,
    /// `{level}`, `{sources}`.
    pub why_item: String,
    pub details_prompt: String,
    /// `{path}`.
    pub saved: String,
}

/// The result screen's messages. `{name}` marks a value filled in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultText {
    /// `{reason}`.
    pub why: String,
    /// `{flag}`, `{signs}`.
    pub why_flag: String,
    /// `{group}`.
    pub why_possible: String,
    /// `{sign}`.
    pub likely_sign: String,
    /// `{group}`, `{id}`: a group answered yes with every sign in it no.
    pub group_disagrees: String,
    /// `{cause}`, `{signs}`.
    pub why_cause: String,
    pub why_nothing_found: String,
    /// `{cause}`, `{signs}`.
    pub why_self_care: String,
    pub while_you_wait: String,
    /// `{signs}`, `{age}`.
    pub tell_handler: String,
    /// `{age}`.
    pub tell_age: String,
    pub what_to_do: String,
    pub until_seen: String,
    pub exercises: String,
    pub get_help_sooner: String,
    pub when_to_see_doctor: String,
    pub most_likely: String,
    pub possible: String,
    pub less_likely: String,
    /// `{count}`.
    pub other_signs: String,
    /// `{count}`.
    pub not_checked_count: String,
    pub not_checked_emergency: String,
    pub not_checked_urgent: String,
    /// `{count}`.
    pub and_more: String,
    /// `{level}`.
    pub so_far: String,
    pub details_hint: String,
    pub warning_signs_found: String,
    pub possible_flag: String,
    pub likely_causes: String,
    pub why_cause_label: String,
    pub against_label: String,
    pub advice_heading: String,
    pub not_while: String,
    pub not_checked_heading: String,
    pub not_checked_text: String,
    pub how_decided: String,
    pub not_sure: String,
    pub report_title: String,
    /// `{tool}`, `{rules}`, `{date}`.
    pub report_prepared: String,
    pub report_urgency: String,
    pub report_findings: String,
    pub report_present: String,
    pub report_absent: String,
    pub report_unsure: String,
    pub report_not_asked: String,
    pub report_answers: String,
    pub report_question: String,
    pub report_answer: String,
    pub report_said: String,
    pub report_no_answers: String,
    pub report_warning_signs: String,
    pub report_none_found: String,
    pub report_not_checked: String,
    pub report_causes: String,
    pub report_no_cause: String,
    pub report_doctor_may: String,
    pub report_treatments: String,
    pub report_advice: String,
    pub report_sources: String,
}

/// The words the interview's prompt understands (lower case).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub yes: Vec<String>,
    pub no: Vec<String>,
    pub unsure: Vec<String>,
    pub none: Vec<String>,
    pub why: Vec<String>,
    pub back: Vec<String>,
    pub help: Vec<String>,
    pub quit: Vec<String>,
    /// Words before a count that can be dropped ("about", "for").
    pub filler: Vec<String>,
    /// "and" between checklist numbers.
    pub and: Vec<String>,
    pub today: Vec<String>,
    pub yesterday: Vec<String>,
    pub day: Vec<String>,
    pub week: Vec<String>,
    pub month: Vec<String>,
    pub year: Vec<String>,
    /// Counts said as words: `{word: value}` ("a couple of": 2, "a": 1).
    pub counts: Vec<CountWord>,
    /// Number words 0 to 19, in order.
    pub ones: Vec<String>,
    /// Number words 20, 30, ... 90, in order.
    pub tens: Vec<String>,
    pub hundred: String,
}

/// A phrase that stands for a count ("a couple of" = 2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountWord {
    pub words: String,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::Urgency;

    #[test]
    fn by_index_lists_each_level_at_its_index() {
        for (i, u) in Urgency::BY_INDEX.into_iter().enumerate() {
            assert_eq!(u.index(), i, "{u:?}");
        }
    }
}
