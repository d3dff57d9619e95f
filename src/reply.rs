//! What a person types at the interview's prompt, understood: yes/no/unsure
//! words and near misses, numbers with units or in words, checklist picks,
//! and the command words. Pure: no I/O.

use crate::triage::answers::Answer;

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
    /// Close to a word we know: ask whether that was meant.
    DidYouMean(&'static str),
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

const YES: &[&str] = &[
    "y", "yes", "yep", "yeah", "yea", "ya", "yup", "sure", "true", "aye", "ok", "okay",
];
const NO: &[&str] = &["n", "no", "nope", "nah", "false", "never", "not really"];
const UNSURE: &[&str] = &[
    "?",
    "unknown",
    "skip",
    "idk",
    "dunno",
    "unsure",
    "not sure",
    "don't know",
    "dont know",
    "do not know",
    "i don't know",
    "i dont know",
    "no idea",
    "maybe",
    "perhaps",
    "can't say",
    "cant say",
];
const NONE: &[&str] = &["0", "none", "none of them", "none of these", "nothing"];
const WHY: &[&str] = &["why"];
const BACK: &[&str] = &["back", "undo", "go back"];
const HELP: &[&str] = &["help", "h", "what"];
const QUIT: &[&str] = &["quit", "exit", "q", "stop"];

/// The words worth suggesting for a near miss, by question kind.
const SUGGEST_YES_NO: &[&str] = &["yes", "no", "unsure", "help", "back", "quit", "why"];
const SUGGEST_CHECKLIST: &[&str] = &["none", "unsure", "help", "back", "quit", "why"];
const SUGGEST_NUMBER: &[&str] = &["unsure", "help", "back", "quit", "why"];

/// Understands one line for a question that takes `expect`.
pub fn understand(line: &str, expect: Expect) -> Reply {
    let text = normalise(line);
    let t = text.as_str();
    if WHY.contains(&t) {
        return Reply::Why;
    }
    if BACK.contains(&t) {
        return Reply::Back;
    }
    if HELP.contains(&t) {
        return Reply::Help;
    }
    if QUIT.contains(&t) {
        return Reply::Quit;
    }
    if UNSURE.contains(&t) {
        return match expect {
            Expect::Checklist(n) => Reply::Picks(vec![Answer::Unknown; n]),
            _ => Reply::Answer(Answer::Unknown),
        };
    }
    let reply = match expect {
        Expect::YesNo => yes_no(t),
        Expect::Number { unit, min, max } => number(t, unit, min, max),
        Expect::Checklist(n) => checklist(t, n),
    };
    let words = match expect {
        Expect::YesNo => SUGGEST_YES_NO,
        Expect::Checklist(_) => SUGGEST_CHECKLIST,
        Expect::Number { .. } => SUGGEST_NUMBER,
    };
    match reply {
        Reply::Invalid => near_miss(t, words).map_or(Reply::Invalid, Reply::DidYouMean),
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

fn yes_no(t: &str) -> Reply {
    if YES.contains(&t) {
        Reply::Answer(Answer::Yes)
    } else if NO.contains(&t) || NONE.contains(&t) {
        Reply::Answer(Answer::No)
    } else {
        Reply::Invalid
    }
}

/// The closest word the prompt knows, when `t` is a likely typo of it.
fn near_miss(t: &str, words: &[&'static str]) -> Option<&'static str> {
    if t.is_empty() || t.len() > 12 || t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    words
        .iter()
        .map(|&w| (strsim::damerau_levenshtein(t, w), w))
        .filter(|&(d, w)| d > 0 && d <= 1 + usize::from(w.len() > 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, w)| w)
}

/// A checklist answer: item numbers (a trailing `?` marks one as not sure),
/// or "none". Items not named are "no".
fn checklist(t: &str, n: usize) -> Reply {
    if NONE.contains(&t) || NO.contains(&t) {
        return Reply::Picks(vec![Answer::No; n]);
    }
    if YES.contains(&t) {
        return Reply::Refused(
            "Which ones? Type the numbers of those that apply, for example 1 3.".to_owned(),
        );
    }
    let mut picks = vec![Answer::No; n];
    let mut any = false;
    for token in t
        .split([' ', ',', ';'])
        .filter(|s| !s.is_empty() && *s != "and")
    {
        let (digits, unsure) = match token.strip_suffix('?') {
            Some(d) => (d, true),
            None => (token, false),
        };
        let Ok(k) = digits.parse::<usize>() else {
            return Reply::Invalid;
        };
        if k == 0 || k > n {
            return Reply::Refused(format!(
                "There is no item {k}: type numbers from 1 to {n}, or 0 if none apply."
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

fn number(t: &str, unit: Unit, min: Option<f64>, max: Option<f64>) -> Reply {
    let Some(value) = quantity(t, unit) else {
        return Reply::Invalid;
    };
    let in_range =
        value.is_finite() && min.is_none_or(|lo| value >= lo) && max.is_none_or(|hi| value <= hi);
    if in_range {
        Reply::Answer(Answer::Number(value))
    } else {
        let range = match (min, max) {
            (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
            _ => String::new(),
        };
        Reply::Refused(format!("Please give a number{range}, not {value}."))
    }
}

/// A quantity in `unit`: "3", "3 weeks", "a year", "since yesterday",
/// "forty-four", "44 years old".
fn quantity(t: &str, unit: Unit) -> Option<f64> {
    if unit == Unit::Days {
        match t {
            "today" | "since today" | "this morning" | "just now" => return Some(0.0),
            "yesterday" | "since yesterday" | "a day" | "one day" => return Some(1.0),
            _ => {}
        }
    }
    let t = t
        .trim_start_matches("about ")
        .trim_start_matches("around ")
        .trim_start_matches("for ")
        .trim_start_matches("roughly ")
        .trim_start_matches("nearly ")
        .trim_end_matches(" old")
        .trim_end_matches(" ago");
    let (count, rest) = leading_count(t)?;
    let rest = rest.trim().trim_end_matches(" old");
    let factor = match (unit, rest) {
        (_, "") => 1.0,
        (Unit::Days, r) if is_unit(r, &["day", "d"]) => 1.0,
        (Unit::Days, r) if is_unit(r, &["week", "wk", "w"]) => 7.0,
        (Unit::Days, r) if is_unit(r, &["month", "mo", "mth"]) => 30.0,
        (Unit::Days, r) if is_unit(r, &["year", "yr", "y"]) => 365.0,
        (Unit::Years, r) if is_unit(r, &["year", "yr", "y", "y/o", "yo"]) => 1.0,
        // A baby's age in months, in whole years.
        (Unit::Years, r) if is_unit(r, &["month", "mo"]) => {
            return Some((count / 12.0).floor());
        }
        _ => return None,
    };
    Some(count * factor)
}

/// Whether `word` is one of `units`, singular or plural.
fn is_unit(word: &str, units: &[&str]) -> bool {
    let singular = word.strip_suffix('s').unwrap_or(word);
    units.contains(&word) || units.contains(&singular)
}

/// The count at the start of `t` (digits, "a", "an", "half", or number
/// words up to the hundreds) and what follows it.
fn leading_count(t: &str) -> Option<(f64, &str)> {
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    if digits > 0 {
        let value: f64 = t[..digits].parse().ok()?;
        return Some((value, &t[digits..]));
    }
    for (word, value) in [
        ("a couple of ", 2.0),
        ("a few ", 3.0),
        ("a half ", 0.5),
        ("half a ", 0.5),
        ("an ", 1.0),
        ("a ", 1.0),
    ] {
        if let Some(rest) = t.strip_prefix(word) {
            return Some((value, rest));
        }
    }
    // Number words: "forty-four", "forty four", "twelve", "a hundred".
    let mut total = 0.0;
    let mut rest = t;
    let mut found = false;
    loop {
        let word_end = rest.find([' ', '-']).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let Some(value) = number_word(word) else {
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

fn number_word(word: &str) -> Option<f64> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = ONES.iter().position(|&w| w == word) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().position(|&w| w == word) {
        return Some(20.0 + 10.0 * i as f64);
    }
    (word == "hundred").then_some(100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(understand("yse", Expect::YesNo), Reply::DidYouMean("yes"));
        assert_eq!(understand("nl", Expect::YesNo), Reply::DidYouMean("no"));
        assert_eq!(understand("hlep", Expect::YesNo), Reply::DidYouMean("help"));
        assert_eq!(understand("banana", Expect::YesNo), Reply::Invalid);
        // A number question does not suggest "no".
        let age = Expect::Number {
            unit: Unit::Years,
            min: None,
            max: None,
        };
        assert_eq!(understand("n", age), Reply::Invalid);
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
        assert!(matches!(
            understand("yes", Expect::Checklist(3)),
            Reply::Refused(_)
        ));
        assert_eq!(
            understand("1 and 2", Expect::Checklist(2)),
            Reply::Picks(vec![Yes, Yes])
        );
    }
}
