//! Fuzzes the interview's input loop: arbitrary bytes as the answers typed
//! at the prompt (lines of any length, invalid UTF-8, NUL and control
//! characters), with answers echoed as when they are piped in, over the
//! embedded rule base.
//!
//! Must hold: no panic and no I/O error (the prompts go to a Vec); the
//! interview ends; the prompts carry no control character but line breaks
//! and no bidi control, whatever was typed (echoes are escaped); no echoed
//! answer is longer than the echo limit; and the answers it returns are
//! assessed and rendered as text and markdown without a panic.

#![no_main]

use std::sync::OnceLock;

use backtriage::color::Painter;
use backtriage::interview::Screen;
use backtriage::terminal::Input;
use backtriage::output::{self, view::View};
use backtriage::triage::controls;
use backtriage::triage::rulebase::RuleBase;
use libfuzzer_sys::fuzz_target;

static RULE_BASE: OnceLock<RuleBase> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rb = RULE_BASE.get_or_init(|| backtriage::embedded::rule_base().unwrap());
    let mut input = Input::lines(data, true);
    let mut screen = Screen {
        out: Vec::new(),
        paint: Painter::PLAIN,
        width: 80,
    };
    let session = backtriage::interview::run(rb, &mut input, &mut screen)
        .expect("interview::run failed");
    let shown = String::from_utf8(screen.out).expect("prompts are UTF-8");
    if let Some((at, c, kind)) = controls::first_refused(&shown, true) {
        let from = shown
            .char_indices()
            .nth(at.saturating_sub(40))
            .map_or(0, |(i, _)| i);
        panic!(
            "{kind} {c:?} reached the prompts: {:?}",
            &shown[from..(from + 120).min(shown.len())]
        );
    }
    for line in shown.lines().filter_map(|l| l.strip_prefix("> ")) {
        // An echo: at most 80 characters, each escaped to at most 10.
        assert!(
            line.chars().count() <= 80 * 10 + 1,
            "echo too long: {line:?}"
        );
    }
    let assessment = backtriage::triage::assess(rb, &session.answers);
    let view = View::new(rb, &session.answers, &assessment, None).with_typed(rb, &session.typed);
    for details in [false, true] {
        let options = output::TextOptions {
            paint: Painter::PLAIN,
            width: 80,
            details,
        };
        for format in [output::Format::Text, output::Format::Markdown] {
            output::render(&view, format, options).expect("render");
        }
    }
});
