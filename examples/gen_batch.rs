//! Writes N batch input lines (JSON Lines) for `assess --batch`, drawn from
//! the built-in rule base's findings with a fixed seed, so every run of a
//! benchmark reads the same input.
//!
//! Like an intake stream, warning signs are rare (a finding that any red flag
//! uses is "yes" 3% of the time) while the everyday findings are common (25%);
//! about half of all findings are answered, a few "unknown".
//!
//!     cargo run --release --example gen_batch -- 1000000 > cases.jsonl

use std::io::{BufWriter, Write};

use backtriage::triage::schema::FindingKind;

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => return Err("usage: gen_batch N (the number of lines)".into()),
    };
    let rb = backtriage::embedded::rule_base()?;
    // Plain yes/no findings only: answering a group and its members at random
    // could contradict itself, which a batch would (rightly) reject.
    let plain: Vec<(&str, bool)> = rb
        .findings()
        .filter_map(|f| {
            let info = rb.finding(f)?;
            let warning = !rb.flag_deps[usize::from(f)].is_empty();
            (info.kind == FindingKind::YesNo && info.members.is_empty())
                .then_some((rb.fact(f).id.as_str(), warning))
        })
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for i in 0..n {
        write!(
            out,
            "{{\"id\":\"case-{i}\",\"answers\":{{\"age\":{},\"days\":{}",
            16 + rng.below(75),
            rng.below(120)
        )?;
        for &(id, warning) in &plain {
            let yes = if warning { 3 } else { 25 };
            let roll = rng.below(100);
            if roll < yes {
                write!(out, ",\"{id}\":\"yes\"")?;
            } else if roll < 50 {
                write!(out, ",\"{id}\":\"no\"")?;
            } else if roll < 55 {
                write!(out, ",\"{id}\":\"unknown\"")?;
            }
        }
        out.write_all(b"}}\n")?;
    }
    out.flush()?;
    Ok(())
}
