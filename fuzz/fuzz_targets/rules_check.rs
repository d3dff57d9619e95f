//! Fuzzes `rules check` with its limits: rule texts split on 0xFF as for
//! `loader` (seeds mutate the real rule base), through the checks a folder
//! gets: `load::check_nesting` and `load::compile_texts` (nesting depth,
//! control and bidi characters, checklist sizes, red-flag count and the
//! work limit of the safety checks).
//!
//! Must hold: no panic; every problem is one line with no control or bidi
//! character in it; an `Err` carries at least one problem; and a rule base
//! that passes holds no text a terminal would act on (no control or bidi
//! character, and no line break in one-line texts), no text nested deeper
//! than the limit, and no group larger than a checklist shows.

#![no_main]

use backtriage::triage::compile::MAX_CHECKLIST;
use backtriage::triage::controls;
use backtriage::triage::load;
use backtriage::triage::problem::{FILES, RuleText};
use backtriage::triage::rulebase::{FactBody, RuleBase};
use backtriage::triage::schema::Urgency;
use libfuzzer_sys::fuzz_target;

const SEP: u8 = 0xFF;

/// Asserts that a text the checker let through is inert.
fn inert(what: &str, text: &str, multiline: bool) {
    assert!(
        controls::first_refused(text, multiline).is_none(),
        "{what} passed the checker with a refused character: {text:?}"
    );
}

fn all_texts_inert(rb: &RuleBase) {
    for fact in &rb.facts {
        inert("label", &fact.label, false);
        if let FactBody::Finding(info) = &fact.body {
            inert("question", &info.question, false);
            inert("help", &info.help, true);
            if let Some(unit) = &info.unit {
                inert("unit", unit, false);
            }
            assert!(info.members.len() <= MAX_CHECKLIST);
        }
    }
    for flag in &rb.red_flags {
        inert("title", &flag.title, false);
        inert("message", &flag.message, true);
        for cite in &flag.sources {
            if let Some(section) = &cite.section {
                inert("section", section, false);
            }
        }
    }
    for cause in &rb.causes {
        inert("name", &cause.name, false);
        inert("description", &cause.description, true);
        for text in cause.confirm.iter().chain(&cause.treatments) {
            inert("confirm or treatment", text, true);
        }
    }
    for advice in &rb.advice {
        inert("title", &advice.title, false);
        inert("text", &advice.text, true);
        for step in &advice.steps {
            inert("step", step, true);
        }
    }
    for source in &rb.sources {
        inert("source title", &source.title, false);
        inert("covers", &source.covers, true);
    }
    let s = &rb.settings;
    inert("disclaimer", &s.disclaimer, true);
    inert("emergency_note", &s.emergency_note, true);
    for level in Urgency::ALL {
        inert("urgency title", &s.urgency.get(level).title, false);
        inert("urgency action", &s.urgency.get(level).action, true);
    }
    inert("not_finished title", &s.not_finished.title, false);
    inert("not_finished action", &s.not_finished.action, true);
}

fuzz_target!(|data: &[u8]| {
    let texts: Vec<RuleText> = data
        .splitn(FILES.len(), |&b| b == SEP)
        .zip(FILES)
        .map(|(piece, name)| RuleText {
            display: format!("rules/{name}"),
            text: String::from_utf8_lossy(piece).into_owned(),
        })
        .collect();
    match load::compile_texts(&texts) {
        Ok(rb) => {
            all_texts_inert(&rb);
            for text in &texts {
                assert!(load::check_nesting(&text.display, &text.text).is_ok());
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "Err with no problems");
            for p in &problems {
                let shown = p.to_string();
                assert!(
                    controls::first_refused(&shown, false).is_none(),
                    "a problem shows a refused character: {shown:?}"
                );
            }
        }
    }
});
