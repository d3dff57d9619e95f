//! What a person types at the interview's prompt, understood: yes/no/unsure
//! words and near misses, numbers with units or in words, checklist picks,
//! and the command words. The words themselves are data (`rules/messages.yaml`,
//! [`Words`]). Pure: no I/O.

use crate::output::view::fill;
use crate::triage::answers::Answer;
use crate::triage::schema::{InterviewText, Words};

/// One line typed at the prompt, understood for a question of some kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// An answer to a yes/no or number question.
    Answer(Answer),
    /// A checklist's answer: per offered item, in order.
    Picks(Vec<Answer>),
    Why,
    Back,
    Help,
    Quit,
    /// "Yes" to a checklist, without saying which items.
    WhichOnes,
    /// Close to a word we know: ask whether that was meant.
    DidYouMean(String),
    /// Understood, but not an answer to this question; says why.
    Refused(String),
    /// Not understood at all.
    Invalid,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expect {
    YesNo,
    /// A number in `unit` (`days` or `years`, or none), from `min` to `max`.
    Number {
        unit: Unit,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A checklist of this many items.
    Checklist(usize),
}

/// The unit a number question is asked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Years,
    Plain,
}

impl Unit {
    /// The unit named by a finding's `unit` field.
    pub fn from_name(name: Option<&str>) -> Unit {
        match name {
            Some("days") => Unit::Days,
            Some("years") => Unit::Years,
            _ => Unit::Plain,
        }
    }
}

/// The words the prompt understands and the messages it refuses with.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary<'a> {
    pub words: &'a Words,
    pub text: &'a InterviewText,
}

fn has(list: &[String], t: &str) -> bool {
    list.iter().any(|w| w == t)
}

/// Understands one line for a question that takes `expect`.
pub fn understand(v: Vocabulary<'_>, line: &str, expect: Expect) -> Reply {
    let w = v.words;
    let text = normalise(line);
    let t = text.as_str();
    if has(&w.why, t) {
        return Reply::Why;
    }
    if has(&w.back, t) {
        return Reply::Back;
    }
    if has(&w.help, t) {
        return Reply::Help;
    }
    if has(&w.quit, t) {
        return Reply::Quit;
    }
    if has(&w.unsure, t) {
        return match expect {
            Expect::Checklist(n) => Reply::Picks(vec![Answer::Unknown; n]),
            _ => Reply::Answer(Answer::Unknown),
        };
    }
    let reply = match expect {
        Expect::YesNo => yes_no(w, t),
        Expect::Number { unit, min, max } => number(v, t, unit, min, max),
        Expect::Checklist(n) => checklist(v, t, n),
    };
    // A near miss is suggested from the words that could answer this kind of
    // question, and the command words.
    let kinds: &[&[String]] = match expect {
        Expect::YesNo => &[&w.yes, &w.no, &w.unsure, &w.help, &w.back, &w.quit, &w.why],
        Expect::Checklist(_) => &[&w.none, &w.unsure, &w.help, &w.back, &w.quit, &w.why],
        Expect::Number { .. } => &[
            &w.unsure, &w.help, &w.back, &w.quit, &w.why, &w.ones, &w.tens,
        ],
    };
    match reply {
        Reply::Invalid => near_miss(t, kinds).map_or(Reply::Invalid, Reply::DidYouMean),
        other => other,
    }
}

/// Lower case, trimmed, inner spaces collapsed, typographic quotes plain.
fn normalise(line: &str) -> String {
    line.trim()
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', '!'])
        .to_owned()
}

fn yes_no(w: &Words, t: &str) -> Reply {
    if has(&w.yes, t) {
        Reply::Answer(Answer::Yes)
    } else if has(&w.no, t) || has(&w.none, t) {
        Reply::Answer(Answer::No)
    } else {
        Reply::Invalid
    }
}

/// The closest word the prompt knows (of two letters or more), when `t` is a
/// likely typo of it.
fn near_miss(t: &str, kinds: &[&[String]]) -> Option<String> {
    if t.is_empty() || t.len() > 12 || t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    kinds
        .iter()
        .flat_map(|list| list.iter())
        .filter(|w| w.chars().count() > 1)
        .map(|w| (strsim::damerau_levenshtein(t, w), w))
        .filter(|&(d, w)| d > 0 && d <= 1 + usize::from(w.chars().count() > 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, w)| w.clone())
}

