//! The floor a batch is measured against: for each input line, parse it into
//! a `serde_json::Value` and write one output line of a given size (the
//! input's own JSON, padded out), on one thread, with the same 64 KiB read
//! and write blocks as `assess --batch`. What is left of backtriage's time
//! above this is the assessment itself.
//!
//!     cargo run --release --example json_floor -- BYTES < in.jsonl > /dev/null
//!
//! `BYTES` is the mean size of backtriage's output lines on the same input,
//! which `bench/batch.sh` measures first.

use std::io::{self, BufRead, BufReader, BufWriter, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => return Err("usage: json_floor BYTES < in.jsonl (BYTES: output line size)".into()),
    };
    let padding = vec![b' '; bytes];
    let mut input = BufReader::with_capacity(64 * 1024, io::stdin().lock());
    let mut output = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut line = Vec::new();
    let mut out = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        out.clear();
        // A bad line costs what writing an error would: a short line.
        match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(value) => serde_json::to_writer(&mut out, &value)?,
            Err(_) => out.extend_from_slice(b"{\"error\":\"bad line\"}"),
        }
        out.extend_from_slice(&padding[..bytes.saturating_sub(out.len())]);
        out.push(b'\n');
        output.write_all(&out)?;
    }
    output.flush()?;
    Ok(())
}
