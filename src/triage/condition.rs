//! The condition language shared by red flags, causes, derived facts and advice:
//! its YAML form, its compiled form, and three-valued (yes / no / unknown) evaluation.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A condition as written in a rule file.
///
/// `fever`, `{all: [...]}`, `{any: [...]}`, `{not: c}`,
/// `{number: age, at_least: 50}` or `{at_least: 3, of: [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Condition {
    Fact(String),
    All {
        all: Vec<Condition>,
    },
    Any {
        any: Vec<Condition>,
    },
    Not {
        not: Box<Condition>,
    },
    Number {
        number: String,
        #[serde(flatten)]
        bounds: Bounds,
    },
    /// At least `at_least` of the conditions in `of` hold.
    AtLeast {
        at_least: u32,
        of: Vec<Condition>,
    },
}

/// The bounds of a number comparison; every bound given must hold.
///
/// (No `skip_serializing_if` here: the compiled rule base is stored in a
/// format that needs every field written.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub at_least: Option<f64>,
    pub more_than: Option<f64>,
    pub at_most: Option<f64>,
    pub less_than: Option<f64>,
}

impl Bounds {
    /// Whether `x` satisfies every bound.
    pub fn holds(&self, x: f64) -> bool {
        self.at_least.is_none_or(|b| x >= b)
            && self.more_than.is_none_or(|b| x > b)
            && self.at_most.is_none_or(|b| x <= b)
            && self.less_than.is_none_or(|b| x < b)
    }

    /// The numbers named in the bounds, used to pick test values.
    pub fn thresholds(&self) -> impl Iterator<Item = f64> {
        [self.at_least, self.more_than, self.at_most, self.less_than]
            .into_iter()
            .flatten()
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            (">=", self.at_least),
            (">", self.more_than),
            ("<=", self.at_most),
            ("<", self.less_than),
        ];
        let mut first = true;
        for (op, value) in parts {
            if let Some(v) = value {
                if !first {
                    f.write_str(" and")?;
                }
                write!(f, " {op} {v}")?;
                first = false;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ConditionVisitor)
    }
}

struct ConditionVisitor;

const CONDITION_FORMS: &[&str] = &[
    "all",
    "any",
    "not",
    "number",
    "of",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
];

impl<'de> Visitor<'de> for ConditionVisitor {
    type Value = Condition;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a finding id, or a map with one of `all`, `any`, `not`, `number` or `of`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Condition, E> {
        Ok(Condition::Fact(v.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Condition, A::Error> {
        Err(de::Error::custom(
            "a condition cannot be a bare list: write `all: [...]` or `any: [...]`",
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Condition, A::Error> {
        let mut all = None;
        let mut any = None;
        let mut not = None;
        let mut number: Option<String> = None;
        let mut of: Option<Vec<Condition>> = None;
        let mut bounds = Bounds::default();
        let mut bound_given = false;
        while let Some(key) = map.next_key::<String>()? {
            let duplicate = || de::Error::custom(format!("duplicate key `{key}` in condition"));
            match key.as_str() {
                "all" => {
                    if all.is_some() {
                        return Err(duplicate());
                    }
                    all = Some(map.next_value::<Vec<Condition>>()?);
                }
                "any" => {
                    if any.is_some() {
                        return Err(duplicate());
                    }
                    any = Some(map.next_value::<Vec<Condition>>()?);
                }
                "not" => {
                    if not.is_some() {
                        return Err(duplicate());
                    }
                    not = Some(Box::new(map.next_value::<Condition>()?));
                }
                "number" => {
                    if number.is_some() {
                        return Err(duplicate());
                    }
                    number = Some(map.next_value::<String>()?);
                }
                "of" => {
                    if of.is_some() {
                        return Err(duplicate());
                    }
                    of = Some(map.next_value::<Vec<Condition>>()?);
                }
                "at_least" | "more_than" | "at_most" | "less_than" => {
                    let value = map.next_value::<f64>()?;
                    if !value.is_finite() {
                        return Err(de::Error::custom(format!(
                            "`{key}` must be a finite number"
                        )));
                    }
                    let slot = match key.as_str() {
                        "at_least" => &mut bounds.at_least,
                        "more_than" => &mut bounds.more_than,
                        "at_most" => &mut bounds.at_most,
                        _ => &mut bounds.less_than,
                    };
                    if slot.is_some() {
                        return Err(duplicate());
                    }
                    *slot = Some(value);
                    bound_given = true;
                }
                other => return Err(de::Error::unknown_field(other, CONDITION_FORMS)),
            }
        }
        let forms = usize::from(all.is_some())
            + usize::from(any.is_some())
            + usize::from(not.is_some())
            + usize::from(number.is_some())
            + usize::from(of.is_some());
        if forms != 1 {
            return Err(de::Error::custom(
                "a condition map needs exactly one of `all`, `any`, `not`, `number` or `of`",
            ));
        }
        if let Some(of) = of {
            let only_at_least = bounds.at_least.is_some()
                && bounds.more_than.is_none()
                && bounds.at_most.is_none()
                && bounds.less_than.is_none();
            let count = bounds.at_least.filter(|n| {
                only_at_least && n.fract() == 0.0 && *n >= 1.0 && *n <= of.len() as f64
            });
            return match count {
                Some(n) => Ok(Condition::AtLeast {
                    at_least: n as u32,
                    of,
                }),
                None => Err(de::Error::custom(format!(
                    "`of: [...]` needs `at_least: N`, a whole number from 1 to the {} conditions listed",
                    of.len()
                ))),
            };
        }
        if let Some(number) = number {
            if !bound_given {
                return Err(de::Error::custom(format!(
                    "`number: {number}` needs a bound: `at_least`, `more_than`, `at_most` or `less_than`"
                )));
            }
            return Ok(Condition::Number { number, bounds });
        }
        if bound_given {
            return Err(de::Error::custom(
                "bounds such as `at_least` go with `number: ID`",
            ));
        }
        if let Some(all) = all {
            return Ok(Condition::All { all });
        }
        if let Some(any) = any {
            return Ok(Condition::Any { any });
        }
        match not {
            Some(not) => Ok(Condition::Not { not }),
            None => Err(de::Error::custom("empty condition")),
        }
    }
}

/// A three-valued truth: the answer may not be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    /// Whether at least `n` values hold, of which `yes` do and `open` are
    /// unknown: yes once enough do, no once too few can, else unknown.
    #[inline]
    pub fn at_least(n: u32, yes: u32, open: u32) -> Tri {
        if yes >= n {
            Tri::Yes
        } else if yes + open < n {
            Tri::No
        } else {
            Tri::Unknown
        }
    }

    /// Kleene negation.
    pub fn negate(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        }
    }

    /// The word shown to a person.
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::Yes => "yes",
            Tri::No => "no",
            Tri::Unknown => "unknown",
        }
    }
}

pub use crate::triage::ids::FactId;

/// A condition with ids resolved to indices, ready to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cond {
    Fact(FactId),
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Number(FactId, Bounds),
    /// At least this many of the conditions hold.
    AtLeast(u32, Vec<Cond>),
}

/// Read access to the values of facts, for evaluation.
pub trait Facts {
    /// The truth of a yes/no fact.
    fn truth(&self, fact: FactId) -> Tri;
    /// The value of a number fact, if known.
    fn number(&self, fact: FactId) -> Option<f64>;
}

impl Cond {
    /// Whether the condition is true. Most rules name a single fact, so that
    /// case is answered here without entering the recursive evaluation.
    #[inline]
    pub fn holds(&self, facts: &impl Facts) -> bool {
        match self {
            Cond::Fact(f) => facts.truth(*f) == Tri::Yes,
            _ => self.eval(facts) == Tri::Yes,
        }
    }