/// A checklist answer: item numbers (a trailing `?` marks one as not sure),
/// or "none". Items not named are "no".
fn checklist(v: Vocabulary<'_>, t: &str, n: usize) -> Reply {
    let w = v.words;
    if has(&w.none, t) || has(&w.no, t) {
        return Reply::Picks(vec![Answer::No; n]);
    }
    if has(&w.yes, t) {
        return Reply::WhichOnes;
    }
    let mut picks = vec![Answer::No; n];
    let mut any = false;
    for token in t
        .split([' ', ',', ';'])
        .filter(|s| !s.is_empty() && !has(&w.and, s))
    {
        let (digits, unsure) = match token.strip_suffix('?') {
            Some(d) => (d, true),
            None => (token, false),
        };
        let Ok(k) = digits.parse::<usize>() else {
            return Reply::Invalid;
        };
        if k == 0 || k > n {
            return Reply::Refused(fill(
                &v.text.no_such_item,
                &[("item", &k.to_string()), ("count", &n.to_string())],
            ));
        }
        picks[k - 1] = if unsure { Answer::Unknown } else { Answer::Yes };
        any = true;
    }
    if any {
        Reply::Picks(picks)
    } else {
        Reply::Invalid
    }
}

fn number(v: Vocabulary<'_>, t: &str, unit: Unit, min: Option<f64>, max: Option<f64>) -> Reply {
    let Some(value) = quantity(v.words, t, unit) else {
        return Reply::Invalid;
    };
    let in_range =
        value.is_finite() && min.is_none_or(|lo| value >= lo) && max.is_none_or(|hi| value <= hi);
    if in_range {
        Reply::Answer(Answer::Number(value))
    } else {
        let range = match (min, max) {
            (Some(lo), Some(hi)) => fill(
                &v.text.range,
                &[("min", &lo.to_string()), ("max", &hi.to_string())],
            ),
            _ => String::new(),
        };
        Reply::Refused(fill(
            &v.text.number_out_of_range,
            &[("range", &range), ("value", &value.to_string())],
        ))
    }
}

/// A quantity in `unit`: "3", "3 weeks", "a year", "since yesterday",
/// "forty-four", "44 years old".
fn quantity(w: &Words, t: &str, unit: Unit) -> Option<f64> {
    if unit == Unit::Days {
        if has(&w.today, t) {
            return Some(0.0);
        }
        if has(&w.yesterday, t) {
            return Some(1.0);
        }
    }
    let mut t = t.trim_end_matches(" old").trim_end_matches(" ago");
    while let Some(rest) = w
        .filler
        .iter()
        .find_map(|f| t.strip_prefix(f.as_str()).and_then(|r| r.strip_prefix(' ')))
    {
        t = rest;
    }
    let (count, rest) = leading_count(w, t)?;
    let rest = rest.trim().trim_end_matches(" old");
    let factor = match (unit, rest) {
        (_, "") => 1.0,
        (Unit::Days, r) if is_unit(r, &w.day) => 1.0,
        (Unit::Days, r) if is_unit(r, &w.week) => 7.0,
        (Unit::Days, r) if is_unit(r, &w.month) => 30.0,
        (Unit::Days, r) if is_unit(r, &w.year) => 365.0,
        (Unit::Years, r) if is_unit(r, &w.year) => 1.0,
        // A baby's age in months, in whole years.
        (Unit::Years, r) if is_unit(r, &w.month) => {
            return Some((count / 12.0).floor());
        }
        _ => return None,
    };
    Some(count * factor)
}

/// Whether `word` is one of `units`, singular or plural.
fn is_unit(word: &str, units: &[String]) -> bool {
    let singular = word.strip_suffix('s').unwrap_or(word);
    has(units, word) || has(units, singular)
}

/// The count at the start of `t` (digits, a counting phrase such as "a
/// couple of", or number words up to the hundreds) and what follows it.
fn leading_count<'t>(w: &Words, t: &'t str) -> Option<(f64, &'t str)> {
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    if digits > 0 {
        let value: f64 = t[..digits].parse().ok()?;
        return Some((value, &t[digits..]));
    }
    for c in &w.counts {
        if let Some(rest) = t
            .strip_prefix(c.words.as_str())
            .and_then(|r| r.strip_prefix(' '))
        {
            return Some((c.value, rest));
        }
    }
    // Number words: "forty-four", "forty four", "twelve", "a hundred".
    let mut total = 0.0;
    let mut rest = t;
    let mut found = false;
    loop {
        let word_end = rest.find([' ', '-']).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let Some(value) = number_word(w, word) else {
            break;
        };
        total += value;
        found = true;
        rest = after.trim_start_matches([' ', '-']);
        if rest.is_empty() {
            break;
        }
    }
    found.then_some((total, rest))
}

