//! What to run, decided from the command line: the parsed arguments of
//! [`crate::cli`] become a [`Plan`] that holds no clap types, and
//! [`crate::app`] runs it.

use std::path::PathBuf;

use crate::cli::{self, Cli, Command, RulesCommand};
use crate::color::ColorWhen;
use crate::output::Format;
use crate::output::listing::ListKind;

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
        /// `--force`: the save may replace an existing regular file.
        force: bool,
    },
    Assess {
        answers: Vec<AnswerArg>,
        format: Format,
        explain: bool,
    },
    Batch {
        /// `-` for stdin.
        input: PathBuf,
        explain: bool,
    },
    RulesCheck,
    RulesList {
        what: ListKind,
        json: bool,
    },
    RulesTest {
        files: Vec<PathBuf>,
    },
    Completions(Shell),
    Man,
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
                force: false,
            },
            Some(Command::Interview(args)) => Run::Interview {
                save: args.save,
                force: args.force,
            },
            Some(Command::Assess(args)) => match args.batch {
                Some(input) => Run::Batch {
                    input,
                    explain: args.explain,
                },
                None => Run::Assess {
                    answers: answers_of(&args)?,
                    format: match args.format {
                        cli::Format::Text => Format::Text,
                        cli::Format::Json => Format::Json,
                        cli::Format::Markdown => Format::Markdown,
                    },
                    explain: args.explain,
                },
            },
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
            Some(Command::Completions { shell }) => Run::Completions(match shell {
                clap_complete::Shell::Zsh => Shell::Zsh,
                clap_complete::Shell::Fish => Shell::Fish,
                clap_complete::Shell::Elvish => Shell::Elvish,
                clap_complete::Shell::PowerShell => Shell::Powershell,
                _ => Shell::Bash,
            }),
            Some(Command::Man) => Run::Man,
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
