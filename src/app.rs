//! Runs backtriage: parses the command line into a [`Plan`], runs it (load
//! the rule base, assess, render), and turns the outcome into an exit code.
//! The only place that decides exit codes and ends the process.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;
use clap::{CommandFactory, Parser};

use crate::cli::{self, Cli};
use crate::color::{Colors, Painter};
use crate::exit::Exit;
use crate::interview::Ended;
use crate::output::form::FormView;
use crate::output::view::{Meta, View};
use crate::output::{self, json_schema, listing};
use crate::plan::{AnswerArg, Plan, Run, Shell};
use crate::sanitize::{escape_controls, escape_controls_multiline};
use crate::terminal::Input;
use crate::triage::answers::{Answers, RawAnswer};
use crate::triage::assess::Headline;
use crate::triage::engine::Evaluation;
use crate::triage::load;
use crate::triage::problem::Problem;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::Urgency;
use crate::triage::{self, explain};
use crate::{batch, cases, completions, embedded, interview, man, save};

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
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, Colors::from_env(cli::color_in(&args))),
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

/// Help and version go to stdout with status 0. A usage error is clap's
/// whole message on stderr (what is wrong, its "a similar ... exists" tip or
/// the possible values, and the usage line), with status 2.
fn clap_error(e: &clap::Error, colors: Colors) -> Exit {
    use clap::error::ErrorKind;
    let (exit, paint) = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => (Exit::Success, colors.stdout),
        _ => (Exit::Usage, colors.stderr),
    };
    let rendered = e.render();
    let plain = rendered.to_string();
    // The message quotes what was typed: a control character in it is shown
    // escaped, never sent to the terminal (and then without colour, whose
    // codes would be escaped too).
    let text = match escape_controls_multiline(&plain) {
        std::borrow::Cow::Owned(escaped) => escaped,
        std::borrow::Cow::Borrowed(_) if paint.enabled => rendered.ansi().to_string(),
        std::borrow::Cow::Borrowed(_) => plain,
    };
    // A closed pipe (`--help | head`) is not worth a message.
    let _ = if exit == Exit::Success {
        io::stdout().lock().write_all(text.as_bytes())
    } else {
        io::stderr().lock().write_all(text.as_bytes())
    };
    exit
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
        Run::Interview {
            save,
            save_format,
            force,
            details,
        } => interview_cmd(
            rules,
            SaveTo {
                path: save.as_deref(),
                format: save_format,
                force,
            },
            details,
            colors,
        ),
        Run::Assess {
            answers,
            format,
            explain,
            details,
            fail_on,
        } => assess_cmd(rules, &answers, format, explain, details, colors)
            .map(|urgency| reached(fail_on, Some(urgency))),
        Run::Batch {
            input,
            explain,
            compact,
            jobs,
            fail_on,
        } => batch_cmd(
            rule_base(rules)?,
            &input,
            batch::Options { explain, compact },
            jobs,
            fail_on,
        ),
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
        Run::Schema(doc) => write_stdout(&json_schema::render(doc)?),
        Run::RulesExportFhir => {
            let form = FormView::new(rule_base(rules)?);
            write_stdout(&output::fhir::questionnaire(&form)?)
        }
        Run::Completions(shell) => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
                Shell::Elvish => clap_complete::Shell::Elvish,
                Shell::Powershell => clap_complete::Shell::PowerShell,
            };
            let mut cmd = completions::command(rule_base(rules)?);
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "backtriage", &mut buf);
            write_stdout(&String::from_utf8_lossy(&buf))
        }
        Run::Man { dir: None } => write_stdout(&man::top_page(Cli::command())?.roff),
        Run::Man { dir: Some(dir) } => {
            let written = man::write_pages(Cli::command(), &dir)
                .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
            let list: String = written
                .iter()
                .map(|p| format!("{}\n", p.display()))
                .collect();
            write_stdout(&list)
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
    answers.settle_disagreements(rb);
    Ok(answers)
}

/// [`Exit::UrgencyReached`] when `--fail-on` was given and `urgency` is at or
/// above it; success otherwise.
fn reached(fail_on: Option<Urgency>, urgency: Option<Urgency>) -> Exit {
    match (fail_on, urgency) {
        (Some(level), Some(urgency)) if urgency >= level => Exit::UrgencyReached,
        _ => Exit::Success,
    }
}

/// Prints one assessment; returns its urgency.
fn assess_cmd(
    rules: Option<&Path>,
    given: &[AnswerArg],
    format: output::Format,
    explain: bool,
    details: bool,
    colors: Colors,
) -> anyhow::Result<Urgency> {
    let rb = rule_base(rules)?;
    let answers = answers_of(rb, given)?;
    let mut eval = Evaluation::empty(rb);
    let mut assessment = triage::Assessment::default();
    triage::assess_into(rb, &answers, &mut eval, &mut assessment);
    let explanation = explain.then(|| explain::explain(rb, &eval));
    let view = View::new(rb, &answers, &assessment, explanation).with_meta(now());
    write_stdout(&output::render(
        &view,
        format,
        text_options(colors.stdout, details),
    )?)?;
    Ok(assessment.urgency)
}

