//! `assess --batch`: JSON Lines in, JSON Lines out, streamed one line at a
//! time in constant memory. A bad line becomes an error object carrying its
//! id (when it has one) and line number, and the batch goes on.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::answers::{Answers, RawAnswer};
use crate::engine;
use crate::report::Report;
use crate::rulebase::RuleBase;

/// The longest input line accepted; longer lines are skipped with an error.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// How a batch went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub lines: u64,
    pub errors: u64,
}

/// One input line: `{"id": ..., "answers": {...}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    #[serde(borrow)]
    answers: AnswerList<'a>,
}

/// The answers of a line, in the order given.
struct AnswerList<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

/// An answer value: a word, a boolean or a number.
enum Value<'a> {
    Word(Cow<'a, str>),
    Bool(bool),
    Number(f64),
}

impl<'de: 'a, 'a> Deserialize<'de> for AnswerList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = AnswerList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of finding ids and answers")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<AnswerList<'a>, M::Error> {
                let mut list = Vec::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    list.push((key, map.next_value::<Value<'de>>()?));
                }
                Ok(AnswerList(list))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
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

/// An output line for an input line that could not be assessed.
#[derive(Serialize)]
struct ErrorLine<'a> {
    id: Option<&'a RawValue>,
    line: u64,
    error: &'a str,
}

/// What reading one line gave.
enum Read1 {
    Eof,
    Line,
    TooLong,
}

/// Reads one line into `buf` (without its newline), refusing to hold more
/// than [`MAX_LINE_BYTES`]: the rest of a longer line is read and dropped.
fn read_line_capped<R: BufRead>(reader: &mut R, buf: &mut Vec<u8>) -> io::Result<Read1> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => Read1::Eof,
                (true, true) => Read1::TooLong,
                (true, false) => Read1::Line,
            });
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE_BYTES {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(if done { take + 1 } else { take });
        if done {
            return Ok(if too_long {
                Read1::TooLong
            } else {
                Read1::Line
            });
        }
    }
}

/// Assesses every line of `input`, writing one JSON line per input line.
pub fn run<R: Read, W: Write>(
    rb: &RuleBase,
    input: R,
    output: W,
    explain: bool,
) -> io::Result<Summary> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let mut out = io::BufWriter::with_capacity(64 * 1024, output);
    let mut buf = Vec::new();
    let mut summary = Summary::default();
    loop {
        // Flush what is done before waiting on more input, so a pipeline sees
        // results promptly; while input is buffered, keep batching writes.
        if reader.buffer().is_empty() {
            out.flush()?;
        }
        let read = read_line_capped(&mut reader, &mut buf)?;
        if matches!(read, Read1::Eof) {
            break;
        }
        summary.lines += 1;
        let n = summary.lines;
        let result = match read {
            Read1::TooLong => Err((
                None,
                format!(
                    "line {n} is longer than the {} MiB limit",
                    MAX_LINE_BYTES / (1024 * 1024)
                ),
            )),
            _ => assess_line(rb, &buf, n, explain, &mut out)?,
        };
        if let Err((id, message)) = result {
            summary.errors += 1;
            let id = id.as_deref();
            serde_json::to_writer(
                &mut out,
                &ErrorLine {
                    id,
                    line: n,
                    error: &message,
                },
            )?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(summary)
}

type LineError = (Option<Box<RawValue>>, String);

/// Assesses one line and writes its result; a bad line is returned as an
/// error (its id, if readable, and a message) for the caller to write.
fn assess_line<W: Write>(
    rb: &RuleBase,
    bytes: &[u8],
    n: u64,
    explain: bool,
    out: &mut W,
) -> io::Result<Result<(), LineError>> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(Err((None, format!("line {n} is not UTF-8 text"))));
    };
    if text.trim().is_empty() {
        return Ok(Err((
            None,
            format!("line {n} is blank: expected a JSON object"),
        )));
    }
    let line: Line<'_> = match serde_json::from_str(text) {
        Ok(line) => line,
        Err(e) => {
            return Ok(Err((
                salvage_id(text),
                format!("line {n}: {}", json_message(&e)),
            )));
        }
    };
    let mut answers = Answers::new(rb);
    for (id, value) in &line.answers.0 {
        let raw = match value {
            Value::Word(w) => RawAnswer::Word(w),
            Value::Bool(b) => RawAnswer::Bool(*b),
            Value::Number(x) => RawAnswer::Number(*x),
        };
        if let Err(e) = answers.set_by_id(rb, id, raw) {
            return Ok(Err((Some(line.id.to_owned()), format!("line {n}: {e}"))));
        }
    }
    let assessment = engine::assess(rb, &answers);
    let explanation = explain.then(|| engine::explain(rb, &answers));
    let mut report = Report::new(rb, &assessment, explanation);
    report.id = Some(line.id);
    serde_json::to_writer(&mut *out, &report)?;
    out.write_all(b"\n")?;
    Ok(Ok(()))
}

/// serde_json's message without its " at line 1 column N" tail (a batch
/// line is always line 1 to serde_json; the batch's own line number is given).
fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let message = match message.find(" at line ") {
        Some(i) => format!("{} (column {})", &message[..i], e.column()),
        None => message,
    };
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not valid JSON: {message}")
        }
        _ => message,
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
        .and_then(|l| l.id.map(ToOwned::to_owned))
}
