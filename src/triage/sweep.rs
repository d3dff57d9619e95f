//! Many conditions evaluated at once, grouped by shape: the single facts
//! read in one loop; the `all` and the `any` of plain facts, and the `all`
//! of plain facts and one `any` of them, in loops of their own; and only
//! the rest walked as trees. The engine evaluates every red flag and every
//! cause rule for each set of answers; grouped so, most of them cost a read
//! or two, without a call or a branch on their shape.

use crate::triage::condition::{Cond, FactId, Facts, Tri};

/// The conditions of one list (red flags, or cause rules), grouped by
/// shape, each with its place in the list.
#[derive(Debug, Clone, Default)]
pub struct Sweep {
    singles: Vec<(u32, FactId)>,
    /// `all` (and, below, `any`) of plain facts: (place, start, end) in
    /// `facts`.
    alls: Vec<(u32, u32, u32)>,
    anys: Vec<(u32, u32, u32)>,
    /// An `all` of plain facts and one `any` of plain facts, in any order:
    /// (place, start, middle, end) in `facts`, the `all`'s facts first.
    mixed: Vec<(u32, u32, u32, u32)>,
    facts: Vec<FactId>,
    trees: Vec<(u32, Cond)>,
}

/// The plain facts of `items`, if every item is one.
fn plain_facts(items: &[Cond]) -> Option<Vec<FactId>> {
    items
        .iter()
        .map(|c| match c {
            Cond::Fact(f) => Some(*f),
            _ => None,
        })
        .collect()
}

/// The shape of a condition, as [`Sweep`] groups them.
enum Shape {
    Single(FactId),
    All(Vec<FactId>),
    Any(Vec<FactId>),
    /// The plain facts of an `all` and those of its one `any`.
    Mixed(Vec<FactId>, Vec<FactId>),
    Tree,
}

fn shape(cond: &Cond) -> Shape {
    let flat = match cond {
        Cond::Fact(f) => return Shape::Single(*f),
        Cond::All(items) => plain_facts(items).map(Shape::All),
        Cond::Any(items) => plain_facts(items).map(Shape::Any),
        _ => None,
    };
    flat.or_else(|| all_and_any(cond)).unwrap_or(Shape::Tree)
}

/// An `all` of plain facts and exactly one `any` of plain facts, if the
/// condition is one.
fn all_and_any(cond: &Cond) -> Option<Shape> {
    let Cond::All(items) = cond else { return None };
    let mut all = Vec::new();
    let mut any = None;
    for item in items {
        match item {
            Cond::Fact(f) => all.push(*f),
            Cond::Any(list) if any.is_none() => any = Some(plain_facts(list)?),
            _ => return None,
        }
    }
    Some(Shape::Mixed(all, any?))
}

impl Sweep {
    /// Groups the conditions of a list, in its order.
    pub fn new<'a>(conds: impl Iterator<Item = &'a Cond>) -> Sweep {
        let mut sweep = Sweep::default();
        for (i, cond) in conds.enumerate() {
            let i = i as u32;
            let start = sweep.facts.len() as u32;
            match shape(cond) {
                Shape::Single(f) => sweep.singles.push((i, f)),
                Shape::All(facts) => {
                    sweep.facts.extend(facts);
                    sweep.alls.push((i, start, sweep.facts.len() as u32));
                }
                Shape::Any(facts) => {
                    sweep.facts.extend(facts);
                    sweep.anys.push((i, start, sweep.facts.len() as u32));
                }
                Shape::Mixed(all, any) => {
                    sweep.facts.extend(all);
                    let middle = sweep.facts.len() as u32;
                    sweep.facts.extend(any);
                    let end = sweep.facts.len() as u32;
                    sweep.mixed.push((i, start, middle, end));
                }
                Shape::Tree => sweep.trees.push((i, cond.clone())),
            }
        }
        sweep
    }

    /// Evaluates every condition into its place in `out`.
    pub fn run(&self, facts: &impl Facts, out: &mut [Tri]) {
        for &(i, f) in &self.singles {
            out[i as usize] = facts.truth(f);
        }
        let span = |start: u32, end: u32| &self.facts[start as usize..end as usize];
        // Kleene: an `all` is no as soon as a fact is no, yes when every
        // fact is yes; an `any` the other way round.
        for &(i, start, end) in &self.alls {
            out[i as usize] = settle(facts, span(start, end), Tri::No, Tri::Yes);
        }
        for &(i, start, end) in &self.anys {
            out[i as usize] = settle(facts, span(start, end), Tri::Yes, Tri::No);
        }
        for &(i, start, middle, end) in &self.mixed {
            let all = settle(facts, span(start, middle), Tri::No, Tri::Yes);
            out[i as usize] = match all {
                Tri::No => Tri::No,
                _ => match settle(facts, span(middle, end), Tri::Yes, Tri::No) {
                    Tri::No => Tri::No,
                    Tri::Yes => all,
                    Tri::Unknown => Tri::Unknown,
                },
            };
        }
        for (i, cond) in &self.trees {
            out[*i as usize] = cond.eval(facts);
        }
    }
}

/// `decisive` as soon as a fact is; else `otherwise` when every fact is
/// known, unknown when one is not.
#[inline]
fn settle(facts: &impl Facts, list: &[FactId], decisive: Tri, otherwise: Tri) -> Tri {
    let mut result = otherwise;
    for &f in list {
        let t = facts.truth(f);
        if t == decisive {
            return decisive;
        }
        if t == Tri::Unknown {
            result = Tri::Unknown;
        }
    }
    result
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

    /// Each shape goes where it belongs, in its place.
    #[test]
    fn conditions_are_grouped_by_shape() {
        let f = |i: usize| Cond::Fact(FactId::at(i));
        let conds = [
            f(0),
            Cond::All(vec![f(1), f(2)]),
            Cond::Any(vec![f(3), f(4), f(5)]),
            Cond::All(vec![f(1), Cond::Any(vec![f(2), f(3)])]),
            Cond::Not(Box::new(f(0))),
        ];
        let sweep = Sweep::new(conds.iter());
        assert_eq!(sweep.singles, vec![(0, FactId::at(0))]);
        assert_eq!(sweep.alls, vec![(1, 0, 2)]);
        assert_eq!(sweep.anys, vec![(2, 2, 5)]);
        assert_eq!(sweep.mixed, vec![(3, 5, 6, 8)]);
        assert_eq!(sweep.trees.len(), 1);
        assert_eq!(sweep.trees[0].0, 4);
    }
}
