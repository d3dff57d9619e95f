//! Whether to colour output, decided once for stdout and once for stderr,
//! and the few styles backtriage uses.
//!
//! `colored` does the styling; the decision follows the rules that anstream
//! (clap's own terminal layer) applies, read with `anstyle-query`:
//! `--color always|never` override everything; otherwise `NO_COLOR` (set and
//! not empty, <https://no-color.org>) turns colour off, `CLICOLOR_FORCE` (set
//! and not `0`, <https://bixense.com/clicolors/>) turns it on, `CLICOLOR=0`
//! turns it off, and else a stream is coloured only when it is a terminal
//! whose `TERM` is set and not `dumb` (or `CLICOLOR` is set to something other
//! than `0`, or `CI` is set). One difference from anstream 1.0: it takes
//! `CLICOLOR_FORCE=0` as forcing; the CLICOLOR standard says it does not.

use colored::{Color, Colorize};

use crate::triage::schema::Urgency;

/// When to colour a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorWhen {
    /// Colour as the environment and the stream say (see the module docs).
    #[default]
    Auto,
    /// Always colour, even into a pipe or with NO_COLOR set.
    Always,
    /// Never colour, even with CLICOLOR_FORCE set.
    Never,
}

/// What the environment says about colour, read once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorEnv {
    /// `NO_COLOR` is set and not empty.
    pub no_color: bool,
    /// `CLICOLOR_FORCE` is set, not empty and not `0`.
    pub clicolor_force: bool,
    /// `CLICOLOR`: `Some(false)` when it is `0`, `Some(true)` when set to
    /// anything else, `None` when unset.
    pub clicolor: Option<bool>,
    /// `TERM` is set and is not `dumb`.
    pub term_supports_color: bool,
    /// `CI` is set (CI logs show colour though `TERM` is often unset there).
    pub ci: bool,
}

impl ColorEnv {
    /// Reads the process environment.
    pub fn read() -> ColorEnv {
        let force = std::env::var_os("CLICOLOR_FORCE");
        ColorEnv {
            no_color: anstyle_query::no_color(),
            // anstyle-query counts `0` as forcing; the standard does not.
            clicolor_force: force.is_some_and(|v| !v.is_empty() && v != "0"),
            clicolor: anstyle_query::clicolor(),
            term_supports_color: anstyle_query::term_supports_color(),
            ci: anstyle_query::is_ci(),
        }
    }

    /// Whether `auto` colours a stream: anstream's `AutoStream::choice`.
    pub fn auto(&self, is_terminal: bool) -> bool {
        if self.no_color {
            false
        } else if self.clicolor_force {
            true
        } else if self.clicolor == Some(false) {
            false
        } else {
            is_terminal && (self.term_supports_color || self.clicolor == Some(true) || self.ci)
        }
    }
}

/// The decision for both streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    pub stdout: Painter,
    pub stderr: Painter,
}

impl Colors {
    /// Decides once, for each stream: `--color always|never` win over the
    /// environment; `auto` follows [`ColorEnv::auto`].
    pub fn decide(when: ColorWhen, env: &ColorEnv, stdout_tty: bool, stderr_tty: bool) -> Colors {
        let on = |tty: bool| match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => env.auto(tty),
        };
        Colors {
            stdout: Painter {
                enabled: on(stdout_tty),
            },
            stderr: Painter {
                enabled: on(stderr_tty),
            },
        }
    }

    /// Decides from the real environment and terminals.
    pub fn from_env(when: ColorWhen) -> Colors {
        use std::io::IsTerminal;
        // The decision is ours; colored must not second-guess it.
        colored::control::set_override(true);
        Colors::decide(
            when,
            &ColorEnv::read(),
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
        )
    }
}

/// Applies styles to text for one stream, or leaves it plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Painter {
    pub enabled: bool,
}

impl Painter {
    /// A painter that never colours.
    pub const PLAIN: Painter = Painter { enabled: false };

