//! `assess --batch`: JSON Lines in, JSON Lines out, streamed one line at a
//! time in constant memory. A bad line becomes an error object carrying its
//! id (when it has one) and line number, and the batch goes on.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::lines::{self, Line};
use crate::output::compact::{self, CompactTexts};
use crate::output::fast::{self, Texts};
use crate::output::view::{ErrorLine, SCHEMA_VERSION, TOOL_VERSION};
use crate::sanitize::escape_controls;
use crate::triage::answers::{AnswerError, Answers, RawAnswer};
use crate::triage::controls;
use crate::triage::engine::Evaluation;
use crate::triage::load;
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::Urgency;
use crate::triage::{self, Assessment};

mod jobs;
mod simple;
pub use jobs::run_jobs;

/// The longest input line accepted; longer lines are skipped with an error.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// How a batch went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub lines: u64,
    pub errors: u64,
    /// The highest urgency of the lines assessed (for `--fail-on`).
    pub highest: Option<Urgency>,
}

impl Summary {
    /// Adds the counts of lines that came after these.
    fn add(&mut self, later: &Summary) {
        self.lines += later.lines;
        self.errors += later.errors;
        self.highest = self.highest.max(later.highest);
    }
}

/// Reads one input line, `{"id": ..., "answers": {...}}`, putting the answers
/// straight into `answers` (no list in between). Other top-level fields (a
/// timestamp, a note) belong to the caller and are skipped; inside `answers`
/// every key must be a finding. The first answer that is
/// refused is kept in `refused` and the rest of the line is still read, so
/// the error can name the line's id wherever it stands.
struct LineSeed<'s, 'r> {
    rb: &'r RuleBase,
    answers: &'s mut Answers,
    refused: &'s mut Option<AnswerError>,
}

impl<'de, 's, 'r> DeserializeSeed<'de> for LineSeed<'s, 'r> {
    type Value = &'de RawValue;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 's, 'r> Visitor<'de> for LineSeed<'s, 'r> {
    type Value = &'de RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with `id` and `answers`")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut id: Option<&'de RawValue> = None;
        let mut answered = false;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "id" if id.is_none() => id = Some(map.next_value()?),
                "answers" if !answered => {
                    answered = true;
                    map.next_value_seed(AnswersSeed {
                        rb: self.rb,
                        answers: &mut *self.answers,
                        refused: &mut *self.refused,
                    })?;
                }
                "id" | "answers" => return Err(de::Error::duplicate_field("id or answers")),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        if !answered {
            return Err(de::Error::missing_field("answers"));
        }
        id.ok_or_else(|| de::Error::missing_field("id"))
    }
}

/// The `answers` object of a line, read into [`Answers`].
struct AnswersSeed<'s, 'r> {
    rb: &'r RuleBase,
    answers: &'s mut Answers,
    refused: &'s mut Option<AnswerError>,
}

impl<'de> DeserializeSeed<'de> for AnswersSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for AnswersSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of finding ids and answers")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let value = map.next_value::<Value<'de>>()?;
            if self.refused.is_some() {
                continue;
            }
            let raw = match &value {
                Value::Word(w) => RawAnswer::Word(w),
                Value::Bool(b) => RawAnswer::Bool(*b),
                Value::Number(x) => RawAnswer::Number(*x),
            };
            if let Err(e) = self.answers.set_by_id(self.rb, &key, raw) {
                *self.refused = Some(e);
            }
        }
        Ok(())
    }
}

/// A key, borrowed from the line when it has no escapes. (serde's own
/// `Cow<str>` always makes an owned copy: one allocation per answer.)
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// An answer value: a word, a boolean or a number.
enum Value<'a> {
    Word(Cow<'a, str>),
    Bool(bool),
    Number(f64),
}

