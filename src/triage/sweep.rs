//! Many conditions evaluated at once, grouped by shape: the single facts
//! read in one loop; the `all` and the `any` of *literals* (a fact or a
//! number test, plainly or under one `not`), the `all` of literals with
//! one `any` of them (and the other way round), and the `at_least` of
//! literals, in loops of their own; and only the rest walked as trees. The
//! engine evaluates every red flag, every cause rule and every cause's
//! `urgency_when` for each set of answers; grouped so, most of them cost a
//! read or two, without a call or a branch on their shape.

use crate::triage::condition::{Bounds, Cond, FactId, Facts, Tri};

/// A literal as a flat list holds it: the index of a fact, or of one of
/// the list's number tests with [`TEST`], and [`NOT`] for one under a
/// `not`. A plain fact is its own index, read with no further test.
type Lit = u32;
const TEST: Lit = 1 << 16;
const NOT: Lit = 1 << 17;
/// The index part of a literal. (So a list numbers at most 65,535 number
/// tests, one fewer than 16 bits could: the limit stays a plain mask.)
const INDEX_MASK: Lit = TEST - 1;

/// Conditions grouped by shape, each with the place in the output it is
/// evaluated into: its position in a list (the red flags, the cause rules)
/// or a place given with it (each cause's `urgency_when`, into the cause's
/// place; see [`Sweep::placed`]).
#[derive(Debug, Clone, Default)]
pub struct Sweep {
    singles: Vec<(u32, FactId)>,
    /// `all` (and, below, `any`) of literals: (place, start, end) in
    /// `lits`.
    alls: Vec<(u32, u32, u32)>,
    anys: Vec<(u32, u32, u32)>,
    /// An `all` of literals and one `any` of literals, in any order:
    /// (place, start, middle, end) in `lits`, the `all`'s literals first.
    mixed: Vec<(u32, u32, u32, u32)>,
    /// An `any` of literals and one `all` of literals: (place, start,
    /// middle, end), the `any`'s literals first.
    any_alls: Vec<(u32, u32, u32, u32)>,
    /// `at_least` of literals: (place, how many, start, end).
    at_leasts: Vec<(u32, u32, u32, u32)>,
    lits: Vec<Lit>,
    /// The number tests that literals name.
    tests: Vec<(FactId, Bounds)>,
    trees: Vec<(u32, Cond)>,
}

/// The shape of a condition, as [`Sweep`] groups them.
enum Shape<'a> {
    Single(FactId),
    All(Vec<Literal<'a>>),
    Any(Vec<Literal<'a>>),
    /// The literals of an `all` and those of its one `any`.
    Mixed(Vec<Literal<'a>>, Vec<Literal<'a>>),
    /// The literals of an `any` and those of its one `all`.
    AnyAll(Vec<Literal<'a>>, Vec<Literal<'a>>),
    AtLeast(u32, Vec<Literal<'a>>),
    Tree,
}

/// A literal: a fact or a number test, and whether it is under a `not`.
#[derive(Clone, Copy)]
enum Literal<'a> {
    Fact(FactId, bool),
    Test(FactId, &'a Bounds, bool),
}

/// The literal a condition is, if it is one.
fn literal(cond: &Cond) -> Option<Literal<'_>> {
    let (inner, not) = match cond {
        Cond::Not(inner) => (&**inner, true),
        _ => (cond, false),
    };
    match inner {
        Cond::Fact(f) => Some(Literal::Fact(*f, not)),
        Cond::Number(f, bounds) => Some(Literal::Test(*f, bounds, not)),
        _ => None,
    }
}

/// The items as literals, if every one is a literal.
fn literals(items: &[Cond]) -> Option<Vec<Literal<'_>>> {
    items.iter().map(literal).collect()
}

