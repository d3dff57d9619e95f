//! The result for a person reading a terminal. The first screen fits 24 rows
//! of 80 columns whatever the outcome: the urgency in words, what to do now,
//! why, the few things to do, and when to get help sooner. `--details` adds
//! every list. Text is wrapped to the terminal's width, never mid-word.

use crate::color::Painter;
use crate::output::lines::Lines as Out;
use crate::output::view::{AdviceView, View, fill, labels, said};
use crate::triage::assess::Headline;
use crate::triage::explain::Explanation;
use crate::triage::schema::{AdviceKind, Urgency};

/// How to write text: colours, width and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    pub paint: Painter,
    /// Columns to wrap at.
    pub width: usize,
    /// Every list, not just the first screen.
    pub details: bool,
}

/// The assessment for a person reading a terminal.
pub fn render(v: &View<'_>, options: TextOptions) -> String {
    let mut out = Out::new(options.width, options.paint);
    match v.headline {
        Headline::NotFinished(serious) => not_finished(&mut out, v, serious),
        Headline::Level(Urgency::Emergency) => emergency(&mut out, v),
        Headline::Level(level) => level_screen(&mut out, v, level),
    }
    for w in &v.warnings {
        let message = out.paint.alarm(&w.message);
        out.say(&message);
        out.blank();
    }
    let t = v.words.text;
    if options.details {
        details(&mut out, v);
    }
    if let Some(e) = &v.explanation {
        explanation(&mut out, &t.how_decided, e);
    }
    if options.details {
        out.blank();
        let disclaimer = out.paint.dim(v.disclaimer);
        out.say(&disclaimer);
        let note = out.paint.bold(v.emergency_note);
        out.say(&note);
    } else {
        if v.urgency != Urgency::Emergency || v.headline != Headline::Level(Urgency::Emergency) {
            out.say(&t.details_hint);
        }
        let disclaimer = out.paint.dim(v.words.short_disclaimer);
        out.say(&disclaimer);
    }
    if v.headline == Headline::Level(Urgency::Emergency) {
        // The one thing to do is the last thing on the screen.
        let action = out.paint.alarm(v.action);
        out.say(&action);
    }
    out.text
}

/// A word with its first letter in capitals.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The banner text of a level: "URGENT: See a doctor today".
fn banner_text(level: Urgency, title: &str) -> String {
    format!(
        "{}: {title}",
        level.as_str().to_uppercase().replace('_', "-")
    )
}

fn emergency(out: &mut Out, v: &View<'_>) {
    let t = v.words.text;
    out.banner(
        Urgency::Emergency,
        &banner_text(Urgency::Emergency, v.words.level.title),
    );
    out.say(v.action);
    out.blank();
    out.say(&v.why);
    if let Some(f) = v.red_flags.first() {
        out.heading(&t.while_you_wait);
        out.para(f.message, "  ", "  ");
    }
    if !v.tell_handler.is_empty() {
        out.say(&v.tell_handler);
    }
    let others = v.red_flags.len().saturating_sub(1);
    if others > 0 {
        out.say(&fill(&t.other_signs, &[("count", &others.to_string())]));
    }
    out.blank();
}

fn level_screen(out: &mut Out, v: &View<'_>, level: Urgency) {
    let t = v.words.text;
    let words = v.words.level;
    out.banner(level, &banner_text(level, words.title));
    out.say(v.action);
    out.say(&v.why);
    out.blank();
    let (heading, kinds): (&str, &[AdviceKind]) = if level == Urgency::SelfCare {
        (
            &t.what_to_do,
            &[AdviceKind::SelfCare, AdviceKind::Prevention],
        )
    } else {
        (&t.until_seen, &[AdviceKind::UntilSeen])
    };
    let shown: Vec<&AdviceView<'_>> = v
        .advice
        .iter()
        .filter(|a| kinds.contains(&a.kind))
        .take(v.words.advice_shown)
        .collect();
    if !shown.is_empty() {
        out.heading(heading);
        for a in shown {
            out.item(a.title, a.summary);
        }
    }
    let exercises: Vec<&str> = v
        .advice_of(AdviceKind::Exercise)
        .take(3)
        .map(|a| a.title)
        .collect();
    if !exercises.is_empty() {
        out.say(&format!("{} {}.", t.exercises, exercises.join(", ")));
    }
    out.blank();
    if level == Urgency::SelfCare {
        let net: Vec<&str> = v
            .advice_of(AdviceKind::SafetyNet)
            .map(|a| a.summary)
            .chain(std::iter::once(words.sooner))
            .collect();
        let heading = out.paint.bold(&t.when_to_see_doctor);
        out.say(&format!("{heading} {}", net.join(" ")));
    } else {
        let heading = out.paint.bold(&t.get_help_sooner);
        out.say(&format!("{heading} {}", words.sooner));
    }
    // The top causes, grouped by their likelihood in words.
    // The first screen names only causes the answers support well: a weak
    // match would read as a contradiction of the "why" line above it.
    let top: Vec<_> = v
        .causes
        .iter()
        .take(v.top_causes)
        .filter(|c| c.likelihood != v.words.text.less_likely)
        .collect();
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for c in &top {
        match groups.iter_mut().find(|(word, _)| *word == c.likelihood) {
            Some((_, names)) => names.push(c.name),
            None => groups.push((c.likelihood, vec![c.name])),
        }
    }
    let likely: Vec<String> = groups
        .iter()
        .map(|(word, names)| format!("{}: {}.", capitalised(word), names.join("; ")))
        .collect();
    if !likely.is_empty() {
        out.say(&likely.join(" "));
    }
    if !v.unchecked_red_flags.is_empty() {
        let count = v.unchecked_red_flags.len().to_string();
        out.say(&fill(&t.not_checked_count, &[("count", &count)]));
    }
}

