//! Runs backtriage: parses the command line into a [`Plan`], runs it (load
//! the rule base, assess, render), and turns the outcome into an exit code.
//! The only place that decides exit codes and ends the process.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;
use clap::{CommandFactory, Parser};

use crate::cli::Cli;
use crate::color::{Colors, Painter};
use crate::exit::Exit;
use crate::output::{self, listing, view::View};
use crate::plan::{AnswerArg, Plan, Run, Shell};
use crate::sanitize::escape_controls;
use crate::triage::answers::{Answers, RawAnswer};
use crate::triage::engine::Evaluation;
use crate::triage::load;
use crate::triage::problem::Problem;
use crate::triage::rulebase::RuleBase;
use crate::triage::{self, explain};
use crate::{batch, cases, embedded, interview, save};

/// A mistake in what the user typed: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Runs backtriage with these arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = OsString>) -> Exit {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let plan = match Plan::new(cli) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {}", escape_controls(&e.0));
            return Exit::Usage;
        }
    };
    let colors = Colors::from_env(plan.color);
    match dispatch(plan, colors) {
        Ok(exit) => exit,
        Err(e) => report_error(&e, colors.stderr),
    }
}

/// Help and version go to stdout with status 0; a usage error is one line.
fn clap_error(e: &clap::Error) -> Exit {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(io::stdout(), "{}", e.render());
            Exit::Success
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(io::stderr(), "{}", e.render());
            Exit::Usage
        }
        _ => {
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut first = lines.next().unwrap_or("error: bad arguments").to_owned();
            // "the following required arguments were not provided:" names
            // them on the next line.
            if first.ends_with(':') {
                if let Some(next) = lines.next() {
                    first = format!("{first} {next}");
                }
            }
            let first = first.strip_prefix("error: ").unwrap_or(&first);
            // The line quotes what was typed: shown escaped, never acted on.
            eprintln!(
                "error: {} (see 'backtriage --help')",
                escape_controls(first)
            );
            Exit::Usage
        }
    }
}

fn report_error(e: &anyhow::Error, paint: Painter) -> Exit {
    // Writing to a closed pipe (`| head`) is not an error worth a message.
    if e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    }) {
        return Exit::Success;
    }
    let message = e
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    // Messages quote ids, answers and paths as given: one line, and inert.
    eprintln!("{} {}", paint.alarm("error:"), escape_controls(&message));
    if e.downcast_ref::<UsageError>().is_some() {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

fn dispatch(plan: Plan, colors: Colors) -> anyhow::Result<Exit> {
    let rules = plan.rules.as_deref();
    match plan.command {
        Run::Interview { save, force } => interview_cmd(rules, save.as_deref(), force, colors),
        Run::Assess {
            answers,
            format,
            explain,
        } => assess_cmd(rules, &answers, format, explain, colors),
        Run::Batch { input, explain } => batch_cmd(rule_base(rules)?, &input, explain),
        Run::RulesCheck => check_cmd(rules),
        Run::RulesList { what, json } => {
            let text = listing::render(rule_base(rules)?, what, json)?;
            write_stdout(&text)
        }
        Run::RulesTest { files } => {
            let rb = rule_base(rules)?;
            let mut out = io::stdout().lock();
            let summary = cases::run_files(rb, &files, &mut out)?;
            out.flush()?;
            Ok(if summary.failed == 0 {
                Exit::Success
            } else {
                Exit::Failure
            })
        }
        Run::Completions(shell) => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
                Shell::Elvish => clap_complete::Shell::Elvish,
                Shell::Powershell => clap_complete::Shell::PowerShell,
            };
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "backtriage", &mut buf);
            write_stdout(&String::from_utf8_lossy(&buf))
        }
        Run::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
            write_stdout(&String::from_utf8_lossy(&buf))
        }
    }
}

fn write_stdout(text: &str) -> anyhow::Result<Exit> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Success)
}

/// The rule base named by `--rules`, or the embedded one.
///
/// A run of backtriage uses one rule base until it exits, so it is leaked
/// rather than freed piece by piece at exit (a tenth of a short run's work).
pub fn rule_base(dir: Option<&Path>) -> anyhow::Result<&'static RuleBase> {
    let rb = match dir {
        None => embedded::rule_base()?,
        Some(dir) => load::load_dir(dir).map_err(|problems| rule_base_error(dir, &problems))?,
    };
    Ok(Box::leak(Box::new(rb)))
}

fn rule_base_error(dir: &Path, problems: &[Problem]) -> anyhow::Error {
    let first = problems
        .first()
        .map_or_else(String::new, |p| format!(": {p}"));
    let more = match problems.len() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} more; see 'backtriage rules check --rules {}')",
            n - 1,
            dir.display()
        ),
    };
    anyhow::anyhow!("cannot use the rule base in {}{first}{more}", dir.display())
}

fn check_cmd(dir: Option<&Path>) -> anyhow::Result<Exit> {
    let (shown, result) = match dir {
        Some(dir) => (
            escape_controls(&dir.display().to_string()).into_owned(),
            load::read_dir(dir).and_then(|texts| load::compile_texts(&texts)),
        ),
        None => (
            "rules/ (built in)".to_owned(),
            load::compile_texts(&embedded::texts()),
        ),
    };
    let mut out = io::stdout().lock();
    match result {
        Ok(rb) => {
            writeln!(
                out,
                "{shown}: ok ({} findings, {} derived facts, {} red flags, {} causes, {} advice items, {} sources)",
                rb.n_findings,
                rb.facts.len() - rb.n_findings,
                rb.red_flags.len(),
                rb.causes.len(),
                rb.advice.len(),
                rb.sources.len()
            )?;
            out.flush()?;
            Ok(Exit::Success)
        }
        Err(problems) => {
            for p in &problems {
                writeln!(out, "{p}")?;
            }
            writeln!(out, "{shown}: {} problem(s)", problems.len())?;
            out.flush()?;
            Ok(Exit::Failure)
        }
    }
}

