//! Reads a rule base folder (or the texts embedded in the binary), parses
//! each file, and hands the result to `compile::compile`.
//!
//! Every way a file can be unusable becomes a [`Problem`], never a panic:
//! missing, not a regular file, too large, binary, not UTF-8, empty, not
//! YAML, nested too deep (refused before parsing), an alias bomb (the YAML
//! parser refuses it), or the wrong shape.

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
        match read_text(&path, "a rule file") {
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

/// What a path is when it is not a regular file, for messages (rule and
/// case files here, and `--save`'s destination).
pub(crate) fn kind_of(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        return "a folder";
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    "not a regular file"
}

/// Reads one file as UTF-8 text, refusing what cannot be a rule (or case)
/// file: anything but a regular file (a FIFO or a link to `/dev/stdin`
/// would wait for input forever, a device could be endless), a file over
/// [`MAX_FILE_BYTES`], binary or not UTF-8. `what` names it in messages
/// ("a rule file").
pub fn read_text(path: &Path, what: &str) -> Result<String, String> {
    let not_regular = |file_type| {
        format!(
            "{}, not a regular file: {what} must be a plain file",
            kind_of(file_type)
        )
    };
    // Looked at before opening (opening a FIFO waits for a writer), and the
    // file opened looked at again. A link to a regular file is followed.
    let meta = fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    let file = fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    let mut bytes = Vec::new();
    // Read one byte past the cap to tell "exactly at the cap" from "over it".
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "file is larger than the {} MB limit for {what}",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    text_of(bytes)
}

/// How deeply lists and maps may be nested in a rule or case file. The
/// rule base of `rules/` needs 9 levels; the YAML parser takes time that
/// grows with the square of the depth of `[` and `{` (a 200 KB file of
/// nested flow collections took 55 s), so deeper files are refused first.
pub const MAX_YAML_DEPTH: usize = 32;

fn too_deep() -> String {
    format!(
        "lists and maps are nested more than {MAX_YAML_DEPTH} levels deep here; a rule file needs far fewer"
    )
}

/// Refuses a text that nests lists and maps more than [`MAX_YAML_DEPTH`]
/// deep, before the YAML parser sees it. A linear pass of saphyr's event
/// parser (whose work per event is bounded by the depth, and which stops at
/// the first level too deep).
///
/// Where saphyr finds a syntax error first, the rest of the text is not
/// read by it; the text then goes on to the YAML parser (which reports the
/// error in its own words) only if the rest holds too few `[` and `{` to
/// nest past the limit, and otherwise saphyr's error is the problem.
pub fn check_nesting(file: &str, text: &str) -> Result<(), Problem> {
    use saphyr_parser::{Event, Parser};
    let mut depth = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(ok) => ok,
            Err(e) => {
                let at = text
                    .char_indices()
                    .nth(e.marker().index())
                    .map_or(text.len(), |(i, _)| i);
                let openers = text[at..]
                    .bytes()
                    .filter(|&b| b == b'[' || b == b'{')
                    .count();
                if depth + openers <= MAX_YAML_DEPTH {
                    return Ok(());
                }
                // saphyr reads ahead of its events, and stops at its own
                // limit of flow levels (a few hundred) with this error.
                let message = if e.info() == "recursion limit exceeded" {
                    too_deep()
                } else {
                    e.info().to_owned()
                };
                return Err(Problem {
                    file: file.to_owned(),
                    position: Some((e.marker().line(), e.marker().col() + 1)),
                    message,
                });
            }
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(Problem {
                        file: file.to_owned(),
                        position: Some((span.start.line(), span.start.col() + 1)),
                        message: too_deep(),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
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
    check_nesting(&text.display, &text.text)?;
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
