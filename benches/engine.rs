//! The engine's cost: one assessment, one next-question choice, and how
//! both grow with rule bases 10 and 100 times larger than the real one.
//!
//!     cargo bench --bench engine

use backtriage::embedded;
use backtriage::triage;
use backtriage::triage::answers::{Answers, RawAnswer};
use backtriage::triage::compile;
use backtriage::triage::condition::Condition;
use backtriage::triage::engine::Evaluation;
use backtriage::triage::problem::RuleText;
use backtriage::triage::rulebase::RuleBase;
use backtriage::triage::schema::RuleFiles;
use backtriage::triage::{load, select};

fn main() {
    divan::main();
}

/// A lifting strain at 34, warning signs screened and clear.
const STRAIN: &[(&str, &str)] = &[
    ("lower_back_pain", "yes"),
    ("upper_back_pain", "no"),
    ("flank_pain", "no"),
    ("days", "3"),
    ("age", "34"),
    ("nerve_warning_signs", "no"),
    ("chest_warning_signs", "no"),
    ("illness_warning_signs", "no"),
    ("health_background", "no"),
    ("organ_signs", "no"),
    ("lifting_or_strain", "yes"),
];

/// Half-way through the opening screen: the common state of an interview.
const OPENING: &[(&str, &str)] = &[
    ("lower_back_pain", "yes"),
    ("upper_back_pain", "no"),
    ("flank_pain", "no"),
    ("days", "3"),
    ("age", "34"),
];

fn answers(rb: &RuleBase, given: &[(&str, &str)]) -> Answers {
    let mut answers = Answers::new(rb);
    for (id, value) in given {
        if let Err(e) = answers.set_by_id(rb, id, RawAnswer::Word(value)) {
            panic!("bench answers are valid: {e}");
        }
    }
    answers
}

fn real() -> RuleBase {
    embedded::rule_base().expect("the embedded rule base")
}

#[divan::bench]
fn assess_one(bencher: divan::Bencher) {
    let rb = real();
    let a = answers(&rb, STRAIN);
    bencher.bench(|| triage::assess(divan::black_box(&rb), divan::black_box(&a)));
}

/// Times `assess_into` on the same answers, its buffers kept between runs.
fn bench_assess_into(bencher: divan::Bencher, rb: &RuleBase, a: &Answers) {
    let mut eval = Evaluation::empty(rb);
    let mut out = triage::Assessment::default();
    bencher.bench_local(|| {
        triage::assess_into(
            divan::black_box(rb),
            divan::black_box(a),
            &mut eval,
            &mut out,
        )
    });
}

#[divan::bench]
fn assess_one_reusing_buffers(bencher: divan::Bencher) {
    let rb = real();
    let a = answers(&rb, STRAIN);
    bench_assess_into(bencher, &rb, &a);
}

#[divan::bench(args = ["opening", "strain"])]
fn next_question_one(bencher: divan::Bencher, state: &str) {
    let rb = real();
    let a = answers(&rb, if state == "opening" { OPENING } else { STRAIN });
    let eval = Evaluation::new(&rb, &a);
    bencher.bench(|| select::next_question(divan::black_box(&rb), divan::black_box(&a), &eval));
}

/// The real rule base repeated `times` times, each copy with its own ids.
/// The question cap grows with it, as a rule base with `times` as many
/// questions would set it: otherwise the answers given to every copy pass
/// the cap and the cause stage is never reached.
fn scaled(times: usize) -> RuleBase {
    let texts = embedded::texts();
    let base = load::parse(&texts).expect("the embedded rule base parses");
    let mut files: RuleFiles = base.clone();
    files.settings.settings.max_questions *= times;
    for k in 1..times {
        let id = |s: &str| format!("{s}_x{k}");
        for f in &base.findings.findings {
            // age and days are shared: every copy reads the same numbers.
            if ["age", "days"].contains(&f.id.as_str()) {
                continue;
            }
            let mut f = f.clone();
            f.id = id(&f.id);
            if let Some(members) = &mut f.any_of {
                for m in members.iter_mut() {
                    *m = id(m);
                }
            }
            files.findings.findings.push(f);
        }
        let rename = |c: &Condition| {
            rename(c, &|s| {
                if ["age", "days"].contains(&s) {
                    s.to_owned()
                } else {
                    id(s)
                }
            })
        };
        for d in &base.derived.derived {
            let mut d = d.clone();
            d.id = id(&d.id);
            d.when = rename(&d.when);
            files.derived.derived.push(d);
        }
        for r in &base.red_flags.red_flags {
            let mut r = r.clone();
            r.id = id(&r.id);
            r.when = rename(&r.when);
            r.causes = r.causes.iter().map(|c| id(c)).collect();
            files.red_flags.red_flags.push(r);
        }
        for c in &base.causes.causes {
            let mut c = c.clone();
            c.id = id(&c.id);
            for e in c.support.iter_mut().chain(c.against.iter_mut()) {
                e.when = rename(&e.when);
            }
            files.causes.causes.push(c);
        }
        for a in &base.advice.advice {
            let mut a = a.clone();
            a.id = id(&a.id);
            a.for_causes = a.for_causes.iter().map(|c| id(c)).collect();
            a.when = a.when.as_ref().map(rename);
            a.avoid_when = a.avoid_when.as_ref().map(rename);
            files.advice.advice.push(a);
        }
    }
    let texts: Vec<RuleText> = texts.into_iter().collect();
    match compile::compile_without_interview_checks(&files, &texts) {
        Ok(rb) => rb,
        Err(problems) => panic!("the scaled rule base is sound: {}", problems[0]),
    }
}

