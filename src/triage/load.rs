//! Reads a rule base folder (or the texts embedded in the binary), parses
//! each file, and hands the result to `compile::compile`.
//!
//! Every way a file can be unusable becomes a [`Problem`], never a panic:
//! missing, too large, binary, not UTF-8, empty, not YAML, too deep, an
//! alias bomb (the YAML parser refuses both), or the wrong shape.

use std::fs;
use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::triage::compile;
use crate::triage::problem::{FILES, Problem, RuleText};
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::RuleFiles;

/// The largest rule file read; a rule base is a few hundred kilobytes.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

fn problem(file: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        file: file.into(),
        position: None,
        message: message.into(),
    }
}

/// Reads the seven rule files of a folder.
pub fn read_dir(dir: &Path) -> Result<Vec<RuleText>, Vec<Problem>> {
    let shown = dir.display().to_string();
    let meta = fs::metadata(dir).map_err(|e| {
        vec![problem(
            &shown,
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such folder".to_owned(),
                _ => format!("cannot read: {e}"),
            },
        )]
    })?;
    if !meta.is_dir() {
        return Err(vec![problem(
            &shown,
            "not a folder: --rules takes a folder of rule files",
        )]);
    }
    let entries =
        fs::read_dir(dir).map_err(|e| vec![problem(&shown, format!("cannot read: {e}"))])?;
    let mut problems = Vec::new();
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| vec![problem(&shown, format!("cannot read: {e}"))])?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    if names.is_empty() {
        return Err(vec![problem(
            &shown,
            format!(
                "the folder is empty: a rule base needs {}",
                FILES.join(", ")
            ),
        )]);
    }
    names.sort();
    for name in &names {
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        if yaml && !FILES.contains(&name.as_str()) {
            problems.push(problem(
                dir.join(name).display().to_string(),
                format!(
                    "unexpected rule file: a rule base has exactly {}",
                    FILES.join(", ")
                ),
            ));
        }
    }
    let mut texts = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        let shown = path.display().to_string();
        if !names.iter().any(|n| n == name) {
            problems.push(problem(&shown, "missing: every rule base needs this file"));
            continue;
        }
        match read_text(&path) {
            Ok(text) => texts.push(RuleText {
                display: shown,
                text,
            }),
            Err(message) => problems.push(problem(&shown, message)),
        }
    }
    if problems.is_empty() {
        Ok(texts)
    } else {
        Err(problems)
    }
}

/// Reads one file as UTF-8 text, refusing what cannot be a rule file.
fn read_text(path: &Path) -> Result<String, String> {
    let file = fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    // Read one byte past the cap to tell "exactly at the cap" from "over it".
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "file is larger than the {} MB limit for a rule file",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    text_of(bytes)
}

/// Turns file bytes into text, refusing binary and non-UTF-8 content.
pub fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err("binary file (it contains NUL bytes), not YAML text".to_owned());
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("not UTF-8 text: invalid byte at line {line} (byte offset {at})")
    })
}

/// Parses one file's text into its type, reporting the place of any error.
fn parse_one<T: DeserializeOwned>(text: &RuleText) -> Result<T, Problem> {
    if text.text.trim().is_empty() {
        return Err(problem(&text.display, "file is empty"));
    }
    serde_yaml::from_str::<T>(&text.text).map_err(|e| yaml_problem(&text.display, &e))
}

/// A parser's message without the " at line L column C" that serde_yaml and
/// serde_json append (the position is given apart, or is meaningless).
pub fn without_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

/// A YAML error in `file` as a problem: the position in front, and two of
/// the parser's safety limits said in words an author can act on.
pub fn yaml_problem(file: &str, e: &serde_yaml::Error) -> Problem {
    let full = e.to_string();
    let message = match e.location() {
        Some(_) => without_position(&full),
        None => &full,
    };
    let message = if message.contains("repetition limit exceeded") {
        "YAML aliases expand to too much data (an alias bomb?): the parser's repetition limit was reached".to_owned()
    } else if message.contains("recursion limit exceeded") {
        format!("{message}: the YAML is nested too deeply")
    } else {
        message.to_owned()
    };
    Problem {
        file: file.to_owned(),
        position: e.location().map(|l| (l.line(), l.column())),
        message: message.replace('\n', " "),
    }
}

/// Parses the texts (in [`FILES`] order) into their types.
pub fn parse(texts: &[RuleText]) -> Result<RuleFiles, Vec<Problem>> {
    let mut problems = Vec::new();
    macro_rules! file {
        ($i:expr) => {
            match texts.get($i).map(parse_one) {
                Some(Ok(v)) => Some(v),
                Some(Err(p)) => {
                    problems.push(p);
                    None
                }
                None => {
                    problems.push(problem(FILES[$i], "missing"));
                    None
                }
            }
        };
    }
    let sources = file!(0);
    let findings = file!(1);
    let derived = file!(2);
    let red_flags = file!(3);
    let causes = file!(4);
    let advice = file!(5);
    let settings = file!(6);
    let messages = file!(7);
    match (
        sources, findings, derived, red_flags, causes, advice, settings, messages,
    ) {
        (
            Some(sources),
            Some(findings),
            Some(derived),
            Some(red_flags),
            Some(causes),
            Some(advice),
            Some(settings),
            Some(messages),
        ) if problems.is_empty() => Ok(RuleFiles {
            sources,
            findings,
            derived,
            red_flags,
            causes,
            advice,
            settings,
            messages,
        }),
        _ => Err(problems),
    }
}

/// Parses, checks and compiles rule texts.
pub fn compile_texts(texts: &[RuleText]) -> Result<RuleBase, Vec<Problem>> {
    let files = parse(texts)?;
    compile::compile(&files, texts)
}

/// Reads, checks and compiles the rule base in a folder.
pub fn load_dir(dir: &Path) -> Result<RuleBase, Vec<Problem>> {
    compile_texts(&read_dir(dir)?)
}
