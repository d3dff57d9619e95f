//! The command line, as clap derive types. Nothing here runs anything:
//! `app` turns these into a plan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  backtriage                                   start the interview
  backtriage interview --save summary.md       interview, then save a summary for your doctor
  backtriage assess --yes lower_back_pain,lifting_or_strain --no fever --age 34 --days 2
  backtriage assess --yes saddle_numbness --format json
  backtriage assess --batch cases.jsonl > results.jsonl
  backtriage rules check --rules my-rules/
  backtriage rules list findings
  backtriage rules test tests/cases/*.yaml

backtriage is not a diagnosis. In an emergency, call your local emergency number
(999 in the UK, 112 in the EU, 911 in the US) or go to an emergency department.";

/// Triage for back (muscle) pain: warning signs first, likely causes,
/// self-care, and when to see a doctor. Offline and private.
#[derive(Debug, Parser)]
#[command(name = "backtriage", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// Use the rule base in this folder instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// When to use colour (NO_COLOR turns `auto` off).
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
    /// Check, list or test a rule base.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Options of `interview`.
#[derive(Debug, Args, Default)]
pub struct InterviewArgs {
    /// Also write a markdown summary for a doctor to this file.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Replace the --save file if it already exists (only a regular file).
    #[arg(long, requires = "save")]
    pub force: bool,
}

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always colour, even into a pipe or with NO_COLOR set.
    Always,
    /// Never colour.
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
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Also show the rules that fired and the conditions that matched.
    #[arg(long)]
    pub explain: bool,
    /// Assess JSON Lines from FILE (`-` for stdin), one result line per input line.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["yes", "no", "unknown", "age", "days", "answers", "format"])]
    pub batch: Option<PathBuf>,
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
    /// Run clinical test cases (YAML files) against the rule base.
    Test {
        /// Case files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
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
