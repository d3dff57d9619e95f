//! Fuzzes the rule-base loader and checker.
//!
//! The input is split on 0xFF (a byte that never occurs in UTF-8 text) into
//! one piece per rule file, in the order of `problem::FILES`. Each piece goes
//! through `load::text_of` (the raw-bytes path: NUL and UTF-8 checks), and
//! the texts through `load::compile_texts` (YAML parsing, the structural
//! checks and, when those pass, the interview simulations). A piece that
//! `text_of` refuses is still compiled, as lossy UTF-8, so the checker keeps
//! seeing text. A rule base that compiles is then used for a short batch.
//!
//! Must hold: no panic; `text_of` errors are one line; an `Err` from
//! `compile_texts` carries at least one problem.

#![no_main]

use backtriage::triage::problem::{FILES, RuleText};
use backtriage::triage::load;
use backtriage::triage::rulebase::RuleBase;
use backtriage::triage::schema::FindingKind;
use libfuzzer_sys::fuzz_target;

const SEP: u8 = 0xFF;

fn text(bytes: &[u8]) -> String {
    match load::text_of(bytes.to_vec()) {
        Ok(text) => text,
        Err(message) => {
            assert!(
                !message.is_empty() && !message.contains('\n'),
                "{message:?}"
            );
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// Three batch lines for a rule base that compiled: nothing answered,
/// every finding "yes" (numbers at their minimum), every finding "no".
fn use_rule_base(rb: &RuleBase) {
    let mut input = String::from("{\"id\":0,\"answers\":{}}\n");
    for yes in [true, false] {
        let mut answers = serde_json::Map::new();
        for f in rb.findings() {
            let Some(info) = rb.finding(f) else {
                continue;
            };
            let value = match info.kind {
                FindingKind::Number => serde_json::json!(info.min.unwrap_or(0.0)),
                FindingKind::YesNo => serde_json::json!(yes),
            };
            answers.insert(rb.fact(f).id.clone(), value);
        }
        let line = serde_json::json!({"id": yes, "answers": answers});
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let mut out = Vec::new();
    let summary = backtriage::batch::run(rb, input.as_bytes(), &mut out, backtriage::batch::Options { explain: true, compact: false }).expect("batch io");
    assert_eq!(summary.lines, 3);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 3);
}

fuzz_target!(|data: &[u8]| {
    // The raw-bytes path on the whole input.
    let _ = text(data);

    let texts: Vec<RuleText> = data
        .splitn(FILES.len(), |&b| b == SEP)
        .zip(FILES)
        .map(|(piece, name)| RuleText {
            display: format!("rules/{name}"),
            text: text(piece),
        })
        .collect();
    match load::compile_texts(&texts) {
        Ok(rb) => use_rule_base(&rb),
        Err(problems) => {
            assert!(!problems.is_empty(), "Err with no problems");
            for p in &problems {
                let _ = p.to_string();
            }
        }
    }
});
