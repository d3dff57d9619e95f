//! Reading what a person types: on a terminal with line editing and history
//! (arrow keys, Ctrl-A/E, Up for an earlier answer), from a pipe or file as
//! plain lines, bounded in length and echoed so a transcript shows them.

use std::io::{self, BufRead, Write};

use rustyline::config::{Behavior, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;

/// The longest line read from a pipe; the rest of a longer line is skipped
/// (it cannot be an answer), so memory stays bounded whatever comes in.
pub const MAX_LINE_BYTES: usize = 4096;

/// The prompt before each answer.
const PROMPT: &str = "> ";

/// What one read gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// A line, without its line ending.
    Line(String),
    /// The input ended (Ctrl-D, or the end of a pipe).
    End,
    /// Ctrl-C on a terminal in line-editing mode.
    Interrupted,
}

/// Where answers come from.
pub enum Input<R> {
    /// Lines from a pipe or a file. With `echo`, each line read is written
    /// after its prompt, as a terminal would show it.
    Lines { reader: R, echo: bool },
    /// A terminal, through a line editor.
    Editor(Box<rustyline::Editor<(), DefaultHistory>>),
}

impl<R: BufRead> Input<R> {
    /// Plain lines from `reader`.
    pub fn lines(reader: R, echo: bool) -> Input<R> {
        Input::Lines { reader, echo }
    }

    /// A line editor on the terminal, or `None` if one cannot be set up
    /// (the caller falls back to plain lines).
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
            Input::Lines { reader, echo } => {
                write!(prompts, "{PROMPT}")?;
                prompts.flush()?;
                let Some(line) = read_bounded(reader)? else {
                    return Ok(Typed::End);
                };
                if *echo {
                    writeln!(prompts, "{line}")?;
                }
                Ok(Typed::Line(line))
            }
            Input::Editor(editor) => {
                prompts.flush()?;
                match editor.readline(PROMPT) {
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

/// One line of at most [`MAX_LINE_BYTES`] (the rest skipped), without its
/// line ending, invalid UTF-8 replaced; `None` at the end of the input.
fn read_bounded<R: BufRead>(reader: &mut R) -> io::Result<Option<String>> {
    let mut bytes = Vec::new();
    let n = <&mut R as io::Read>::take(&mut *reader, MAX_LINE_BYTES as u64)
        .read_until(b'\n', &mut bytes)?;
    if n == 0 {
        return Ok(None);
    }
    if bytes.last() != Some(&b'\n') && n == MAX_LINE_BYTES {
        skip_line(reader)?;
    }
    while matches!(bytes.last(), Some(b'\n' | b'\r')) {
        bytes.pop();
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Skips to just after the next line ending, a buffer at a time.
fn skip_line<R: BufRead>(reader: &mut R) -> io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<String> {
        let mut reader = io::Cursor::new(input.to_vec());
        let mut lines = Vec::new();
        while let Some(line) = read_bounded(&mut reader).unwrap() {
            lines.push(line);
        }
        lines
    }

    #[test]
    fn lines_lose_their_endings_and_the_last_needs_none() {
        assert_eq!(read_all(b"yes\r\nno\n3"), ["yes", "no", "3"]);
    }

    #[test]
    fn an_overlong_line_is_cut_and_the_next_line_still_read() {
        let mut input = vec![b'x'; MAX_LINE_BYTES * 3];
        input.extend_from_slice(b"\nno\n");
        let lines = read_all(&input);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), MAX_LINE_BYTES);
        assert_eq!(lines[1], "no");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced_not_fatal() {
        assert_eq!(read_all(b"y\xffs\n"), ["y\u{fffd}s"]);
    }

    #[test]
    fn piped_lines_are_echoed_after_the_prompt() {
        let mut input = Input::lines(io::Cursor::new(b"1 3\n".to_vec()), true);
        let mut shown = Vec::new();
        assert_eq!(
            input.read(&mut shown).unwrap(),
            Typed::Line("1 3".to_owned())
        );
        assert_eq!(input.read(&mut shown).unwrap(), Typed::End);
        assert_eq!(String::from_utf8(shown).unwrap(), "> 1 3\n> ");
    }
}