    /// Kleene evaluation: unknown only when the known facts do not settle it.
    /// Most conditions name a single fact: that case is read inline, at the
    /// caller, and only the others enter the tree walk.
    #[inline]
    pub fn eval(&self, facts: &impl Facts) -> Tri {
        match self {
            Cond::Fact(f) => facts.truth(*f),
            _ => self.eval_tree(facts),
        }
    }

    fn eval_tree(&self, facts: &impl Facts) -> Tri {
        // Children are mostly plain facts: read those here rather than recurse.
        let child = |c: &Cond| match c {
            Cond::Fact(f) => facts.truth(*f),
            _ => c.eval(facts),
        };
        match self {
            Cond::Fact(f) => facts.truth(*f),
            Cond::All(items) => {
                let mut result = Tri::Yes;
                for c in items {
                    match child(c) {
                        Tri::No => return Tri::No,
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::Yes => {}
                    }
                }
                result
            }
            Cond::Any(items) => {
                let mut result = Tri::No;
                for c in items {
                    match child(c) {
                        Tri::Yes => return Tri::Yes,
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::No => {}
                    }
                }
                result
            }
            Cond::Not(c) => c.eval(facts).negate(),
            Cond::AtLeast(n, items) => {
                let (mut yes, mut open) = (0, 0);
                for c in items {
                    match child(c) {
                        Tri::Yes => yes += 1,
                        Tri::Unknown => open += 1,
                        Tri::No => {}
                    }
                }
                Tri::at_least(*n, yes, open)
            }
            Cond::Number(f, bounds) => match facts.number(*f) {
                Some(x) if bounds.holds(x) => Tri::Yes,
                Some(_) => Tri::No,
                None => Tri::Unknown,
            },
        }
    }

    /// Calls `visit` on every fact the condition names, with whether it is
    /// named under an odd number of `not`s.
    pub fn visit_facts(&self, negated: bool, visit: &mut impl FnMut(FactId, bool)) {
        match self {
            Cond::Fact(f) | Cond::Number(f, _) => visit(*f, negated),
            Cond::All(items) | Cond::Any(items) | Cond::AtLeast(_, items) => {
                for c in items {
                    c.visit_facts(negated, visit);
                }
            }
            Cond::Not(c) => c.visit_facts(!negated, visit),
        }
    }

