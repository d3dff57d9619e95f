//! The batch fast path of the JSON renderer: the fixed texts of a rule base
//! (ids, titles, messages, advice, questions) rendered as JSON once per run,
//! so writing an assessment mostly copies bytes. It writes exactly what
//! serializing the [`View`] of the same assessment writes; the test at the
//! end of this file holds the two equal over random answers.

use std::io;

use serde::Serialize;

use crate::output::view::{
    AdviceView, SCHEMA_VERSION, TOOL_VERSION, WarningView, question_view, round3, warning,
};
use crate::triage::Assessment;
use crate::triage::condition::FactId;
use crate::triage::explain::Explanation;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::Urgency;

/// A value as JSON: a string quoted and escaped (also for the compact
/// writer's fragments).
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Strings and the plain structs here always serialize; the fallback only
    // keeps this free of panics.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn fact_id_json(rb: &RuleBase, f: FactId) -> String {
    json(&rb.fact(f).id)
}

fn flag_id_json(rb: &RuleBase, r: usize) -> String {
    json(&rb.red_flags[r].id)
}

fn flag_open_json(rb: &RuleBase, r: usize) -> String {
    let flag = &rb.red_flags[r];
    format!(
        "{{\"id\":{},\"title\":{},\"urgency\":{},\"because\":[",
        json(&flag.id),
        json(&flag.title),
        json(&flag.urgency)
    )
}

fn flag_close_json(rb: &RuleBase, r: usize) -> String {
    format!("],\"message\":{}", json(&rb.red_flags[r].message))
}

fn cause_open_json(rb: &RuleBase, c: usize) -> String {
    let cause = &rb.causes[c];
    format!(
        "{{\"id\":{},\"name\":{},\"score\":",
        json(&cause.id),
        json(&cause.name)
    )
}

fn advice_json(rb: &RuleBase, i: usize) -> String {
    json(&AdviceView::of(&rb.advice[i]))
}

fn question_json(rb: &RuleBase, f: FactId, options: &[FactId]) -> String {
    json(&question_view(rb, f, options))
}

/// Whether `options` are all of a group's members: the usual checklist, which
/// batch renders once ahead.
fn all_members(rb: &RuleBase, f: FactId, options: &[FactId]) -> bool {
    rb.finding(f).is_none_or(|i| i.members == options)
}

fn head_json(rb: &RuleBase, u: Urgency) -> String {
    format!(
        "\"urgency\":{},\"action\":{},\"complete\":",
        json(&u),
        json(&rb.settings.urgency.get(u).action)
    )
}

/// `,"disclaimer":…,"emergency_note":…`: the end of every result line.
pub(crate) fn tail_json(rb: &RuleBase) -> String {
    format!(
        ",\"disclaimer\":{},\"emergency_note\":{}",
        json(&rb.settings.disclaimer),
        json(&rb.settings.emergency_note)
    )
}

/// `,"schema_version":…,"tool_version":…,"rules_version":…`: what every
/// JSON output carries last.
pub(crate) fn versions_json(rb: &RuleBase) -> String {
    format!(
        ",\"schema_version\":{SCHEMA_VERSION},\"tool_version\":{},\"rules_version\":{}",
        json(TOOL_VERSION),
        json(&rb.version)
    )
}

/// Every fixed fragment of the JSON rendered once, ahead: for a batch,
/// where each is written hundreds of thousands of times.
#[derive(Debug)]
pub struct Texts<'r> {
    rb: &'r RuleBase,
    fact_id: Vec<String>,
    flag_id: Vec<String>,
    flag_open: Vec<String>,
    flag_close: Vec<String>,
    cause_open: Vec<String>,
    advice: Vec<String>,
    question: Vec<String>,
    head: Vec<String>,
    tail: String,
    /// `,"schema_version":…,"tool_version":…,"rules_version":…`.
    versions: String,
}

