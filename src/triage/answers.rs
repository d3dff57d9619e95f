//! What a person has answered so far, and the validation of each answer
//! (known id, right kind, sane number, no contradictions).

use std::fmt;

use crate::triage::condition::{FactId, Tri};
use crate::triage::rulebase::RuleBase;
use crate::triage::schema::FindingKind;

/// One answer to one finding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    Yes,
    No,
    /// Asked, but the person does not know: it stays unknown, never absent.
    Unknown,
    Number(f64),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Yes => f.write_str("yes"),
            Answer::No => f.write_str("no"),
            Answer::Unknown => f.write_str("unknown"),
            Answer::Number(x) => write!(f, "{x}"),
        }
    }
}

/// An answer as it arrives, before it is checked against its finding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawAnswer<'a> {
    Word(&'a str),
    Bool(bool),
    Number(f64),
}

impl fmt::Display for RawAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawAnswer::Word(w) => f.write_str(w),
            RawAnswer::Bool(b) => write!(f, "{b}"),
            RawAnswer::Number(x) => write!(f, "{x}"),
        }
    }
}

/// Why an answer was refused. Each displays as one line naming the id.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerError {
    UnknownId {
        id: String,
        suggestion: Option<String>,
    },
    Derived {
        id: String,
    },
    WrongKind {
        id: String,
        expected: FindingKind,
        got: String,
    },
    OutOfRange {
        id: String,
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    Conflict {
        id: String,
        first: Answer,
        second: Answer,
    },
    GroupConflict {
        member: String,
        group: String,
    },
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::UnknownId { id, suggestion } => {
                write!(f, "unknown finding '{id}'")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean '{s}'?)"),
                    None => f.write_str(" (see 'backtriage rules list findings')"),
                }
            }
            AnswerError::Derived { id } => write!(
                f,
                "'{id}' is concluded from other answers and cannot be answered directly"
            ),
            AnswerError::WrongKind { id, expected, got } => match expected {
                FindingKind::Number => write!(f, "'{id}' takes a number, not '{got}'"),
                FindingKind::YesNo => {
                    write!(f, "'{id}' is answered yes, no or unknown, not '{got}'")
                }
            },
            AnswerError::OutOfRange {
                id,
                value,
                min,
                max,
            } => {
                write!(f, "'{id}' must be a number")?;
                match (min, max) {
                    (Some(lo), Some(hi)) => write!(f, " from {lo} to {hi}")?,
                    (Some(lo), None) => write!(f, " of at least {lo}")?,
                    (None, Some(hi)) => write!(f, " of at most {hi}")?,
                    (None, None) => {}
                }
                write!(f, ", not {value}")
            }
            AnswerError::Conflict { id, first, second } => write!(
                f,
                "'{id}' is answered twice with different values ({first} and {second})"
            ),
            AnswerError::GroupConflict { member, group } => write!(
                f,
                "'{member}' is answered yes, but its group '{group}' is answered no"
            ),
        }
    }
}

impl std::error::Error for AnswerError {}

/// The answers given so far, one slot per finding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    values: Vec<Option<Answer>>,
    /// Per finding: what its answer alone says, yes, no or unknown (kept
    /// with `values`, so that a state is filled by one copy).
    truths: Vec<Tri>,
    /// Per finding up to the last number finding
    /// ([`RuleBase::number_slots`]): its number, if answered with one.
    numbers: Vec<Option<f64>>,
    /// How many answers are "don't know".
    unsure: usize,
    /// Groups whose answers disagreed, made "don't know" by
    /// [`Answers::settle_disagreements`].
    disagreed: Vec<FactId>,
}

impl Answers {
    /// No answers yet.
    pub fn new(rb: &RuleBase) -> Answers {
        Answers {
            values: vec![None; rb.n_findings],
            truths: vec![Tri::Unknown; rb.n_findings],
            numbers: vec![None; rb.number_slots],
            unsure: 0,
            disagreed: Vec::new(),
        }
    }

