//! Fuzzes the batch line parser: `batch::run` over the embedded rule base.
//!
//! Must hold: no panic and no I/O error (the output is a Vec); exactly one
//! output line per input line (the '\n'-terminated lines, plus one for a
//! non-empty last line without '\n'); every output line parses with
//! serde_json as a JSON object, and an error line's `line` is its own line
//! number.
//!
//! Its first run found finding 1 of fuzz/README.md (an `id` such as 1e400
//! or "\ude00" echoed raw, so serde_json could not read the output line);
//! it is fixed, so this check is strict again.

#![no_main]

use std::sync::OnceLock;

use backtriage::triage::rulebase::RuleBase;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

static RULE_BASE: OnceLock<RuleBase> = OnceLock::new();

/// Parses one output line as a JSON object, or panics with why not.
fn check_line(n: usize, line: &[u8]) -> Map<String, Value> {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(map)) => map,
        Ok(_) => panic!(
            "output line {n} is not a JSON object: {:?}",
            String::from_utf8_lossy(line)
        ),
        Err(e) => panic!(
            "output line {n} is not JSON ({e}): {:?}",
            String::from_utf8_lossy(line)
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let rb = RULE_BASE.get_or_init(|| backtriage::embedded::rule_base().unwrap());
    let mut out = Vec::new();
    let summary = backtriage::batch::run(rb, data, &mut out, backtriage::batch::Options::default()).expect("batch::run failed");

    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    let expected = newlines + usize::from(!data.is_empty() && !data.ends_with(b"\n"));
    assert_eq!(summary.lines as usize, expected, "summary.lines");
    assert!(
        out.is_empty() || out.ends_with(b"\n"),
        "output does not end in a newline"
    );
    let lines: Vec<&[u8]> = out.split(|&b| b == b'\n').collect();
    // `split` yields one empty piece after the final newline.
    assert_eq!(lines.len() - 1, expected, "output lines != input lines");
    for (i, line) in lines[..expected].iter().enumerate() {
        let object = check_line(i + 1, line);
        if object.contains_key("error") {
            assert_eq!(
                object.get("line").and_then(Value::as_u64),
                Some(i as u64 + 1),
                "error line number"
            );
        }
    }
});