/// The answers given on the command line, refusing bad ones as usage errors.
pub fn answers_of(rb: &RuleBase, given: &[AnswerArg]) -> Result<Answers, UsageError> {
    let mut answers = Answers::new(rb);
    for AnswerArg { id, value } in given {
        let id = id.trim();
        if id.is_empty() {
            return Err(UsageError("an empty finding id was given".to_owned()));
        }
        answers
            .set_by_id(rb, id, RawAnswer::Word(value))
            .map_err(|e| UsageError(e.to_string()))?;
    }
    Ok(answers)
}

fn assess_cmd(
    rules: Option<&Path>,
    given: &[AnswerArg],
    format: output::Format,
    explain: bool,
    colors: Colors,
) -> anyhow::Result<Exit> {
    let rb = rule_base(rules)?;
    let answers = answers_of(rb, given)?;
    let mut eval = Evaluation::empty(rb);
    let mut assessment = triage::Assessment::default();
    triage::assess_into(rb, &answers, &mut eval, &mut assessment);
    let explanation = explain.then(|| explain::explain(rb, &eval));
    let view = View::new(rb, &answers, &assessment, explanation);
    write_stdout(&output::render(&view, format, colors.stdout)?)
}

fn batch_cmd(rb: &RuleBase, path: &Path, explain: bool) -> anyhow::Result<Exit> {
    let input: Box<dyn io::Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open batch file {}", path.display()))?;
        Box::new(file)
    };
    // Into a regular file, written so that a failed write leaves whole lines.
    let summary = match stdout_file() {
        Some(file) => batch::run(rb, input, batch::WholeLines::new(file), explain),
        None => batch::run(rb, input, io::stdout().lock(), explain),
    };
    let summary = match summary {
        Ok(summary) => summary,
        // The reader went away (`| head`): results were lost, and a script
        // with `set -o pipefail` must see it, as for a command killed by
        // SIGPIPE.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            eprintln!(
                "error: the batch output was closed before every result was written (broken pipe)"
            );
            return Ok(Exit::BrokenPipe);
        }
        Err(e) => return Err(anyhow::Error::new(e).context("batch failed")),
    };
    if summary.errors > 0 {
        eprintln!(
            "{} of {} lines had errors (see their \"error\" fields)",
            summary.errors, summary.lines
        );
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}

/// Standard output as a file of its own, when it is a regular file.
fn stdout_file() -> Option<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
        let file = std::fs::File::from(fd);
        file.metadata().is_ok_and(|m| m.is_file()).then_some(file)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

fn interview_cmd(
    rules: Option<&Path>,
    save: Option<&Path>,
    force: bool,
    colors: Colors,
) -> anyhow::Result<Exit> {
    // First, so that no signal can end the process while a file of ours
    // is half made.
    install_interrupt_handler();
    let rb = rule_base(rules)?;
    let cannot_save = |path: &Path| format!("cannot save the summary to {}", path.display());
    // Refuse an unusable --save target before asking anything, not after.
    let target = match save.map(|path| (path, save::check(path, force, &save::INTERRUPTS))) {
        None => None,
        Some((_, Ok(target))) => Some(target),
        Some((_, Err(e))) if save::is_interrupted(&e) => {
            eprintln!("\ninterrupted");
            return Ok(Exit::Interrupted);
        }
        Some((path, Err(e))) => return Err(anyhow::Error::new(e).context(cannot_save(path))),
    };
    let echo = !io::IsTerminal::is_terminal(&io::stdin());
    let stdin = io::stdin().lock();
    let mut stderr = io::stderr();
    let session = interview::run(rb, stdin, &mut stderr, colors.stderr, echo)?;
    let assessment = triage::assess(rb, &session.answers);
    let view = View::new(rb, &session.answers, &assessment, None);
    // The summary is written before the result is printed, so that a closed
    // stdout cannot lose it; a failed save still shows the result.
    let saved = match (&target, save) {
        (Some(target), Some(path)) => {
            let summary = output::render(&view, output::Format::Markdown, Painter::PLAIN)?;
            let saved = save::save(target, &summary, &save::INTERRUPTS);
            if saved.as_ref().is_err_and(save::is_interrupted) {
                eprintln!("\ninterrupted");
                return Ok(Exit::Interrupted);
            }
            Some((path, saved))
        }
        _ => None,
    };
    let shown = write_stdout(&output::render(&view, output::Format::Text, colors.stdout)?);
    match saved {
        Some((path, Ok(()))) => eprintln!(
            "Summary for your doctor saved to {}",
            escape_controls(&path.display().to_string())
        ),
        Some((path, Err(e))) => return Err(anyhow::Error::new(e).context(cannot_save(path))),
        None => {}
    }
    shown
}

/// Makes Ctrl-C, SIGTERM and SIGHUP end the process with status 130 and a
/// short message, rather than a raw signal death mid-line. During a save
/// the signal is only recorded: the save finishes or removes its temporary
/// file, and `interview_cmd` then ends with 130.
fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        if save::INTERRUPTS.on_signal() {
            eprintln!("\ninterrupted");
            std::process::exit(Exit::Interrupted as i32);
        }
    });
}
