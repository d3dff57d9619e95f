//! The interview: one plain question at a time on stderr, answers read line
//! by line from stdin (a terminal or a pipe). The questions come from
//! `select::next_question`, the same code behind `assess`'s `next_question`.

use std::io::{self, BufRead, Write};

use crate::color::Painter;
use crate::lines::{self, Line};
use crate::reply::{self, Expect, Reply, Unit};
use crate::sanitize::{self, escape_controls, escape_controls_multiline};
use crate::triage::answers::{Answer, Answers};
use crate::triage::condition::FactId;
use crate::triage::engine::Evaluation;
use crate::triage::rulebase::{Cite, RuleBase};
use crate::triage::schema::{FindingKind, Urgency};
use crate::triage::select;

/// The longest answer line read: a person types a few words, never
/// kilobytes. A longer line is read past and dropped with a hint.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024;

/// How far one over-long line is read before the input is taken not to be
/// answers at all (`< /dev/zero`, say): the interview stops there, as at the
/// end of input, and assesses what was answered.
pub const MAX_SKIPPED_BYTES: usize = 1024 * 1024;

/// The result of an interview.
#[derive(Debug, Clone)]
pub struct Session {
    pub answers: Answers,
}

/// What a question asks for, as the prompt understands it.
fn expect_of(rb: &RuleBase, q: FactId, options: usize) -> Expect {
    match rb.finding(q) {
        Some(info) if !info.members.is_empty() => Expect::Checklist(options),
        Some(info) if info.kind == FindingKind::Number => Expect::Number {
            unit: Unit::from_name(info.unit.as_deref()),
            min: info.min,
            max: info.max,
        },
        _ => Expect::YesNo,
    }
}

/// The short line under a question saying how to answer it.
fn hint(expect: Expect) -> &'static str {
    match expect {
        Expect::Checklist(_) => {
            "Type the numbers that apply (e.g. 1 3), 0 or none if none apply, ? if not sure; add ? to a number you are unsure of (e.g. 2?). Or: why, back, help, quit"
        }
        Expect::Number {
            unit: Unit::Days, ..
        } => {
            "A number of days, or say it as you like: 3 weeks, 2 months, since yesterday. ? if you don't know. Or: why, back, help, quit"
        }
        Expect::Number {
            unit: Unit::Years, ..
        } => {
            "Your age in years (44, or forty-four). ? if you would rather not say. Or: why, back, help, quit"
        }
        Expect::Number { .. } => "A number, ? if you don't know. Or: why, back, help, quit",
        Expect::YesNo => "y = yes, n = no, ? = not sure. Or: why, back, help, quit",
    }
}

/// What `help` adds under the question's own help text: how to answer
/// this kind of question, and the command words.
fn commands(expect: Expect) -> String {
    let how = match expect {
        Expect::Checklist(_) => {
            "Type the numbers of the items that apply, separated by spaces, for example 1 3.\n  0 or none   none of them applies\n  2?          you are not sure about item 2 (it stays not checked)\n  ?           you are not sure about any of them\n"
        }
        Expect::Number { .. } => {
            "Type a number, or words such as 3 weeks, a year, forty.\n  ?           you don't know (what depends on it stays not checked)\n"
        }
        Expect::YesNo => {
            "Answer y (yes), n (no) or ? (not sure: a warning sign left unsure stays not checked).\n"
        }
    };
    format!(
        "{how}Other words you can type:\n  why   which warning signs and causes this question is about, and the sources\n  back  go back and change your last answer\n  quit  stop now and see the assessment of what you have answered\n"
    )
}

fn cite_titles(rb: &RuleBase, cites: &[Cite]) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for title in cites.iter().filter_map(|c| rb.source_title(&c.source)) {
        if !titles.contains(&title) {
            titles.push(title);
        }
    }
    titles.join("; ")
}

