//! The command line, as clap derive types. Nothing here runs anything:
//! `app` turns these into a plan.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::color::ColorWhen;

/// The warning at the end of `--help` and of the man pages.
macro_rules! disclaimer {
    () => {
        "backtriage is not a diagnosis. In an emergency, call your local emergency number
(999 in the UK, 112 in the EU, 911 in the US) or go to an emergency department."
    };
}

/// Said wherever backtriage describes itself.
pub const DISCLAIMER: &str = disclaimer!();

const EXAMPLES: &str = concat!(
    "\
Examples:
  backtriage                                   start the interview
  backtriage interview --save summary.md       interview, then save a summary for your doctor
  backtriage interview --save visit.json --save-format fhir    ... or a FHIR R4 Bundle
  backtriage assess --yes lower_back_pain,lifting_or_strain --no fever --age 34 --days 2
  backtriage assess --yes saddle_numbness --format json
  backtriage assess --batch cases.jsonl > results.jsonl
  backtriage schema assessment                 the JSON Schema of `assess --format json`
  backtriage rules check --rules my-rules/
  backtriage rules list findings
  backtriage rules export fhir > questionnaire.json
  backtriage rules test tests/cases/*.yaml

",
    disclaimer!()
);

/// Triage for back (muscle) pain: warning signs first, likely causes,
/// self-care, and when to see a doctor. Offline and private.
#[derive(Debug, Parser)]
#[command(name = "backtriage", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// Use the rule base in this folder instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// When to use colour: `auto` colours a terminal, unless NO_COLOR is set or
    /// TERM is dumb; CLICOLOR_FORCE colours a pipe too.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask questions one at a time, then print the assessment (the default).
    Interview(InterviewArgs),
    /// Assess answers given as flags, with no questions asked.
    Assess(AssessArgs),
    /// Check, list, test or export a rule base.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the JSON Schema of an assessment or of a batch output line.
    #[command(
        after_help = "The schemas are JSON Schema 2020-12, derived from the types that write the JSON,\n\
so they always match this version's output. Validate with any JSON Schema validator, e.g.\n  \
backtriage schema assessment > assessment.schema.json"
    )]
    Schema {
        /// Which output: `assessment` (assess --format json) or `batch-line`
        /// (a line of assess --batch: a result or an error line).
        what: SchemaKind,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a folder.
    Man {
        /// Write backtriage.1 and a page per subcommand (backtriage-assess.1, ...) here.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Options of `interview`.
#[derive(Debug, Args, Default)]
pub struct InterviewArgs {
    /// Also write a summary for a doctor to this file (markdown, or see --save-format).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// The format of the --save file: a markdown summary, or a FHIR R4 Bundle
    /// (JSON) for a health record.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value = "markdown",
        requires = "save"
    )]
    pub save_format: SaveFormat,
    /// Show every list in the result: all causes, all the advice with
    /// exercises, what was not checked.
    #[arg(long)]
    pub details: bool,
    /// Replace the --save file if it already exists (only a regular file).
    #[arg(long, requires = "save")]
    pub force: bool,
}

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal (not with NO_COLOR or TERM=dumb), or anything with CLICOLOR_FORCE.
    #[default]
    Auto,
    /// Always colour, even into a pipe or with NO_COLOR set.
    Always,
    /// Never colour, even with CLICOLOR_FORCE set.
    Never,
}

/// Output formats of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// For people: what to do, warning signs, likely causes, self-care.
    #[default]
    Text,
    /// For scripts: one JSON object.
    Json,
    /// A summary to bring to a doctor.
    Markdown,
    /// A FHIR R4 Bundle (QuestionnaireResponse and RiskAssessment), for health records.
    Fhir,
}

/// Formats of the interview's `--save` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SaveFormat {
    /// A summary to bring to a doctor.
    #[default]
    Markdown,
    /// A FHIR R4 Bundle: QuestionnaireResponse and RiskAssessment.
    Fhir,
}

/// Options of `assess`.
#[derive(Debug, Args, Default)]
#[command(
    after_help = "A finding that is not given is unknown: neither present nor absent.\n\
List the ids with `backtriage rules list findings`."
)]
pub struct AssessArgs {
    /// Findings that are present (comma-separated ids; repeatable).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub yes: Vec<String>,
    /// Findings that are absent (comma-separated ids; repeatable).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub no: Vec<String>,
    /// Findings asked about but not known (comma-separated ids; repeatable).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub unknown: Vec<String>,
    /// Age in years.
    #[arg(long, value_name = "YEARS", allow_negative_numbers = true)]
    pub age: Option<String>,
    /// How many days the pain has lasted.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub days: Option<String>,
    /// Any answer: ID=yes|no|unknown|NUMBER (repeatable).
    #[arg(long = "answer", value_name = "ID=VALUE")]
    pub answers: Vec<String>,
    /// Output format (default: text; --batch writes json only).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also show the rules that fired and the conditions that matched.
    #[arg(long)]
    pub explain: bool,
    /// Text: show every list (all causes, all the advice, what was not checked).
    #[arg(long)]
    pub details: bool,
    /// Exit with status 3 when the urgency is LEVEL or higher (with --batch:
    /// any line's).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<Level>,
    /// Assess JSON Lines from FILE (`-` for stdin), one result line per input line.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["yes", "no", "unknown", "age", "days", "answers"])]
    pub batch: Option<PathBuf>,
    /// With --batch: assess on N threads (default: one per core); the output
    /// is the same, in input order.
    #[arg(long, short = 'j', value_name = "N", requires = "batch",
          conflicts_with_all = ["yes", "no", "unknown", "age", "days", "answers"],
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// With --batch: write ids, levels and scores only, without the texts
    /// (`backtriage rules list WHAT --format json` has them).
    #[arg(long, requires = "batch",
          conflicts_with_all = ["yes", "no", "unknown", "age", "days", "answers"])]
    pub compact: bool,
}

/// An urgency level, as `--fail-on` takes it (the ids of the JSON output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// Call the emergency number or go to an emergency department now.
    Emergency,
    /// See a doctor today.
    Urgent,
    /// Book an appointment with a doctor in the coming days.
    Doctor,
    /// Look after it at home (so any assessment reaches it).
    #[value(name = "self_care", alias = "self-care")]
    SelfCare,
}

/// The documents `backtriage schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// One assessment, as `assess --format json` writes it.
    Assessment,
    /// One line of `assess --batch`: a result with the input's id, or an error line.
    BatchLine,
    /// One line of `assess --batch --compact`: a compact result, or an
    /// error line.
    CompactLine,
}

/// `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule base; every problem is shown as file:line:column: message.
    Check,
    /// List findings, causes, red flags, advice or sources.
    List {
        /// What to list.
        what: ListKind,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Write the rule base in another standard's form: `fhir` prints the
    /// interview as a FHIR R4 Questionnaire (JSON).
    Export {
        /// The form to write.
        format: ExportFormat,
    },
    /// Run clinical test cases (YAML files) against the rule base.
    Test {
        /// Case files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// What `rules export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The interview as a FHIR R4 Questionnaire.
    Fhir,
}

/// What `rules list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListKind {
    Findings,
    Causes,
    RedFlags,
    Advice,
    Sources,
}

/// Output formats of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ListFormat {
    #[default]
    Text,
    Json,
}

/// The `--color` choice in raw arguments that clap refused, so that its
/// error message is coloured as asked. Anything unclear is `auto`.
pub fn color_in(args: &[OsString]) -> ColorWhen {
    let mut when = ColorWhen::Auto;
    let mut args = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(arg) = args.next() {
        let value = match arg {
            "--" => break,
            "--color" => args.next().unwrap_or(""),
            _ => match arg.strip_prefix("--color=") {
                Some(value) => value,
                None => continue,
            },
        };
        when = match value {
            "always" => ColorWhen::Always,
            "never" => ColorWhen::Never,
            _ => ColorWhen::Auto,
        };
    }
    when
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color_of(args: &[&str]) -> ColorWhen {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        color_in(&args)
    }

    #[test]
    fn the_color_flag_is_found_in_arguments_clap_refused() {
        assert_eq!(color_of(&["backtriage", "asess"]), ColorWhen::Auto);
        assert_eq!(
            color_of(&["backtriage", "--color", "never", "asess"]),
            ColorWhen::Never
        );
        assert_eq!(
            color_of(&["backtriage", "assess", "--bogus", "--color=always"]),
            ColorWhen::Always
        );
        assert_eq!(
            color_of(&["backtriage", "--color", "sometimes"]),
            ColorWhen::Auto
        );
        assert_eq!(
            color_of(&["backtriage", "--", "--color", "never"]),
            ColorWhen::Auto
        );
    }
}