impl<'de: 'a, 'a> Deserialize<'de> for Value<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Value<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"yes\", \"no\", \"unknown\", true, false or a number")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value<'a>, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value<'a>, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value<'a>, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value<'a>, E> {
                Ok(Value::Number(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'a>, E> {
                Ok(Value::Word(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'a>, E> {
                Ok(Value::Word(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// How to write each result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Add each result's explanation (`--explain`).
    pub explain: bool,
    /// Write the compact form (`--compact`): ids, levels and scores.
    pub compact: bool,
}

/// Reads through input to the end of each line; the block size of reads.
const BLOCK: usize = 64 * 1024;

/// Assesses every line of `input`, writing one JSON line per input line, on
/// this thread. [`run_jobs`] does the same on several.
pub fn run<R: Read, W: Write>(
    rb: &RuleBase,
    input: R,
    output: W,
    options: Options,
) -> io::Result<Summary> {
    let mut reader = BufReader::with_capacity(BLOCK, input);
    let mut output = output;
    // Results are gathered here and written a block at a time: each line's
    // JSON is written once, straight into this buffer.
    let mut out: Vec<u8> = Vec::with_capacity(2 * BLOCK);
    let mut buf = Vec::new();
    let mut summary = Summary::default();
    let mut work = Work::new(rb, options);
    loop {
        // Flush what is done before waiting on more input, so a pipeline sees
        // results promptly; while input is buffered, keep batching writes.
        if reader.buffer().is_empty() {
            output.write_all(&out)?;
            out.clear();
            output.flush()?;
        }
        // A line wholly inside the read buffer is assessed where it lies;
        // only a line that crosses the buffer's end is copied out first.
        let chunk = lines::fill_buf(&mut reader)?;
        if chunk.is_empty() {
            break;
        }
        let n = summary.lines + 1;
        if let Some(end) = memchr::memchr(b'\n', chunk) {
            work.line(Some(&chunk[..end]), n, &mut out, &mut summary)?;
            reader.consume(end + 1);
        } else {
            let line =
                match lines::read_line_capped(&mut reader, &mut buf, MAX_LINE_BYTES, usize::MAX)? {
                    Line::TooLong | Line::Endless => None,
                    _ => Some(&buf[..]),
                };
            work.line(line, n, &mut out, &mut summary)?;
        }
        if out.len() >= BLOCK {
            output.write_all(&out)?;
            out.clear();
        }
    }
    output.write_all(&out)?;
    output.flush()?;
    Ok(summary)
}

type LineError = (Option<Box<RawValue>>, String);

/// What one line's assessment needs, kept from line to line.
struct Work<'r> {
    rb: &'r RuleBase,
    options: Options,
    texts: Texts<'r>,
    compact_texts: CompactTexts,
    answers: Answers,
    eval: Evaluation,
    assessment: Assessment,
}

impl<'r> Work<'r> {
    fn new(rb: &'r RuleBase, options: Options) -> Work<'r> {
        Work {
            rb,
            options,
            texts: Texts::new(rb),
            compact_texts: CompactTexts::new(rb),
            answers: Answers::new(rb),
            eval: Evaluation::empty(rb),
            assessment: Assessment::default(),
        }
    }

    /// Assesses input line `n` (`None`: it was over the size cap) and
    /// writes its result or its error line to `out`, counting it in
    /// `summary`.
    fn line(
        &mut self,
        bytes: Option<&[u8]>,
        n: u64,
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) -> io::Result<()> {
        summary.lines += 1;
        let result = match bytes {
            Some(bytes) => assess_line(self, bytes, n, out)?,
            None => Err((
                None,
                format!(
                    "line {n} is longer than the {} MiB limit",
                    MAX_LINE_BYTES / (1024 * 1024)
                ),
            )),
        };
        match result {
            Ok(()) => summary.highest = summary.highest.max(Some(self.assessment.urgency)),
            Err((id, message)) => {
                summary.errors += 1;
                let inert = id.as_deref().and_then(|id| inert_id(id.get()));
                serde_json::to_writer(
                    &mut *out,
                    &ErrorLine {
                        id: inert.as_deref().or(id.as_deref()),
                        line: n,
                        // Messages quote keys and values as given.
                        error: &escape_controls(&message),
                        schema_version: SCHEMA_VERSION,
                        tool_version: TOOL_VERSION,
                        rules_version: &self.rb.version,
                    },
                )?;
                out.push(b'\n');
            }
        }
        Ok(())
    }
}

/// Assesses one line and writes its result; a bad line is returned as an
/// error (its id, if readable, and a message) for the caller to write.
fn assess_line(
    work: &mut Work<'_>,
    bytes: &[u8],
    n: u64,
    out: &mut Vec<u8>,
) -> io::Result<Result<(), LineError>> {
    let rb = work.rb;
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.trim_ascii().is_empty() {
        return Ok(Err((
            None,
            format!("line {n} is blank: expected a JSON object"),
        )));
    }
    // std checks UTF-8 faster than serde_json's byte reader would.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(Err((None, format!("line {n} is not UTF-8 text"))));
    };
    let id = match simple::read(rb, text, &mut work.answers) {
        Some(id) => id,
        None => match read_line(rb, text, n, &mut work.answers) {
            Ok(id) => id.get(),
            Err(e) => return Ok(Err(e)),
        },
    };
    work.answers.settle_disagreements(rb);
    triage::assess_into(rb, &work.answers, &mut work.eval, &mut work.assessment);
    let explanation = work
        .options
        .explain
        .then(|| triage::explain::explain(rb, &work.eval));
    let inert = inert_id(id);
    let id = inert.as_deref().map_or(id, RawValue::get);
    if work.options.compact {
        compact::write_json(
            out,
            &work.compact_texts,
            &work.assessment,
            id,
            explanation.as_ref(),
        )?;
    } else {
        fast::write_json(
            out,
            &work.texts,
            &work.assessment,
            Some(id),
            explanation.as_ref(),
        )?;
    }
    out.push(b'\n');
    Ok(Ok(()))
}

/// Reads any line with serde_json into `answers`, returning its id, or
/// the line's error.
fn read_line<'t>(
    rb: &RuleBase,
    text: &'t str,
    n: u64,
    answers: &mut Answers,
) -> Result<&'t RawValue, LineError> {
    answers.clear();
    let mut refused = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = LineSeed {
        rb,
        answers,
        refused: &mut refused,
    }
    .deserialize(&mut de)
    .and_then(|id| de.end().map(|()| id));
    let id = match parsed {
        Ok(id) => id,
        Err(e) => {
            return Err((salvage_id(text), format!("line {n}: {}", json_message(&e))));
        }
    };
    if let Err(why) = check_id(id) {
        return Err((None, format!("line {n}: the id {why}")));
    }
    if let Some(e) = refused {
        return Err((Some(id.to_owned()), format!("line {n}: {e}")));
    }
    Ok(id)
}

/// serde_json's message without its " at line 1 column N" tail (a batch
/// line is always line 1 to serde_json; the batch's own line number is given).
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let message = match full.find(" at line ") {
        Some(_) => format!("{} (column {})", load::without_position(&full), e.column()),
        None => full,
    };
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not valid JSON: {message}")
        }
        _ => message,
    }
}