fn shape(cond: &Cond) -> Shape<'_> {
    match literal(cond) {
        Some(Literal::Fact(f, false)) => return Shape::Single(f),
        // Any other literal alone: an `all` of one.
        Some(l) => return Shape::All(vec![l]),
        None => {}
    }
    let flat = match cond {
        Cond::All(items) => literals(items).map(Shape::All).or_else(|| {
            let (all, any) = with_one(items, |c| match c {
                Cond::Any(list) => literals(list),
                _ => None,
            })?;
            Some(Shape::Mixed(all, any))
        }),
        Cond::Any(items) => literals(items).map(Shape::Any).or_else(|| {
            let (any, all) = with_one(items, |c| match c {
                Cond::All(list) => literals(list),
                _ => None,
            })?;
            Some(Shape::AnyAll(any, all))
        }),
        Cond::AtLeast(n, items) => literals(items).map(|l| Shape::AtLeast(*n, l)),
        _ => None,
    };
    flat.unwrap_or(Shape::Tree)
}

/// How many number tests a condition names.
fn number_tests(cond: &Cond) -> usize {
    match cond {
        Cond::Fact(_) => 0,
        Cond::Number(..) => 1,
        Cond::Not(inner) => number_tests(inner),
        Cond::All(items) | Cond::Any(items) | Cond::AtLeast(_, items) => {
            items.iter().map(number_tests).sum()
        }
    }
}

/// `items` as literals and exactly one item that `inner` reads as a list
/// of literals, if they are that.
fn with_one<'a>(
    items: &'a [Cond],
    inner: impl Fn(&'a Cond) -> Option<Vec<Literal<'a>>>,
) -> Option<(Vec<Literal<'a>>, Vec<Literal<'a>>)> {
    let mut outer = Vec::new();
    let mut nested = None;
    for item in items {
        match literal(item) {
            Some(l) => outer.push(l),
            None if nested.is_none() => nested = Some(inner(item)?),
            None => return None,
        }
    }
    Some((outer, nested?))
}

