//! The result as a markdown summary to bring to a doctor.

use std::fmt::Write as _;

use crate::output::text::{not_checked_heading, serious_unchecked};
use crate::output::view::{View, labels};
use crate::triage::assess::Headline;

// Writing into a String cannot fail; this keeps the renderer free of unwraps.
macro_rules! line {
    ($out:expr) => { $out.push('\n') };
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

/// A summary to bring to a doctor: the answers, the conclusions, the sources.
pub fn render(r: &View<'_>) -> String {
    let mut out = String::new();
    line!(out, "# Back pain summary");
    line!(out);
    line!(
        out,
        "*Prepared with backtriage to bring to a doctor. {}*",
        r.disclaimer
    );
    line!(out);
    let level = r.words.level;
    if let Headline::NotFinished(_) = r.headline {
        let texts = r.words.not_finished;
        line!(out, "## {}", texts.title);
        line!(out);
        line!(out, "{}", texts.action);
        for (u, flags) in serious_unchecked(r) {
            line!(out);
            line!(
                out,
                "**{}: {}**",
                not_checked_heading(u),
                r.words.of(u).action
            );
            line!(out);
            for flag in flags {
                line!(out, "- {}", flag.title);
            }
        }
        line!(out);
        line!(
            out,
            "What the answers so far show: {} ({}).",
            level.title,
            r.urgency
        );
        line!(out);
    } else {
        line!(out, "## Urgency: {} ({})", level.title, r.urgency);
        line!(out);
        line!(out, "{}", r.action);
        line!(out);
    }
    line!(out, "## Answers given");
    line!(out);
    if r.answers.is_empty() {
        line!(out, "No questions were answered.");
    } else {
        line!(out, "| Question | Answer |");
        line!(out, "| --- | --- |");
        for a in &r.answers {
            line!(out, "| {} | {} |", a.label.replace('|', "/"), a.answer);
        }
    }
    line!(out);
    line!(out, "## Warning signs");
    line!(out);
    if r.red_flags.is_empty() {
        line!(
            out,
            "None of the warning signs that were checked is present."
        );
    }
    for f in &r.red_flags {
        line!(out, "- **{}** ({}): {}", f.title, f.urgency, f.message);
        if f.possible {
            line!(
                out,
                "  - possible: \"{}\" was answered yes without saying which sign",
                labels(&f.because)
            );
        } else {
            line!(out, "  - because: {}", labels(&f.because));
        }
    }
    if !r.unchecked_red_flags.is_empty() {
        line!(out);
        line!(
            out,
            "Not checked (questions not answered, so not ruled out):"
        );
        line!(out);
        for f in &r.unchecked_red_flags {
            line!(out, "- {}", f.title);
        }
    }
    line!(out);
    line!(out, "## Likely causes");
    line!(out);
    if r.causes.is_empty() {
        line!(out, "The answers do not point to a particular cause.");
    }
    for c in r.causes.iter().take(r.top_causes) {
        line!(
            out,
            "- **{}** (certainty {:.2}): {}",
            c.name,
            c.score,
            labels(&c.because)
        );
        if !c.confirm.is_empty() {
            line!(out, "  - a doctor may: {}", c.confirm.join("; "));
        }
        if !c.treatments.is_empty() {
            line!(
                out,
                "  - treatments named in the sources: {}",
                c.treatments.join("; ")
            );
        }
    }
    if !r.advice.is_empty() {
        line!(out);
        line!(out, "## Self-care suggested");
        line!(out);
        for a in &r.advice {
            line!(out, "- **{}**: {}", a.title, a.text);
        }
    }
    line!(out);
    line!(out, "## Sources");
    line!(out);
    for c in &r.sources {
        match c.section {
            Some(section) => line!(out, "- {} ({section})", c.title),
            None => line!(out, "- {}", c.title),
        }
    }
    line!(out);
    line!(out, "---");
    line!(out);
    line!(out, "{}", r.emergency_note);
    out
}
