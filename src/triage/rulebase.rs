//! The compiled rule base: ids resolved to indices, conditions ready to
//! evaluate, and the indexes the engine and the interview need.
//!
//! It is built by `compile::compile` from the YAML files, and for the embedded
//! rule base this happens at build time: the binary carries the compiled form.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::triage::condition::{Cond, FactId};
use crate::triage::ids::{AdviceId, CauseId, FlagId, Index};
use crate::triage::schema::{AdviceKind, FindingKind, MessagesFile, Settings, SourceKind, Urgency};
use crate::triage::sweep::Sweep;

/// The id index: open addressing over a table at least four times the
/// number of ids, hashed on the length and the first and last eight bytes
/// (ids are short and differ at their ends), then confirmed with one string
/// comparison. Batch mode looks up the id of every answer of every line, and
/// this costs a fraction of a general-purpose map. Ids come from the rule
/// base, so there is no hash flooding to fear, and an unknown id only misses.
#[derive(Debug, Clone, Default)]
pub struct IdTable {
    /// Fact index + 1; 0 is an empty slot.
    slots: Vec<u16>,
    mask: usize,
    /// The ids one after another, and where each starts (one more than
    /// there are ids): compared here, inline, rather than through each
    /// fact's own string with a call to `memcmp`.
    text: Vec<u8>,
    starts: Vec<u32>,
}

fn word(bytes: &[u8]) -> u64 {
    // Eight bytes are one load; a shorter id is gathered byte by byte (a
    // copy of a length known only at run time would call memcpy).
    if let Some(eight) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*eight);
    }
    bytes.iter().rev().fold(0, |w, &b| (w << 8) | u64::from(b))
}

fn id_hash(id: &[u8]) -> usize {
    let first = word(id);
    let last = word(&id[id.len().saturating_sub(8)..]);
    let mut h = (id.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h = (h.rotate_left(5) ^ first).wrapping_mul(0x517c_c1b7_2722_0a95);
    h = (h.rotate_left(5) ^ last).wrapping_mul(0x517c_c1b7_2722_0a95);
    (h >> 32) as usize
}

/// Whether two ids are the same, eight bytes at a time (the last eight
/// overlapping the ones before): ids are short, and this costs less time
/// than a call to `memcmp`, whose branches on the length mispredict.
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return word(a) == word(b);
    }
    let mut i = 0;
    while i + 8 < n {
        if word(&a[i..]) != word(&b[i..]) {
            return false;
        }
        i += 8;
    }
    word(&a[n - 8..]) == word(&b[n - 8..])
}

impl IdTable {
    fn new<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> IdTable {
        let size = (ids.len() * 4).next_power_of_two().max(16);
        let mut table = IdTable {
            slots: vec![0; size],
            mask: size - 1,
            text: Vec::new(),
            starts: vec![0],
        };
        for (i, id) in ids.enumerate() {
            let mut slot = id_hash(id.as_bytes()) & table.mask;
            while table.slots[slot] != 0 {
                slot = (slot + 1) & table.mask;
            }
            table.slots[slot] = i as u16 + 1;
            table.text.extend_from_slice(id.as_bytes());
            table.starts.push(table.text.len() as u32);
        }
        table
    }

    fn get(&self, id: &str) -> Option<FactId> {
        if self.slots.is_empty() {
            return None;
        }
        let id = id.as_bytes();
        let mut slot = id_hash(id) & self.mask;
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return None;
            }
            let f = usize::from(entry - 1);
            let known = &self.text[self.starts[f] as usize..self.starts[f + 1] as usize];
            if same(known, id) {
                return Some(FactId::at(f));
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// A citation: a source and, where given, the passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cite {
    pub source: String,
    pub section: Option<String>,
}

/// A document or guideline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceInfo {
    pub id: String,
    pub kind: SourceKind,
    pub title: String,
    pub publisher: Option<String>,
    pub year: Option<u32>,
    pub url: Option<String>,
    pub covers: String,
}

