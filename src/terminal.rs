//! Reading what a person types: on a terminal with line editing and history
//! (arrow keys, Home and End, Up for an earlier answer), from a pipe or file
//! as plain lines, bounded in length and echoed (escaped) so a transcript
//! shows them.

use std::io::{self, BufRead, Write};

use rustyline::config::{Behavior, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;

use crate::lines::{self, Line};
use crate::sanitize;

/// The longest answer line read: a person types a few words, never
/// kilobytes. A longer line is read past and dropped with a hint.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024;

/// How far one over-long line is read before the input is taken not to be
/// answers at all (`< /dev/zero`, say): the interview stops there, as at the
/// end of input, and assesses what was answered.
pub const MAX_SKIPPED_BYTES: usize = 1024 * 1024;

/// The prompt before each answer.
const PROMPT: &str = "> ";

/// What one read gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// A line, without its line ending.
    Line(String),
    /// A line longer than [`MAX_ANSWER_BYTES`]: not read, to be asked again.
    TooLong,
    /// A line that is not UTF-8 text: to be asked again.
    NotText,
    /// The input ended (Ctrl-D, or the end of a pipe).
    End,
    /// More than [`MAX_SKIPPED_BYTES`] without a line break: not answers.
    Endless,
    /// Ctrl-C on a terminal in line-editing mode.
    Interrupted,
}

/// Where answers come from.
pub enum Input<R> {
    /// Lines from a pipe or a file. With `echo`, each line read is written
    /// after its prompt, as a terminal would show it.
    Lines { reader: R, echo: bool, buf: Vec<u8> },
    /// A terminal, through a line editor.
    Editor(Box<rustyline::Editor<(), DefaultHistory>>),
}

impl<R: BufRead> Input<R> {
    /// Plain lines from `reader`.
    pub fn lines(reader: R, echo: bool) -> Input<R> {
        Input::Lines {
            reader,
            echo,
            buf: Vec::new(),
        }
    }

    /// A line editor on the terminal, or `None` if one cannot be set up
    /// (the caller falls back to plain lines). History lives in memory
    /// only: nothing typed is written to disk.
    pub fn editor() -> Option<Input<R>> {
        let config = Config::builder()
            .behavior(Behavior::PreferTerm)
            .auto_add_history(true)
            .max_history_size(100)
            .ok()?
            .build();
        rustyline::Editor::with_config(config)
            .ok()
            .map(|e| Input::Editor(Box::new(e)))
    }

    /// Shows the prompt on `prompts` (or the terminal) and reads one line.
    pub fn read<W: Write>(&mut self, prompts: &mut W) -> io::Result<Typed> {
        match self {
            Input::Lines { reader, echo, buf } => {
                write!(prompts, "{PROMPT}")?;
                prompts.flush()?;
                let read =
                    lines::read_line_capped(reader, buf, MAX_ANSWER_BYTES, MAX_SKIPPED_BYTES)?;
                if *echo && read != Line::Eof {
                    writeln!(prompts, "{}", sanitize::echo(&String::from_utf8_lossy(buf)))?;
                }
                Ok(match read {
                    Line::Eof => Typed::End,
                    Line::Endless => Typed::Endless,
                    Line::TooLong => Typed::TooLong,
                    Line::Whole => match std::str::from_utf8(buf) {
                        Ok(text) => Typed::Line(text.trim_end_matches('\r').to_owned()),
                        Err(_) => Typed::NotText,
                    },
                })
            }
            Input::Editor(editor) => {
                prompts.flush()?;
                match editor.readline(PROMPT) {
                    Ok(line) if line.len() > MAX_ANSWER_BYTES => Ok(Typed::TooLong),
                    Ok(line) => Ok(Typed::Line(line)),
                    Err(ReadlineError::Eof) => Ok(Typed::End),
                    Err(ReadlineError::Interrupted) => Ok(Typed::Interrupted),
                    Err(ReadlineError::Io(e)) => Err(e),
                    Err(e) => Err(io::Error::other(e)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Typed> {
        let mut input = Input::lines(io::Cursor::new(input.to_vec()), false);
        let mut sink = Vec::new();
        let mut got = Vec::new();
        loop {
            match input.read(&mut sink).unwrap() {
                Typed::End => return got,
                t => got.push(t),
            }
        }
    }

    fn line(s: &str) -> Typed {
        Typed::Line(s.to_owned())
    }

    #[test]
    fn lines_lose_their_endings_and_the_last_needs_none() {
        assert_eq!(
            read_all(b"yes\r\nno\n3"),
            [line("yes"), line("no"), line("3")]
        );
    }

    #[test]
    fn an_overlong_line_is_dropped_and_the_next_line_still_read() {
        let mut input = vec![b'x'; MAX_ANSWER_BYTES * 3];
        input.extend_from_slice(b"\nno\n");
        assert_eq!(read_all(&input), [Typed::TooLong, line("no")]);
    }

    #[test]
    fn a_line_without_end_is_not_an_answer() {
        let input = vec![b'x'; MAX_SKIPPED_BYTES + MAX_ANSWER_BYTES];
        assert_eq!(read_all(&input)[0], Typed::Endless);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_asked_again_not_fatal() {
        assert_eq!(read_all(b"y\xffs\nno\n"), [Typed::NotText, line("no")]);
    }

    #[test]
    fn piped_lines_are_echoed_escaped_after_the_prompt() {
        let mut input = Input::lines(io::Cursor::new(b"1 3\n\x1b[2J\n".to_vec()), true);
        let mut shown = Vec::new();
        assert_eq!(input.read(&mut shown).unwrap(), line("1 3"));
        assert_eq!(input.read(&mut shown).unwrap(), line("\x1b[2J"));
        assert_eq!(input.read(&mut shown).unwrap(), Typed::End);
        let shown = String::from_utf8(shown).unwrap();
        assert!(shown.starts_with("> 1 3\n> "), "{shown:?}");
        assert!(!shown.contains('\x1b'), "{shown:?}");
    }
}