    fn apply(&self, text: &str, f: impl FnOnce(&str) -> colored::ColoredString) -> String {
        if self.enabled {
            f(text).to_string()
        } else {
            text.to_owned()
        }
    }

    /// The text as it is, whatever the painter (a style for callers that
    /// take one).
    pub fn plain(&self, text: &str) -> String {
        text.to_owned()
    }

    /// Bold text, for headings.
    pub fn bold(&self, text: &str) -> String {
        self.apply(text, |t| t.bold())
    }

    /// Dim text, for hints and progress.
    pub fn dim(&self, text: &str) -> String {
        self.apply(text, |t| t.dimmed())
    }

    /// Red bold text, for errors and warning signs.
    pub fn alarm(&self, text: &str) -> String {
        self.apply(text, |t| t.red().bold())
    }

    /// A banner in the colour of an urgency level.
    pub fn urgency(&self, level: Urgency, text: &str) -> String {
        let (fg, bg) = match level {
            Urgency::Emergency => (Color::White, Color::Red),
            Urgency::Urgent => (Color::Black, Color::Yellow),
            Urgency::Doctor => (Color::Black, Color::Cyan),
            Urgency::SelfCare => (Color::Black, Color::Green),
        };
        self.apply(text, |t| t.color(fg).on_color(bg).bold())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per rule of anstream 1.0's `AutoStream::choice` (with the
    /// CLICOLOR standard's `CLICOLOR_FORCE=0`), in its order of precedence.
    #[test]
    fn auto_follows_anstream_s_rules() {
        let tty_term = ColorEnv {
            term_supports_color: true,
            ..ColorEnv::default()
        };
        #[rustfmt::skip]
        let table: [(&str, ColorEnv, bool, bool); 10] = [
            ("a terminal with a TERM colours", tty_term, true, true),
            ("a pipe does not", tty_term, false, false),
            ("NO_COLOR turns a terminal off", ColorEnv { no_color: true, ..tty_term }, true, false),
            ("NO_COLOR wins over CLICOLOR_FORCE",
                ColorEnv { no_color: true, clicolor_force: true, ..tty_term }, false, false),
            ("CLICOLOR_FORCE colours a pipe", ColorEnv { clicolor_force: true, ..tty_term }, false, true),
            ("CLICOLOR_FORCE colours a dumb terminal",
                ColorEnv { clicolor_force: true, ..ColorEnv::default() }, true, true),
            ("CLICOLOR=0 turns a terminal off", ColorEnv { clicolor: Some(false), ..tty_term }, true, false),
            ("TERM=dumb or no TERM turns a terminal off", ColorEnv::default(), true, false),
            ("CLICOLOR=1 colours a terminal without a TERM",
                ColorEnv { clicolor: Some(true), ..ColorEnv::default() }, true, true),
            ("CI colours a terminal without a TERM", ColorEnv { ci: true, ..ColorEnv::default() }, true, true),
        ];
        for (rule, env, tty, expected) in table {
            assert_eq!(env.auto(tty), expected, "{rule}");
        }
    }

    #[test]
    fn always_and_never_override_the_environment() {
        let force = ColorEnv {
            clicolor_force: true,
            ..ColorEnv::default()
        };
        let c = Colors::decide(ColorWhen::Never, &force, true, true);
        assert!(!c.stdout.enabled && !c.stderr.enabled);
        let no_color = ColorEnv {
            no_color: true,
            ..ColorEnv::default()
        };
        let c = Colors::decide(ColorWhen::Always, &no_color, false, false);
        assert!(c.stdout.enabled && c.stderr.enabled);
    }

    #[test]
    fn streams_are_decided_separately() {
        let env = ColorEnv {
            term_supports_color: true,
            ..ColorEnv::default()
        };
        let c = Colors::decide(ColorWhen::Auto, &env, false, true);
        assert!(!c.stdout.enabled);
        assert!(c.stderr.enabled);
    }
}