/// A finding or a derived fact.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fact {
    pub id: String,
    pub label: String,
    pub body: FactBody,
}

/// What distinguishes findings (asked) from derived facts (concluded).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FactBody {
    Finding(FindingInfo),
    Derived { when: Cond, sources: Vec<Cite> },
}

/// A finding: its question and what answers it takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingInfo {
    pub question: String,
    pub help: String,
    pub kind: FindingKind,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Non-empty on a group: the findings it screens for.
    pub members: Vec<FactId>,
    /// The group this finding belongs to, if any.
    pub group: Option<FactId>,
    /// The chance it is present before any answer points to it.
    pub prior: f64,
    /// For a number: how a result says it (`{value}` for the number).
    pub phrase: Option<String>,
    /// When this holds, the interview asks the finding after the warning signs.
    pub ask_when: Option<Cond>,
}

/// A warning sign.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedFlagRule {
    pub id: String,
    pub title: String,
    pub urgency: Urgency,
    pub message: String,
    pub when: Cond,
    pub causes: Vec<CauseId>,
    pub sources: Vec<Cite>,
}

/// A condition with a certainty factor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Weighted {
    pub when: Cond,
    pub weight: f64,
}

/// A possible cause.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CauseRule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub urgency: Urgency,
    /// The cause's urgency counts only when this holds (if given).
    pub urgency_when: Option<Cond>,
    pub support: Vec<Weighted>,
    pub against: Vec<Weighted>,
    pub confirm: Vec<String>,
    pub treatments: Vec<String>,
    pub sources: Vec<Cite>,
}

/// A piece of advice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdviceRule {
    pub id: String,
    pub kind: AdviceKind,
    pub title: String,
    pub summary: String,
    pub text: String,
    pub steps: Vec<String>,
    /// Given with every result of its level.
    pub core: bool,
    pub for_causes: Vec<CauseId>,
    /// Given only when this holds.
    pub needs: Option<Cond>,
    pub when: Option<Cond>,
    pub avoid_when: Option<Cond>,
    pub sources: Vec<Cite>,
}

/// What `compile` hands over to make a [`RuleBase`].
pub(crate) struct Parts {
    pub facts: Vec<Fact>,
    pub n_findings: usize,
    pub derived_order: Vec<FactId>,
    pub red_flags: Vec<RedFlagRule>,
    pub causes: Vec<CauseRule>,
    pub advice: Vec<AdviceRule>,
    pub sources: Vec<SourceInfo>,
    pub settings: Settings,
    pub messages: MessagesFile,
    pub version: String,
    pub opening: Vec<FactId>,
}

