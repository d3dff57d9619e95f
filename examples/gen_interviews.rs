//! Writes N batch input lines (JSON Lines) that are transcripts of the real
//! interview: simulated people answering the questions the engine's own
//! question choice (`select::next_question`) asks them, with a fixed seed,
//! so every run of a benchmark reads the same input.
//!
//! A person has one underlying cause, drawn from the rule base's causes with
//! a weight by the cause's urgency (everyday causes common, serious ones
//! rare), or none. The findings that cause's support rules name are present
//! with a chance of one in two (warning signs of a level above the cause's
//! own keep their prevalence); every other finding with its own prevalence:
//! its `prior` in the rule base, at most 0.3% for a warning sign. The person
//! answers each question from that, says "don't know" to one question in
//! eighteen (about 3% of all answers, a checklist's items counting one by
//! one), and a third of people stop part-way, before a question chosen at
//! random. A checklist where nothing applies is written as its group's "no",
//! as the interview's "none" means.
//!
//! With the built-in rule base this gives about 18 answers a line, two
//! thirds finished interviews, and urgencies of about 75% self-care, 19%
//! doctor, 3% urgent and 3% emergency (`--stats` prints these figures).
//!
//!     cargo run --release --example gen_interviews -- 1000000 > interviews.jsonl
//!
//! `--stats` prints, instead of lines, the mix of the stream: answers per
//! line, "don't know" answers, finished interviews and urgency levels.
//! Lines are made on every core, in blocks, and written in order.

use std::io::{BufWriter, Write};
use std::thread;

use backtriage::triage;
use backtriage::triage::answers::{Answer, Answers};
use backtriage::triage::condition::FactId;
use backtriage::triage::engine::Evaluation;
use backtriage::triage::rulebase::RuleBase;
use backtriage::triage::schema::{FindingKind, Urgency};
use backtriage::triage::select;

/// splitmix64: small, fast, the same on every machine, and seeded per line,
/// so lines can be made on several threads and still come out the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True with chance `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// How likely a person is to have a cause of each level, relative to one
/// another, per cause; and the weight of "no particular cause".
fn cause_weight(u: Urgency) -> f64 {
    match u {
        Urgency::SelfCare => 10.0,
        Urgency::Doctor => 3.0,
        Urgency::Urgent => 0.3,
        Urgency::Emergency => 0.1,
    }
}
const NO_CAUSE_WEIGHT: f64 = 40.0;
/// The chance of each finding the person's cause names.
const CAUSE_FINDING: f64 = 0.5;
/// The prevalence of a warning sign outside its cause.
const WARNING_SIGN: f64 = 0.003;
/// The chance of "don't know" to a question.
const DONT_KNOW: f64 = 0.055;
/// The chance that a person stops before the interview ends.
const STOPS_EARLY: f64 = 1.0 / 3.0;

/// The stream's model of people, worked out once from the rule base.
struct People<'r> {
    rb: &'r RuleBase,
    /// Per finding: its prevalence outside the person's cause.
    prevalence: Vec<f64>,
    /// Cumulative weights of the causes (the last entry: no cause).
    cumulative: Vec<f64>,
}