/// What a question bears on: the warning signs and causes it can change.
pub fn why(rb: &RuleBase, q: FactId) -> String {
    let mut out = String::new();
    let flags = &rb.flag_deps[usize::from(q)];
    let causes = &rb.cause_deps[usize::from(q)];
    if !flags.is_empty() {
        out.push_str("This question checks for these warning signs:\n");
        for &r in flags {
            let flag = &rb.red_flags[usize::from(r)];
            out.push_str(&format!(
                "  - {} ({}; from {})\n",
                escape_controls(&flag.title),
                flag.urgency,
                escape_controls(&cite_titles(rb, &flag.sources))
            ));
        }
    }
    if !causes.is_empty() {
        out.push_str("It helps tell apart these possible causes:\n");
        for &c in causes {
            let cause = &rb.causes[usize::from(c)];
            out.push_str(&format!(
                "  - {} (from {})\n",
                escape_controls(&cause.name),
                escape_controls(&cite_titles(rb, &cause.sources))
            ));
        }
    }
    if out.is_empty() {
        out.push_str("This question sets the scene for the questions that follow.\n");
    }
    out
}

/// One prompt's answers, for `back`: the findings it answered.
struct Step {
    question: FactId,
    answered: Vec<FactId>,
}

/// A step's answer in words: "yes", "3", or for a checklist the labels of
/// the items picked ("none" when none was).
fn described(rb: &RuleBase, answers: &Answers, step: &Step) -> String {
    let is_checklist = rb
        .finding(step.question)
        .is_some_and(|i| !i.members.is_empty());
    if !is_checklist {
        return step
            .answered
            .first()
            .and_then(|&f| answers.get(f))
            .map_or_else(String::new, |a| a.to_string());
    }
    let picked: Vec<String> = step
        .answered
        .iter()
        .filter_map(|&f| match answers.get(f) {
            Some(Answer::Yes) => Some(rb.fact(f).label.clone()),
            Some(Answer::Unknown) => Some(format!("{} (not sure)", rb.fact(f).label)),
            _ => None,
        })
        .collect();
    if picked.is_empty() {
        "none".to_owned()
    } else {
        picked.join("; ")
    }
}