    /// The answer to a finding, if it was given.
    pub fn get(&self, f: FactId) -> Option<Answer> {
        self.values.get(usize::from(f)).copied().flatten()
    }

    /// Becomes a copy of `other`, reusing the buffers.
    pub fn copy_from(&mut self, other: &Answers) {
        self.values.clone_from(&other.values);
        self.truths.clone_from(&other.truths);
        self.numbers.clone_from(&other.numbers);
        self.unsure = other.unsure;
        self.disagreed.clone_from(&other.disagreed);
    }

    /// Forgets every answer, keeping the buffer (batch mode reuses it).
    pub fn clear(&mut self) {
        self.values.fill(None);
        self.truths.fill(Tri::Unknown);
        self.numbers.fill(None);
        self.unsure = 0;
        self.disagreed.clear();
    }

    /// Resolves answers that disagree: a group answered yes ("one of these
    /// applies") whose every member was answered no. Neither answer can be
    /// trusted over the other, and a "no" must not rule out a warning sign
    /// the person said they have, so the members' answers become "don't
    /// know": none is ruled out. The groups are kept for a warning. Call
    /// once every answer is in.
    pub fn settle_disagreements(&mut self, rb: &RuleBase) {
        for &g in &rb.groups {
            if self.get(g) != Some(Answer::Yes) {
                continue;
            }
            let Some(info) = rb.finding(g) else { continue };
            let all_no = !info.members.is_empty()
                && info
                    .members
                    .iter()
                    .all(|&m| self.get(m) == Some(Answer::No));
            if all_no {
                for &m in &info.members {
                    self.put(m, Some(Answer::Unknown));
                }
                self.disagreed.push(g);
            }
        }
    }

    /// The groups whose answers disagreed (see
    /// [`Answers::settle_disagreements`]), in rule-base order.
    pub fn disagreed(&self) -> &[FactId] {
        &self.disagreed
    }