fn rename(c: &Condition, id: &dyn Fn(&str) -> String) -> Condition {
    match c {
        Condition::Fact(f) => Condition::Fact(id(f)),
        Condition::All { all } => Condition::All {
            all: all.iter().map(|c| rename(c, id)).collect(),
        },
        Condition::Any { any } => Condition::Any {
            any: any.iter().map(|c| rename(c, id)).collect(),
        },
        Condition::Not { not } => Condition::Not {
            not: Box::new(rename(not, id)),
        },
        Condition::Number { number, bounds } => Condition::Number {
            number: id(number),
            bounds: *bounds,
        },
        Condition::AtLeast { at_least, of } => Condition::AtLeast {
            at_least: *at_least,
            of: of.iter().map(|c| rename(c, id)).collect(),
        },
    }
}

/// The same answers given to every copy of a scaled rule base.
fn answers_everywhere(rb: &RuleBase, times: usize, given: &[(&str, &str)]) -> Answers {
    let mut all: Vec<(String, &str)> = given.iter().map(|(id, v)| ((*id).to_owned(), *v)).collect();
    for k in 1..times {
        for (id, value) in given {
            if !["age", "days"].contains(id) {
                all.push((format!("{id}_x{k}"), value));
            }
        }
    }
    let pairs: Vec<(&str, &str)> = all.iter().map(|(id, v)| (id.as_str(), *v)).collect();
    answers(rb, &pairs)
}

/// Evaluating every rule (facts, red flags, cause scores) as the rule base grows.
#[divan::bench(args = [1, 10, 100])]
fn evaluate_scaled(bencher: divan::Bencher, times: usize) {
    let rb = scaled(times);
    let a = answers_everywhere(&rb, times, STRAIN);
    let mut eval = Evaluation::empty(&rb);
    bencher.bench_local(|| eval.fill(divan::black_box(&rb), divan::black_box(&a)));
}

/// A whole assessment, next question included, every copy answered alike.
#[divan::bench(args = [1, 10, 100], sample_count = 20)]
fn assess_scaled(bencher: divan::Bencher, times: usize) {
    let rb = scaled(times);
    let a = answers_everywhere(&rb, times, STRAIN);
    bench_assess_into(bencher, &rb, &a);
}

/// A cause-stage question chosen (warning signs screened and clear, the cap
/// not reached), as the rule base grows: every candidate question is tried
/// with each answer, so this is where the choice's cost shows. Each copy is
/// answered alike, so the chosen question is in the first copy.
#[divan::bench(args = [1, 10, 100])]
fn cause_question_scaled(bencher: divan::Bencher, times: usize) {
    let rb = scaled(times);
    let a = answers_everywhere(&rb, times, STRAIN);
    let eval = Evaluation::new(&rb, &a);
    let q = select::next_question(&rb, &a, &eval);
    assert!(
        q.is_some_and(|q| !rb.fact(q).id.ends_with("_warning_signs")),
        "a cause-stage question: {:?}",
        q.map(|q| &rb.fact(q).id)
    );
    bencher.bench(|| select::next_question(divan::black_box(&rb), divan::black_box(&a), &eval));
}

/// A warning-sign question chosen after the opening, as the rule base grows.
#[divan::bench(args = [1, 10, 100])]
fn next_question_scaled(bencher: divan::Bencher, times: usize) {
    let rb = scaled(times);
    let a = answers_everywhere(&rb, times, OPENING);
    let eval = Evaluation::new(&rb, &a);
    bencher.bench(|| select::next_question(divan::black_box(&rb), divan::black_box(&a), &eval));
}