/// A checked, compiled rule base.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleBase {
    /// Findings first (`..n_findings`), then derived facts.
    pub facts: Vec<Fact>,
    pub n_findings: usize,
    /// Derived facts in an order where each comes after those it uses.
    pub derived_order: Vec<FactId>,
    /// The findings that are groups, in file order.
    pub groups: Vec<FactId>,
    pub red_flags: Vec<RedFlagRule>,
    pub causes: Vec<CauseRule>,
    pub advice: Vec<AdviceRule>,
    pub sources: Vec<SourceInfo>,
    pub settings: Settings,
    /// The words of the interview and the result screen.
    pub messages: MessagesFile,
    /// A hash of the rule files' contents: which rule base this is.
    pub version: String,
    pub opening: Vec<FactId>,
    /// Per fact: the red flags whose outcome it can change.
    pub flag_deps: Vec<Vec<FlagId>>,
    /// Per fact: the causes whose score it can change.
    pub cause_deps: Vec<Vec<CauseId>>,
    /// Per fact: the derived facts whose conditions name it.
    pub derived_users: Vec<Vec<FactId>>,
    /// Per fact: its place in `derived_order` (`u32::MAX` for a finding).
    pub derived_position: Vec<u32>,
    /// Per finding: the causes it supports when present, with the largest
    /// weight of a support rule that names it (through derived facts too).
    pub support_links: Vec<Vec<(CauseId, f64)>>,
    /// Per cause: the findings its support rules need present, and those
    /// its rules against it need present.
    pub cause_findings: Vec<(Vec<FactId>, Vec<FactId>)>,
    /// Per fact: the causes of `cause_deps` whose score or urgency support
    /// can change when the fact turns yes (`.0`) and when it turns no
    /// (`.1`). A condition's value only goes from unknown to yes or no as
    /// facts become known (Kleene logic keeps what is settled), so a fact
    /// named only outside a `not` cannot make a rule hold by turning no.
    pub cause_deps_signed: Vec<(Vec<CauseId>, Vec<CauseId>)>,
    /// Per cause: where its rules start in one numbering of every cause's
    /// rules, support rules first, then those against it (one more entry at
    /// the end: the number of rules).
    pub cause_rule_start: Vec<u32>,
    /// Per cause rule, in the same numbering: its weight, and for a
    /// support rule the cause it supports (`u32::MAX` for a rule against
    /// one), for scoring every cause in one pass (built with the index).
    #[serde(skip)]
    pub rule_weights: Vec<f64>,
    #[serde(skip)]
    pub supported_by_rule: Vec<u32>,
    /// The findings a cause question may ask: yes/no, outside any group's
    /// checklist, named by some cause's rules (built with the index).
    #[serde(skip)]
    pub cause_candidates: Vec<FactId>,
    /// The findings with an `ask_when` (built with the index).
    #[serde(skip)]
    pub required: Vec<FactId>,
    /// The findings outside any group: one prompt each (built with the
    /// index).
    #[serde(skip)]
    pub prompts: Vec<FactId>,
    /// Per red flag and per cause: its level, in an array of its own for
    /// the loops that read only that (built with the index).
    #[serde(skip)]
    pub flag_levels: Vec<Urgency>,
    #[serde(skip)]
    pub cause_levels: Vec<Urgency>,
    /// The red flags' conditions and every cause rule's (numbered as
    /// `cause_rule_start` says), grouped for evaluating them all at once
    /// (built with the index).
    #[serde(skip)]
    pub flag_sweep: Sweep,
    /// The advice items, core ones first, each part in file order: the
    /// order in which they are given (built with the index).
    #[serde(skip)]
    pub advice_order: Vec<AdviceId>,
    /// Per cause: the advice items that name it in `for_causes` (built with
    /// the index).
    #[serde(skip)]
    pub cause_advice: Vec<Vec<AdviceId>>,
    #[serde(skip)]
    pub rule_sweep: Sweep,
    /// Per cause with an `urgency_when`: that condition, into the cause's
    /// place (built with the index).
    #[serde(skip)]
    pub when_sweep: Sweep,
    /// One more than the index of the last finding of kind number: the
    /// slots answers and states keep for numbers (built with the index).
    #[serde(skip)]
    pub number_slots: usize,
    #[serde(skip)]
    index: IdTable,
}

