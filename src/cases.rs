//! `rules test`: clinical case files run against a rule base, like a test
//! runner. One line per failure, then `N passed, N failed`.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::sanitize::escape_controls;
use crate::triage::answers::{Answers, RawAnswer};
use crate::triage::load;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::{AdviceKind, Urgency};
use crate::triage::{self, Assessment};

/// One clinical case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    /// Where the expectation comes from (free text for people, not checked).
    #[allow(dead_code)]
    #[serde(default)]
    pub source: Option<String>,
    #[serde(deserialize_with = "ordered_map")]
    pub answers: Vec<(String, CaseValue)>,
    pub expect: Expect,
}

/// What a case expects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// One level or a list of acceptable levels.
    #[serde(deserialize_with = "one_or_many")]
    pub urgency: Vec<Urgency>,
    /// At least one of these must be among the top causes.
    #[serde(default)]
    pub top_causes: Option<Vec<String>>,
    /// Each of these red flags must fire.
    #[serde(default)]
    pub red_flags: Option<Vec<String>>,
}

/// An answer in a case file: `yes`, `no`, `unknown`, a boolean or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseValue {
    Word(String),
    Bool(bool),
    Number(f64),
}

impl CaseValue {
    /// The answer as the validation code takes it.
    pub fn raw(&self) -> RawAnswer<'_> {
        match self {
            CaseValue::Word(w) => RawAnswer::Word(w),
            CaseValue::Bool(b) => RawAnswer::Bool(*b),
            CaseValue::Number(x) => RawAnswer::Number(*x),
        }
    }
}