/// Runs an interview, reading answers from `input` and writing questions to
/// `prompts`. Returns when the interview is over, for whatever reason.
///
/// With `echo`, each answer read is written after its prompt: a terminal
/// shows what was typed, but answers piped in would otherwise leave the
/// transcript without them.
pub fn run<R: BufRead, W: Write>(
    rb: &RuleBase,
    mut input: R,
    prompts: &mut W,
    paint: Painter,
    echo: bool,
) -> io::Result<Session> {
    let mut answers = Answers::new(rb);
    let mut history: Vec<Step> = Vec::new();
    writeln!(
        prompts,
        "{}\n{}\n{}\n",
        paint.bold("backtriage: questions about your back pain"),
        escape_controls_multiline(&rb.settings.disclaimer),
        paint.bold(&escape_controls_multiline(&rb.settings.emergency_note))
    )?;
    writeln!(
        prompts,
        "{}",
        paint.dim("Type help at any question for the words you can use.")
    )?;
    let mut buf = Vec::new();
    loop {
        let eval = Evaluation::new(rb, &answers);
        if eval.flag_urgency(rb) == Some(Urgency::Emergency) {
            writeln!(
                prompts,
                "\n{}",
                paint.alarm("That is a warning sign that needs help now. No more questions.")
            )?;
            break;
        }
        let Some(q) = select::next_question(rb, &answers, &eval) else {
            break;
        };
        let options: Vec<FactId> = select::open_members(rb, &answers, q).collect();
        let expect = expect_of(rb, q, options.len());
        let number = select::prompts_answered(rb, &answers) + 1;
        let about = number - 1 + select::remaining_estimate(rb, &answers).max(1);
        writeln!(
            prompts,
            "\n{}",
            paint.dim(&format!("Question {number} of about {about}"))
        )?;
        writeln!(prompts, "{}", paint.bold(&escape_controls(rb.question(q))))?;
        for (k, &m) in options.iter().enumerate() {
            writeln!(prompts, "  {}. {}", k + 1, escape_controls(rb.question(m)))?;
        }
        writeln!(prompts, "{}", paint.dim(hint(expect)))?;
        // Ask until the answer is understood.
        loop {
            write!(prompts, "> ")?;
            prompts.flush()?;
            let read = match lines::read_line_capped(
                &mut input,
                &mut buf,
                MAX_ANSWER_BYTES,
                MAX_SKIPPED_BYTES,
            ) {
                Ok(Line::Whole) => Line::Whole,
                Ok(Line::TooLong) => Line::TooLong,
                // Whatever was answered is kept and assessed, as at the end.
                Ok(Line::Eof) => return stopped(prompts, answers, "input ended"),
                Ok(Line::Endless) => {
                    if echo {
                        writeln!(
                            prompts,
                            "{}",
                            sanitize::echo(&String::from_utf8_lossy(&buf))
                        )?;
                    }
                    let why = format!(
                        "more than {} MiB without a line break is not an answer",
                        MAX_SKIPPED_BYTES / (1024 * 1024)
                    );
                    return stopped(prompts, answers, &why);
                }
                Err(e) => {
                    let why = format!("input could not be read: {e}");
                    return stopped(prompts, answers, &why);
                }
            };
            // A line that is too long or not UTF-8 is not understood, and
            // asked again: it never ends the interview.
            let text = std::str::from_utf8(&buf)
                .ok()
                .filter(|_| read == Line::Whole);
            if echo {
                let shown = match text {
                    Some(text) => sanitize::echo(text),
                    None => sanitize::echo(&String::from_utf8_lossy(&buf)),
                };
                writeln!(prompts, "{shown}")?;
            }
            let Some(line) = text else {
                let why = if read == Line::TooLong {
                    format!(
                        "That answer is longer than {} KiB, so it was not read.",
                        MAX_ANSWER_BYTES / 1024
                    )
                } else {
                    "Sorry, I could not read that: it is not UTF-8 text.".to_owned()
                };
                writeln!(prompts, "{}", paint.dim(&format!("{why} {}", hint(expect))))?;
                continue;
            };
            let settled: Vec<(FactId, Answer)> = match reply::understand(line, expect) {
                Reply::Answer(a) => vec![(q, a)],
                Reply::Picks(picks) => options.iter().copied().zip(picks).collect(),
                Reply::Why => {
                    write!(prompts, "{}", why(rb, q))?;
                    continue;
                }
                Reply::Help => {
                    writeln!(
                        prompts,
                        "{}\n",
                        escape_controls_multiline(rb.finding(q).map_or("", |i| i.help.as_str()))
                    )?;
                    for (k, &m) in options.iter().enumerate() {
                        let help = rb.finding(m).map_or("", |i| i.help.as_str());
                        writeln!(prompts, "  {}. {}", k + 1, escape_controls_multiline(help))?;
                    }
                    if !options.is_empty() {
                        writeln!(prompts)?;
                    }
                    write!(prompts, "{}", commands(expect))?;
                    continue;
                }
                Reply::Back => {
                    match history.pop() {
                        Some(step) => {
                            let undone = described(rb, &answers, &step);
                            for &f in &step.answered {
                                answers.unset(f);
                            }
                            writeln!(
                                prompts,
                                "{}",
                                paint.dim(&format!(
                                    "Going back: your answer \"{}\" to \"{}\" is undone.",
                                    escape_controls(&undone),
                                    escape_controls(rb.question(step.question))
                                ))
                            )?;
                            break;
                        }
                        None => writeln!(prompts, "There is no earlier answer to go back to.")?,
                    }
                    continue;
                }
                Reply::Quit => {
                    return Ok(Session { answers });
                }
                Reply::DidYouMean(word) => {
                    writeln!(
                        prompts,
                        "{}",
                        paint.dim(&format!("Did you mean \"{word}\"? If so, type it again."))
                    )?;
                    continue;
                }
                Reply::Refused(reason) => {
                    writeln!(prompts, "{}", paint.alarm(&reason))?;
                    continue;
                }
                Reply::Invalid => {
                    writeln!(
                        prompts,
                        "{}",
                        paint.dim(&format!("Sorry, I did not understand. {}", hint(expect)))
                    )?;
                    continue;
                }
            };
            let mut step = Step {
                question: q,
                answered: Vec::new(),
            };
            let mut refused = None;
            for (f, a) in settled {
                match answers.set(rb, f, a) {
                    Ok(()) => step.answered.push(f),
                    Err(e) => refused = Some(e),
                }
            }
            if let Some(e) = refused {
                for &f in &step.answered {
                    answers.unset(f);
                }
                writeln!(prompts, "{}", paint.alarm(&escape_controls(&e.to_string())))?;
                continue;
            }
            history.push(step);
            break;
        }
    }
    Ok(Session { answers })
}

/// Ends an interview before its questions are done, saying why: what was
/// answered is kept.
fn stopped<W: Write>(prompts: &mut W, answers: Answers, why: &str) -> io::Result<Session> {
    writeln!(prompts, "\n({why}: stopping here)")?;
    Ok(Session { answers })
}