impl<'r> People<'r> {
    fn new(rb: &'r RuleBase) -> People<'r> {
        let prevalence = rb
            .findings()
            .map(|f| {
                let info = rb.finding(f).expect("a finding");
                if !rb.flag_deps[usize::from(f)].is_empty() {
                    WARNING_SIGN.min(info.prior)
                } else {
                    info.prior
                }
            })
            .collect::<Vec<_>>();
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = rb
            .causes
            .iter()
            .map(|c| {
                total += cause_weight(c.urgency);
                total
            })
            .collect();
        cumulative.push(total + NO_CAUSE_WEIGHT);
        People {
            rb,
            prevalence,
            cumulative,
        }
    }

    /// What person `i` would answer to every question: yes or no to each
    /// plain finding and group member, and their age and days of pain.
    fn truth(&self, rng: &mut Rng) -> Answers {
        let rb = self.rb;
        let total = *self.cumulative.last().expect("weights");
        let roll = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let cause = self.cumulative.iter().position(|&w| roll < w);
        // The findings the cause names, but not warning signs of a level
        // above the cause's own: those keep their prevalence.
        let named: Vec<FactId> = match cause {
            Some(c) if c < rb.causes.len() => rb.cause_findings[c]
                .0
                .iter()
                .copied()
                .filter(|&f| {
                    rb.flag_deps[usize::from(f)]
                        .iter()
                        .all(|&r| rb.red_flags[usize::from(r)].urgency <= rb.causes[c].urgency)
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut truth = Answers::new(rb);
        for f in rb.findings() {
            let info = rb.finding(f).expect("a finding");
            let answer = match info.kind {
                FindingKind::Number => continue,
                // A group's answer follows from its members.
                FindingKind::YesNo if !info.members.is_empty() => continue,
                FindingKind::YesNo => {
                    let p = if named.contains(&f) {
                        CAUSE_FINDING.max(self.prevalence[usize::from(f)])
                    } else {
                        self.prevalence[usize::from(f)]
                    };
                    if rng.chance(p) {
                        Answer::Yes
                    } else {
                        Answer::No
                    }
                }
            };
            let _ = truth.set(rb, f, answer);
        }
        // Where it hurts: the lower back for most people (and somewhere for all).
        if let Some(lower) = rb.fact_id("lower_back_pain") {
            let location = rb.finding(lower).and_then(|i| i.group);
            let elsewhere = location
                .and_then(|g| rb.finding(g))
                .is_some_and(|g| g.members.iter().any(|&m| truth.get(m) == Some(Answer::Yes)));
            if rng.chance(0.85) || !elsewhere {
                truth.replace(lower, Some(Answer::Yes));
            }
        }
        let age = 18 + rng.below(50) + rng.below(20);
        let days = match rng.below(100) {
            0..60 => rng.below(8),
            60..85 => 8 + rng.below(35),
            _ => 43 + rng.below(320),
        };
        for (id, value) in [("age", age), ("days", days)] {
            if let Some(f) = rb.fact_id(id) {
                let _ = truth.set(rb, f, Answer::Number(value as f64));
            }
        }
        truth
    }

    /// Person `i` going through the interview: their answers in the order
    /// given.
    fn interview(&self, i: u64) -> Vec<(FactId, Answer)> {
        let rb = self.rb;
        let mut rng = Rng(i.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x5eed);
        let truth = self.truth(&mut rng);
        // Where a person stops, if early: after a number of questions chosen
        // once the interview's length is known (a person who stops early
        // answers fewer than all).
        let stops_early = rng.chance(STOPS_EARLY);
        let mut answers = Answers::new(rb);
        let mut given: Vec<(FactId, Answer)> = Vec::new();
        // Per question asked: how many answers it had given before it.
        let mut asked_at: Vec<usize> = Vec::new();
        for _ in 0..=rb.n_findings {
            let eval = Evaluation::new(rb, &answers);
            let Some(q) = select::next_question(rb, &answers, &eval) else {
                break;
            };
            asked_at.push(given.len());
            let unsure = rng.chance(DONT_KNOW);
            let replies = select::simulated_answers(rb, &answers, q, &truth, Answer::No);
            let is_checklist = rb.finding(q).is_some_and(|i| !i.members.is_empty());
            let settle: Vec<(FactId, Answer)> = if unsure {
                vec![(q, Answer::Unknown)]
            } else if is_checklist && replies.iter().all(|&(_, a)| a == Answer::No) {
                vec![(q, Answer::No)]
            } else {
                replies
            };
            let mut settled = false;
            for (f, answer) in settle {
                if answers.set(rb, f, answer).is_ok() {
                    given.push((f, answer));
                    settled = true;
                }
            }
            if !settled {
                break;
            }
        }
        if stops_early && asked_at.len() > 1 {
            // Stop before one of the questions after the first.
            let stop = 1 + rng.below(asked_at.len() as u64 - 1) as usize;
            given.truncate(asked_at[stop]);
        }
        given
    }
}

fn write_line(rb: &RuleBase, out: &mut Vec<u8>, i: u64, given: &[(FactId, Answer)]) {
    write!(out, "{{\"id\":\"person-{i}\",\"answers\":{{").expect("writes to memory");
    for (k, &(f, answer)) in given.iter().enumerate() {
        let sep = if k == 0 { "" } else { "," };
        let id = &rb.fact(f).id;
        match answer {
            Answer::Number(x) => write!(out, "{sep}\"{id}\":{x}"),
            other => write!(out, "{sep}\"{id}\":\"{other}\""),
        }
        .expect("writes to memory");
    }
    out.extend_from_slice(b"}}\n");
}

/// Figures on the stream, for `--stats`.
#[derive(Default)]
struct Stats {
    lines: u64,
    answers: u64,
    unknown: u64,
    finished: u64,
    levels: [u64; 4],
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stats = args.iter().any(|a| a == "--stats");
    let n: u64 = match args.iter().find(|a| !a.starts_with("--")) {
        Some(arg) => arg.parse()?,
        None => return Err("usage: gen_interviews N [--stats] (N: the number of lines)".into()),
    };
    let rb = backtriage::embedded::rule_base()?;
    let people = People::new(&rb);
    let threads = thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    const BLOCK: u64 = 2048;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut totals = Stats::default();
    let mut start = 0;
    while start < n {
        // A round of blocks, one per thread, written in order.
        let blocks: Vec<(Vec<u8>, Stats)> = thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let people = &people;
                    let rb = &rb;
                    s.spawn(move || {
                        let from = (start + t * BLOCK).min(n);
                        let to = (from + BLOCK).min(n);
                        let mut buf = Vec::new();
                        let mut st = Stats::default();
                        for i in from..to {
                            let given = people.interview(i);
                            if stats {
                                let mut answers = Answers::new(rb);
                                for &(f, a) in &given {
                                    let _ = answers.set(rb, f, a);
                                }
                                answers.settle_disagreements(rb);
                                let a = triage::assess(rb, &answers);
                                st.lines += 1;
                                st.answers += given.len() as u64;
                                st.unknown +=
                                    given.iter().filter(|(_, a)| *a == Answer::Unknown).count()
                                        as u64;
                                st.finished += u64::from(a.next_question.is_none());
                                st.levels[a.urgency as usize] += 1;
                            } else {
                                write_line(rb, &mut buf, i, &given);
                            }
                        }
                        (buf, st)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a generator thread"))
                .collect()
        });
        for (buf, st) in blocks {
            out.write_all(&buf)?;
            totals.lines += st.lines;
            totals.answers += st.answers;
            totals.unknown += st.unknown;
            totals.finished += st.finished;
            for (t, s) in totals.levels.iter_mut().zip(st.levels) {
                *t += s;
            }
        }
        start += threads * BLOCK;
    }
    if stats {
        let lines = totals.lines.max(1) as f64;
        let pct = |x: u64| 100.0 * x as f64 / lines;
        writeln!(out, "lines: {}", totals.lines)?;
        writeln!(
            out,
            "answers per line: {:.1}",
            totals.answers as f64 / lines
        )?;
        writeln!(
            out,
            "\"don't know\": {:.1}% of answers",
            100.0 * totals.unknown as f64 / totals.answers.max(1) as f64
        )?;
        writeln!(
            out,
            "finished interviews (next_question null): {:.1}%",
            pct(totals.finished)
        )?;
        for (name, count) in ["self_care", "doctor", "urgent", "emergency"]
            .iter()
            .zip(totals.levels)
        {
            writeln!(out, "urgency {name}: {:.1}%", pct(count))?;
        }
    }
    out.flush()?;
    Ok(())
}