impl<'r> Texts<'r> {
    /// Renders every fragment of the rule base.
    pub fn new(rb: &'r RuleBase) -> Texts<'r> {
        Texts {
            rb,
            fact_id: (0..rb.facts.len())
                .map(FactId::at)
                .map(|f| fact_id_json(rb, f))
                .collect(),
            flag_id: (0..rb.red_flags.len())
                .map(|r| flag_id_json(rb, r))
                .collect(),
            flag_open: (0..rb.red_flags.len())
                .map(|r| flag_open_json(rb, r))
                .collect(),
            flag_close: (0..rb.red_flags.len())
                .map(|r| flag_close_json(rb, r))
                .collect(),
            cause_open: (0..rb.causes.len())
                .map(|c| cause_open_json(rb, c))
                .collect(),
            advice: (0..rb.advice.len()).map(|i| advice_json(rb, i)).collect(),
            question: (0..rb.facts.len())
                .map(FactId::at)
                .map(|f| {
                    let all = rb.finding(f).map(|i| i.members.clone()).unwrap_or_default();
                    question_json(rb, f, &all)
                })
                .collect(),
            head: Urgency::BY_INDEX.map(|u| head_json(rb, u)).to_vec(),
            tail: tail_json(rb),
            versions: versions_json(rb),
        }
    }
}

impl Texts<'_> {
    fn fact_id(&self, out: &mut Vec<u8>, f: FactId) {
        out.extend_from_slice(self.fact_id[usize::from(f)].as_bytes());
    }
    fn flag_id(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(self.flag_id[r].as_bytes());
    }
    fn flag_open(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(self.flag_open[r].as_bytes());
    }
    fn flag_close(&self, out: &mut Vec<u8>, r: usize) {
        out.extend_from_slice(self.flag_close[r].as_bytes());
    }
    fn cause_open(&self, out: &mut Vec<u8>, c: usize) {
        out.extend_from_slice(self.cause_open[c].as_bytes());
    }
    fn advice(&self, out: &mut Vec<u8>, i: usize) {
        out.extend_from_slice(self.advice[i].as_bytes());
    }
    fn question(&self, out: &mut Vec<u8>, f: FactId, options: &[FactId]) {
        if all_members(self.rb, f, options) {
            out.extend_from_slice(self.question[usize::from(f)].as_bytes());
        } else {
            out.extend_from_slice(question_json(self.rb, f, options).as_bytes());
        }
    }
    fn head(&self, out: &mut Vec<u8>, level: Urgency) {
        out.extend_from_slice(self.head[level.index()].as_bytes());
    }
    fn tail(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tail.as_bytes());
    }
}

/// Writes a cause's score rounded to three decimals, byte for byte as
/// `serde_json` writes `round3(score)`: the shortest decimal that reads back
/// as the same number. Rounded, a score below 1,000 and not negative is the
/// number nearest to k/1000 for a whole k, and no decimal shorter than
/// k/1000 itself (trailing zeros cut, `.0` kept) reads back as it; any other
/// value (negative zero, too large, not a number) goes through `serde_json`.
pub(crate) fn write_score(out: &mut Vec<u8>, score: f64) -> serde_json::Result<()> {
    let thousandths = (score * 1000.0).round();
    if !(thousandths.is_sign_positive() && thousandths < 1_000_000.0) {
        return serde_json::to_writer(out, &round3(score));
    }
    let k = thousandths as u32;
    let (whole, frac) = (k / 1000, k % 1000);
    if whole >= 100 {
        out.push(digit(whole / 100));
    }
    if whole >= 10 {
        out.push(digit(whole / 10));
    }
    out.push(digit(whole));
    out.push(b'.');
    let digits = [frac / 100, frac / 10, frac];
    let len = if frac % 10 != 0 {
        3
    } else if frac % 100 != 0 {
        2
    } else {
        1
    };
    out.extend(digits[..len].iter().map(|&d| digit(d)));
    Ok(())
}

/// The last decimal digit of `n`, as a character.
fn digit(n: u32) -> u8 {
    b'0' + (n % 10) as u8
}

