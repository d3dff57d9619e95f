//! Turns parsed arguments into a plan and runs it: load the rule base, call
//! the engine, pick the renderer. The only place that decides exit codes.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{CommandFactory, Parser};

use crate::cli::{AssessArgs, Cli, Command, Format, InterviewArgs, RulesCommand};
use crate::color::{Colors, Painter};
use crate::exit::Exit;
use crate::report::{self, Report};
use crate::triage::answers::{Answers, RawAnswer};
use crate::triage::load;
use crate::triage::problem::Problem;
use crate::triage::rulebase::RuleBase;
use crate::triage::{self, engine};
use crate::{batch, cases, embedded, interview, listing, render};

/// A mistake in what the user typed: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The work ran but found failures (already reported): exit status 1.
#[derive(Debug)]
pub struct Failed;

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Failed {}

/// Runs backtriage with these arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = OsString>) -> Exit {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let colors = Colors::from_env(cli.color);
    match dispatch(cli, colors) {
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
            let first = rendered.lines().next().unwrap_or("error: bad arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("error: {first} (see 'backtriage --help')");
            Exit::Usage
        }
    }
}

fn report_error(e: &anyhow::Error, paint: Painter) -> Exit {
    if e.downcast_ref::<Failed>().is_some() {
        return Exit::Failure;
    }
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
        .join(": ")
        .replace('\n', " ");
    eprintln!("{} {message}", paint.alarm("error:"));
    if e.downcast_ref::<UsageError>().is_some() {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

fn dispatch(cli: Cli, colors: Colors) -> anyhow::Result<Exit> {
    let rules = cli.rules.as_deref();
    match cli.command {
        None => interview_cmd(rules, InterviewArgs::default(), colors),
        Some(Command::Interview(args)) => interview_cmd(rules, args, colors),
        Some(Command::Assess(args)) => assess_cmd(rules, args, colors),
        Some(Command::Rules(RulesCommand::Check)) => check_cmd(rules),
        Some(Command::Rules(RulesCommand::List { what, format })) => {
            let rb = rule_base(rules)?;
            let text = listing::render(rb, what, format)?;
            write_stdout(&text)
        }
        Some(Command::Rules(RulesCommand::Test { files })) => {
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
        Some(Command::Completions { shell }) => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "backtriage", &mut buf);
            write_stdout(&String::from_utf8_lossy(&buf))
        }
        Some(Command::Man) => {
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
            dir.display().to_string(),
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

/// Collects the answers of `assess`'s flags, refusing bad ones as usage errors.
pub fn answers_from_args(rb: &RuleBase, args: &AssessArgs) -> Result<Answers, UsageError> {
    let mut answers = Answers::new(rb);
    let mut set = |id: &str, raw: RawAnswer<'_>| -> Result<(), UsageError> {
        let id = id.trim();
        if id.is_empty() {
            return Err(UsageError("an empty finding id was given".to_owned()));
        }
        answers
            .set_by_id(rb, id, raw)
            .map(|_| ())
            .map_err(|e| UsageError(e.to_string()))
    };
    for (ids, word) in [
        (&args.yes, "yes"),
        (&args.no, "no"),
        (&args.unknown, "unknown"),
    ] {
        for id in ids {
            set(id, RawAnswer::Word(word))?;
        }
    }
    for (id, value) in [("age", &args.age), ("days", &args.days)] {
        if let Some(value) = value {
            set(id, RawAnswer::Word(value))?;
        }
    }
    for pair in &args.answers {
        let Some((id, value)) = pair.split_once('=') else {
            return Err(UsageError(format!(
                "--answer takes ID=VALUE (for example fever=no), not '{pair}'"
            )));
        };
        set(id, RawAnswer::Word(value))?;
    }
    Ok(answers)
}

fn assess_cmd(rules: Option<&Path>, args: AssessArgs, colors: Colors) -> anyhow::Result<Exit> {
    let rb = rule_base(rules)?;
    if let Some(path) = &args.batch {
        return batch_cmd(rb, path, args.explain);
    }
    let answers = answers_from_args(rb, &args)?;
    let mut eval = engine::Evaluation::empty(rb);
    let mut assessment = triage::Assessment::default();
    triage::assess_into(rb, &answers, &mut eval, &mut assessment);
    let explanation = args.explain.then(|| triage::explain::explain(rb, &eval));
    let output = match args.format {
        Format::Json => {
            let mut buf = Vec::new();
            let frags = report::OnTheSpot(rb);
            report::write_json(&mut buf, &frags, &assessment, None, explanation.as_ref())?;
            buf.push(b'\n');
            buf
        }
        Format::Text => render::text(
            rb,
            &Report::new(rb, &assessment, explanation),
            colors.stdout,
        )
        .into_bytes(),
        Format::Markdown => render::markdown(
            rb,
            &Report::new(rb, &assessment, explanation),
            &report::answer_lines(rb, &answers),
            &report::cited_sources(rb, &assessment),
        )
        .into_bytes(),
    };
    let mut out = io::stdout().lock();
    out.write_all(&output)?;
    out.flush()?;
    Ok(Exit::Success)
}

fn batch_cmd(rb: &RuleBase, path: &PathBuf, explain: bool) -> anyhow::Result<Exit> {
    let stdout = io::stdout().lock();
    let summary = if path.as_os_str() == "-" {
        batch::run(rb, io::stdin().lock(), stdout, explain)
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open batch file {}", path.display()))?;
        batch::run(rb, file, stdout, explain)
    }
    .context("batch failed")?;
    if summary.errors > 0 {
        eprintln!(
            "{} of {} lines had errors (see their \"error\" fields)",
            summary.errors, summary.lines
        );
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}

fn interview_cmd(
    rules: Option<&Path>,
    args: InterviewArgs,
    colors: Colors,
) -> anyhow::Result<Exit> {
    let rb = rule_base(rules)?;
    // Refuse an unusable --save target before asking anything, not after.
    if let Some(path) = &args.save {
        interview::check_save_target(path)
            .with_context(|| format!("cannot save the summary to {}", path.display()))?;
    }
    interview::install_interrupt_handler();
    let echo = !io::IsTerminal::is_terminal(&io::stdin());
    let stdin = io::stdin().lock();
    let mut stderr = io::stderr();
    let session = interview::run(rb, stdin, &mut stderr, colors.stderr, echo)?;
    let assessment = triage::assess(rb, &session.answers);
    let report = Report::new(rb, &assessment, None);
    write_stdout(&render::text(rb, &report, colors.stdout))?;
    if let Some(path) = &args.save {
        let summary = render::markdown(
            rb,
            &report,
            &report::answer_lines(rb, &session.answers),
            &report::cited_sources(rb, &assessment),
        );
        interview::save_atomically(path, &summary)
            .with_context(|| format!("cannot save the summary to {}", path.display()))?;
        eprintln!("Summary for your doctor saved to {}", path.display());
    }
    Ok(Exit::Success)
}