impl Sweep {
    /// Groups the conditions of a list, in its order: the condition at
    /// position `i` is evaluated into `out[i]`.
    pub fn new<'a>(conds: impl Iterator<Item = &'a Cond>) -> Sweep {
        Sweep::placed(conds.enumerate())
    }

    /// Groups conditions each with its own place in `out`; the places not
    /// named are never written.
    pub fn placed<'a>(conds: impl Iterator<Item = (usize, &'a Cond)>) -> Sweep {
        let mut sweep = Sweep::default();
        for (i, cond) in conds {
            let i = i as u32;
            let start = sweep.lits.len() as u32;
            // A literal numbers its test in 16 bits: past that, a tree.
            let shape = match shape(cond) {
                _ if sweep.tests.len() + number_tests(cond) > INDEX_MASK as usize => Shape::Tree,
                shape => shape,
            };
            match shape {
                Shape::Single(f) => sweep.singles.push((i, f)),
                Shape::All(l) => {
                    let end = sweep.push(&l);
                    sweep.alls.push((i, start, end));
                }
                Shape::Any(l) => {
                    let end = sweep.push(&l);
                    sweep.anys.push((i, start, end));
                }
                Shape::Mixed(all, any) => {
                    let middle = sweep.push(&all);
                    let end = sweep.push(&any);
                    sweep.mixed.push((i, start, middle, end));
                }
                Shape::AnyAll(any, all) => {
                    let middle = sweep.push(&any);
                    let end = sweep.push(&all);
                    sweep.any_alls.push((i, start, middle, end));
                }
                Shape::AtLeast(n, l) => {
                    let end = sweep.push(&l);
                    sweep.at_leasts.push((i, n, start, end));
                }
                Shape::Tree => sweep.trees.push((i, cond.clone())),
            }
        }
        sweep
    }

    /// Adds literals to `lits`; returns where they end.
    fn push(&mut self, literals: &[Literal<'_>]) -> u32 {
        for &l in literals {
            let (lit, not) = match l {
                Literal::Fact(f, not) => (usize::from(f) as Lit, not),
                Literal::Test(f, bounds, not) => {
                    self.tests.push((f, *bounds));
                    ((self.tests.len() - 1) as Lit | TEST, not)
                }
            };
            self.lits.push(if not { lit | NOT } else { lit });
        }
        self.lits.len() as u32
    }

    /// Evaluates every condition into its place in `out`.
    pub fn run(&self, facts: &impl Facts, out: &mut [Tri]) {
        for &(i, f) in &self.singles {
            out[i as usize] = facts.truth(f);
        }
        let span = |start: u32, end: u32| &self.lits[start as usize..end as usize];
        // Kleene: an `all` is no as soon as a literal is no, yes when every
        // literal is yes; an `any` the other way round.
        let all = |start, end| self.settle(facts, span(start, end), Tri::No, Tri::Yes);
        let any = |start, end| self.settle(facts, span(start, end), Tri::Yes, Tri::No);
        for &(i, start, end) in &self.alls {
            out[i as usize] = all(start, end);
        }
        for &(i, start, end) in &self.anys {
            out[i as usize] = any(start, end);
        }
        // An `all` with one `any` is their Kleene "and" (no decides); an
        // `any` with one `all`, their "or" (yes decides).
        for &(i, start, middle, end) in &self.mixed {
            out[i as usize] = join(all(start, middle), Tri::No, || any(middle, end));
        }
        for &(i, start, middle, end) in &self.any_alls {
            out[i as usize] = join(any(start, middle), Tri::Yes, || all(middle, end));
        }
        for &(i, n, start, end) in &self.at_leasts {
            let (mut yes, mut open) = (0, 0);
            for &l in span(start, end) {
                match self.value(facts, l) {
                    Tri::Yes => yes += 1,
                    Tri::Unknown => open += 1,
                    Tri::No => {}
                }
            }
            out[i as usize] = Tri::at_least(n, yes, open);
        }
        for (i, cond) in &self.trees {
            out[*i as usize] = cond.eval(facts);
        }
    }

    /// `decisive` as soon as a literal is; else `otherwise` when every
    /// literal is known, unknown when one is not.
    #[inline]
    fn settle(&self, facts: &impl Facts, list: &[Lit], decisive: Tri, otherwise: Tri) -> Tri {
        let mut result = otherwise;
        for &l in list {
            let t = self.value(facts, l);
            if t == decisive {
                return decisive;
            }
            if t == Tri::Unknown {
                result = Tri::Unknown;
            }
        }
        result
    }

    /// A literal's value: a plain fact's at once, else through
    /// [`Sweep::other_value`].
    #[inline]
    fn value(&self, facts: &impl Facts, l: Lit) -> Tri {
        if l & !INDEX_MASK == 0 {
            facts.truth(FactId::at(l as usize))
        } else {
            self.other_value(facts, l)
        }
    }

    /// The value of a number test or of a literal under a `not`.
    fn other_value(&self, facts: &impl Facts, l: Lit) -> Tri {
        let index = (l & INDEX_MASK) as usize;
        let value = if l & TEST == 0 {
            facts.truth(FactId::at(index))
        } else {
            let (f, bounds) = &self.tests[index];
            match facts.number(*f) {
                Some(x) if bounds.holds(x) => Tri::Yes,
                Some(_) => Tri::No,
                None => Tri::Unknown,
            }
        };
        if l & NOT == 0 { value } else { value.negate() }
    }
}

