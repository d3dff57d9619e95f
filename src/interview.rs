//! The interview: one plain question at a time on stderr, answers read line
//! by line from stdin (a terminal or a pipe). The questions come from
//! `select::next_question`, the same code behind `assess`'s `next_question`.

use std::io::{self, BufRead, Write};
use std::path::Path;

use crate::answers::{Answer, Answers, RawAnswer, interpret};
use crate::color::Painter;
use crate::condition::FactId;
use crate::engine::Evaluation;
use crate::exit::Exit;
use crate::model::{FindingKind, Urgency};
use crate::rulebase::{Cite, RuleBase};
use crate::select;

/// How an interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// No further question could change the answer.
    Done,
    /// An emergency warning sign was confirmed: no more questions.
    Emergency,
    /// The person typed `quit`.
    Quit,
    /// The input ended before the interview did.
    EndOfInput,
}

/// The result of an interview.
#[derive(Debug, Clone)]
pub struct Session {
    pub answers: Answers,
    pub ending: Ending,
}

/// One line typed at the prompt, understood.
#[derive(Debug, Clone, PartialEq)]
enum Input {
    Answer(Answer),
    Why,
    Back,
    Help,
    Quit,
    /// Understood as an answer of the wrong kind or out of range.
    Refused(String),
    Invalid,
}

fn understand(rb: &RuleBase, q: FactId, line: &str) -> Input {
    let word = line.trim().to_ascii_lowercase();
    match word.as_str() {
        "why" => return Input::Why,
        "back" | "undo" => return Input::Back,
        "help" | "h" => return Input::Help,
        "quit" | "exit" | "q" => return Input::Quit,
        "?" | "unknown" | "skip" | "don't know" | "dont know" | "not sure" => {
            return Input::Answer(Answer::Unknown);
        }
        _ => {}
    }
    let raw = match word.as_str() {
        "y" => RawAnswer::Word("yes"),
        "n" => RawAnswer::Word("no"),
        other => RawAnswer::Word(other),
    };
    match interpret(rb, q, raw) {
        Ok(answer) => Input::Answer(answer),
        // A number out of range deserves its own reason; anything else a hint.
        Err(e @ crate::answers::AnswerError::OutOfRange { .. }) => Input::Refused(e.to_string()),
        Err(_) => Input::Invalid,
    }
}

fn hint(rb: &RuleBase, q: FactId) -> String {
    match rb
        .finding(q)
        .map(|i| (i.kind, i.unit.as_deref(), i.min, i.max))
    {
        Some((FindingKind::Number, unit, min, max)) => {
            let unit = unit.map(|u| format!(" in {u}")).unwrap_or_default();
            let range = match (min, max) {
                (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
                _ => String::new(),
            };
            format!("a number{unit}{range}, ? if you don't know (or: why, back, help, quit)")
        }
        _ => "y = yes, n = no, ? = don't know (or: why, back, help, quit)".to_owned(),
    }
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
                flag.title,
                flag.urgency,
                cite_titles(rb, &flag.sources)
            ));
        }
    }
    if !causes.is_empty() {
        out.push_str("It helps tell apart these possible causes:\n");
        for &c in causes {
            let cause = &rb.causes[usize::from(c)];
            out.push_str(&format!(
                "  - {} (from {})\n",
                cause.name,
                cite_titles(rb, &cause.sources)
            ));
        }
    }
    if out.is_empty() {
        out.push_str("This question sets the scene for the questions that follow.\n");
    }
    out
}

const COMMANDS: &str = "Answer with y (yes), n (no) or ? (don't know). Other words you can type:\n  why   which warning signs and causes this question is about, and the sources\n  back  go back and change your last answer\n  skip  same as ?: leaves it unknown (a warning sign left unknown is reported as not checked)\n  quit  stop now and see the assessment of what you have answered\n";

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
    let mut history: Vec<FactId> = Vec::new();
    writeln!(
        prompts,
        "{}\n{}\n{}\n",
        paint.bold("backtriage: questions about your back pain"),
        rb.settings.disclaimer,
        paint.bold(&rb.settings.emergency_note)
    )?;
    writeln!(
        prompts,
        "{}",
        paint.dim("Type help at any question for the words you can use.")
    )?;
    let mut line = String::new();
    let ending = loop {
        let eval = Evaluation::new(rb, &answers);
        if eval.flag_urgency(rb) == Some(Urgency::Emergency) {
            writeln!(
                prompts,
                "\n{}",
                paint.alarm("That is a warning sign that needs help now. No more questions.")
            )?;
            break Ending::Emergency;
        }
        let Some(q) = select::next_question(rb, &answers, &eval) else {
            break Ending::Done;
        };
        let left = select::remaining_bound(rb, &answers, &eval).saturating_sub(1);
        let question = rb.question(q);
        writeln!(
            prompts,
            "\n{}",
            paint.dim(&format!(
                "Question {} (at most {left} more)",
                answers.given() + 1
            ))
        )?;
        writeln!(prompts, "{}", paint.bold(question))?;
        writeln!(prompts, "{}", paint.dim(&hint(rb, q)))?;
        // Ask until the answer is understood.
        loop {
            write!(prompts, "> ")?;
            prompts.flush()?;
            line.clear();
            if input.read_line(&mut line)? == 0 {
                writeln!(prompts, "\n(input ended: stopping here)")?;
                return Ok(Session {
                    answers,
                    ending: Ending::EndOfInput,
                });
            }
            if echo {
                writeln!(prompts, "{}", line.trim_end())?;
            }
            match understand(rb, q, &line) {
                Input::Answer(answer) => match answers.set(rb, q, answer) {
                    Ok(()) => {
                        history.push(q);
                        break;
                    }
                    Err(e) => writeln!(prompts, "{}", paint.alarm(&e.to_string()))?,
                },
                Input::Why => write!(prompts, "{}", why(rb, q))?,
                Input::Help => {
                    let help = rb.finding(q).map_or("", |i| i.help.as_str());
                    writeln!(prompts, "{help}\n")?;
                    write!(prompts, "{COMMANDS}")?;
                }
                Input::Back => match history.pop() {
                    Some(previous) => {
                        answers.unset(previous);
                        writeln!(prompts, "{}", paint.dim("Going back one question."))?;
                        break;
                    }
                    None => writeln!(prompts, "There is no earlier answer to go back to.")?,
                },
                Input::Quit => {
                    return Ok(Session {
                        answers,
                        ending: Ending::Quit,
                    });
                }
                Input::Refused(reason) => writeln!(prompts, "{}", paint.alarm(&reason))?,
                Input::Invalid => writeln!(
                    prompts,
                    "{}",
                    paint.dim(&format!("Sorry, I did not understand. {}", hint(rb, q)))
                )?,
            }
        }
    };
    Ok(Session { answers, ending })
}

/// Makes Ctrl-C end the process with status 130 and a short message,
/// rather than a raw signal death mid-line.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        eprintln!("\ninterrupted");
        std::process::exit(Exit::Interrupted as i32);
    });
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
