//! Man pages: one for the tool and one per subcommand (`backtriage.1`,
//! `backtriage-assess.1`, `backtriage-rules-check.1`, ...). clap_mangen
//! renders what clap knows (name, synopsis, options, subcommands); the
//! sections clap cannot know are written here: EXIT STATUS, ENVIRONMENT,
//! NOTES, EXAMPLES and SEE ALSO.

use std::io;
use std::path::{Path, PathBuf};

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli::DISCLAIMER;

/// The examples, each on the page of its command (the words after
/// `backtriage`); a page also shows the examples of its subcommands.
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "",
        "backtriage",
        "Start the interview (the same as backtriage interview).",
    ),
    (
        "interview",
        "backtriage interview --save summary.md",
        "Interview, then also write a markdown summary to bring to a doctor.",
    ),
    (
        "interview",
        "backtriage interview --save visit.json --save-format fhir",
        "Interview, then also write the answers and the result as a FHIR R4 Bundle.",
    ),
    (
        "interview",
        "printf '1\\n3\\n44\\n0\\n' | backtriage interview",
        "Answer the questions from a pipe, one answer per line.",
    ),
    (
        "assess",
        "backtriage assess --yes lower_back_pain,lifting_or_strain --no fever --age 34 --days 2",
        "Assess answers given as flags; a finding not given is unknown.",
    ),
    (
        "assess",
        "backtriage assess --yes saddle_numbness --format json",
        "One JSON object for a script.",
    ),
    (
        "assess",
        "backtriage assess --answer saddle_numbness=yes --answer days=3 --explain",
        "The general form of an answer, and the rules that fired.",
    ),
    (
        "assess",
        "backtriage assess --yes fever --format json --fail-on urgent > result.json || echo 'see a doctor today'",
        "Exit status 3 when the urgency is urgent or emergency.",
    ),
    (
        "assess",
        "backtriage assess --yes lifting_or_strain --unknown fever --format fhir > bundle.json",
        "A FHIR R4 Bundle: the answers (QuestionnaireResponse) and the assessment (RiskAssessment).",
    ),
    (
        "assess",
        "backtriage assess --batch cases.jsonl > results.jsonl",
        "JSON Lines in, one result line per input line (- reads stdin).",
    ),
    (
        "rules check",
        "backtriage rules check --rules my-rules/",
        "Check a rule base; every problem as file:line:column: message.",
    ),
    (
        "rules list",
        "backtriage rules list findings",
        "The finding ids that --yes, --no and --answer take, with their questions.",
    ),
    (
        "rules list",
        "backtriage rules list red-flags --format json",
        "The warning signs as a JSON array, with their sources.",
    ),
    (
        "rules export",
        "backtriage rules export fhir > questionnaire.json",
        "The interview as a FHIR R4 Questionnaire; linkIds are the finding ids.",
    ),
    (
        "rules test",
        "backtriage rules test tests/cases/*.yaml",
        "Run clinical test cases against the rule base.",
    ),
    (
        "schema",
        "backtriage schema assessment > assessment.schema.json",
        "The JSON Schema of assess --format json; batch-line for a line of --batch.",
    ),
    (
        "completions",
        "backtriage completions bash > ~/.local/share/bash-completion/completions/backtriage",
        "Install bash completion for one user (finding ids included).",
    ),
    (
        "man",
        "backtriage man --dir man/ && man -l man/backtriage-assess.1",
        "Write every page, then read one.",
    ),
];

/// The exit codes, as `exit.rs` defines them.
const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success: an assessment was printed, the rule base is sound, every case passed.",
    ),
    (
        "1",
        "Failure: the rule base has problems, a case failed, a batch line had an error, or a file could not be read or written.",
    ),
    (
        "2",
        "Usage error: an unknown flag, subcommand or finding id, a value of the wrong kind or out of range, one finding answered twice differently. Nothing is written on stdout.",
    ),
    (
        "3",
        "Only with assess --fail-on LEVEL: the urgency is LEVEL or higher (with --batch, any line's). The assessment is printed as usual. A batch with an error line exits 1 instead.",
    ),
    ("130", "Interrupted with Ctrl-C."),
];

/// The variables that decide colour when --color is auto (the default).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "Set and not empty: no colour. Wins over CLICOLOR_FORCE; --color always wins over it.",
    ),
    (
        "CLICOLOR_FORCE",
        "Set, not empty and not 0: colour even into a pipe or on a dumb terminal. --color never wins over it.",
    ),
    ("CLICOLOR", "0: no colour."),
    (
        "TERM",
        "Unset or dumb: no colour on a terminal (unless CLICOLOR is set to something other than 0, or CI is set).",
    ),
    (
        "SOURCE_DATE_EPOCH",
        "Seconds since 1970-01-01 UTC: the time written into a report (markdown, FHIR) instead of now, for reproducible output.",
    ),
];