impl RuleBase {
    /// Assembles a rule base and builds its indexes. `compile` is the only
    /// caller; it has already made sure every reference resolves.
    pub(crate) fn new(parts: Parts) -> RuleBase {
        let Parts {
            facts,
            n_findings,
            derived_order,
            red_flags,
            causes,
            advice,
            sources,
            settings,
            messages,
            version,
            opening,
        } = parts;
        let mut rb = RuleBase {
            facts,
            n_findings,
            derived_order,
            groups: Vec::new(),
            red_flags,
            causes,
            advice,
            sources,
            settings,
            messages,
            version,
            opening,
            flag_deps: Vec::new(),
            cause_deps: Vec::new(),
            derived_users: Vec::new(),
            derived_position: Vec::new(),
            support_links: Vec::new(),
            cause_findings: Vec::new(),
            cause_deps_signed: Vec::new(),
            cause_rule_start: Vec::new(),
            rule_weights: Vec::new(),
            supported_by_rule: Vec::new(),
            flag_levels: Vec::new(),
            cause_levels: Vec::new(),
            flag_sweep: Sweep::default(),
            advice_order: Vec::new(),
            cause_advice: Vec::new(),
            rule_sweep: Sweep::default(),
            when_sweep: Sweep::default(),
            number_slots: 0,
            cause_candidates: Vec::new(),
            required: Vec::new(),
            prompts: Vec::new(),
            index: IdTable::default(),
        };
        rb.groups = rb
            .findings()
            .filter(|&f| rb.finding(f).is_some_and(|i| !i.members.is_empty()))
            .collect();
        rb.flag_deps = rb.dependents(rb.red_flags.iter().map(|r| std::iter::once(&r.when)));
        rb.cause_deps = rb.dependents(
            rb.causes
                .iter()
                .map(|c| c.support.iter().chain(&c.against).map(|w| &w.when)),
        );
        rb.derived_position = vec![u32::MAX; rb.facts.len()];
        for (i, &d) in rb.derived_order.iter().enumerate() {
            rb.derived_position[usize::from(d)] = i as u32;
        }
        rb.derived_users = vec![Vec::new(); rb.facts.len()];
        for &d in &rb.derived_order {
            if let FactBody::Derived { when, .. } = &rb.facts[usize::from(d)].body {
                when.visit_facts(false, &mut |f, _| {
                    let users = &mut rb.derived_users[usize::from(f)];
                    if !users.contains(&d) {
                        users.push(d);
                    }
                });
            }
        }
        rb.cause_deps_signed = rb.signed_cause_deps();
        let mut start = 0u32;
        rb.cause_rule_start = std::iter::once(0)
            .chain(rb.causes.iter().map(|c| {
                start += (c.support.len() + c.against.len()) as u32;
                start
            }))
            .collect();
        rb.support_links = rb.links();
        rb.cause_findings = rb
            .causes
            .iter()
            .map(|c| {
                let mut support = Vec::new();
                let mut against = Vec::new();
                for w in &c.support {
                    rb.positive_findings(&w.when, &mut support);
                }
                for w in &c.against {
                    rb.positive_findings(&w.when, &mut against);
                }
                (support, against)
            })
            .collect();
        rb.build_index();
        rb
    }

