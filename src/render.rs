//! The text and markdown renderers of a [`Report`]. (JSON is the report
//! serialized as it is.)

use std::fmt::Write as _;

use crate::color::Painter;
use crate::report::Report;
use crate::triage::assess::Headline;
use crate::triage::explain::Explanation;
use crate::triage::rulebase::{Cite, RedFlagRule, RuleBase};
use crate::triage::schema::Urgency;

// Writing into a String cannot fail; these keep the renderers free of unwraps.
macro_rules! line {
    ($out:expr) => { $out.push('\n') };
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

/// The assessment for a person reading a terminal.
pub fn text(rb: &RuleBase, r: &Report<'_>, paint: Painter) -> String {
    let mut out = String::new();
    let level = rb.settings.urgency.get(r.urgency);
    let shown_first = match r.headline {
        Headline::Level(u) => {
            let banner = format!(
                " {}: {} ",
                u.as_str().to_uppercase().replace('_', "-"),
                level.title
            );
            line!(out, "{}", paint.urgency(u, &banner));
            line!(out, "{}", r.action);
            Vec::new()
        }
        Headline::NotFinished(serious) => {
            let texts = &rb.settings.not_finished;
            let banner = format!(
                " NOT FINISHED: {} ",
                texts.title.trim_start_matches("Not finished: ")
            );
            line!(out, "{}", paint.urgency(serious, &banner));
            line!(out, "{}", texts.action);
            let shown = serious_unchecked(rb, r);
            for (u, flags) in &shown {
                line!(out);
                line!(
                    out,
                    "{}",
                    paint.bold(&format!(
                        "{}: {}",
                        not_checked_heading(*u),
                        rb.settings.urgency.get(*u).action
                    ))
                );
                for flag in flags {
                    line!(out, "  ? {}", flag.title);
                }
            }
            line!(out);
            line!(
                out,
                "What the answers so far show: {}. {}",
                level.title,
                r.action
            );
            shown
                .into_iter()
                .flat_map(|(_, flags)| flags)
                .map(|f| f.id.as_str())
                .collect()
        }
    };

    if !r.red_flags.is_empty() {
        line!(out);
        line!(out, "{}", paint.bold("Warning signs found"));
        for f in &r.red_flags {
            line!(out, "  {} {} ({})", paint.alarm("!"), f.title, f.urgency);
            if f.possible {
                line!(
                    out,
                    "    Possible: you answered yes to \"{}\" without saying which sign, so it is not ruled out.",
                    f.because.labels()
                );
                if let Some(likely) = f.likely {
                    line!(
                        out,
                        "    The other signs were ruled out, so the likely one is: {likely}."
                    );
                }
            } else {
                line!(out, "    Because: {}", f.because.labels());
            }
            line!(out, "    {}", f.message);
        }
    }

    if !r.causes.is_empty() {
        line!(out);
        line!(out, "{}", paint.bold("Likely causes"));
        for (i, c) in r.causes.iter().take(rb.settings.top_causes).enumerate() {
            line!(out, "  {}. {} (certainty {:.2})", i + 1, c.name, c.score);
            if let Some(rule) = rb.causes.iter().find(|rule| rule.id == c.id) {
                line!(out, "     {}", rule.description);
            }
            line!(out, "     Why: {}", c.because.labels());
            if !c.against.is_empty() {
                line!(out, "     Against it: {}", c.against.labels());
            }
        }
        let others: Vec<&str> = r
            .causes
            .iter()
            .skip(rb.settings.top_causes)
            .map(|c| c.name)
            .collect();
        if !others.is_empty() {
            line!(out, "  Less likely: {}", others.join(", "));
        }
    }

    let (safety_net, advice): (Vec<_>, Vec<_>) =
        r.advice.iter().partition(|a| a.kind == "safety_net");
    if !advice.is_empty() {
        line!(out);
        line!(out, "{}", paint.bold("What you can do"));
        line!(
            out,
            "  (Given because no warning sign was found. If one appears, stop and get help as above.)"
        );
        for a in advice {
            line!(out, "  - {}: {}", paint.bold(a.title), a.text);
            for (i, step) in a.steps.iter().enumerate() {
                line!(out, "      {}. {}", i + 1, step);
            }
            if !a.not_while.is_empty() {
                line!(out, "      Not while: {}.", a.not_while.join("; "));
            }
        }
    }
    if !safety_net.is_empty() {
        line!(out);
        line!(out, "{}", paint.bold("When to see a doctor"));
        for a in safety_net {
            line!(out, "  {}", a.text);
        }
    }

    let rest: Vec<_> = r
        .unchecked_red_flags
        .iter()
        .map(|&i| &rb.red_flags[usize::from(i)])
        .filter(|f| !shown_first.contains(&f.id.as_str()))
        .collect();
    if !rest.is_empty() {
        line!(out);
        line!(out, "{}", paint.bold("Not checked"));
        line!(
            out,
            "  These warning signs were NOT checked, because their questions were not answered."
        );
        line!(
            out,
            "  They are not ruled out. If any of them applies to you, do not rely on this result: see a doctor today, or get emergency help for an emergency sign."
        );
        for flag in rest {
            line!(out, "  ? {} ({})", flag.title, flag.urgency);
        }
    }

    if let Some(e) = &r.explanation {
        explanation_text(&mut out, e, paint);
    }

    line!(out);
    line!(out, "{}", paint.dim(r.disclaimer));
    line!(out, "{}", paint.bold(r.emergency_note));
    out
}

/// The unchecked warning signs of urgent and emergency level, most urgent
/// level first, for the "not finished" headline.
fn serious_unchecked<'a>(rb: &'a RuleBase, r: &Report<'_>) -> Vec<(Urgency, Vec<&'a RedFlagRule>)> {
    [Urgency::Emergency, Urgency::Urgent]
        .into_iter()
        .map(|u| {
            let flags: Vec<&RedFlagRule> = r
                .unchecked_red_flags
                .iter()
                .map(|&i| &rb.red_flags[usize::from(i)])
                .filter(|f| f.urgency == u)
                .collect();
            (u, flags)
        })
        .filter(|(_, flags)| !flags.is_empty())
        .collect()
}