fn not_finished(out: &mut Out, v: &View<'_>, serious: Urgency) {
    let t = v.words.text;
    let title = v.words.not_finished_title;
    let banner = match title.split_once(": ") {
        Some((head, rest)) => format!("{}: {rest}", head.to_uppercase()),
        None => title.to_uppercase(),
    };
    out.banner(serious, &banner);
    out.say(v.words.not_finished_action);
    for (level, heading, most) in [
        (Urgency::Emergency, &t.not_checked_emergency, 5),
        (Urgency::Urgent, &t.not_checked_urgent, 2),
    ] {
        let questions: Vec<String> = v.open_questions_at(level);
        if questions.is_empty() {
            continue;
        }
        out.blank();
        out.heading(heading);
        for q in questions.iter().take(most) {
            out.para(q, "  ? ", "    ");
        }
        if questions.len() > most {
            let more = (questions.len() - most).to_string();
            out.say(&fill(&t.and_more, &[("count", &more)]));
        }
    }
    out.blank();
    let level = v.words.level;
    out.say(&fill(&t.so_far, &[("level", level.title)]));
}

/// Every list: warning signs with their messages, causes with their
/// reasons, all the advice with steps, what was not checked, and how it was
/// decided.
fn details(out: &mut Out, v: &View<'_>) {
    let t = v.words.text;
    if !v.red_flags.is_empty() {
        out.blank();
        out.heading(&t.warning_signs_found);
        for f in &v.red_flags {
            let mark = out.paint.alarm("!");
            let level = v.words.of(f.urgency).label;
            out.para(
                &format!("{} ({level})", f.title),
                &format!("  {mark} "),
                "    ",
            );
            if f.possible {
                out.para(
                    &format!("{}: {}", t.possible_flag, labels(&f.because)),
                    "    ",
                    "    ",
                );
            } else {
                out.para(
                    &format!("{} {}", t.why_cause_label, said(&f.because)),
                    "    ",
                    "    ",
                );
            }
            out.para(f.message, "    ", "    ");
        }
    }
    if !v.causes.is_empty() {
        out.blank();
        out.heading(&t.likely_causes);
        for (i, c) in v.causes.iter().enumerate() {
            out.para(
                &format!("{} ({})", c.name, c.likelihood),
                &format!("  {}. ", i + 1),
                "     ",
            );
            out.para(c.description, "     ", "     ");
            out.para(
                &format!("{} {}", t.why_cause_label, said(&c.because)),
                "     ",
                "     ",
            );
            if !c.against.is_empty() {
                out.para(
                    &format!("{} {}", t.against_label, said(&c.against)),
                    "     ",
                    "     ",
                );
            }
        }
    }
    if !v.advice.is_empty() {
        out.blank();
        out.heading(&t.advice_heading);
        for a in &v.advice {
            out.item(a.title, a.text);
            for (i, step) in a.steps.iter().enumerate() {
                out.para(step, &format!("      {}. ", i + 1), "         ");
            }
            if !a.not_while.is_empty() {
                out.para(
                    &format!("{} {}.", t.not_while, a.not_while.join("; ")),
                    "      ",
                    "      ",
                );
            }
        }
    }
    if !v.unchecked_red_flags.is_empty() {
        out.blank();
        out.heading(&t.not_checked_heading);
        out.para(&t.not_checked_text, "  ", "  ");
        for f in &v.unchecked_red_flags {
            let level = v.words.of(f.urgency).label;
            out.para(&format!("{} ({level})", f.title), "  ? ", "    ");
        }
    }
}

fn explanation(out: &mut Out, heading: &str, e: &Explanation) {
    out.blank();
    out.heading(heading);
    out.para(&format!("Urgency: {}", e.urgency), "  ", "    ");
    if !e.derived.is_empty() {
        out.say("  Derived facts:");
        for d in &e.derived {
            out.para(&d.condition, "    ", "      ");
        }
    }
    if !e.red_flags.is_empty() {
        out.say("  Red flags that fired:");
        for f in &e.red_flags {
            out.para(
                &format!("{} [{}] <- {}", f.id, f.urgency, f.condition),
                "    ",
                "      ",
            );
        }
    }
    if !e.causes.is_empty() {
        out.say("  Causes (certainty factors; combined as a + b(1 - a)):");
        for c in &e.causes {
            out.para(
                &format!(
                    "{}: score {:.3} = (for {:.3} - against {:.3}) / (1 - min)",
                    c.id, c.score, c.certainty_for, c.certainty_against
                ),
                "    ",
                "      ",
            );
            for (sign, list) in [("+", &c.support), ("-", &c.against)] {
                for ev in list.iter().filter(|ev| ev.held) {
                    out.para(
                        &format!("{sign}{:.2} {}", ev.weight, ev.condition),
                        "      ",
                        "        ",
                    );
                }
            }
        }
    }
}