    /// [`RuleBase::cause_deps_signed`]: for each fact and each direction
    /// (turning yes, turning no), the causes it reaches through groups and
    /// derived facts where a condition names it with the sign that can make
    /// the condition hold, kept only where `cause_deps` has them.
    fn signed_cause_deps(&self) -> Vec<(Vec<CauseId>, Vec<CauseId>)> {
        let n = self.facts.len();
        // A change is a node `2 * fact + d`, d = 0 for "turns yes" and 1 for
        // "turns no"; edges say which changes it can cause.
        let node = |f: FactId, no: bool| 2 * usize::from(f) + usize::from(no);
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); 2 * n];
        for f in self.findings() {
            let Some(info) = self.finding(f) else {
                continue;
            };
            for &m in &info.members {
                // A member turning yes or no can turn its group so. (A group
                // answered no makes its members no: that is where a change
                // starts, below, not a step: a group turning no because its
                // members did changes no other member.)
                next[node(m, false)].push(node(f, false));
                next[node(m, true)].push(node(f, true));
            }
        }
        for &d in &self.derived_order {
            if let FactBody::Derived { when, .. } = &self.fact(d).body {
                when.visit_facts(false, &mut |used, negated| {
                    next[node(used, false)].push(node(d, negated));
                    next[node(used, true)].push(node(d, !negated));
                });
            }
        }
        // The causes each change can make a rule of hold for.
        let mut sinks: Vec<Vec<CauseId>> = vec![Vec::new(); 2 * n];
        for (c, cause) in self.causes.iter().enumerate() {
            let conds = cause
                .support
                .iter()
                .chain(&cause.against)
                .map(|w| &w.when)
                .chain(cause.urgency_when.as_ref());
            for cond in conds {
                cond.visit_facts(false, &mut |f, negated| {
                    // Turning yes makes a plain mention hold; turning no, a negated one.
                    let sink = &mut sinks[node(f, negated)];
                    if !sink.contains(&CauseId::at(c)) {
                        sink.push(CauseId::at(c));
                    }
                });
            }
        }
        let mut seen = vec![false; 2 * n];
        let mut stack = Vec::new();
        let mut reached = Vec::new();
        let mut reach = |start: usize, deps: &[CauseId]| -> Vec<CauseId> {
            reached.clear();
            stack.clear();
            stack.push(start);
            // A group answered no: its members turn no with it.
            if start % 2 == 1
                && let Some(info) = self.finding(FactId::at(start / 2))
            {
                stack.extend(info.members.iter().map(|&m| node(m, true)));
            }
            let mut visited = Vec::new();
            while let Some(x) = stack.pop() {
                if std::mem::replace(&mut seen[x], true) {
                    continue;
                }
                visited.push(x);
                reached.extend_from_slice(&sinks[x]);
                stack.extend_from_slice(&next[x]);
            }
            for x in visited {
                seen[x] = false;
            }
            deps.iter()
                .copied()
                .filter(|c| reached.contains(c))
                .collect()
        };
        (0..n)
            .map(|f| {
                let deps = &self.cause_deps[f];
                let f = FactId::at(f);
                (reach(node(f, false), deps), reach(node(f, true), deps))
            })
            .collect()
    }

    /// Which causes each finding supports, and how strongly.
    fn links(&self) -> Vec<Vec<(CauseId, f64)>> {
        let mut links: Vec<Vec<(CauseId, f64)>> = vec![Vec::new(); self.facts.len()];
        for (c, cause) in self.causes.iter().enumerate() {
            for rule in &cause.support {
                let mut named = Vec::new();
                self.positive_findings(&rule.when, &mut named);
                for f in named {
                    let slot = &mut links[usize::from(f)];
                    match slot.iter_mut().find(|(k, _)| k.index() == c) {
                        Some((_, w)) => *w = w.max(rule.weight),
                        None => slot.push((CauseId::at(c), rule.weight)),
                    }
                }
            }
        }
        links
    }

    /// The findings a condition needs present (not under a `not`),
    /// looking through derived facts.
    pub fn positive_findings(&self, cond: &Cond, out: &mut Vec<FactId>) {
        self.walk(cond, &mut |node, negated| {
            if let Cond::Fact(f) = node
                && !negated
                && self.finding(*f).is_some()
                && !out.contains(f)
            {
                out.push(*f);
            }
        });
    }

    /// Calls `visit` on every node of a condition and, through derived
    /// facts, of the conditions they use, with whether the node sits under
    /// an odd number of `not`s. Each derived fact is entered once, so even a
    /// cycle (which the checker reports) cannot loop.
    pub fn walk<'a>(&'a self, cond: &'a Cond, visit: &mut impl FnMut(&'a Cond, bool)) {
        let mut entered = vec![false; self.facts.len()];
        self.walk_inner(cond, false, &mut entered, visit);
    }

    fn walk_inner<'a>(
        &'a self,
        cond: &'a Cond,
        negated: bool,
        entered: &mut [bool],
        visit: &mut impl FnMut(&'a Cond, bool),
    ) {
        visit(cond, negated);
        match cond {
            Cond::Fact(f) => {
                if let FactBody::Derived { when, .. } = &self.fact(*f).body
                    && !std::mem::replace(&mut entered[usize::from(*f)], true)
                {
                    self.walk_inner(when, negated, entered, visit);
                }
            }
            Cond::Number(..) => {}
            Cond::All(items) | Cond::Any(items) | Cond::AtLeast(_, items) => {
                for c in items {
                    self.walk_inner(c, negated, entered, visit);
                }
            }
            Cond::Not(c) => self.walk_inner(c, !negated, entered, visit),
        }
    }

    /// Builds what is not stored with a rule base: the id table and the
    /// lists of findings by role (after decoding, and at the end of
    /// [`RuleBase::new`]).
    pub fn build_index(&mut self) {
        self.index = IdTable::new(self.facts.iter().map(|f| f.id.as_str()));
        let (mut prompts, mut required, mut candidates) = (Vec::new(), Vec::new(), Vec::new());
        for f in self.findings() {
            let Some(info) = self.finding(f) else {
                continue;
            };
            if info.group.is_none() {
                prompts.push(f);
                if info.kind == FindingKind::YesNo && !self.cause_deps[usize::from(f)].is_empty() {
                    candidates.push(f);
                }
            }
            if info.ask_when.is_some() {
                required.push(f);
            }
        }
        self.prompts = prompts;
        self.required = required;
        self.cause_candidates = candidates;
        self.flag_levels = self.red_flags.iter().map(|r| r.urgency).collect();
        self.cause_levels = self.causes.iter().map(|c| c.urgency).collect();
        self.rule_weights = self.cause_rules().map(|w| w.weight).collect();
        self.supported_by_rule = (self.causes.iter().enumerate())
            .flat_map(|(i, c)| {
                let support = std::iter::repeat_n(i as u32, c.support.len());
                support.chain(std::iter::repeat_n(u32::MAX, c.against.len()))
            })
            .collect();
        self.advice_order = (0..self.advice.len()).map(AdviceId::at).collect();
        self.advice_order
            .sort_by_key(|&a| !self.advice[usize::from(a)].core);
        self.cause_advice = vec![Vec::new(); self.causes.len()];
        for (i, a) in self.advice.iter().enumerate() {
            for &c in &a.for_causes {
                self.cause_advice[usize::from(c)].push(AdviceId::at(i));
            }
        }
        self.flag_sweep = Sweep::new(self.red_flags.iter().map(|r| &r.when));
        self.rule_sweep = Sweep::new(self.cause_rules().map(|w| &w.when));
        self.number_slots = (self.findings())
            .filter(|&f| {
                self.finding(f)
                    .is_some_and(|i| i.kind == FindingKind::Number)
            })
            .map(|f| usize::from(f) + 1)
            .max()
            .unwrap_or(0);
        self.when_sweep = Sweep::placed(
            (self.causes.iter().enumerate())
                .filter_map(|(c, rule)| rule.urgency_when.as_ref().map(|w| (c, w))),
        );
    }

    /// Every cause's rules, cause after cause, its support rules before those
    /// against it: the one numbering [`RuleBase::cause_rule_start`] describes.
    pub fn cause_rules(&self) -> impl Iterator<Item = &Weighted> {
        (self.causes.iter()).flat_map(|c| c.support.iter().chain(&c.against))
    }

    /// Where cause `c`'s support rules and its rules against it are in that
    /// numbering.
    #[inline]
    pub fn rule_places(&self, c: CauseId) -> (Range<usize>, Range<usize>) {
        let (i, rule) = (usize::from(c), &self.causes[usize::from(c)]);
        let start = self.cause_rule_start[i] as usize;
        let middle = start + rule.support.len();
        (start..middle, middle..middle + rule.against.len())
    }

    /// The fact with this id.
    #[inline]
    pub fn fact_id(&self, id: &str) -> Option<FactId> {
        self.index.get(id)
    }

    /// The fact at an index.
    pub fn fact(&self, f: FactId) -> &Fact {
        &self.facts[usize::from(f)]
    }

    /// The finding details of a fact, if it is a finding.
    pub fn finding(&self, f: FactId) -> Option<&FindingInfo> {
        match &self.fact(f).body {
            FactBody::Finding(info) => Some(info),
            FactBody::Derived { .. } => None,
        }
    }

    /// The question that asks for a fact (a derived fact, never asked, has
    /// only its label).
    pub fn question(&self, f: FactId) -> &str {
        let fact = self.fact(f);
        self.finding(f)
            .map_or(fact.label.as_str(), |i| i.question.as_str())
    }

    /// The title of a source, if there is one with this id.
    pub fn source_title(&self, id: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.title.as_str())
    }

    /// All fact ids (findings then derived), for suggestions.
    pub fn fact_ids(&self) -> impl Iterator<Item = &str> {
        self.facts.iter().map(|f| f.id.as_str())
    }

    /// The finding ids, in file order.
    pub fn findings(&self) -> impl Iterator<Item = FactId> + use<> {
        (0..self.n_findings).map(FactId::at)
    }

    /// The facts a fact's value flows into: a member into its group, a group
    /// into its members (a "no" answers them), and each into the derived facts
    /// that use it.
    fn influence(&self) -> Vec<Vec<FactId>> {
        let mut influence: Vec<Vec<FactId>> = vec![Vec::new(); self.facts.len()];
        for f in self.findings() {
            if let Some(info) = self.finding(f) {
                for &m in &info.members {
                    influence[usize::from(f)].push(m);
                    influence[usize::from(m)].push(f);
                }
            }
        }
        for &d in &self.derived_order {
            if let FactBody::Derived { when, .. } = &self.fact(d).body {
                when.visit_facts(false, &mut |used, _| influence[usize::from(used)].push(d));
            }
        }
        influence
    }

    /// For each fact, the rules (in the order given) whose conditions it can
    /// affect, directly or through groups and derived facts.
    fn dependents<'a, Id: Index, I, C>(&self, rules: I) -> Vec<Vec<Id>>
    where
        I: Iterator<Item = C>,
        C: IntoIterator<Item = &'a Cond>,
    {
        let mut feeds: Vec<Vec<FactId>> = vec![Vec::new(); self.facts.len()];
        for (from, tos) in self.influence().iter().enumerate() {
            for &to in tos {
                feeds[usize::from(to)].push(FactId::at(from));
            }
        }
        let mut deps: Vec<Vec<Id>> = vec![Vec::new(); self.facts.len()];
        for (rule, conds) in rules.enumerate() {
            let mut named = Vec::new();
            for cond in conds {
                cond.visit_facts(false, &mut |f, _| named.push(f));
            }
            // Walk backwards from the named facts to everything that feeds them.
            let mut seen = vec![false; self.facts.len()];
            let mut stack = named;
            while let Some(f) = stack.pop() {
                if std::mem::replace(&mut seen[usize::from(f)], true) {
                    continue;
                }
                deps[usize::from(f)].push(Id::at(rule));
                stack.extend(feeds[usize::from(f)].iter().copied());
            }
        }
        deps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_every_length_are_found_and_near_misses_are_not() {
        let ids: Vec<String> = (1..=40)
            .map(|n| {
                (0..n)
                    .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
                    .collect()
            })
            .collect();
        let facts: Vec<&str> = ids.iter().map(String::as_str).collect();
        let table = IdTable::new(facts.iter().copied());
        for (i, id) in facts.iter().enumerate() {
            assert_eq!(table.get(id), Some(FactId::at(i)), "{id}");
            // The same length with one byte changed, at the start, the
            // middle and the end; one byte more; one byte less.
            for at in [0, id.len() / 2, id.len() - 1] {
                let mut near = id.as_bytes().to_vec();
                near[at] = b'_';
                let near = String::from_utf8(near).expect("ASCII");
                assert_eq!(table.get(&near), None, "{near}");
            }
            assert_eq!(table.get(&format!("{id}_")), None);
            if id.len() > 1 {
                // A shorter id is another known one: it must find that one.
                assert_eq!(table.get(&id[..id.len() - 1]), Some(FactId::at(i - 1)));
            }
        }
        assert_eq!(table.get(""), None);
        assert_eq!(IdTable::default().get("a"), None);
    }
}
