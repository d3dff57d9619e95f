//! What to run, decided from the command line: the parsed arguments of
//! [`crate::cli`] become a [`Plan`] that holds no clap types, and
//! [`crate::app`] runs it.

use std::path::PathBuf;

use crate::cli::{self, Cli, Command, RulesCommand};
use crate::color::ColorWhen;
use crate::output::Format;
use crate::output::json_schema::Document;
use crate::output::listing::ListKind;
use crate::triage::schema::Urgency;

/// A validated plan: which rule base, which colours, which command.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `--rules DIR`, or the built-in rule base.
    pub rules: Option<PathBuf>,
    pub color: ColorWhen,
    pub command: Run,
}

/// One answer as given on the command line: an id and its raw value.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerArg {
    pub id: String,
    pub value: String,
}

/// The shells completions can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

/// The command to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    Interview {
        /// `--save FILE`.
        save: Option<PathBuf>,
        /// The format of the `save` file.
        save_format: Format,
        details: bool,
        /// `--force`: the save may replace an existing regular file.
        force: bool,
    },
    Assess {
        answers: Vec<AnswerArg>,
        format: Format,
        explain: bool,
        details: bool,
        /// `--fail-on`: exit 3 when the urgency reaches this level.
        fail_on: Option<Urgency>,
    },
    Batch {
        /// `-` for stdin.
        input: PathBuf,
        explain: bool,
        /// `--compact`: ids, levels and scores only.
        compact: bool,
        /// `--jobs`: worker threads (`None`: one per core).
        jobs: Option<usize>,
        /// `--fail-on`: exit 3 when any line's urgency reaches this level.
        fail_on: Option<Urgency>,
    },
    RulesCheck,
    RulesList {
        what: ListKind,
        json: bool,
    },
    RulesTest {
        files: Vec<PathBuf>,
    },
    /// The interview as a FHIR R4 Questionnaire.
    RulesExportFhir,
    /// The JSON Schema of an output.
    Schema(Document),
    Completions(Shell),
    /// The top man page on stdout, or every page written into `dir`.
    Man {
        dir: Option<PathBuf>,
    },
}

/// A mistake in an `--answer` pair, found while planning.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanError(pub String);

impl Plan {
    /// The plan for these parsed arguments.
    pub fn new(cli: Cli) -> Result<Plan, PlanError> {
        let command = match cli.command {
            None => Run::Interview {
                save: None,
                save_format: Format::Markdown,
                force: false,
                details: false,
            },
            Some(Command::Interview(args)) => Run::Interview {
                save: args.save,
                save_format: match args.save_format {
                    cli::SaveFormat::Markdown => Format::Markdown,
                    cli::SaveFormat::Fhir => Format::Fhir,
                },
                force: args.force,
                details: args.details,
            },
            Some(Command::Assess(args)) => {
                let fail_on = args.fail_on.map(|level| match level {
                    cli::Level::Emergency => Urgency::Emergency,
                    cli::Level::Urgent => Urgency::Urgent,
                    cli::Level::Doctor => Urgency::Doctor,
                    cli::Level::SelfCare => Urgency::SelfCare,
                });
                let format = match args.format {
                    None | Some(cli::Format::Text) => Format::Text,
                    Some(cli::Format::Json) => Format::Json,
                    Some(cli::Format::Markdown) => Format::Markdown,
                    Some(cli::Format::Fhir) => Format::Fhir,
                };
                // A batch writes JSON Lines: json may be said, nothing else.
                let not_json = match args.format {
                    Some(cli::Format::Text) => Some("text"),
                    Some(cli::Format::Markdown) => Some("markdown"),
                    Some(cli::Format::Fhir) => Some("fhir"),
                    None | Some(cli::Format::Json) => None,
                };
                match (args.batch.clone(), not_json) {
                    (Some(_), Some(name)) => {
                        return Err(PlanError(format!(
                            "--batch writes JSON Lines only: use --format json or leave --format out, not --format {name}"
                        )));
                    }
                    (Some(input), None) => Run::Batch {
                        input,
                        explain: args.explain,
                        compact: args.compact,
                        jobs: args.jobs.map(usize::from),
                        fail_on,
                    },
                    (None, _) => Run::Assess {
                        answers: answers_of(&args)?,
                        format,
                        explain: args.explain,
                        details: args.details,
                        fail_on,
                    },
                }
            }
            Some(Command::Rules(RulesCommand::Check)) => Run::RulesCheck,
            Some(Command::Rules(RulesCommand::List { what, format })) => Run::RulesList {
                what: match what {
                    cli::ListKind::Findings => ListKind::Findings,
                    cli::ListKind::Causes => ListKind::Causes,
                    cli::ListKind::RedFlags => ListKind::RedFlags,
                    cli::ListKind::Advice => ListKind::Advice,
                    cli::ListKind::Sources => ListKind::Sources,
                },
                json: format == cli::ListFormat::Json,
            },
            Some(Command::Rules(RulesCommand::Test { files })) => Run::RulesTest { files },
            Some(Command::Rules(RulesCommand::Export {
                format: cli::ExportFormat::Fhir,
            })) => Run::RulesExportFhir,
            Some(Command::Schema { what }) => Run::Schema(match what {
                cli::SchemaKind::Assessment => Document::Assessment,
                cli::SchemaKind::BatchLine => Document::BatchLine,
                cli::SchemaKind::CompactLine => Document::CompactLine,
            }),
            Some(Command::Completions { shell }) => Run::Completions(match shell {
                clap_complete::Shell::Zsh => Shell::Zsh,
                clap_complete::Shell::Fish => Shell::Fish,
                clap_complete::Shell::Elvish => Shell::Elvish,
                clap_complete::Shell::PowerShell => Shell::Powershell,
                _ => Shell::Bash,
            }),
            Some(Command::Man { dir }) => Run::Man { dir },
        };
        Ok(Plan {
            rules: cli.rules,
            color: match cli.color {
                cli::ColorChoice::Auto => ColorWhen::Auto,
                cli::ColorChoice::Always => ColorWhen::Always,
                cli::ColorChoice::Never => ColorWhen::Never,
            },
            command,
        })
    }
}

/// The answers of `assess`'s flags, in the order they were given: `--yes`,
/// `--no` and `--unknown` ids, `--age`, `--days`, then each `--answer`.
fn answers_of(args: &cli::AssessArgs) -> Result<Vec<AnswerArg>, PlanError> {
    let mut answers = Vec::new();
    for (ids, word) in [
        (&args.yes, "yes"),
        (&args.no, "no"),
        (&args.unknown, "unknown"),
    ] {
        for id in ids {
            answers.push(AnswerArg {
                id: id.clone(),
                value: word.to_owned(),
            });
        }
    }
    for (id, value) in [("age", &args.age), ("days", &args.days)] {
        if let Some(value) = value {
            answers.push(AnswerArg {
                id: id.to_owned(),
                value: value.clone(),
            });
        }
    }
    for pair in &args.answers {
        let Some((id, value)) = pair.split_once('=') else {
            return Err(PlanError(format!(
                "--answer takes ID=VALUE (for example fever=no), not '{pair}'"
            )));
        };
        answers.push(AnswerArg {
            id: id.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(answers)
}
