//! A problem found in a rule base, shown like a compiler error
//! (`file:line:column: message`), and the collector that gathers every
//! problem (not just the first) for compilation and verification alike.

use std::fmt;

use crate::triage::controls;
use crate::triage::locate::{YamlPath, locate_all};

/// The files of a rule base, in the order they are read and reported.
pub const FILES: [&str; 8] = [
    "sources.yaml",
    "findings.yaml",
    "derived.yaml",
    "red_flags.yaml",
    "causes.yaml",
    "advice.yaml",
    "settings.yaml",
    "messages.yaml",
];

pub(crate) const SOURCES: usize = 0;
pub(crate) const FINDINGS: usize = 1;
pub(crate) const DERIVED: usize = 2;
pub(crate) const RED_FLAGS: usize = 3;
pub(crate) const CAUSES: usize = 4;
pub(crate) const ADVICE: usize = 5;
pub(crate) const SETTINGS: usize = 6;
pub(crate) const MESSAGES: usize = 7;

/// One problem in a rule base, shown like a compiler error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it (for example `rules/causes.yaml`).
    pub file: String,
    /// 1-based line and column, when the problem has a place.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = controls::escape(&self.file, false);
        match self.position {
            Some((line, column)) => write!(f, "{file}:{line}:{column}: ")?,
            None => write!(f, "{file}: ")?,
        }
        // Messages quote ids and texts as written; a control character in one
        // (a newline, say) must not split a problem over lines, nor let a
        // second line pose as another problem, nor act on the terminal.
        f.write_str(&controls::escape(&self.message, false))
    }
}

/// The text of one rule file and the name to report it by.
#[derive(Debug, Clone)]
pub struct RuleText {
    pub display: String,
    pub text: String,
}

/// Problems found so far, each with its file and path, located at the end.
pub(crate) struct Report<'a> {
    texts: &'a [RuleText],
    pub(crate) found: Vec<(usize, YamlPath, String)>,
}

impl<'a> Report<'a> {
    /// No problems yet, for these files.
    pub(crate) fn new(texts: &'a [RuleText]) -> Report<'a> {
        Report {
            texts,
            found: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, file: usize, path: YamlPath, message: impl Into<String>) {
        self.found.push((file, path, message.into()));
    }

    pub(crate) fn finish(self) -> Vec<Problem> {
        // Each file is read once for the places of all its problems.
        let mut positions: Vec<Option<(usize, usize)>> = vec![None; self.found.len()];
        for (file, text) in self.texts.iter().enumerate() {
            let mine: Vec<usize> = (0..self.found.len())
                .filter(|&i| self.found[i].0 == file)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let paths: Vec<&YamlPath> = mine.iter().map(|&i| &self.found[i].1).collect();
            for (&i, at) in mine.iter().zip(locate_all(&text.text, &paths)) {
                positions[i] = at;
            }
        }
        self.found
            .into_iter()
            .zip(positions)
            .map(|((file, _, message), position)| Problem {
                file: self.texts[file].display.clone(),
                position,
                message,
            })
            .collect()
    }
}
