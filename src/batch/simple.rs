//! The common batch line read without serde: `{"id": …, "answers": {…}}`
//! with a string or whole-number id and answers that are plain strings,
//! booleans or whole numbers, none with a backslash escape. Such a line is
//! most of every real stream, and reading it directly costs a fraction of
//! serde_json's general reader.
//!
//! It is only a shortcut: anything else (another field, an escape, a
//! fraction, null, a syntax error, an answer that is refused) gives up, and
//! the line is read again by serde_json from the start, so errors and
//! unusual lines come out exactly as they always did. A test holds the two
//! readers to the same answers over random lines.

use crate::triage::answers::{Answer, Answers, RawAnswer, interpret};
use crate::triage::condition::FactId;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::FindingKind;

/// Reads a simple line into `answers` (cleared first), returning its id's
/// JSON text (a string without escapes or a whole number: JSON as it
/// stands); or `None` when the line is not simple or an answer was refused.
/// `answers` then holds part of the line and must be read again.
pub(super) fn read<'t>(rb: &RuleBase, text: &'t str, answers: &mut Answers) -> Option<&'t str> {
    answers.clear();
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    p.byte(b'{')?;
    let mut id = None;
    let mut answered = false;
    loop {
        match p.string()? {
            "id" if id.is_none() => {
                p.byte(b':')?;
                id = Some(p.id()?);
            }
            "answers" if !answered => {
                p.byte(b':')?;
                answered = true;
                p.answers(rb, answers)?;
            }
            _ => return None,
        }
        if !p.comma_or(b'}')? {
            break;
        }
    }
    p.space();
    if p.at != p.bytes.len() || !answered {
        return None;
    }
    id
}

const ONES: u64 = 0x0101_0101_0101_0101;
const TOPS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `w` that are 0 flagged in their top bit, with the bit
/// tricks of "Bit Twiddling Hacks" (a byte is flagged where `x - 0x01`
/// borrows into a clear top bit; the lowest flag is always exact).
fn zero(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & TOPS
}

/// The bytes of `w` equal to `b`, flagged as [`zero`] flags them.
fn equal(w: u64, b: u8) -> u64 {
    zero(w ^ (ONES * u64::from(b)))
}

/// Where the first byte is that `hits` flags in eight bytes read as a word,
/// or (for the last few bytes) that `hit` says: eight bytes at a time.
#[inline]
fn first(bytes: &[u8], hits: impl Fn(u64) -> u64, hit: impl Fn(u8) -> bool) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let flags = hits(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        if flags != 0 {
            return Some(at + flags.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| hit(b)).map(|i| at + i)
}

/// Where the first quote is.
fn quote(bytes: &[u8]) -> Option<usize> {
    first(bytes, |w| equal(w, b'"'), |b| b == b'"')
}

/// Where the first quote, backslash or control character is (a control
/// character is flagged where `x - 0x20` borrows into a clear top bit).
fn stop(bytes: &[u8]) -> Option<usize> {
    first(
        bytes,
        |w| equal(w, b'"') | equal(w, b'\\') | (w.wrapping_sub(ONES * 0x20) & !w & TOPS),
        |b| b == b'"' || b == b'\\' || b < 0x20,
    )
}

struct Parser<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
}

impl<'t> Parser<'t> {
    /// Skips JSON white space.
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next token is the byte `b`.
    fn byte(&mut self, b: u8) -> Option<()> {
        if self.bytes.get(self.at) != Some(&b) {
            self.space();
        }
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    /// After a member: true on a comma, false on `close`.
    fn comma_or(&mut self, close: u8) -> Option<bool> {
        self.space();
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        match b {
            b',' => Some(true),
            _ if b == close => Some(false),
            _ => None,
        }
    }

    /// A string without escapes or control characters, without its quotes.
    fn string(&mut self) -> Option<&'t str> {
        self.byte(b'"')?;
        let start = self.at;
        let end = start + stop(&self.bytes[start..])?;
        if self.bytes[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // Both ends are ASCII quotes, so these are character boundaries.
        self.text.get(start..end)
    }

    /// A whole number of at most 15 digits (exact as an f64, as serde_json
    /// reads it), and its text.
    fn whole_number(&mut self) -> Option<(f64, &'t str)> {
        self.space();
        let start = self.at;
        let negative = self.bytes.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        let digits = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let n = self.at - digits;
        let leading_zero = n > 1 && self.bytes[digits] == b'0';
        let fraction = matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E'));
        if n == 0 || n > 15 || leading_zero || fraction {
            return None;
        }
        // As serde_json: a negative number is an i64 (so "-0" is 0), any
        // other a u64, then made an f64.
        let text = &self.text[start..self.at];
        let value = if negative {
            text.parse::<i64>().ok()? as f64
        } else {
            text.parse::<u64>().ok()? as f64
        };
        Some((value, text))
    }

    /// The id: a simple string or a whole number, as its JSON text.
    fn id(&mut self) -> Option<&'t str> {
        self.space();
        let start = self.at;
        match self.bytes.get(self.at)? {
            b'"' => {
                self.string()?;
            }
            _ => {
                self.whole_number()?;
            }
        }
        self.text.get(start..self.at)
    }