/// Two parts joined in Kleene logic where `decisive` decides ("and": no;
/// "or": yes): the second is read only when the first does not decide;
/// then `decisive` if it is, unknown if it is unknown, else the first.
#[inline]
fn join(first: Tri, decisive: Tri, second: impl FnOnce() -> Tri) -> Tri {
    if first == decisive {
        return decisive;
    }
    match second() {
        t if t == decisive => decisive,
        Tri::Unknown => Tri::Unknown,
        _ => first,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::triage::condition::Bounds;

    struct Given {
        truth: Vec<Tri>,
        number: Vec<Option<f64>>,
    }

    impl Facts for Given {
        fn truth(&self, f: FactId) -> Tri {
            self.truth[usize::from(f)]
        }
        fn number(&self, f: FactId) -> Option<f64> {
            self.number[usize::from(f)]
        }
    }

    fn given(rb: &crate::triage::rulebase::RuleBase, picks: &[(u8, u8)]) -> Given {
        let n = rb.facts.len();
        let tri = [Tri::Yes, Tri::No, Tri::Unknown];
        Given {
            truth: (0..n)
                .map(|i| tri[usize::from(picks[i % picks.len()].0 % 3)])
                .collect(),
            number: (0..n)
                .map(|i| {
                    let p = picks[(i * 7 + 3) % picks.len()].1;
                    (!p.is_multiple_of(4)).then(|| f64::from(p))
                })
                .collect(),
        }
    }

    proptest! {
        /// Grouped or walked, every red flag and cause rule of the rule
        /// base comes out as the tree walk says, whatever the facts.
        #[test]
        fn a_sweep_evaluates_as_the_tree_walk(
            picks in prop::collection::vec((any::<u8>(), any::<u8>()), 1..200)
        ) {
            let rb = crate::embedded::for_tests();
            let facts = given(rb, &picks);
            let mut out = vec![Tri::Unknown; rb.red_flags.len()];
            rb.flag_sweep.run(&facts, &mut out);
            for (rule, got) in rb.red_flags.iter().zip(&out) {
                prop_assert_eq!(*got, rule.when.eval(&facts), "{}", rule.id);
            }
            let rules: Vec<&Cond> = rb.cause_rules().map(|w| &w.when).collect();
            let mut out = vec![Tri::Unknown; rules.len()];
            rb.rule_sweep.run(&facts, &mut out);
            for (i, (cond, got)) in rules.iter().zip(&out).enumerate() {
                prop_assert_eq!(*got, cond.eval(&facts), "rule {}", i);
            }
            // Placed: each cause's `urgency_when` into its place, and the
            // places of causes without one left as they were.
            let mut out = vec![Tri::Unknown; rb.causes.len()];
            rb.when_sweep.run(&facts, &mut out);
            for (cause, got) in rb.causes.iter().zip(&out) {
                let expected = cause.urgency_when.as_ref().map_or(Tri::Unknown, |w| w.eval(&facts));
                prop_assert_eq!(*got, expected, "{}", cause.id);
            }
        }
    }

    /// Any tree a rule file can hold (and a few it cannot, such as empty
    /// lists), with facts and numbers: every place is written, as the
    /// tree walk says, whatever it held before.
    fn cond() -> impl Strategy<Value = Cond> {
        let leaf = prop_oneof![
            (0usize..6).prop_map(|i| Cond::Fact(FactId::at(i))),
            (0usize..6, 0u8..4).prop_map(|(i, b)| {
                let bounds = Bounds {
                    at_least: Some(f64::from(b)),
                    ..Bounds::default()
                };
                Cond::Number(FactId::at(i), bounds)
            }),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Cond::All),
                prop::collection::vec(inner.clone(), 0..5).prop_map(Cond::Any),
                inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
                (1u32..4, prop::collection::vec(inner, 1..4))
                    .prop_map(|(n, v)| Cond::AtLeast(n, v)),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn a_sweep_of_any_conditions_evaluates_as_the_tree_walk(
            conds in prop::collection::vec(cond(), 1..8),
            picks in prop::collection::vec((any::<u8>(), any::<u8>()), 6),
        ) {
            let tri = [Tri::Yes, Tri::No, Tri::Unknown];
            let facts = Given {
                truth: picks.iter().map(|p| tri[usize::from(p.0 % 3)]).collect(),
                number: picks
                    .iter()
                    .map(|p| (p.1 % 5 != 4).then(|| f64::from(p.1 % 5)))
                    .collect(),
            };
            let sweep = Sweep::new(conds.iter());
            for before in [Tri::Yes, Tri::No] {
                let mut out = vec![before; conds.len()];
                sweep.run(&facts, &mut out);
                for (cond, got) in conds.iter().zip(&out) {
                    prop_assert_eq!(*got, cond.eval(&facts), "{:?}", cond);
                }
            }
        }
    }

    /// Each shape goes where it belongs, in its place, with its literals:
    /// a plain fact as its index, a number test and a `not` marked.
    #[test]
    fn conditions_are_grouped_by_shape() {
        let f = |i: usize| Cond::Fact(FactId::at(i));
        let not = |c: Cond| Cond::Not(Box::new(c));
        let age = Cond::Number(
            FactId::at(9),
            Bounds {
                at_least: Some(50.0),
                ..Bounds::default()
            },
        );
        let conds = [
            f(0),
            Cond::All(vec![f(1), f(2)]),
            Cond::Any(vec![f(3), f(4), f(5)]),
            Cond::All(vec![f(1), Cond::Any(vec![f(2), age.clone()])]),
            not(f(0)),
            Cond::Any(vec![not(f(6)), Cond::All(vec![f(7), f(8)])]),
            Cond::AtLeast(2, vec![f(1), f(1), not(age.clone())]),
            // A `not` of more than a literal, and two nested lists: trees.
            not(Cond::All(vec![f(1), f(2)])),
            Cond::All(vec![Cond::Any(vec![f(1)]), Cond::Any(vec![f(2)])]),
        ];
        let sweep = Sweep::new(conds.iter());
        assert_eq!(sweep.singles, vec![(0, FactId::at(0))]);
        assert_eq!(sweep.alls, vec![(1, 0, 2), (4, 8, 9)]);
        assert_eq!(sweep.anys, vec![(2, 2, 5)]);
        assert_eq!(sweep.mixed, vec![(3, 5, 6, 8)]);
        assert_eq!(sweep.any_alls, vec![(5, 9, 10, 12)]);
        assert_eq!(sweep.at_leasts, vec![(6, 2, 12, 15)]);
        assert_eq!(
            sweep.lits,
            vec![
                1,
                2,
                3,
                4,
                5,
                1,
                2,
                TEST,
                NOT,
                NOT | 6,
                7,
                8,
                1,
                1,
                NOT | TEST | 1
            ]
        );
        assert_eq!(sweep.tests.len(), 2);
        let trees: Vec<u32> = sweep.trees.iter().map(|t| t.0).collect();
        assert_eq!(trees, vec![7, 8]);
    }

    /// A literal numbers its test in 16 bits: a list with more number
    /// tests walks the rest as trees, and still evaluates every one.
    #[test]
    fn number_tests_past_sixteen_bits_are_walked_as_trees() {
        let n = INDEX_MASK as usize + 3;
        let conds: Vec<Cond> = (0..n)
            .map(|i| {
                let bounds = Bounds {
                    at_least: Some(i as f64),
                    ..Bounds::default()
                };
                Cond::Number(FactId::at(0), bounds)
            })
            .collect();
        let sweep = Sweep::new(conds.iter());
        assert_eq!(sweep.tests.len(), INDEX_MASK as usize);
        assert_eq!(sweep.trees.len(), 3);
        let facts = Given {
            truth: vec![Tri::Unknown],
            number: vec![Some(40_000.0)],
        };
        let mut out = vec![Tri::Unknown; n];
        sweep.run(&facts, &mut out);
        for (cond, got) in conds.iter().zip(&out) {
            assert_eq!(*got, cond.eval(&facts), "{cond:?}");
        }
    }

    /// Facts at the top of the 16-bit range, plainly and under `not`, in
    /// every kind of list: their literals do not run into the marks.
    #[test]
    fn the_highest_facts_are_read_as_themselves() {
        let top = usize::from(u16::MAX);
        let f = |i: usize| Cond::Fact(FactId::at(i));
        let not = |c: Cond| Cond::Not(Box::new(c));
        let mut truth = vec![Tri::Unknown; top + 1];
        (truth[top], truth[top - 1]) = (Tri::Yes, Tri::No);
        let facts = Given {
            truth,
            number: vec![None; top + 1],
        };
        let conds = [
            Cond::All(vec![f(top), not(f(top - 1))]),
            Cond::Any(vec![not(f(top)), f(top - 1)]),
            Cond::AtLeast(2, vec![f(top), f(top), not(f(top))]),
            Cond::All(vec![f(top), Cond::Any(vec![f(top - 1), not(f(top - 1))])]),
            not(f(top)),
        ];
        let sweep = Sweep::new(conds.iter());
        assert!(sweep.trees.is_empty());
        let mut out = vec![Tri::Unknown; conds.len()];
        sweep.run(&facts, &mut out);
        let expected = [Tri::Yes, Tri::No, Tri::Yes, Tri::Yes, Tri::No];
        for ((cond, got), want) in conds.iter().zip(&out).zip(expected) {
            assert_eq!(*got, cond.eval(&facts), "{cond:?}");
            assert_eq!(*got, want, "{cond:?}");
        }
    }
}
