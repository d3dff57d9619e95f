//! The result for a person reading a terminal.

use std::fmt::Write as _;

use crate::color::Painter;
use crate::output::view::{UncheckedView, View, labels};
use crate::triage::assess::Headline;
use crate::triage::explain::Explanation;
use crate::triage::schema::{AdviceKind, Urgency};

// Writing into a String cannot fail; this keeps the renderer free of unwraps.
macro_rules! line {
    ($out:expr) => { $out.push('\n') };
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

/// The assessment for a person reading a terminal.
pub fn render(r: &View<'_>, paint: Painter) -> String {
    let mut out = String::new();
    let level = r.words.level;
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
            let texts = r.words.not_finished;
            let banner = format!(
                " NOT FINISHED: {} ",
                texts.title.trim_start_matches("Not finished: ")
            );
            line!(out, "{}", paint.urgency(serious, &banner));
            line!(out, "{}", texts.action);
            let shown = serious_unchecked(r);
            for (u, flags) in &shown {
                line!(out);
                line!(
                    out,
                    "{}",
                    paint.bold(&format!(
                        "{}: {}",
                        not_checked_heading(*u),
                        r.words.of(*u).action
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
                .map(|f| f.id)
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
                    labels(&f.because)
                );
                if let Some(likely) = f.likely.map(|l| l.label) {
                    line!(
                        out,
                        "    The other signs were ruled out, so the likely one is: {likely}."
                    );
                }
            } else {
                line!(out, "    Because: {}", labels(&f.because));
            }
            line!(out, "    {}", f.message);
        }
    }

    if !r.causes.is_empty() {
        line!(out);
        line!(out, "{}", paint.bold("Likely causes"));
        for (i, c) in r.causes.iter().take(r.top_causes).enumerate() {
            line!(out, "  {}. {} (certainty {:.2})", i + 1, c.name, c.score);
            line!(out, "     {}", c.description);
            line!(out, "     Why: {}", labels(&c.because));
            if !c.against.is_empty() {
                line!(out, "     Against it: {}", labels(&c.against));
            }
        }
        let others: Vec<&str> = r.causes.iter().skip(r.top_causes).map(|c| c.name).collect();
        if !others.is_empty() {
            line!(out, "  Less likely: {}", others.join(", "));
        }
    }

    let (safety_net, advice): (Vec<_>, Vec<_>) = r
        .advice
        .iter()
        .partition(|a| a.kind == AdviceKind::SafetyNet);
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
        .filter(|f| !shown_first.contains(&f.id))
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
pub(super) fn serious_unchecked<'v, 'a>(
    r: &'v View<'a>,
) -> Vec<(Urgency, Vec<&'v UncheckedView<'a>>)> {
    [Urgency::Emergency, Urgency::Urgent]
        .into_iter()
        .map(|u| {
            let flags: Vec<&UncheckedView<'a>> = r
                .unchecked_red_flags
                .iter()
                .filter(|f| f.urgency == u)
                .collect();
            (u, flags)
        })
        .filter(|(_, flags)| !flags.is_empty())
        .collect()
}

pub(super) fn not_checked_heading(u: Urgency) -> &'static str {
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