    /// The answered findings with their answers, in rule-base order.
    pub fn iter(&self) -> impl Iterator<Item = (FactId, Answer)> + '_ {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.map(|a| (FactId::at(i), a)))
    }

    /// Resolves an id and records its answer. See [`Answers::set`].
    pub fn set_by_id(
        &mut self,
        rb: &RuleBase,
        id: &str,
        raw: RawAnswer<'_>,
    ) -> Result<FactId, AnswerError> {
        let f = resolve(rb, id)?;
        let answer = interpret(rb, f, raw)?;
        self.set(rb, f, answer)?;
        Ok(f)
    }

    /// Records an answer. The same answer twice is fine; two different ones,
    /// or a member "yes" under a group "no", are refused.
    #[inline]
    pub fn set(&mut self, rb: &RuleBase, f: FactId, answer: Answer) -> Result<(), AnswerError> {
        match self.check(rb, f, answer) {
            Ok(true) => {
                self.put(f, Some(answer));
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(refusal) => Err(refusal.error(rb, f, answer)),
        }
    }

    /// Whether `answer` is new for `f` (false: the same answer was given
    /// before), or why [`Answers::set`] refuses it. Batch mode sets every
    /// answer of every line, so this stays small and the messages are
    /// written apart.
    #[inline]
    fn check(&self, rb: &RuleBase, f: FactId, answer: Answer) -> Result<bool, Refusal> {
        let Some(info) = rb.finding(f) else {
            return Err(Refusal::Derived);
        };
        if matches!(answer, Answer::Number(_)) && info.kind != FindingKind::Number {
            return Err(Refusal::NotANumber(info.kind));
        }
        if let Some(first) = self.get(f) {
            return if first == answer {
                Ok(false)
            } else {
                Err(Refusal::Conflict(first))
            };
        }
        if answer == Answer::Yes
            && let Some(g) = info.group
            && self.get(g) == Some(Answer::No)
        {
            return Err(Refusal::GroupConflict {
                member: f,
                group: g,
            });
        }
        if answer == Answer::No
            && let Some(&m) = info
                .members
                .iter()
                .find(|&&m| self.truths[usize::from(m)] == Tri::Yes)
        {
            return Err(Refusal::GroupConflict {
                member: m,
                group: f,
            });
        }
        Ok(true)
    }

    /// Puts `answer` in a finding's slot as it is, without any check, and
    /// returns what was there: for hypothetical answers that are taken back.
    pub fn replace(&mut self, f: FactId, answer: Option<Answer>) -> Option<Answer> {
        let before = *self.values.get(usize::from(f))?;
        self.put(f, answer);
        before
    }

    /// Whether any answer is "don't know".
    pub fn any_unsure(&self) -> bool {
        self.unsure > 0
    }

    /// What each finding's answer alone says, in finding order: yes, no,
    /// or unknown (not answered, "don't know", or a number).
    pub fn truths(&self) -> &[Tri] {
        &self.truths
    }

    /// Each finding's number, in finding order, where answered with one;
    /// the slots end at the last number finding ([`RuleBase::number_slots`]),
    /// so read a later finding's with `get`.
    pub fn numbers(&self) -> &[Option<f64>] {
        &self.numbers
    }

    /// Puts an answer in a finding's slot, keeping `truths` and `numbers`
    /// in step.
    #[inline]
    fn put(&mut self, f: FactId, answer: Option<Answer>) {
        let i = usize::from(f);
        let unsure = |a: Option<Answer>| usize::from(a == Some(Answer::Unknown));
        self.unsure = self.unsure - unsure(self.values[i]) + unsure(answer);
        self.values[i] = answer;
        let number;
        (self.truths[i], number) = value_of(answer);
        match self.numbers.get_mut(i) {
            Some(slot) => *slot = number,
            None => debug_assert!(number.is_none(), "a number for a finding without a slot"),
        }
    }

    /// Takes an answer back (the interview's `back`).
    pub fn unset(&mut self, f: FactId) {
        if usize::from(f) < self.values.len() {
            self.put(f, None);
        }
    }
}

/// Why [`Answers::set`] refuses an answer, before its message is written.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    /// The fact is derived, never answered.
    Derived,
    /// A number for a finding of this other kind: only a number finding
    /// takes one (and the number slots end at the last of them).
    NotANumber(FindingKind),
    /// The finding was answered before, with this other answer.
    Conflict(Answer),
    /// A member answered yes under its group answered no.
    GroupConflict { member: FactId, group: FactId },
}

impl Refusal {
    /// The error for refusing `answer` to `f`.
    #[cold]
    #[inline(never)]
    fn error(self, rb: &RuleBase, f: FactId, answer: Answer) -> AnswerError {
        let id = |f: FactId| rb.fact(f).id.clone();
        match self {
            Refusal::Derived => AnswerError::Derived { id: id(f) },
            Refusal::NotANumber(expected) => AnswerError::WrongKind {
                id: id(f),
                expected,
                got: answer.to_string(),
            },
            Refusal::Conflict(first) => AnswerError::Conflict {
                id: id(f),
                first,
                second: answer,
            },
            Refusal::GroupConflict { member, group } => AnswerError::GroupConflict {
                member: id(member),
                group: id(group),
            },
        }
    }
}

/// What an answer alone says about its finding: yes, no or unknown (not
/// answered, "don't know", or a number), and its number if it is one.
pub fn value_of(answer: Option<Answer>) -> (Tri, Option<f64>) {
    match answer {
        Some(Answer::Yes) => (Tri::Yes, None),
        Some(Answer::No) => (Tri::No, None),
        Some(Answer::Number(x)) => (Tri::Unknown, Some(x)),
        Some(Answer::Unknown) | None => (Tri::Unknown, None),
    }
}