/// How to write text on stdout: its colours, and the terminal's width (80
/// columns when it is not a terminal).
fn text_options(paint: Painter, details: bool) -> output::TextOptions {
    output::TextOptions {
        paint,
        width: width_of(io::stdout()),
        details,
    }
}

/// The width of a terminal stream in columns, or 80 when it is not one.
fn width_of(stream: impl std::os::fd::AsFd) -> usize {
    terminal_size::terminal_size_of(stream).map_or(80, |(w, _)| usize::from(w.0))
}

/// Now, for a report: the clock, or `SOURCE_DATE_EPOCH` when set (for
/// reproducible output, as build tools use it).
fn now() -> Meta {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    Meta::at(secs)
}

fn batch_cmd(
    rb: &RuleBase,
    path: &Path,
    options: batch::Options,
    jobs: Option<usize>,
    fail_on: Option<Urgency>,
) -> anyhow::Result<Exit> {
    // Unlocked stdin: it is read on a thread of its own with several jobs.
    let input: Box<dyn io::Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open batch file {}", path.display()))?;
        Box::new(file)
    };
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let run = |output: &mut dyn io::Write| {
        if jobs > 1 {
            batch::run_jobs(rb, input, output, options, jobs)
        } else {
            batch::run(rb, input, output, options)
        }
    };
    // Into a regular file, written so that a failed write leaves whole lines.
    let summary = match stdout_file() {
        Some(file) => run(&mut batch::WholeLines::new(file)),
        None => run(&mut io::stdout().lock()),
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
    Ok(reached(fail_on, summary.highest))
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

/// Where the interview's summary goes, if anywhere.
struct SaveTo<'a> {
    path: Option<&'a Path>,
    format: output::Format,
    /// The file may replace an existing regular file.
    force: bool,
}

fn interview_cmd(
    rules: Option<&Path>,
    save_to: SaveTo<'_>,
    details: bool,
    colors: Colors,
) -> anyhow::Result<Exit> {
    // First, so that no signal can end the process while a file of ours
    // is half made.
    install_interrupt_handler();
    let rb = rule_base(rules)?;
    let cannot_save = |path: &Path| format!("cannot save the summary to {}", path.display());
    // Refuse an unusable --save target before asking anything, not after.
    let check = |path| save::check(path, save_to.force, &save::INTERRUPTS);
    let target = match save_to.path.map(|path| (path, check(path))) {
        None => None,
        Some((_, Ok(target))) => Some(target),
        Some((_, Err(e))) if save::is_interrupted(&e) => {
            eprintln!("\ninterrupted");
            return Ok(Exit::Interrupted);
        }
        Some((path, Err(e))) => return Err(anyhow::Error::new(e).context(cannot_save(path))),
    };
    let terminal = io::IsTerminal::is_terminal(&io::stdin());
    let on_terminal = terminal && io::IsTerminal::is_terminal(&io::stderr());
    let mut input = match on_terminal.then(Input::editor).flatten() {
        Some(editor) => editor,
        None => Input::lines(io::stdin().lock(), !terminal),
    };
    let mut screen = interview::Screen {
        out: io::stderr(),
        paint: colors.stderr,
        width: width_of(io::stderr()),
    };
    let session = interview::run(rb, &mut input, &mut screen)?;
    if session.ended == Ended::Interrupted {
        eprintln!("\ninterrupted");
        return Ok(Exit::Interrupted);
    }
    // A blank line between the last question and the result.
    writeln!(screen.out)?;
    let assessment = triage::assess(rb, &session.answers);
    let view = View::new(rb, &session.answers, &assessment, None)
        .with_typed(rb, &session.typed)
        .with_meta(now());
    // The summary is written before the result is printed, so that a closed
    // stdout cannot lose it; a failed save still shows the result.
    let saved = match (&target, save_to.path) {
        (Some(target), Some(path)) => {
            let plain = output::TextOptions {
                paint: Painter::PLAIN,
                width: 80,
                details: true,
            };
            let summary = output::render(&view, save_to.format, plain)?;
            let saved = save::save(target, &summary, &save::INTERRUPTS);
            if saved.as_ref().is_err_and(save::is_interrupted) {
                eprintln!("\ninterrupted");
                return Ok(Exit::Interrupted);
            }
            Some((path, saved))
        }
        _ => None,
    };
    let first = text_options(colors.stdout, details);
    let mut shown = write_stdout(&output::render(&view, output::Format::Text, first)?);
    // On a terminal, the last question is whether to show every list.
    // (Not after an emergency: its last line stays the one thing to do.)
    let asks = terminal && !details && session.ended == Ended::Finished;
    let emergency = view.headline == Headline::Level(Urgency::Emergency);
    if shown.is_ok() && asks && !emergency && interview::ask_details(rb, &mut input, &mut screen)? {
        let all = text_options(colors.stdout, true);
        shown = write_stdout(&output::render(&view, output::Format::Text, all)?);
    }
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
