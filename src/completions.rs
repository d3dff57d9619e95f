//! Shell completions that know the rule base: finding ids after `--yes`,
//! `--no`, `--unknown` and `--answer`. Urgency levels (`--fail-on`) are a
//! clap value enum, so clap completes them already.
//!
//! The ids are set as possible values on a copy of the command used only to
//! write the script; parsing keeps taking any id, so that an unknown one gets
//! backtriage's own "did you mean" and comma-separated lists keep working.

use clap::CommandFactory;
use clap::builder::{PossibleValue, PossibleValuesParser};

use crate::cli::Cli;
use crate::triage::condition::FactId;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::FindingKind;

/// The command line with the rule base's finding ids as possible values.
pub fn command(rb: &RuleBase) -> clap::Command {
    let findings = || {
        (0..rb.n_findings)
            .map(FactId::at)
            .filter_map(|f| Some((rb.fact(f), rb.finding(f)?)))
    };
    let value = |id: String, label: &str| PossibleValue::new(id).help(label.to_owned());
    let yes_no: Vec<PossibleValue> = findings()
        .filter(|(_, f)| f.kind == FindingKind::YesNo)
        .map(|(fact, _)| value(fact.id.clone(), &fact.label))
        .collect();
    let any: Vec<PossibleValue> = findings()
        .map(|(fact, _)| value(fact.id.clone(), &fact.label))
        .collect();
    // `--answer ID=VALUE` for yes/no findings; numbers (age, days) have their
    // own flags, and a bare `age=` would get a space after it in bash.
    let pairs: Vec<PossibleValue> = findings()
        .filter(|(_, f)| f.kind == FindingKind::YesNo)
        .flat_map(|(fact, _)| {
            ["yes", "no", "unknown"].map(|word| value(format!("{}={word}", fact.id), &fact.label))
        })
        .collect();
    Cli::command().mut_subcommand("assess", |assess| {
        assess
            .mut_arg("yes", |a| {
                a.value_parser(PossibleValuesParser::new(yes_no.clone()))
            })
            .mut_arg("no", |a| a.value_parser(PossibleValuesParser::new(yes_no)))
            .mut_arg("unknown", |a| {
                a.value_parser(PossibleValuesParser::new(any))
            })
            .mut_arg("answers", |a| {
                a.value_parser(PossibleValuesParser::new(pairs))
            })
    })
}
