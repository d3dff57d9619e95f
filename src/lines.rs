//! Lines of input read with a cap on what is held: a longer line is read
//! past and dropped, never gathered whole, so no input line, however long,
//! can fill memory. Used by batch mode (JSON Lines) and the interview.

use std::io::{self, BufRead};

/// What reading one line gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// No more input.
    Eof,
    /// A whole line, in the buffer (without its newline).
    Whole,
    /// A line longer than the cap, read to its end and dropped; the buffer
    /// holds its first `keep` bytes.
    TooLong,
    /// A line still going after `give_up` bytes: reading stopped there, in
    /// the middle of it.
    Endless,
}

/// The reader's buffered bytes, reading more if none are left (empty at the
/// end of the input); a read interrupted by a signal is tried again.
pub(crate) fn fill_buf<R: BufRead>(reader: &mut R) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            // The end of the input: read no further (a terminal would wait).
            Ok([]) => return Ok(&[]),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Bytes are buffered, so this hands them over without reading. (Taken
    // again because a borrow returned from inside the loop would outlive it.)
    reader.fill_buf()
}

/// Reads one line into `buf` (without its newline), holding at most `keep`
/// bytes; the rest of a longer line is read and dropped, up to `give_up`
/// bytes in all (`usize::MAX` for no limit).
pub(crate) fn read_line_capped<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    keep: usize,
    give_up: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    let mut seen = 0usize;
    loop {
        let chunk = fill_buf(reader)?;
        if chunk.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => Line::Eof,
                (true, true) => Line::TooLong,
                (true, false) => Line::Whole,
            });
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > keep {
                too_long = true;
                let room = keep - buf.len();
                buf.extend_from_slice(&chunk[..room]);
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(if done { take + 1 } else { take });
        seen = seen.saturating_add(take);
        if done {
            return Ok(if too_long { Line::TooLong } else { Line::Whole });
        }
        if seen > give_up {
            return Ok(Line::Endless);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], keep: usize, give_up: usize) -> Vec<(Line, Vec<u8>)> {
        // A small buffer, so lines cross buffer boundaries.
        let mut reader = io::BufReader::with_capacity(3, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let line = read_line_capped(&mut reader, &mut buf, keep, give_up).unwrap();
            out.push((line, buf.clone()));
            if matches!(line, Line::Eof | Line::Endless) {
                return out;
            }
        }
    }

    #[test]
    fn long_lines_are_dropped_and_short_ones_kept() {
        let got = read_all(b"ab\nabcdefgh\nxy", 4, usize::MAX);
        assert_eq!(
            got,
            [
                (Line::Whole, b"ab".to_vec()),
                (Line::TooLong, b"abcd".to_vec()),
                (Line::Whole, b"xy".to_vec()),
                (Line::Eof, Vec::new()),
            ]
        );
        // Exactly at the cap is a line; one more byte is too long.
        assert_eq!(read_all(b"abcd\n", 4, usize::MAX)[0].0, Line::Whole);
        assert_eq!(read_all(b"abcde", 4, usize::MAX)[0].0, Line::TooLong);
    }

    #[test]
    fn a_line_without_end_is_given_up() {
        let got = read_all(&[0u8; 100], 4, 10);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0], (Line::Endless, vec![0u8; 4]));
        // A long line that ends before the limit is only too long.
        let mut input = vec![b'x'; 9];
        input.extend_from_slice(b"\nok\n");
        let got = read_all(&input, 4, 10);
        assert_eq!(got[0].0, Line::TooLong);
        assert_eq!(got[1], (Line::Whole, b"ok".to_vec()));
    }
}