    /// A key that names a finding, as its fact: only the closing quote is
    /// looked for, since a key with an escape or a control character names
    /// no finding (ids are `a-z`, `0-9` and `_`) and so gives up anyway.
    fn finding(&mut self, rb: &RuleBase) -> Option<(FactId, FindingKind)> {
        self.byte(b'"')?;
        let start = self.at;
        let end = start + quote(&self.bytes[start..])?;
        self.at = end + 1;
        let f = rb.fact_id(self.text.get(start..end)?)?;
        Some((f, rb.finding(f)?.kind))
    }

    /// A "yes", "no" or "unknown" written plainly, as most answers are,
    /// read without the general word reading of [`interpret`]; `None`
    /// leaves the value unread.
    fn plain_word(&mut self, kind: FindingKind) -> Option<Answer> {
        let rest = &self.bytes[self.at..];
        let (answer, len) = match rest.get(1)? {
            b'y' if kind == FindingKind::YesNo && rest.starts_with(b"\"yes\"") => (Answer::Yes, 5),
            b'n' if kind == FindingKind::YesNo && rest.starts_with(b"\"no\"") => (Answer::No, 4),
            b'u' if rest.starts_with(b"\"unknown\"") => (Answer::Unknown, 9),
            _ => return None,
        };
        self.at += len;
        Some(answer)
    }

