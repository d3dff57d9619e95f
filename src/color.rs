//! Whether to colour output, decided once for stdout and once for stderr,
//! and the few styles backtriage uses.

use colored::{Color, Colorize};

use crate::triage::schema::Urgency;

/// When to colour a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorWhen {
    /// Colour when the stream is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always colour, even into a pipe or with NO_COLOR set.
    Always,
    /// Never colour.
    Never,
}

/// The decision for both streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    pub stdout: Painter,
    pub stderr: Painter,
}

impl Colors {
    /// Decides once. `no_color` is whether NO_COLOR is set to a non-empty
    /// value; an explicit `--color always` wins over it.
    pub fn decide(when: ColorWhen, no_color: bool, stdout_tty: bool, stderr_tty: bool) -> Colors {
        let on = |tty: bool| match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => tty && !no_color,
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
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // The decision is ours; colored must not second-guess it.
        colored::control::set_override(true);
        Colors::decide(
            when,
            no_color,
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

    #[test]
    fn no_color_turns_auto_off_but_not_always() {
        let c = Colors::decide(ColorWhen::Auto, true, true, true);
        assert!(!c.stdout.enabled && !c.stderr.enabled);
        let c = Colors::decide(ColorWhen::Always, true, false, false);
        assert!(c.stdout.enabled && c.stderr.enabled);
    }

    #[test]
    fn streams_are_decided_separately() {
        let c = Colors::decide(ColorWhen::Auto, false, false, true);
        assert!(!c.stdout.enabled);
        assert!(c.stderr.enabled);
        let c = Colors::decide(ColorWhen::Never, false, true, true);
        assert!(!c.stdout.enabled && !c.stderr.enabled);
    }
}