/// The finding named `id`, or an error with a "did you mean" suggestion.
pub fn resolve(rb: &RuleBase, id: &str) -> Result<FactId, AnswerError> {
    match rb.fact_id(id) {
        Some(f) if rb.finding(f).is_some() => Ok(f),
        Some(_) => Err(AnswerError::Derived { id: id.to_owned() }),
        None => Err(AnswerError::UnknownId {
            id: id.to_owned(),
            suggestion: suggest(id, rb.fact_ids()),
        }),
    }
}

/// The closest known id, when one is close enough to be a likely typo.
/// Case is ignored when comparing (`FEVER` suggests `fever`), though ids
/// themselves stay case-sensitive: the suggestion says how to spell it.
pub fn suggest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    let id = id.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in known {
        let score = strsim::jaro_winkler(&id, &candidate.to_lowercase());
        if score > 0.85 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

/// Checks a raw answer against its finding's kind and range.
pub fn interpret(rb: &RuleBase, f: FactId, raw: RawAnswer<'_>) -> Result<Answer, AnswerError> {
    let id = &rb.fact(f).id;
    let Some(info) = rb.finding(f) else {
        return Err(AnswerError::Derived { id: id.clone() });
    };
    let wrong = || AnswerError::WrongKind {
        id: id.clone(),
        expected: info.kind,
        got: raw.to_string(),
    };
    // The usual words as usually written, before the general reading.
    match (raw, info.kind) {
        (RawAnswer::Word("yes"), FindingKind::YesNo) => return Ok(Answer::Yes),
        (RawAnswer::Word("no"), FindingKind::YesNo) => return Ok(Answer::No),
        (RawAnswer::Word("unknown"), _) => return Ok(Answer::Unknown),
        _ => {}
    }
    let word = match raw {
        RawAnswer::Word(w) => Some(w.trim_ascii()),
        _ => None,
    };
    let is = |expected: &str| word.is_some_and(|w| w.eq_ignore_ascii_case(expected));
    if is("unknown") {
        return Ok(Answer::Unknown);
    }
    match info.kind {
        FindingKind::YesNo => match raw {
            RawAnswer::Bool(true) => Ok(Answer::Yes),
            RawAnswer::Bool(false) => Ok(Answer::No),
            _ if is("yes") => Ok(Answer::Yes),
            _ if is("no") => Ok(Answer::No),
            _ => Err(wrong()),
        },
        FindingKind::Number => {
            let value = match (raw, word) {
                (RawAnswer::Number(x), _) => x,
                (_, Some(w)) => w.parse::<f64>().map_err(|_| wrong())?,
                _ => return Err(wrong()),
            };
            let in_range = value.is_finite()
                && info.min.is_none_or(|lo| value >= lo)
                && info.max.is_none_or(|hi| value <= hi);
            if in_range {
                Ok(Answer::Number(value))
            } else {
                Err(AnswerError::OutOfRange {
                    id: id.clone(),
                    value,
                    min: info.min,
                    max: info.max,
                })
            }
        }
    }
}

/// For tests: answers from `picks`, one pick a finding in turn (the picks
/// repeat): each yes/no finding outside a group yes, no, "don't know" or
/// unanswered, each number some whole number or unanswered (an answer a
/// group refuses stays unanswered), disagreements settled.
#[cfg(test)]
pub(crate) fn from_picks(rb: &RuleBase, picks: &[u8]) -> Answers {
    let mut answers = Answers::new(rb);
    for (k, f) in rb.findings().enumerate() {
        let pick = picks[k % picks.len()];
        let answer = match rb.finding(f).map(|i| (i.kind, i.group.is_some())) {
            Some((FindingKind::YesNo, false)) => {
                [Answer::Yes, Answer::No, Answer::Unknown][usize::from(pick % 3)]
            }
            Some((FindingKind::Number, _)) => Answer::Number(f64::from(pick)),
            _ => continue,
        };
        if !pick.is_multiple_of(4) {
            let _ = answers.set(rb, f, answer);
        }
    }
    answers.settle_disagreements(rb);
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::rulebase::RuleBase;

    /// The kept columns and count agree with the answers themselves.
    fn assert_in_step(rb: &RuleBase, answers: &Answers) {
        assert_eq!(answers.numbers().len(), rb.number_slots);
        let unsure = answers.iter().any(|(_, a)| a == Answer::Unknown);
        assert_eq!(answers.any_unsure(), unsure);
        for f in rb.findings() {
            let (truth, number) = value_of(answers.get(f));
            assert_eq!(answers.truths()[usize::from(f)], truth);
            // Only findings up to the last number finding have a slot.
            let slot = answers.numbers().get(usize::from(f)).copied().flatten();
            assert_eq!(slot, number);
        }
    }

    /// A number for a yes/no finding is refused, whether or not it comes
    /// before the last number finding (and so has a slot); a number finding
    /// takes it.
    #[test]
    fn a_number_is_only_taken_by_a_number_finding() {
        let rb = crate::embedded::for_tests();
        let id = |s: &str| rb.fact_id(s).expect(s);
        let mut answers = Answers::new(rb);
        let refused = answers.set(rb, id("fever"), Answer::Number(3.0));
        assert!(
            matches!(&refused, Err(AnswerError::WrongKind { id, expected: FindingKind::YesNo, got }) if id == "fever" && got == "3"),
            "{refused:?}"
        );
        assert_eq!(answers.get(id("fever")), None);
        // A yes/no finding before the last number finding has a slot, and
        // is refused all the same.
        let early = (rb.findings())
            .find(|&f| {
                usize::from(f) < rb.number_slots
                    && rb.finding(f).is_some_and(|i| i.kind == FindingKind::YesNo)
            })
            .expect("a yes/no finding before the number findings");
        assert!(matches!(
            answers.set(rb, early, Answer::Number(3.0)),
            Err(AnswerError::WrongKind { .. })
        ));
        assert_eq!(answers.get(early), None);
        answers.set(rb, id("days"), Answer::Number(3.0)).unwrap();
        assert_eq!(answers.get(id("days")), Some(Answer::Number(3.0)));
        assert_in_step(rb, &answers);
    }

    #[test]
    fn truths_numbers_and_the_unsure_count_follow_every_change() {
        let rb = crate::embedded::for_tests();
        let id = |s: &str| rb.fact_id(s).expect(s);
        let mut answers = Answers::new(rb);
        answers.set(rb, id("fever"), Answer::Unknown).unwrap();
        answers.set(rb, id("age"), Answer::Number(52.0)).unwrap();
        answers
            .set(rb, id("lifting_or_strain"), Answer::Yes)
            .unwrap();
        assert_in_step(rb, &answers);
        assert!(answers.any_unsure());
        answers.replace(id("fever"), Some(Answer::No));
        assert_in_step(rb, &answers);
        assert!(!answers.any_unsure());
        answers.replace(id("fever"), Some(Answer::Unknown));
        answers.unset(id("age"));
        assert_in_step(rb, &answers);
        let mut copy = Answers::default();
        copy.copy_from(&answers);
        assert_in_step(rb, &copy);
        answers.clear();
        assert_in_step(rb, &answers);
        assert!(!answers.any_unsure());
    }

    const KNOWN: [&str; 3] = ["fever", "saddle_numbness", "lower_back_pain"];

    #[test]
    fn suggestions_ignore_case_but_name_the_real_spelling() {
        let known = || KNOWN.iter().copied();
        assert_eq!(suggest("FEVER", known()).as_deref(), Some("fever"));
        assert_eq!(
            suggest("Saddle_Numbnes", known()).as_deref(),
            Some("saddle_numbness")
        );
        assert_eq!(suggest("fevr", known()).as_deref(), Some("fever"));
        assert_eq!(suggest("xyzzy", known()), None);
    }
}
