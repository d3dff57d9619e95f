//! The result as a report to bring to a doctor: when and by which tool and
//! rule base it was made, the urgency and why, the findings present, absent,
//! not sure and not asked, the answers as the person gave them, the
//! conclusions, and each source once.

use std::fmt::Write as _;

use crate::output::view::{View, fill, labels, said};
use crate::triage::assess::Headline;
use crate::triage::schema::Urgency;

// Writing into a String cannot fail; this keeps the renderer free of unwraps.
macro_rules! line {
    ($out:expr) => { $out.push('\n') };
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

/// A table cell: no line breaks or pipes, and what a person typed shown
/// with its control characters escaped.
fn cell(text: &str) -> String {
    crate::sanitize::escape_controls(&text.replace('|', "/").replace('\n', " ")).into_owned()
}

/// A summary to bring to a doctor: when and with what it was made, the
/// urgency and why, the findings, the answers in the person's words, the
/// warning signs, the causes, the advice and the sources.
pub fn render(r: &View<'_>) -> String {
    let mut out = String::new();
    for section in [
        header,
        headline,
        findings,
        answers,
        warning_signs,
        causes,
        sources,
    ] {
        section(&mut out, r);
    }
    out
}

/// The title, what made it and when, and the disclaimer.
fn header(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    line!(*out, "# {}", t.report_title);
    line!(*out);
    let when = r.meta.as_ref().map_or("-", |m| m.when.as_str());
    let prepared = fill(
        &t.report_prepared,
        &[
            ("tool", r.tool_version),
            ("rules", r.rules_version),
            ("date", when),
        ],
    );
    line!(*out, "*{prepared} {}*", r.disclaimer);
    line!(*out);
}

/// The urgency (or that the screen is not finished), why, and any warnings.
fn headline(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    let level = r.words.level;
    if let Headline::NotFinished(_) = r.headline {
        line!(*out, "## {}", r.words.not_finished_title);
        line!(*out);
        line!(*out, "{}", r.words.not_finished_action);
        for (u, heading) in [
            (Urgency::Emergency, &t.not_checked_emergency),
            (Urgency::Urgent, &t.not_checked_urgent),
        ] {
            let questions: Vec<String> = r.open_questions_at(u);
            if questions.is_empty() {
                continue;
            }
            line!(*out);
            line!(*out, "**{heading}**");
            line!(*out);
            for q in questions {
                line!(*out, "- {q}");
            }
        }
        line!(*out);
        let so_far = format!("{} ({})", level.title, r.urgency);
        line!(*out, "{}", fill(&t.so_far, &[("level", &so_far)]));
    } else {
        line!(
            out,
            "## {}: {} ({})",
            t.report_urgency,
            level.title,
            r.urgency
        );
        line!(*out);
        line!(*out, "{}", r.action);
    }
    line!(*out);
    line!(*out, "{}", r.why);
    line!(*out);
    for w in &r.warnings {
        line!(*out, "> {}", w.message);
        line!(*out);
    }
}

/// The findings present, absent, unsure and not asked.
fn findings(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    line!(*out, "## {}", t.report_findings);
    line!(*out);
    let f = &r.findings;
    for (name, list) in [
        (
            &t.report_present,
            f.present.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
        (&t.report_absent, f.absent.clone()),
        (&t.report_unsure, f.unsure.clone()),
        (&t.report_not_asked, f.not_asked.clone()),
    ] {
        if !list.is_empty() {
            line!(*out, "- **{name}:** {}.", list.join("; "));
        }
    }
    line!(*out);
}

/// Every answer, with what the person typed.
fn answers(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    line!(*out, "## {}", t.report_answers);
    line!(*out);
    if r.answers.is_empty() {
        line!(*out, "{}", t.report_no_answers);
    } else {
        line!(
            out,
            "| {} | {} | {} |",
            t.report_question,
            t.report_answer,
            t.report_said
        );
        line!(*out, "| --- | --- | --- |");
        for a in &r.answers {
            line!(
                out,
                "| {} | {} | {} |",
                cell(a.question),
                cell(&a.answer),
                cell(a.typed.as_deref().unwrap_or(""))
            );
        }
    }
    line!(*out);
}

/// The warning signs found, and those not checked.
fn warning_signs(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    line!(*out, "## {}", t.report_warning_signs);
    line!(*out);
    if r.red_flags.is_empty() {
        line!(*out, "{}", t.report_none_found);
    }
    for fl in &r.red_flags {
        let label = r.words.of(fl.urgency).label;
        line!(*out, "- **{}** ({label}): {}", fl.title, fl.message);
        if fl.possible {
            line!(*out, "  - {}: {}", t.possible_flag, labels(&fl.because));
        } else {
            line!(*out, "  - {} {}", t.why_cause_label, said(&fl.because));
        }
    }
    if !r.unchecked_red_flags.is_empty() {
        line!(*out);
        line!(*out, "{}", t.report_not_checked);
        line!(*out);
        for fl in &r.unchecked_red_flags {
            line!(*out, "- {} ({})", fl.title, r.words.of(fl.urgency).label);
        }
    }
    line!(*out);
}

/// The likely causes and the advice.
fn causes(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    line!(*out, "## {}", t.report_causes);
    line!(*out);
    if r.causes.is_empty() {
        line!(*out, "{}", t.report_no_cause);
    }
    for c in r.causes.iter().take(r.top_causes) {
        line!(
            out,
            "- **{}** ({}; score {:.2}): {}",
            c.name,
            c.likelihood,
            c.score,
            said(&c.because)
        );
        if !c.confirm.is_empty() {
            line!(*out, "  - {} {}", t.report_doctor_may, c.confirm.join("; "));
        }
        if !c.treatments.is_empty() {
            line!(
                out,
                "  - {} {}",
                t.report_treatments,
                c.treatments.join("; ")
            );
        }
    }
    if !r.advice.is_empty() {
        line!(*out);
        line!(*out, "## {}", t.report_advice);
        line!(*out);
        for a in &r.advice {
            line!(*out, "- **{}**: {}", a.title, a.summary);
        }
    }
}

/// Each source once, and the emergency note.
fn sources(out: &mut String, r: &View<'_>) {
    let t = r.words.text;
    line!(*out);
    line!(*out, "## {}", t.report_sources);
    line!(*out);
    for c in &r.sources {
        if c.sections.is_empty() {
            line!(*out, "- {}", c.title);
        } else {
            line!(*out, "- {}: {}", c.title, c.sections.join("; "));
        }
    }
    line!(*out);
    line!(*out, "---");
    line!(*out);
    line!(*out, "{}", r.emergency_note);
}
