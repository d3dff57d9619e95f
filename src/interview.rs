//! The interview: one plain question at a time on stderr, wrapped to its
//! width, answers read line by line from a terminal (with line editing) or
//! a pipe (see [`crate::terminal`]). The questions come from
//! `select::next_question`, the same code behind `assess`'s `next_question`.

use std::io::{self, BufRead, Write};
use std::path::Path;

use crate::color::Painter;
use crate::output::lines::Lines;
use crate::output::view::fill;
use crate::reply::{self, Expect, Reply, Unit, Vocabulary};
use crate::sanitize::escape_controls_multiline;
use crate::terminal::{Input, MAX_ANSWER_BYTES, MAX_SKIPPED_BYTES, Typed};
use crate::triage::answers::{Answer, Answers};
use crate::triage::condition::FactId;
use crate::triage::engine::Evaluation;
use crate::triage::rulebase::{Cite, RuleBase};
use crate::triage::schema::{FindingKind, InterviewText, Urgency};
use crate::triage::select;

/// How an interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// No question was left to ask (or an emergency stopped it).
    Finished,
    /// The person typed `quit`.
    Quit,
    /// The input ended before the last question.
    OutOfInput,
    /// Ctrl-C at the line editor.
    Interrupted,
}

/// The result of an interview.
#[derive(Debug, Clone)]
pub struct Session {
    pub answers: Answers,
    /// What the person typed for each answer that came from one line of
    /// theirs (a checklist's items share their line), for the report.
    pub typed: Vec<(FactId, String)>,
    pub ended: Ended,
}

/// Where the questions are written: a stream, its colours and its width.
pub struct Screen<W> {
    pub out: W,
    pub paint: Painter,
    pub width: usize,
}

impl<W: Write> Screen<W> {
    /// Empty lines for this screen.
    fn lines(&self) -> Lines {
        Lines::new(self.width, self.paint)
    }

    /// Writes `lines` out, leaving them empty.
    fn show(&mut self, lines: &mut Lines) -> io::Result<()> {
        self.out.write_all(lines.take().as_bytes())
    }

    /// One paragraph, wrapped, in a style.
    /// One message, wrapped, in a style. Messages can quote what was typed:
    /// control characters are shown escaped, never sent to the terminal.
    fn say(&mut self, style: fn(&Painter, &str) -> String, text: &str) -> io::Result<()> {
        let mut lines = self.lines();
        lines.say(&style(&self.paint, &escape_controls_multiline(text)));
        self.show(&mut lines)
    }
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
fn hint(t: &InterviewText, expect: Expect) -> &str {
    match expect {
        Expect::Checklist(_) => &t.hint_checklist,
        Expect::Number {
            unit: Unit::Days, ..
        } => &t.hint_days,
        Expect::Number {
            unit: Unit::Years, ..
        } => &t.hint_years,
        Expect::Number { .. } => &t.hint_number,
        Expect::YesNo => &t.hint_yes_no,
    }
}

/// What `help` adds under the question's own help text: how to answer
/// this kind of question, and the command words.
fn commands(t: &InterviewText, expect: Expect) -> String {
    let how = match expect {
        Expect::Checklist(_) => &t.how_checklist,
        Expect::Number { .. } => &t.how_number,
        Expect::YesNo => &t.how_yes_no,
    };
    format!("{how}{}", t.commands)
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
    let t = &rb.messages.interview;
    let mut out = String::new();
    let flags = &rb.flag_deps[usize::from(q)];
    let causes = &rb.cause_deps[usize::from(q)];
    if !flags.is_empty() {
        out.push_str(&t.why_flags);
        out.push('\n');
        for &r in flags {
            let flag = &rb.red_flags[usize::from(r)];
            let level = &rb.settings.urgency.get(flag.urgency).label;
            let from = fill(
                &t.why_item,
                &[
                    ("level", level),
                    ("sources", &cite_titles(rb, &flag.sources)),
                ],
            );
            out.push_str(&format!("  - {} {from}\n", flag.title));
        }
    }
    if !causes.is_empty() {
        out.push_str(&t.why_causes);
        out.push('\n');
        for &c in causes {
            let cause = &rb.causes[usize::from(c)];
            out.push_str(&format!(
                "  - {} ({})\n",
                cause.name,
                cite_titles(rb, &cause.sources)
            ));
        }
    }
    if out.is_empty() {
        out.push_str(&t.why_nothing);
        out.push('\n');
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
    let t = &rb.messages.interview;
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
            Some(Answer::Unknown) => Some(fill(&t.picked_unsure, &[("label", &rb.fact(f).label)])),
            _ => None,
        })
        .collect();
    if picked.is_empty() {
        t.picked_none.clone()
    } else {
        picked.join("; ")
    }
}