fn not_checked_heading(u: Urgency) -> &'static str {
    match u {
        Urgency::Emergency => "Emergency signs not checked. If any applies",
        _ => "Urgent signs not checked. If any applies",
    }
}

fn explanation_text(out: &mut String, e: &Explanation, paint: Painter) {
    line!(out);
    line!(out, "{}", paint.bold("How this was decided"));
    line!(out, "  Urgency: {}", e.urgency);
    if !e.derived.is_empty() {
        line!(out, "  Derived facts:");
        for d in &e.derived {
            line!(out, "    {}", d.condition);
        }
    }
    if !e.red_flags.is_empty() {
        line!(out, "  Red flags that fired:");
        for f in &e.red_flags {
            line!(out, "    {} [{}] <- {}", f.id, f.urgency, f.condition);
        }
    }
    if !e.causes.is_empty() {
        line!(
            out,
            "  Causes (certainty factors; combined as a + b(1 - a)):"
        );
        for c in &e.causes {
            line!(
                out,
                "    {}: score {:.3} = (for {:.3} - against {:.3}) / (1 - min)",
                c.id,
                c.score,
                c.certainty_for,
                c.certainty_against
            );
            for (sign, list) in [("+", &c.support), ("-", &c.against)] {
                for ev in list.iter().filter(|ev| ev.held) {
                    line!(out, "      {sign}{:.2} {}", ev.weight, ev.condition);
                }
            }
        }
    }
}

fn cite_text(rb: &RuleBase, c: &Cite) -> String {
    let title = rb.source_title(&c.source).unwrap_or(&c.source);
    match &c.section {
        Some(section) => format!("{title} ({section})"),
        None => title.to_owned(),
    }
}

/// A summary to bring to a doctor: the answers, the conclusions, the sources.
pub fn markdown(
    rb: &RuleBase,
    r: &Report<'_>,
    answers: &[(&str, String)],
    sources: &[&Cite],
) -> String {
    let mut out = String::new();
    line!(out, "# Back pain summary");
    line!(out);
    line!(
        out,
        "*Prepared with backtriage to bring to a doctor. {}*",
        r.disclaimer
    );
    line!(out);
    let level = rb.settings.urgency.get(r.urgency);
    if let Headline::NotFinished(_) = r.headline {
        let texts = &rb.settings.not_finished;
        line!(out, "## {}", texts.title);
        line!(out);
        line!(out, "{}", texts.action);
        for (u, flags) in serious_unchecked(rb, r) {
            line!(out);
            line!(
                out,
                "**{}: {}**",
                not_checked_heading(u),
                rb.settings.urgency.get(u).action
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
    if answers.is_empty() {
        line!(out, "No questions were answered.");
    } else {
        line!(out, "| Question | Answer |");
        line!(out, "| --- | --- |");
        for (label, answer) in answers {
            line!(out, "| {} | {} |", label.replace('|', "/"), answer);
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
                f.because.labels()
            );
        } else {
            line!(out, "  - because: {}", f.because.labels());
        }
    }
    if !r.unchecked_red_flags.is_empty() {
        line!(out);
        line!(
            out,
            "Not checked (questions not answered, so not ruled out):"
        );
        line!(out);
        for &i in r.unchecked_red_flags {
            line!(out, "- {}", rb.red_flags[usize::from(i)].title);
        }
    }
    line!(out);
    line!(out, "## Likely causes");
    line!(out);
    if r.causes.is_empty() {
        line!(out, "The answers do not point to a particular cause.");
    }
    for c in r.causes.iter().take(rb.settings.top_causes) {
        line!(
            out,
            "- **{}** (certainty {:.2}): {}",
            c.name,
            c.score,
            c.because.labels()
        );
        if let Some(rule) = rb.causes.iter().find(|rule| rule.id == c.id) {
            if !rule.confirm.is_empty() {
                line!(out, "  - a doctor may: {}", rule.confirm.join("; "));
            }
            if !rule.treatments.is_empty() {
                line!(
                    out,
                    "  - treatments named in the sources: {}",
                    rule.treatments.join("; ")
                );
            }
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
    for c in sources {
        line!(out, "- {}", cite_text(rb, c));
    }
    line!(out);
    line!(out, "---");
    line!(out);
    line!(out, "{}", r.emergency_note);
    out
}