fn number_word(w: &Words, word: &str) -> Option<f64> {
    if let Some(i) = w.ones.iter().position(|x| x == word) {
        return Some(i as f64);
    }
    if let Some(i) = w.tens.iter().position(|x| x == word) {
        return Some(20.0 + 10.0 * i as f64);
    }
    (w.hundred == word).then_some(100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary<'static> {
        use std::sync::OnceLock;
        static RB: OnceLock<crate::triage::rulebase::RuleBase> = OnceLock::new();
        let rb = RB.get_or_init(|| crate::embedded::rule_base().expect("the embedded rule base"));
        Vocabulary {
            words: &rb.messages.words,
            text: &rb.messages.interview,
        }
    }

    fn understand(line: &str, expect: Expect) -> Reply {
        super::understand(vocabulary(), line, expect)
    }

    const DAYS: Expect = Expect::Number {
        unit: Unit::Days,
        min: Some(0.0),
        max: Some(36500.0),
    };
    const YEARS: Expect = Expect::Number {
        unit: Unit::Years,
        min: Some(0.0),
        max: Some(120.0),
    };

    fn n(x: f64) -> Reply {
        Reply::Answer(Answer::Number(x))
    }

    #[test]
    fn yes_no_and_unsure_words() {
        for w in ["y", "Yes", "yep", " YEAH ", "sure"] {
            assert_eq!(
                understand(w, Expect::YesNo),
                Reply::Answer(Answer::Yes),
                "{w}"
            );
        }
        for w in ["n", "nope", "No.", "nah"] {
            assert_eq!(
                understand(w, Expect::YesNo),
                Reply::Answer(Answer::No),
                "{w}"
            );
        }
        for w in [
            "?",
            "idk",
            "dunno",
            "unsure",
            "not sure",
            "I don’t know",
            "skip",
        ] {
            assert_eq!(
                understand(w, Expect::YesNo),
                Reply::Answer(Answer::Unknown),
                "{w}"
            );
        }
    }

    #[test]
    fn near_misses_are_suggested_not_taken() {
        assert_eq!(
            understand("yse", Expect::YesNo),
            Reply::DidYouMean("yes".into())
        );
        assert_eq!(
            understand("nl", Expect::YesNo),
            Reply::DidYouMean("no".into())
        );
        assert_eq!(
            understand("hlep", Expect::YesNo),
            Reply::DidYouMean("help".into())
        );
        assert_eq!(understand("banana", Expect::YesNo), Reply::Invalid);
        // A number question does not suggest "no".
        let age = Expect::Number {
            unit: Unit::Years,
            min: None,
            max: None,
        };
        assert_eq!(understand("n", age), Reply::Invalid);
        // A misspelt number word is suggested.
        assert_eq!(understand("fourty", age), Reply::DidYouMean("forty".into()));
    }

    #[test]
    fn durations_with_units_and_words() {
        for (text, days) in [
            ("3", 3.0),
            ("3 weeks", 21.0),
            ("3 months", 90.0),
            ("90 days", 90.0),
            ("a year", 365.0),
            ("since yesterday", 1.0),
            ("today", 0.0),
            ("about two weeks", 14.0),
            ("a couple of days", 2.0),
            ("2 wks", 14.0),
            ("1.5 weeks", 10.5),
        ] {
            assert_eq!(understand(text, DAYS), n(days), "{text}");
        }
        assert_eq!(understand("3 fortnights", DAYS), Reply::Invalid);
    }

    #[test]
    fn ages_with_units_and_words() {
        for (text, years) in [
            ("44", 44.0),
            ("44 years", 44.0),
            ("44 years old", 44.0),
            ("forty", 40.0),
            ("forty-four", 44.0),
            ("forty four", 44.0),
            ("18 months", 1.0),
        ] {
            assert_eq!(understand(text, YEARS), n(years), "{text}");
        }
        assert!(matches!(understand("200", YEARS), Reply::Refused(_)));
        assert!(matches!(understand("-3", YEARS), Reply::Invalid));
    }

    #[test]
    fn checklist_picks() {
        use Answer::{No, Unknown as U, Yes};
        assert_eq!(
            understand("1 3", Expect::Checklist(4)),
            Reply::Picks(vec![Yes, No, Yes, No])
        );
        assert_eq!(
            understand("2?, 4", Expect::Checklist(4)),
            Reply::Picks(vec![No, U, No, Yes])
        );
        assert_eq!(
            understand("none", Expect::Checklist(3)),
            Reply::Picks(vec![No; 3])
        );
        assert_eq!(
            understand("0", Expect::Checklist(3)),
            Reply::Picks(vec![No; 3])
        );
        assert_eq!(
            understand("n", Expect::Checklist(3)),
            Reply::Picks(vec![No; 3])
        );
        assert_eq!(
            understand("?", Expect::Checklist(2)),
            Reply::Picks(vec![U; 2])
        );
        assert!(matches!(
            understand("7", Expect::Checklist(3)),
            Reply::Refused(_)
        ));
        assert_eq!(understand("yes", Expect::Checklist(3)), Reply::WhichOnes);
        assert_eq!(
            understand("1 and 2", Expect::Checklist(2)),
            Reply::Picks(vec![Yes, Yes])
        );
    }
}