/// Runs an interview, reading answers from `input` and writing questions to
/// `screen`. Returns when the interview is over, for whatever reason.
pub fn run<R: BufRead, W: Write>(
    rb: &RuleBase,
    input: &mut Input<R>,
    screen: &mut Screen<W>,
) -> io::Result<Session> {
    let t = &rb.messages.interview;
    let mut session = Session {
        answers: Answers::new(rb),
        typed: Vec::new(),
        ended: Ended::Finished,
    };
    let mut history: Vec<Step> = Vec::new();
    let mut out = screen.lines();
    out.heading(&t.title);
    out.say(&rb.settings.disclaimer);
    out.say(&out.paint.bold(&rb.settings.emergency_note));
    out.blank();
    out.say(&out.paint.dim(&t.help_hint));
    screen.show(&mut out)?;
    loop {
        let answers = &session.answers;
        let eval = Evaluation::new(rb, answers);
        if eval.flag_urgency() == Some(Urgency::Emergency) {
            out.blank();
            out.say(&out.paint.alarm(&t.emergency_stop));
            screen.show(&mut out)?;
            break;
        }
        let Some(q) = select::next_question(rb, answers, &eval) else {
            break;
        };
        let options: Vec<FactId> = select::open_members(rb, answers, q).collect();
        let expect = expect_of(rb, q, options.len());
        let number = select::prompts_answered(rb, answers) + 1;
        let about = number - 1 + select::remaining_estimate(rb, answers).max(1);
        let progress = fill(
            &t.progress,
            &[
                ("number", &number.to_string()),
                ("total", &about.to_string()),
            ],
        );
        out.blank();
        out.say(&out.paint.dim(&progress));
        out.say(&out.paint.bold(rb.question(q)));
        for (k, &m) in options.iter().enumerate() {
            out.numbered(k + 1, rb.question(m));
        }
        out.say(&out.paint.dim(hint(t, expect)));
        screen.show(&mut out)?;
        match ask(
            rb,
            input,
            screen,
            q,
            &options,
            expect,
            &mut session,
            &mut history,
        )? {
            Some(ended) => {
                session.ended = ended;
                return Ok(session);
            }
            None => continue,
        }
    }
    Ok(session)
}