/// One rendered page.
pub struct Page {
    /// The file name, such as `backtriage-assess.1`.
    pub file_name: String,
    /// The page in roff.
    pub roff: String,
}

/// The tool's page (what `backtriage man` prints).
pub fn top_page(cmd: clap::Command) -> io::Result<Page> {
    render(&built(cmd), &[], None)
}

/// Every page, the tool's first, then one per subcommand, depth first.
pub fn pages(cmd: clap::Command) -> io::Result<Vec<Page>> {
    let mut pages = Vec::new();
    add_pages(&built(cmd), &[], None, &mut pages)?;
    Ok(pages)
}

/// The command built (which names each subcommand's page), without the
/// `help` subcommand, as clap_mangen::generate_to does.
fn built(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Writes every page into `dir` (made if missing); returns the files written.
pub fn write_pages(cmd: clap::Command, dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for page in pages(cmd)? {
        let path = dir.join(&page.file_name);
        std::fs::write(&path, page.roff)?;
        written.push(path);
    }
    Ok(written)
}

fn add_pages(
    cmd: &clap::Command,
    path: &[&str],
    parent: Option<&str>,
    out: &mut Vec<Page>,
) -> io::Result<()> {
    let page = render(cmd, path, parent)?;
    let name = page_name(cmd).to_owned();
    out.push(page);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        add_pages(sub, &sub_path, Some(&name), out)?;
    }
    Ok(())
}

/// `backtriage-rules-check`: the name clap gives a subcommand's page.
fn page_name(cmd: &clap::Command) -> &str {
    cmd.get_display_name().unwrap_or_else(|| cmd.get_name())
}

/// One page: clap_mangen's sections in the order man-pages(7) gives, with
/// this module's in between.
fn render(cmd: &clap::Command, path: &[&str], parent: Option<&str>) -> io::Result<Page> {
    let notes = cmd.get_after_help().map(ToString::to_string);
    // The tool's after_help is --help's examples and the disclaimer, both
    // written below in roff; a subcommand's is a note.
    let man = Man::new(cmd.clone().after_help(None::<&str>))
        .source(format!("backtriage {}", env!("CARGO_PKG_VERSION")))
        .manual("backtriage manual");
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut buf)?;
    }

    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in ENVIRONMENT {
        roff.control("TP", [])
            .text([bold(*name)])
            .text([roman(*meaning)]);
    }
    roff.control("SH", ["NOTES"]);
    if let Some(notes) = notes.filter(|_| !path.is_empty()) {
        paragraph(&mut roff, &notes);
        roff.control("PP", []);
    }
    paragraph(&mut roff, DISCLAIMER);
    let prefix = path.join(" ");
    let examples: Vec<_> = EXAMPLES
        .iter()
        .filter(|(page, _, _)| {
            prefix.is_empty() || *page == prefix || page.starts_with(&format!("{prefix} "))
        })
        .collect();
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (_, command, what) in examples {
            roff.control("TP", [])
                .text([bold(*command)])
                .text([roman(*what)]);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut see_also: Vec<String> = parent.map(ToOwned::to_owned).into_iter().collect();
    let name = page_name(cmd);
    see_also.extend(
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| format!("{name}-{}", s.get_name())),
    );
    if path.is_empty() {
        see_also.push("https://github.com/backtriage/backtriage".to_owned());
    }
    let last = see_also.len().saturating_sub(1);
    for (i, page) in see_also.iter().enumerate() {
        let comma = if i < last { "," } else { "" };
        if page.starts_with("http") {
            roff.text([italic(page.as_str()), roman(comma)]);
        } else {
            roff.text([bold(page.as_str()), roman(format!("(1){comma}"))]);
        }
    }
    roff.to_writer(&mut buf)?;

    // Each piece starts with roff's two-line apostrophe preamble; once is enough.
    let text = String::from_utf8_lossy(&buf).into_owned();
    let preamble_end = text.find(".TH ").unwrap_or(0);
    let (preamble, rest) = text.split_at(preamble_end);
    let roff = if preamble.is_empty() {
        text.clone()
    } else {
        format!("{preamble}{}", rest.replace(preamble, ""))
    };
    Ok(Page {
        file_name: man.get_filename(),
        roff,
    })
}

/// Text as roff lines, a blank line starting a new paragraph.
fn paragraph(roff: &mut Roff, text: &str) {
    for line in text.lines() {
        if line.trim().is_empty() {
            roff.control("PP", []);
        } else {
            roff.text([roman(line)]);
        }
    }
}