/// Writes `items` separated by commas, each by `write`.
fn write_list<T: Copy>(out: &mut Vec<u8>, items: &[T], mut write: impl FnMut(&mut Vec<u8>, T)) {
    for (i, &item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

/// Writes an assessment as one JSON object (no newline), byte for byte what
/// serializing its [`View`] writes (a test holds the two equal). `id` is a
/// batch line's id, the JSON text echoed as given (the caller has checked
/// it is JSON); `explanation` is added by `--explain`.
pub fn write_json(
    out: &mut Vec<u8>,
    frags: &Texts<'_>,
    a: &Assessment,
    id: Option<&str>,
    explanation: Option<&Explanation>,
) -> io::Result<()> {
    let fact = |out: &mut Vec<u8>, f: FactId| frags.fact_id(out, f);
    out.push(b'{');
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        out.extend_from_slice(id.as_bytes());
        out.push(b',');
    }
    frags.head(out, a.urgency);
    out.extend_from_slice(if a.complete {
        b"true,\"red_flags\":["
    } else {
        b"false,\"red_flags\":["
    });
    for (i, f) in a.red_flags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let r = usize::from(f.flag);
        frags.flag_open(out, r);
        write_list(out, a.facts(f.because), fact);
        frags.flag_close(out, r);
        if f.possible {
            out.extend_from_slice(b",\"possible\":true");
        }
        if let Some(m) = f.likely {
            out.extend_from_slice(b",\"likely_sign\":");
            frags.fact_id(out, m);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"unchecked_red_flags\":[");
    write_list(out, &a.unchecked_red_flags, |out, r| {
        frags.flag_id(out, usize::from(r))
    });
    out.extend_from_slice(b"],\"causes\":[");
    for (i, c) in a.causes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        frags.cause_open(out, usize::from(c.cause));
        write_score(out, c.score)?;
        out.extend_from_slice(b",\"because\":[");
        write_list(out, a.facts(c.because), fact);
        out.extend_from_slice(b"],\"against\":[");
        write_list(out, a.facts(c.against), fact);
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"advice\":[");
    write_list(out, &a.advice, |out, i| frags.advice(out, usize::from(i)));
    out.extend_from_slice(b"],\"next_question\":");
    match a.next_question {
        Some(f) => frags.question(out, f, &a.next_options),
        None => out.extend_from_slice(b"null"),
    }
    if !a.disagreements.is_empty() {
        out.extend_from_slice(b",\"warnings\":");
        let warnings: Vec<WarningView<'_>> = a
            .disagreements
            .iter()
            .map(|&g| warning(frags.rb, g))
            .collect();
        serde_json::to_writer(&mut *out, &warnings)?;
    }
    frags.tail(out);
    if let Some(explanation) = explanation {
        out.extend_from_slice(b",\"explanation\":");
        serde_json::to_writer(&mut *out, explanation)?;
    }
    out.extend_from_slice(frags.versions.as_bytes());
    out.push(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::output::testing;
    use crate::output::view::{Line, View};

    /// Every score of three decimals from 0 to 1,000, and values around
    /// them, come out as `serde_json` writes them rounded.
    #[test]
    fn scores_are_written_as_serde_json_writes_them() {
        let mut fast = Vec::new();
        let mut slow = Vec::new();
        let around = |k: u32| {
            let x = f64::from(k) / 1000.0;
            [
                x,
                x + 0.0004,
                x - 0.0004,
                x + 0.0005,
                x - 0.0005,
                x * (1.0 + 1e-15),
            ]
        };
        let odd = [
            -0.0,
            -0.0004,
            -0.3,
            1e6,
            1e300,
            f64::NAN,
            f64::INFINITY,
            999.9995,
            999.999,
        ];
        let values = (0..=1_000_000)
            .step_by(7)
            .chain(0..=2000)
            .flat_map(around)
            .chain(odd);
        for x in values {
            fast.clear();
            slow.clear();
            write_score(&mut fast, x).expect("writes");
            serde_json::to_writer(&mut slow, &round3(x)).expect("writes");
            assert_eq!(fast, slow, "{x}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// The fast path writes exactly what serializing the view writes.
        #[test]
        fn the_fast_path_and_the_serde_path_write_the_same_bytes(
            choices in testing::choices(),
            explained in any::<bool>(),
        ) {
            let rb = crate::embedded::for_tests();
            let (answers, a, explanation) = testing::assessment(rb, &choices, explained);
            let id = serde_json::value::to_raw_value("line-1").expect("an id");

            let mut fast = Vec::new();
            write_json(&mut fast, &Texts::new(rb), &a, Some(id.get()), explanation.as_ref())
                .expect("writes");
            let view = View::new(rb, &answers, &a, explanation);
            let slow = serde_json::to_vec(&Line { id: &id, view: &view }).expect("serializes");
            prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&slow));
        }
    }
}