/// Asks one question until its answer is understood (or a command moves
/// the interview on). `Some` when the interview ends here.
#[allow(clippy::too_many_arguments)]
fn ask<R: BufRead, W: Write>(
    rb: &RuleBase,
    input: &mut Input<R>,
    screen: &mut Screen<W>,
    q: FactId,
    options: &[FactId],
    expect: Expect,
    session: &mut Session,
    history: &mut Vec<Step>,
) -> io::Result<Option<Ended>> {
    let t = &rb.messages.interview;
    let vocabulary = Vocabulary {
        words: &rb.messages.words,
        text: t,
    };
    // A checklist answered "yes" without saying which: a later "none" is
    // pointed out once before it is taken.
    let mut said_yes = false;
    loop {
        let stop = |why: &str| fill(&t.stopped, &[("why", why)]);
        let line = match input.read(&mut screen.out) {
            Ok(Typed::Line(line)) => line,
            Ok(Typed::TooLong) => {
                let kib = (MAX_ANSWER_BYTES / 1024).to_string();
                let again = fill(&t.too_long, &[("kib", &kib), ("hint", hint(t, expect))]);
                screen.say(Painter::dim, &again)?;
                continue;
            }
            Ok(Typed::NotText) => {
                screen.say(
                    Painter::dim,
                    &fill(&t.not_text, &[("hint", hint(t, expect))]),
                )?;
                continue;
            }
            // Whatever was answered is kept and assessed.
            Ok(Typed::End) => {
                screen.say(Painter::plain, &format!("\n{}", t.input_ended))?;
                return Ok(Some(Ended::OutOfInput));
            }
            Ok(Typed::Endless) => {
                let mib = (MAX_SKIPPED_BYTES / (1024 * 1024)).to_string();
                let why = fill(&t.endless, &[("mib", &mib)]);
                screen.say(Painter::plain, &format!("\n{}", stop(&why)))?;
                return Ok(Some(Ended::OutOfInput));
            }
            Ok(Typed::Interrupted) => return Ok(Some(Ended::Interrupted)),
            Err(e) => {
                let why = fill(&t.unreadable, &[("error", &e.to_string())]);
                screen.say(Painter::plain, &format!("\n{}", stop(&why)))?;
                return Ok(Some(Ended::OutOfInput));
            }
        };
        let settled: Vec<(FactId, Answer)> = match reply::understand(vocabulary, &line, expect) {
            Reply::Answer(a) => vec![(q, a)],
            Reply::Picks(picks) => {
                let none = picks.iter().all(|&a| a == Answer::No);
                if none && std::mem::take(&mut said_yes) {
                    screen.say(Painter::alarm, &t.yes_then_none)?;
                    continue;
                }
                options.iter().copied().zip(picks).collect()
            }
            Reply::WhichOnes => {
                said_yes = true;
                screen.say(Painter::dim, &t.which_ones)?;
                continue;
            }
            Reply::Why => {
                screen.say(Painter::plain, &why(rb, q))?;
                continue;
            }
            Reply::Help => {
                let mut out = screen.lines();
                out.say(rb.finding(q).map_or("", |i| i.help.as_str()));
                for (k, &m) in options.iter().enumerate() {
                    out.numbered(k + 1, rb.finding(m).map_or("", |i| i.help.as_str()));
                }
                out.blank();
                out.say(&commands(t, expect));
                screen.show(&mut out)?;
                continue;
            }
            Reply::Back => {
                let Some(step) = history.pop() else {
                    screen.say(Painter::plain, &t.no_earlier_answer)?;
                    continue;
                };
                let undone = described(rb, &session.answers, &step);
                for &f in &step.answered {
                    session.answers.unset(f);
                }
                session.typed.retain(|(f, _)| !step.answered.contains(f));
                let went_back = fill(
                    &t.went_back,
                    &[
                        ("answer", &undone),
                        ("question", rb.question(step.question)),
                    ],
                );
                screen.say(Painter::dim, &went_back)?;
                return Ok(None);
            }
            Reply::Quit => return Ok(Some(Ended::Quit)),
            Reply::DidYouMean(word) => {
                screen.say(Painter::dim, &fill(&t.did_you_mean, &[("word", &word)]))?;
                continue;
            }
            Reply::Refused(reason) => {
                screen.say(Painter::alarm, &reason)?;
                continue;
            }
            Reply::Invalid => {
                let again = fill(&t.not_understood, &[("hint", hint(t, expect))]);
                screen.say(Painter::dim, &again)?;
                continue;
            }
        };
        let mut step = Step {
            question: q,
            answered: Vec::new(),
        };
        let mut refused = None;
        for (f, a) in settled {
            match session.answers.set(rb, f, a) {
                Ok(()) => step.answered.push(f),
                Err(e) => refused = Some(e),
            }
        }
        if let Some(e) = refused {
            for &f in &step.answered {
                session.answers.unset(f);
            }
            screen.say(Painter::alarm, &e.to_string())?;
            continue;
        }
        let words = line.trim();
        session
            .typed
            .extend(step.answered.iter().map(|&f| (f, words.to_owned())));
        history.push(step);
        return Ok(None);
    }
}

/// The interview's last question, on a terminal: whether to show every
/// list of the result. Anything but a yes (or the end of input) is a no.
pub fn ask_details<R: BufRead, W: Write>(
    rb: &RuleBase,
    input: &mut Input<R>,
    screen: &mut Screen<W>,
) -> io::Result<bool> {
    let t = &rb.messages.interview;
    screen.say(Painter::plain, &format!("\n{}", t.details_prompt))?;
    let Typed::Line(line) = input.read(&mut screen.out)? else {
        return Ok(false);
    };
    let vocabulary = Vocabulary {
        words: &rb.messages.words,
        text: t,
    };
    Ok(reply::understand(vocabulary, &line, Expect::YesNo) == Reply::Answer(Answer::Yes))
}

/// Fails early if `path` cannot be written: its folder must exist.
pub fn check_save_target(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "that is a folder, not a file name",
        ));
    }
    // Creating (and dropping) a temporary file proves the folder is writable.
    tempfile::NamedTempFile::new_in(dir).map(drop)
}

/// Writes `text` to `path` through a temporary file renamed into place, so
/// the file is either the old one or the whole new one, never half-written.
pub fn save_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