/// An id that holds DEL, a C1 control or a bidi control, with each written
/// as a JSON `\uXXXX` escape: the same JSON value, but no byte a terminal
/// showing the output would act on. `None` (nothing to change) for other
/// ids. Such characters can only stand inside JSON strings; the C0
/// controls a JSON text may hold raw are white space between tokens.
fn inert_id(text: &str) -> Option<Box<RawValue>> {
    let escaped = |c: char| controls::kind(c).is_some() && !matches!(c, '\t' | '\n' | '\r');
    // ASCII below DEL (most ids) holds none: one pass over the bytes.
    if text.bytes().all(|b| b < 0x7f) || !text.chars().any(escaped) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    RawValue::from_string(out).ok()
}

/// Batch output into a regular file, kept made of whole lines. The batch
/// writes only whole lines, but the system may take part of a write and
/// then fail (a full disk takes what fits): the bytes after the last
/// newline taken are then cut off the end of the file again. (Into a pipe,
/// a failed write means the reader is gone, and nothing can be taken back.)
pub(crate) struct WholeLines {
    file: std::fs::File,
    /// Bytes taken since the last newline.
    open: u64,
}

impl WholeLines {
    pub(crate) fn new(file: std::fs::File) -> WholeLines {
        WholeLines { file, open: 0 }
    }

    /// Cuts the bytes of an unfinished line off the end of the file.
    fn cut_open_line(&mut self) {
        use std::io::Seek;
        if self.open == 0 {
            return;
        }
        if let Ok(end) = self.file.stream_position() {
            let _ = self.file.set_len(end.saturating_sub(self.open));
        }
        self.open = 0;
    }
}

impl Write for WholeLines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.file.write(buf) {
            Ok(n) => {
                match memchr::memrchr(b'\n', &buf[..n]) {
                    Some(i) => self.open = (n - i - 1) as u64,
                    None => self.open += n as u64,
                }
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.cut_open_line();
                }
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The id of a line whose answers are wrong but whose shape is an object.
fn salvage_id(text: &str) -> Option<Box<RawValue>> {
    #[derive(Deserialize)]
    struct IdOnly<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
    }
    serde_json::from_str::<IdOnly<'_>>(text)
        .ok()
        .and_then(|l| l.id)
        .filter(|id| check_id(id).is_ok())
        .map(ToOwned::to_owned)
}

/// Whether an id can be echoed as it was given. serde_json's raw reader
/// accepts some texts that its parser (and other JSON readers) refuse, such
/// as a number out of range (`1e400`) or a lone surrogate escape
/// (`"\ude00"`); echoing those would make the output line invalid JSON.
/// A string without escapes is always fine; anything else is parsed.
fn check_id(id: &RawValue) -> Result<(), String> {
    let text = id.get();
    if text.starts_with('"') && !text.contains('\\') {
        return Ok(());
    }
    serde_json::from_str::<serde_json::Value>(text)
        .map(drop)
        .map_err(|e| {
            format!(
                "is not valid JSON ({})",
                load::without_position(&e.to_string())
            )
        })
}
