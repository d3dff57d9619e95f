//! A small helper that runs the real binary and reads like a sentence:
//! `Cmd::new(["assess", "--yes", "fever"]).stdin("...").run()`.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_backtriage");

/// Starts `backtriage args` with stdin, stdout and stderr all pipes, for a
/// test that talks to it while it runs.
pub fn spawn_piped<I, S>(args: I) -> std::process::Child
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// The repository's own folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The clinical case files in tests/cases, in name order.
pub fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cases"))
        .expect("tests/cases exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// A command to run.
pub struct Cmd {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    dir: Option<PathBuf>,
}

/// What a run gave.
#[derive(Debug, Clone)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Cmd {
    pub fn new<I, S>(args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Cmd {
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            stdin: None,
            env: Vec::new(),
            dir: None,
        }
    }

    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Cmd {
        self.stdin = Some(input.as_ref().to_vec());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Cmd {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn dir(mut self, dir: &Path) -> Cmd {
        self.dir = Some(dir.to_owned());
        self
    }

    pub fn run(self) -> Out {
        let mut cmd = Command::new(BIN);
        cmd.args(&self.args)
            // The colour tests set these themselves.
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let input = self.stdin.unwrap_or_default();
        // Write from a thread so a large input cannot deadlock against output.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().expect("the binary runs");
        writer.join().expect("the writer thread ends");
        Out {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Out {
    /// Asserts a usage error: status 2, one line on stderr containing `needle`, nothing on stdout.
    pub fn usage_error(&self, needle: &str) {
        self.one_line_error(2, needle);
        assert_eq!(self.stdout, "", "stdout must be empty on a usage error");
    }

    /// Asserts a usage error found by clap: status 2, nothing on stdout, and
    /// clap's whole message on stderr (the error, then the usage line or the
    /// pointer to --help) containing each of `needles`.
    pub fn clap_usage_error(&self, needles: &[&str]) {
        assert_eq!(self.code, 2, "expected exit 2: {self:?}");
        assert_eq!(self.stdout, "", "stdout must be empty on a usage error");
        assert!(self.stderr.starts_with("error: "), "{:?}", self.stderr);
        assert!(
            self.stderr.contains("For more information, try '--help'."),
            "not clap's whole message: {:?}",
            self.stderr
        );
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "stderr {:?} lacks {needle:?}",
                self.stderr
            );
        }
    }

    /// Asserts a failure: status 1, one line on stderr containing `needle`.
    pub fn failure(&self, needle: &str) {
        self.one_line_error(1, needle);
    }

    fn one_line_error(&self, code: i32, needle: &str) {
        assert_eq!(self.code, code, "expected exit {code}: {self:?}");
        let lines = self.stderr.lines().count();
        assert_eq!(lines, 1, "one line on stderr: {:?}", self.stderr);
        assert!(
            self.stderr.contains(needle),
            "stderr {:?} lacks {needle:?}",
            self.stderr
        );
    }

    /// Asserts the status and that stdout or stderr mentions `needle`.
    pub fn code_and_mention(&self, code: i32, needle: &str) {
        assert_eq!(self.code, code, "{self:?}");
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "{needle:?} not in {self:?}"
        );
    }

    pub fn success(&self) -> &Out {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }
}

/// A copy of the repository's rules/ in a temporary folder, to break on purpose.
pub struct RulesCopy {
    pub dir: tempfile::TempDir,
}

impl RulesCopy {
    pub fn new() -> RulesCopy {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for entry in std::fs::read_dir(root().join("rules")).expect("rules/ exists") {
            let entry = entry.expect("a readable entry");
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
        }
        RulesCopy { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).expect("a rule file")
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.file(name), text).expect("write a rule file");
    }

    /// Replaces the first `old` in a file with `new`; panics if it is not there.
    pub fn replace(&self, name: &str, old: &str, new: &str) {
        let text = self.read(name);
        assert!(text.contains(old), "{name} has no {old:?}");
        self.write(name, &text.replacen(old, new, 1));
    }

    /// The 1-based line on which `needle` first appears in a file.
    pub fn line_of(&self, name: &str, needle: &str) -> usize {
        self.read(name)
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{name} has no line with {needle:?}"))
            + 1
    }

    /// The 1-based line of the `n`th (from 1) line containing `needle`.
    pub fn nth_line_of(&self, name: &str, needle: &str, n: usize) -> usize {
        self.read(name)
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .nth(n - 1)
            .unwrap_or_else(|| panic!("{name} has fewer than {n} lines with {needle:?}"))
            .0
            + 1
    }

    /// `rules check` on this copy.
    pub fn check(&self) -> Out {
        Cmd::new([
            "rules",
            "check",
            "--rules",
            self.path().to_str().expect("utf-8 path"),
        ])
        .run()
    }
}

/// Text with its wrapping undone: every run of spaces and line breaks made
/// one space, so a test can look for a sentence wherever a line broke.
pub fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