    /// Any other answer value this reader takes: a string without escapes,
    /// a boolean or a whole number.
    fn raw_answer(&mut self) -> Option<RawAnswer<'t>> {
        Some(match *self.bytes.get(self.at)? {
            b'"' => RawAnswer::Word(self.string()?),
            b't' if self.bytes[self.at..].starts_with(b"true") => {
                self.at += 4;
                RawAnswer::Bool(true)
            }
            b'f' if self.bytes[self.at..].starts_with(b"false") => {
                self.at += 5;
                RawAnswer::Bool(false)
            }
            _ => RawAnswer::Number(self.whole_number()?.0),
        })
    }

    /// The answers object, each answer recorded as it is read.
    fn answers(&mut self, rb: &RuleBase, answers: &mut Answers) -> Option<()> {
        self.byte(b'{')?;
        self.space();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            let (f, kind) = self.finding(rb)?;
            self.byte(b':')?;
            self.space();
            let answer = match self.plain_word(kind) {
                Some(answer) => answer,
                None => interpret(rb, f, self.raw_answer()?).ok()?,
            };
            answers.set(rb, f, answer).ok()?;
            if !self.comma_or(b'}')? {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    use super::*;

    fn rb() -> &'static RuleBase {
        crate::embedded::for_tests()
    }

    /// An answer value as JSON text: plain, unusual and wrong.
    fn value(choice: u8) -> &'static str {
        [
            "\"yes\"",
            "\"no\"",
            "\"unknown\"",
            "true",
            "false",
            "40",
            "3",
            "-0",
            "0",
            "12.5",
            "1e2",
            "null",
            "\"y\\u0065s\"",
            "\"maybe\"",
            "[1]",
            "007",
            "123456789012345678",
            "-4",
            "\"\"",
            "tru",
        ][usize::from(choice) % 20]
    }

    /// White space as JSON allows it, and once in a while a stray byte.
    fn gap(choice: u8) -> &'static str {
        ["", "", "", " ", "\n", "\t ", "\r", "x"][usize::from(choice) % 8]
    }

    fn line(id: u8, keys: &[(u16, u8, u8)], order: u8) -> String {
        let findings: Vec<&str> = rb().findings().map(|f| rb().fact(f).id.as_str()).collect();
        let id = [
            "\"a\"",
            "7",
            "-3",
            "\"p\\\"q\"",
            "1.5",
            "{\"x\":1}",
            "null",
            "\"\"",
        ][usize::from(id) % 8];
        let answers: Vec<String> = keys
            .iter()
            .map(|&(k, v, g)| {
                let key = match k % 50 {
                    0 => "fevr",
                    1 => "answers",
                    2 => "fe\\u0076er",
                    _ => findings[usize::from(k) % findings.len()],
                };
                format!(
                    "{}\"{key}\"{}:{}{}",
                    gap(g),
                    gap(g / 8),
                    gap(g / 64),
                    value(v)
                )
            })
            .collect();
        let answers = format!("{{{}}}", answers.join(","));
        match order % 6 {
            0 | 1 => format!("{{\"id\":{id},\"answers\":{answers}}}"),
            2 => format!(" {{ \"answers\" : {answers} , \"id\" : {id} }} "),
            3 => format!("{{\"id\":{id},\"answers\":{answers},\"note\":1}}"),
            4 => format!("{{\"id\":{id},\"answers\":{answers},\"id\":{id}}}"),
            _ => format!("{{\"answers\":{answers}}}"),
        }
    }

    /// Where the shortcut reads a line, serde_json reads the same id and
    /// the same answers from it; and it reads a fair share of the lines.
    #[test]
    fn the_shortcut_reads_what_serde_json_reads() {
        let rb = rb();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let lines = (
            any::<u8>(),
            prop::collection::vec((any::<u16>(), 0u8..7, any::<u8>()), 0..12),
            any::<u8>(),
        );
        let mut taken = 0;
        for _ in 0..20_000 {
            let (id, mut keys, order) = lines.new_tree(&mut runner).expect("a line").current();
            // Now and then an unusual value, so both readers meet them.
            if let Some(k) = keys.first_mut() {
                k.1 = k.2 % 20;
            }
            let text = line(id, &keys, order);
            let mut fast = Answers::new(rb);
            if let Some(id) = read(rb, &text, &mut fast) {
                taken += 1;
                let mut slow = Answers::new(rb);
                let slow_id = super::super::read_line(rb, &text, 1, &mut slow)
                    .unwrap_or_else(|e| panic!("serde_json refused {text}: {e:?}"));
                assert_eq!(slow_id.get(), id, "{text}");
                assert_eq!(fast, slow, "{text}");
            }
        }
        assert!(
            taken > 400,
            "the shortcut read only {taken} of 20,000 lines"
        );
    }

    #[test]
    fn the_shortcut_takes_the_usual_line_and_leaves_the_rest() {
        let rb = rb();
        let mut answers = Answers::new(rb);
        let usual =
            r#"{"id":"person-1","answers":{"lower_back_pain":"yes","age":40,"fever":false}}"#;
        assert_eq!(read(rb, usual, &mut answers), Some("\"person-1\""));
        for unusual in [
            r#"{"id":"a","answers":{"fever":"y\u0065s"}}"#,
            r#"{"id":"a","answers":{"age":40.5}}"#,
            r#"{"id":"a","answers":{"fevr":"yes"}}"#,
            r#"{"id":"a","answers":{"fever":"yes"},"note":"x"}"#,
            r#"{"id":1.5,"answers":{}}"#,
            r#"{"id":"a","answers":{}} x"#,
            r#"{"answers":{}}"#,
        ] {
            assert!(read(rb, unusual, &mut answers).is_none(), "{unusual}");
        }
    }

    /// `quote` looks for the closing quote only (for keys); `stop` for the
    /// first quote, backslash or control character (for other strings).
    #[test]
    fn the_quote_and_the_stop_are_found() {
        // (text, where `quote` stops, where `stop` stops)
        for (text, quote_at, stop_at) in [
            (&b"abc\"def"[..], Some(3), Some(3)),
            (b"abcdefghij\\k\"", Some(12), Some(10)),
            (b"abcdefgh\x01\"", Some(9), Some(8)),
            (
                b"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
                Some(10),
                Some(10),
            ),
            (b"abcdefghijklmnop", None, None),
            (b"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\"", Some(8), Some(8)),
            (b"", None, None),
            (b"\"", Some(0), Some(0)),
        ] {
            assert_eq!(quote(text), quote_at, "{text:?}");
            assert_eq!(stop(text), stop_at, "{text:?}");
        }
    }
}