    /// The facts that make a true condition true: the present findings of the
    /// branches that hold (the first one of an `any`), and the numbers
    /// compared. Appended to `out`, skipping any already in `out[from..]`.
    pub fn reasons(&self, facts: &impl Facts, out: &mut Vec<FactId>, from: usize) {
        let add = |f: FactId, out: &mut Vec<FactId>| {
            if !out[from..].contains(&f) {
                out.push(f);
            }
        };
        match self {
            Cond::Fact(f) => {
                if facts.truth(*f) == Tri::Yes {
                    add(*f, out);
                }
            }
            Cond::Number(f, _) => add(*f, out),
            Cond::All(items) => {
                for c in items {
                    c.reasons(facts, out, from);
                }
            }
            Cond::Any(items) => {
                if let Some(c) = items.iter().find(|c| c.eval(facts) == Tri::Yes) {
                    c.reasons(facts, out, from);
                }
            }
            Cond::AtLeast(_, items) => {
                for c in items.iter().filter(|c| c.eval(facts) == Tri::Yes) {
                    c.reasons(facts, out, from);
                }
            }
            // A `not` holds because something is absent: nothing present to name.
            Cond::Not(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Table(Vec<Tri>, Vec<Option<f64>>);
    impl Facts for Table {
        fn truth(&self, f: FactId) -> Tri {
            self.0[f.index()]
        }
        fn number(&self, f: FactId) -> Option<f64> {
            self.1[f.index()]
        }
    }

    #[test]
    fn kleene_all_is_false_as_soon_as_one_part_is_false() {
        let t = Table(vec![Tri::Unknown, Tri::No], vec![None, None]);
        assert_eq!(
            Cond::All(vec![Cond::Fact(FactId::at(0)), Cond::Fact(FactId::at(1))]).eval(&t),
            Tri::No
        );
        assert_eq!(
            Cond::Any(vec![Cond::Fact(FactId::at(0)), Cond::Fact(FactId::at(1))]).eval(&t),
            Tri::Unknown
        );
        assert_eq!(
            Cond::Not(Box::new(Cond::Fact(FactId::at(0)))).eval(&t),
            Tri::Unknown
        );
    }

    #[test]
    fn number_bounds_compare_and_unknown_numbers_stay_unknown() {
        let at_least_50 = Bounds {
            at_least: Some(50.0),
            ..Bounds::default()
        };
        let t = Table(vec![Tri::Unknown; 2], vec![Some(50.0), None]);
        assert_eq!(Cond::Number(FactId::at(0), at_least_50).eval(&t), Tri::Yes);
        assert_eq!(
            Cond::Number(FactId::at(1), at_least_50).eval(&t),
            Tri::Unknown
        );
        let below = Bounds {
            less_than: Some(50.0),
            ..Bounds::default()
        };
        assert_eq!(Cond::Number(FactId::at(0), below).eval(&t), Tri::No);
    }

    #[test]
    fn at_least_counts_yes_and_stays_unknown_while_it_could_go_either_way() {
        let t = Table(vec![Tri::Yes, Tri::Unknown, Tri::No], vec![None; 3]);
        let cond = |n| {
            Cond::AtLeast(
                n,
                vec![
                    Cond::Fact(FactId::at(0)),
                    Cond::Fact(FactId::at(1)),
                    Cond::Fact(FactId::at(2)),
                ],
            )
        };
        assert_eq!(cond(1).eval(&t), Tri::Yes);
        assert_eq!(cond(2).eval(&t), Tri::Unknown);
        assert_eq!(cond(3).eval(&t), Tri::No);
        let c: Condition = serde_yaml::from_str("{at_least: 2, of: [a, b, c]}").unwrap();
        assert!(matches!(c, Condition::AtLeast { at_least: 2, .. }));
        for bad in [
            "{at_least: 4, of: [a, b, c]}",
            "{at_least: 1.5, of: [a, b]}",
            "{of: [a]}",
            "{at_most: 1, of: [a]}",
        ] {
            let err = serde_yaml::from_str::<Condition>(bad).unwrap_err();
            assert!(
                err.to_string().contains("needs `at_least: N`"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn yaml_forms_parse_and_bad_forms_are_rejected() {
        let c: Condition =
            serde_yaml::from_str("{all: [fever, {not: b}, {number: age, at_least: 50}]}").unwrap();
        let fact = |id: &str| Condition::Fact(id.to_owned());
        let age = Condition::Number {
            number: "age".to_owned(),
            bounds: Bounds {
                at_least: Some(50.0),
                ..Bounds::default()
            },
        };
        let not_b = Condition::Not {
            not: Box::new(fact("b")),
        };
        assert_eq!(
            c,
            Condition::All {
                all: vec![fact("fever"), not_b, age]
            }
        );
        let err = serde_yaml::from_str::<Condition>("{all: [a], any: [b]}").unwrap_err();
        assert!(err.to_string().contains("exactly one of"), "{err}");
        let err = serde_yaml::from_str::<Condition>("{number: age}").unwrap_err();
        assert!(err.to_string().contains("needs a bound"), "{err}");
        let err = serde_yaml::from_str::<Condition>("{alll: [a]}").unwrap_err();
        assert!(err.to_string().contains("unknown field `alll`"), "{err}");
    }
}
