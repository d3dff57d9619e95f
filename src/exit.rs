//! The exit codes of backtriage, in one place.

/// How the process ends. Documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked (an assessment was printed, the rule base is sound).
    Success = 0,
    /// The work could not be done or found problems: a rule base with errors,
    /// failing test cases, bad lines in a batch, a file that cannot be read
    /// or written.
    Failure = 1,
    /// The command line or the answers were wrong: an unknown flag or id, a
    /// value of the wrong kind, contradictory answers.
    Usage = 2,
    /// `--fail-on LEVEL` was given and the urgency is LEVEL or higher (in a
    /// batch: any line's), so a script can act on it without reading the
    /// output. The assessment was still printed in full. A batch in which a
    /// line had an error ends with [`Exit::Failure`] instead: that line's
    /// urgency is not known.
    UrgencyReached = 3,
    /// Interrupted with Ctrl-C (or SIGTERM, SIGHUP).
    Interrupted = 130,
    /// Batch output was closed before every result was written: 128 + 13
    /// (SIGPIPE), the status of a command a closed pipe kills, so that
    /// `set -o pipefail` sees lost results.
    BrokenPipe = 141,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