impl<'de> Deserialize<'de> for CaseValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CaseValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("yes, no, unknown, true, false or a number")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<CaseValue, E> {
                Ok(CaseValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CaseValue, E> {
                Ok(CaseValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CaseValue, E> {
                Ok(CaseValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CaseValue, E> {
                Ok(CaseValue::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CaseValue, E> {
                Ok(CaseValue::Word(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A map read in file order (duplicate keys are the answer checker's business).
fn ordered_map<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, CaseValue)>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(String, CaseValue)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of finding ids to answers")
        }
        fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut list = Vec::new();
            while let Some(entry) = map.next_entry::<String, CaseValue>()? {
                list.push(entry);
            }
            Ok(list)
        }
    }
    d.deserialize_map(V)
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Urgency>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Urgency),
        Many(Vec<Urgency>),
    }
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(u)) => Ok(vec![u]),
        Ok(OneOrMany::Many(list)) if !list.is_empty() => Ok(list),
        Ok(OneOrMany::Many(_)) => Err(de::Error::custom("urgency list is empty")),
        Err(_) => Err(de::Error::custom(
            "urgency must be emergency, urgent, doctor or self_care, or a list of them",
        )),
    }
}

/// Counts of a test run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
}

/// Reads a case file: a regular file of at most `load::MAX_FILE_BYTES`,
/// nested at most `load::MAX_YAML_DEPTH` deep, like a rule file.
pub fn read_file(path: &Path) -> Result<Vec<Case>, String> {
    let shown = path.display().to_string();
    let text = load::read_text(path, "a case file").map_err(|m| format!("{shown}: {m}"))?;
    load::check_nesting(&shown, &text).map_err(|p| p.to_string())?;
    serde_yaml::from_str::<Vec<Case>>(&text)
        .map_err(|e| load::yaml_problem(&path.display().to_string(), &e).to_string())
}

/// The answers of a case, validated like any other answers.
pub fn answers_of(rb: &RuleBase, case: &Case) -> Result<Answers, String> {
    let mut answers = Answers::new(rb);
    for (id, value) in &case.answers {
        answers
            .set_by_id(rb, id, value.raw())
            .map_err(|e| e.to_string())?;
    }
    answers.settle_disagreements(rb);
    Ok(answers)
}

/// What went wrong with one case, or `None` when it passed.
pub fn judge(rb: &RuleBase, case: &Case, a: &Assessment) -> Option<String> {
    let mut problems = Vec::new();
    if !case.expect.urgency.contains(&a.urgency) {
        let expected: Vec<&str> = case.expect.urgency.iter().map(|u| u.as_str()).collect();
        problems.push(format!(
            "expected urgency {}, got {}",
            expected.join(" or "),
            a.urgency
        ));
    }
    let top: Vec<&str> = a
        .causes
        .iter()
        .take(rb.settings.top_causes)
        .map(|c| rb.causes[usize::from(c.cause)].id.as_str())
        .collect();
    if let Some(wanted) = &case.expect.top_causes
        && !wanted.iter().any(|w| top.contains(&w.as_str()))
    {
        problems.push(format!(
            "expected one of [{}] among the top {} causes, got [{}]",
            wanted.join(", "),
            rb.settings.top_causes,
            top.join(", ")
        ));
    }
    if let Some(wanted) = &case.expect.red_flags {
        let fired: Vec<&str> = a
            .red_flags
            .iter()
            .map(|f| rb.red_flags[usize::from(f.flag)].id.as_str())
            .collect();
        let missing: Vec<&str> = wanted
            .iter()
            .map(String::as_str)
            .filter(|w| !fired.contains(w))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "expected red flag(s) [{}] to fire, fired [{}]",
                missing.join(", "),
                fired.join(", ")
            ));
        }
    }
    if let Some(missing) = missing_advice(rb, a) {
        problems.push(missing);
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Every case, whatever it expects: a self-care result must carry self-care
/// advice, and a doctor or urgent result advice for until the person is
/// seen. (An emergency's advice is its red flag's message.)
fn missing_advice(rb: &RuleBase, a: &Assessment) -> Option<String> {
    let (wanted, words) = match a.urgency {
        Urgency::SelfCare => (AdviceKind::SelfCare, "self-care advice"),
        Urgency::Doctor | Urgency::Urgent => (AdviceKind::UntilSeen, "advice for until seen"),
        Urgency::Emergency => return None,
    };
    let has = a
        .advice
        .iter()
        .any(|&i| rb.advice[usize::from(i)].kind == wanted);
    (!has).then(|| format!("a {} result carries no {words}", a.urgency))
}

/// Ids in a case's expectations that the rule base does not know.
fn unknown_expected(rb: &RuleBase, case: &Case) -> Option<String> {
    let mut unknown = Vec::new();
    for id in case.expect.top_causes.iter().flatten() {
        if !rb.causes.iter().any(|c| &c.id == id) {
            unknown.push(format!("unknown cause `{id}`"));
        }
    }
    for id in case.expect.red_flags.iter().flatten() {
        if !rb.red_flags.iter().any(|r| &r.id == id) {
            unknown.push(format!("unknown red flag `{id}`"));
        }
    }
    (!unknown.is_empty()).then(|| unknown.join("; "))
}

/// Runs case files, writing one line per failure and a summary line.
pub fn run_files(
    rb: &RuleBase,
    files: &[PathBuf],
    out: &mut impl Write,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    for path in files {
        let cases = match read_file(path) {
            Ok(cases) => cases,
            Err(message) => {
                writeln!(out, "FAIL {}", escape_controls(&message))?;
                summary.failed += 1;
                continue;
            }
        };
        for case in &cases {
            let verdict = match (answers_of(rb, case), unknown_expected(rb, case)) {
                (Err(e), _) => Some(format!("bad answers: {e}")),
                (_, Some(e)) => Some(format!("bad expectation: {e}")),
                (Ok(answers), None) => judge(rb, case, &triage::assess(rb, &answers)),
            };
            match verdict {
                None => summary.passed += 1,
                Some(why) => {
                    summary.failed += 1;
                    // Names, ids and answers come from the case file.
                    let line = format!("{}: {}: {why}", path.display(), case.name);
                    writeln!(out, "FAIL {}", escape_controls(&line))?;
                }
            }
        }
    }
    writeln!(out, "{} passed, {} failed", summary.passed, summary.failed)?;
    Ok(summary)
}
