//! Checks a parsed rule base and compiles it: every problem is collected
//! (not just the first) and reported as `file:line:column: message`.
//!
//! Beyond references and empty texts, it checks what makes the rule base
//! safe to use: every red flag can fire and the interview reaches it with
//! every other question answered "no", every emergency warning sign is
//! screened before the first question that is not about safety, and every
//! cause can be supported by some answer.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::answers::{Answer, Answers};
use crate::condition::{Cond, Condition, FactId, Tri};
use crate::engine::Evaluation;
use crate::locate::{YamlPath, locate};
use crate::model::{AdviceKind, FindingKind, RuleFiles, SCHEMA_VERSION, SourceRef, Urgency};
use crate::path;
use crate::rulebase::{
    AdviceRule, CauseRule, Cite, Fact, FactBody, FindingInfo, RedFlagRule, RuleBase, RuleId,
    SourceInfo, Weighted,
};
use crate::select;

/// The files of a rule base, in the order they are read and reported.
pub const FILES: [&str; 7] = [
    "sources.yaml",
    "findings.yaml",
    "derived.yaml",
    "red_flags.yaml",
    "causes.yaml",
    "advice.yaml",
    "settings.yaml",
];

const SOURCES: usize = 0;
const FINDINGS: usize = 1;
const DERIVED: usize = 2;
const RED_FLAGS: usize = 3;
const CAUSES: usize = 4;
const ADVICE: usize = 5;
const SETTINGS: usize = 6;

/// One problem in a rule base, shown like a compiler error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it (for example `rules/causes.yaml`).
    pub file: String,
    /// 1-based line and column, when the problem has a place.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The text of one rule file and the name to report it by.
#[derive(Debug, Clone)]
pub struct RuleText {
    pub display: String,
    pub text: String,
}

/// Problems found so far, each with its file and path, located at the end.
struct Report<'a> {
    texts: &'a [RuleText],
    found: Vec<(usize, YamlPath, String)>,
}

impl Report<'_> {
    fn add(&mut self, file: usize, path: YamlPath, message: impl Into<String>) {
        self.found.push((file, path, message.into()));
    }

    fn finish(self) -> Vec<Problem> {
        self.found
            .into_iter()
            .map(|(file, path, message)| {
                let text = &self.texts[file];
                Problem {
                    file: text.display.clone(),
                    position: locate(&text.text, &path),
                    message,
                }
            })
            .collect()
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks `files` (parsed from `texts`, in [`FILES`] order) and compiles them.
pub fn compile(files: &RuleFiles, texts: &[RuleText]) -> Result<RuleBase, Vec<Problem>> {
    let mut report = Report {
        texts,
        found: Vec::new(),
    };
    let rb = build(files, &mut report);
    if report.found.is_empty() {
        check_safety(&rb, &mut report);
    }
    if report.found.is_empty() {
        Ok(rb)
    } else {
        Err(report.finish())
    }
}

/// Checks an id's form and uniqueness within `seen`.
fn check_id(
    report: &mut Report<'_>,
    seen: &mut HashMap<String, usize>,
    file: usize,
    path: YamlPath,
    id: &str,
    what: &str,
) {
    if !valid_id(id) {
        report.add(
            file,
            path.clone(),
            format!("{what} id `{id}` must be lower_snake_case (a-z, 0-9 and _)"),
        );
    }
    if let Some(&other_file) = seen.get(id) {
        let where_ = if other_file == file {
            String::new()
        } else {
            format!(" (already used in {})", FILES[other_file])
        };
        report.add(file, path, format!("duplicate id `{id}`{where_}"));
    } else {
        seen.insert(id.to_owned(), file);
    }
}

fn non_empty(report: &mut Report<'_>, file: usize, path: YamlPath, text: &str, what: &str) {
    if text.trim().is_empty() {
        report.add(file, path, format!("{what} is empty"));
    }
}

fn cites(
    report: &mut Report<'_>,
    source_ids: &HashSet<&str>,
    file: usize,
    path: YamlPath,
    refs: &[SourceRef],
    owner: &str,
) -> Vec<Cite> {
    if refs.is_empty() {
        report.add(
            file,
            path.clone(),
            format!("`{owner}` names no source: add at least one to `sources`"),
        );
    }
    refs.iter()
        .enumerate()
        .map(|(i, r)| {
            if !source_ids.contains(r.id.as_str()) {
                let suggestion = suggestion_text(&r.id, source_ids.iter().copied());
                // `[i].id` finds the id inside a `{id: ..., section: ...}` map,
                // and falls back to the entry itself when it is a bare id.
                report.add(
                    file,
                    path.join(i).join("id"),
                    format!("unknown source `{}`{suggestion}", r.id),
                );
            }
            if r.section.as_deref().is_some_and(|s| s.trim().is_empty()) {
                report.add(file, path.join(i), "source section is empty");
            }
            Cite {
                source: r.id.clone(),
                section: r.section.clone(),
            }
        })
        .collect()
}

fn suggestion_text<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> String {
    crate::answers::suggest(id, known)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// Resolves the ids of a condition, reporting unknown ones and kind mistakes.
struct Resolver<'a> {
    index: &'a HashMap<&'a str, FactId>,
    kinds: &'a [Option<FindingKind>],
}

impl Resolver<'_> {
    fn resolve(
        &self,
        report: &mut Report<'_>,
        file: usize,
        path: &YamlPath,
        c: &Condition,
    ) -> Cond {
        match c {
            Condition::Fact(id) => match self.index.get(id.as_str()) {
                Some(&f) => {
                    if self.kinds[usize::from(f)] == Some(FindingKind::Number) {
                        report.add(
                            file,
                            path.clone(),
                            format!(
                                "`{id}` is a number: compare it, as in `{{number: {id}, at_least: ...}}`"
                            ),
                        );
                    }
                    Cond::Fact(f)
                }
                None => {
                    let suggestion = suggestion_text(id, self.index.keys().copied());
                    report.add(
                        file,
                        path.clone(),
                        format!("unknown finding `{id}`{suggestion}"),
                    );
                    Cond::Fact(0)
                }
            },
            Condition::All { all } => Cond::All(self.list(report, file, &path.join("all"), all)),
            Condition::Any { any } => Cond::Any(self.list(report, file, &path.join("any"), any)),
            Condition::Not { not } => {
                Cond::Not(Box::new(self.resolve(report, file, &path.join("not"), not)))
            }
            Condition::Number { number, bounds } => {
                let f = match self.index.get(number.as_str()) {
                    Some(&f) if self.kinds[usize::from(f)] == Some(FindingKind::Number) => f,
                    Some(_) => {
                        report.add(
                            file,
                            path.join("number"),
                            format!("`{number}` is not a number finding"),
                        );
                        0
                    }
                    None => {
                        let suggestion = suggestion_text(number, self.index.keys().copied());
                        report.add(
                            file,
                            path.join("number"),
                            format!("unknown finding `{number}`{suggestion}"),
                        );
                        0
                    }
                };
                Cond::Number(f, *bounds)
            }
        }
    }

    fn list(
        &self,
        report: &mut Report<'_>,
        file: usize,
        path: &YamlPath,
        items: &[Condition],
    ) -> Vec<Cond> {
        if items.is_empty() {
            report.add(file, path.clone(), "empty list in condition");
        }
        items
            .iter()
            .enumerate()
            .map(|(i, c)| self.resolve(report, file, &path.join(i), c))
            .collect()
    }
}

fn check_schema_version(report: &mut Report<'_>, file: usize, version: u32) {
    if version != SCHEMA_VERSION {
        report.add(
            file,
            path!["schema_version"],
            format!(
                "schema_version {version} is not supported (this build reads {SCHEMA_VERSION})"
            ),
        );
    }
}

/// Resolves every reference and checks every field; the rule base it returns
/// is only used when nothing was reported.
fn build(files: &RuleFiles, report: &mut Report<'_>) -> RuleBase {
    for (file, version) in [
        (SOURCES, files.sources.schema_version),
        (FINDINGS, files.findings.schema_version),
        (DERIVED, files.derived.schema_version),
        (RED_FLAGS, files.red_flags.schema_version),
        (CAUSES, files.causes.schema_version),
        (ADVICE, files.advice.schema_version),
        (SETTINGS, files.settings.schema_version),
    ] {
        check_schema_version(report, file, version);
    }

    // Sources.
    let mut seen = HashMap::new();
    let mut sources = Vec::new();
    for (i, s) in files.sources.sources.iter().enumerate() {
        let p = path!["sources", i];
        check_id(report, &mut seen, SOURCES, p.join("id"), &s.id, "source");
        non_empty(report, SOURCES, p.join("title"), &s.title, "title");
        non_empty(report, SOURCES, p.join("covers"), &s.covers, "covers");
        sources.push(SourceInfo {
            id: s.id.clone(),
            kind: s.kind,
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            year: s.year,
            url: s.url.clone(),
            covers: s.covers.clone(),
        });
    }
    let source_ids: HashSet<&str> = files
        .sources
        .sources
        .iter()
        .map(|s| s.id.as_str())
        .collect();

    // Fact ids: findings then derived facts share one namespace.
    let mut seen = HashMap::new();
    let findings = &files.findings.findings;
    let derived = &files.derived.derived;
    for (i, f) in findings.iter().enumerate() {
        check_id(
            report,
            &mut seen,
            FINDINGS,
            path!["findings", i, "id"],
            &f.id,
            "finding",
        );
    }
    for (i, d) in derived.iter().enumerate() {
        check_id(
            report,
            &mut seen,
            DERIVED,
            path!["derived", i, "id"],
            &d.id,
            "derived fact",
        );
    }
    let mut index: HashMap<&str, FactId> = HashMap::new();
    for (i, id) in findings
        .iter()
        .map(|f| f.id.as_str())
        .chain(derived.iter().map(|d| d.id.as_str()))
        .enumerate()
    {
        index.entry(id).or_insert(i as FactId);
    }
    let kinds: Vec<Option<FindingKind>> = findings
        .iter()
        .map(|f| Some(f.kind))
        .chain(derived.iter().map(|_| None))
        .collect();
    let resolver = Resolver {
        index: &index,
        kinds: &kinds,
    };

    // Findings and groups.
    let mut group_of: Vec<Option<FactId>> = vec![None; findings.len()];
    let mut members_of: Vec<Vec<FactId>> = vec![Vec::new(); findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let p = path!["findings", i];
        non_empty(report, FINDINGS, p.join("label"), &f.label, "label");
        non_empty(
            report,
            FINDINGS,
            p.join("question"),
            &f.question,
            "question",
        );
        non_empty(report, FINDINGS, p.join("help"), &f.help, "help");
        match f.kind {
            FindingKind::Number => {
                if f.any_of.is_some() {
                    report.add(
                        FINDINGS,
                        p.join("any_of"),
                        "a number finding cannot be a group",
                    );
                }
                if let (Some(lo), Some(hi)) = (f.min, f.max) {
                    if lo > hi {
                        report.add(
                            FINDINGS,
                            p.join("min"),
                            format!("min {lo} is above max {hi}"),
                        );
                    }
                }
                if f.min.is_some_and(|x| !x.is_finite()) || f.max.is_some_and(|x| !x.is_finite()) {
                    report.add(FINDINGS, p.clone(), "min and max must be finite numbers");
                }
            }
            FindingKind::YesNo => {
                for (field, given) in [
                    ("unit", f.unit.is_some()),
                    ("min", f.min.is_some()),
                    ("max", f.max.is_some()),
                ] {
                    if given {
                        report.add(
                            FINDINGS,
                            p.join(field),
                            format!("`{field}` only applies to `kind: number` findings"),
                        );
                    }
                }
            }
        }
        if let Some(prior) = f.prior {
            if !(prior > 0.0 && prior < 1.0) {
                report.add(
                    FINDINGS,
                    p.join("prior"),
                    "prior must be above 0 and below 1",
                );
            }
            if f.any_of.is_some() {
                report.add(
                    FINDINGS,
                    p.join("prior"),
                    "a group's chance comes from its members: give `prior` to them",
                );
            }
        }
        let Some(any_of) = &f.any_of else { continue };
        if any_of.is_empty() {
            report.add(
                FINDINGS,
                p.join("any_of"),
                "a group needs at least one member",
            );
        }
        for (j, member) in any_of.iter().enumerate() {
            let mp = p.join("any_of").join(j);
            let Some(&m) = index.get(member.as_str()) else {
                let suggestion = suggestion_text(member, index.keys().copied());
                report.add(
                    FINDINGS,
                    mp,
                    format!("unknown finding `{member}`{suggestion}"),
                );
                continue;
            };
            let mi = usize::from(m);
            let Some(member_def) = findings.get(mi) else {
                report.add(
                    FINDINGS,
                    mp,
                    format!("`{member}` is derived: a group's members are findings"),
                );
                continue;
            };
            if member_def.any_of.is_some() {
                report.add(
                    FINDINGS,
                    mp,
                    format!("`{member}` is a group: groups cannot be nested"),
                );
            } else if member_def.kind != FindingKind::YesNo {
                report.add(
                    FINDINGS,
                    mp,
                    format!("`{member}` is a number: a group's members are yes/no findings"),
                );
            } else if let Some(other) = group_of[mi] {
                report.add(
                    FINDINGS,
                    mp,
                    format!(
                        "`{member}` is already in group `{}`",
                        findings[usize::from(other)].id
                    ),
                );
            } else {
                group_of[mi] = Some(i as FactId);
                members_of[i].push(m);
            }
        }
    }

    let mut facts: Vec<Fact> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| Fact {
            id: f.id.clone(),
            label: f.label.clone(),
            body: FactBody::Finding(FindingInfo {
                question: f.question.clone(),
                help: f.help.clone(),
                kind: f.kind,
                unit: f.unit.clone(),
                min: f.min,
                max: f.max,
                members: std::mem::take(&mut members_of[i]),
                group: group_of[i],
                prior: f
                    .prior
                    .unwrap_or(files.settings.settings.question_base_rate),
            }),
        })
        .collect();

    // Derived facts, then their order (and cycles).
    for (i, d) in derived.iter().enumerate() {
        let p = path!["derived", i];
        non_empty(report, DERIVED, p.join("label"), &d.label, "label");
        let when = resolver.resolve(report, DERIVED, &p.join("when"), &d.when);
        let sources = cites(
            report,
            &source_ids,
            DERIVED,
            p.join("sources"),
            &d.sources,
            &d.id,
        );
        facts.push(Fact {
            id: d.id.clone(),
            label: d.label.clone(),
            body: FactBody::Derived { when, sources },
        });
    }
    let derived_order = order_derived(&facts, findings.len(), report);

    // Causes come before red flags and advice, which point at them.
    let mut seen = HashMap::new();
    let cause_index: HashMap<&str, RuleId> = files
        .causes
        .causes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i as RuleId))
        .collect();
    let mut causes = Vec::new();
    for (i, c) in files.causes.causes.iter().enumerate() {
        let p = path!["causes", i];
        check_id(report, &mut seen, CAUSES, p.join("id"), &c.id, "cause");
        non_empty(report, CAUSES, p.join("name"), &c.name, "name");
        non_empty(
            report,
            CAUSES,
            p.join("description"),
            &c.description,
            "description",
        );
        if c.support.is_empty() {
            report.add(
                CAUSES,
                p.join("id"),
                format!(
                    "cause `{}` has no `support`: no finding can support it",
                    c.id
                ),
            );
        }
        let weighted = |report: &mut Report<'_>, field: &str, list: &[crate::model::Evidence]| {
            list.iter()
                .enumerate()
                .map(|(j, e)| {
                    let ep = p.join(field).join(j);
                    if !(e.weight > 0.0 && e.weight <= 1.0) {
                        report.add(
                            CAUSES,
                            ep.join("weight"),
                            format!("weight {} must be above 0 and at most 1", e.weight),
                        );
                    }
                    Weighted {
                        when: resolver.resolve(report, CAUSES, &ep.join("when"), &e.when),
                        weight: e.weight,
                    }
                })
                .collect::<Vec<_>>()
        };
        let support = weighted(report, "support", &c.support);
        let against = weighted(report, "against", &c.against);
        for (field, list) in [("confirm", &c.confirm), ("treatments", &c.treatments)] {
            for (j, text) in list.iter().enumerate() {
                non_empty(report, CAUSES, p.join(field).join(j), text, field);
            }
        }
        let sources = cites(
            report,
            &source_ids,
            CAUSES,
            p.join("sources"),
            &c.sources,
            &c.id,
        );
        causes.push(CauseRule {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            urgency: c.urgency,
            support,
            against,
            confirm: c.confirm.clone(),
            treatments: c.treatments.clone(),
            sources,
        });
    }
    let cause_refs = |report: &mut Report<'_>, file: usize, p: YamlPath, ids: &[String]| {
        ids.iter()
            .enumerate()
            .filter_map(|(j, id)| match cause_index.get(id.as_str()) {
                Some(&c) => Some(c),
                None => {
                    let suggestion = suggestion_text(id, cause_index.keys().copied());
                    report.add(file, p.join(j), format!("unknown cause `{id}`{suggestion}"));
                    None
                }
            })
            .collect::<Vec<_>>()
    };

    // Red flags.
    let mut seen = HashMap::new();
    let mut red_flags = Vec::new();
    for (i, r) in files.red_flags.red_flags.iter().enumerate() {
        let p = path!["red_flags", i];
        check_id(
            report,
            &mut seen,
            RED_FLAGS,
            p.join("id"),
            &r.id,
            "red flag",
        );
        non_empty(report, RED_FLAGS, p.join("title"), &r.title, "title");
        non_empty(report, RED_FLAGS, p.join("message"), &r.message, "message");
        if r.urgency == Urgency::SelfCare {
            report.add(
                RED_FLAGS,
                p.join("urgency"),
                "invalid urgency `self_care` for a red flag: use emergency, urgent or doctor",
            );
        }
        red_flags.push(RedFlagRule {
            id: r.id.clone(),
            title: r.title.clone(),
            urgency: r.urgency,
            message: r.message.clone(),
            when: resolver.resolve(report, RED_FLAGS, &p.join("when"), &r.when),
            causes: cause_refs(report, RED_FLAGS, p.join("causes"), &r.causes),
            sources: cites(
                report,
                &source_ids,
                RED_FLAGS,
                p.join("sources"),
                &r.sources,
                &r.id,
            ),
        });
    }

    // Advice.
    let mut seen = HashMap::new();
    let mut advice = Vec::new();
    for (i, a) in files.advice.advice.iter().enumerate() {
        let p = path!["advice", i];
        check_id(report, &mut seen, ADVICE, p.join("id"), &a.id, "advice");
        non_empty(report, ADVICE, p.join("title"), &a.title, "title");
        non_empty(report, ADVICE, p.join("text"), &a.text, "text");
        for (j, step) in a.steps.iter().enumerate() {
            non_empty(report, ADVICE, p.join("steps").join(j), step, "step");
        }
        if a.kind == AdviceKind::Exercise && a.steps.is_empty() {
            report.add(
                ADVICE,
                p.join("id"),
                format!("exercise `{}` has no `steps`", a.id),
            );
        }
        if a.kind != AdviceKind::SafetyNet && a.for_causes.is_empty() && a.when.is_none() {
            report.add(
                ADVICE,
                p.join("id"),
                format!(
                    "advice `{}` is never given: it has no `for_causes` and no `when`",
                    a.id
                ),
            );
        }
        advice.push(AdviceRule {
            id: a.id.clone(),
            kind: a.kind,
            title: a.title.clone(),
            text: a.text.clone(),
            steps: a.steps.clone(),
            for_causes: cause_refs(report, ADVICE, p.join("for_causes"), &a.for_causes),
            when: a
                .when
                .as_ref()
                .map(|c| resolver.resolve(report, ADVICE, &p.join("when"), c)),
            avoid_when: a
                .avoid_when
                .as_ref()
                .map(|c| resolver.resolve(report, ADVICE, &p.join("avoid_when"), c)),
            sources: cites(
                report,
                &source_ids,
                ADVICE,
                p.join("sources"),
                &a.sources,
                &a.id,
            ),
        });
    }
    if !advice.iter().any(|a| a.kind == AdviceKind::SafetyNet) {
        report.add(
            ADVICE,
            path!["advice"],
            "no `kind: safety_net` item: every self-care result must say when to see a doctor",
        );
    }

    // Settings.
    let s = &files.settings.settings;
    let sp = path!["settings"];
    let mut opening = Vec::new();
    for (j, id) in s.opening.iter().enumerate() {
        match index.get(id.as_str()) {
            Some(&f) if usize::from(f) < findings.len() => {
                if opening.contains(&f) {
                    report.add(
                        SETTINGS,
                        sp.join("opening").join(j),
                        format!("`{id}` is listed twice"),
                    );
                }
                opening.push(f);
            }
            Some(_) => report.add(
                SETTINGS,
                sp.join("opening").join(j),
                format!("`{id}` is derived and cannot be asked"),
            ),
            None => {
                let suggestion = suggestion_text(id, index.keys().copied());
                report.add(
                    SETTINGS,
                    sp.join("opening").join(j),
                    format!("unknown finding `{id}`{suggestion}"),
                );
            }
        }
    }
    if s.max_questions == 0 {
        report.add(
            SETTINGS,
            sp.join("max_questions"),
            "max_questions must be at least 1",
        );
    }
    if s.top_causes == 0 {
        report.add(
            SETTINGS,
            sp.join("top_causes"),
            "top_causes must be at least 1",
        );
    }
    if !(s.strong_support > 0.0 && s.strong_support <= 1.0) {
        report.add(
            SETTINGS,
            sp.join("strong_support"),
            "strong_support must be above 0 and at most 1",
        );
    }
    for (field, value) in [
        ("question_base_rate", s.question_base_rate),
        ("min_question_value", s.min_question_value),
    ] {
        if !(0.0..=1.0).contains(&value) {
            report.add(
                SETTINGS,
                sp.join(field),
                format!("{field} must be from 0 to 1"),
            );
        }
    }
    if !(0.0..=1.0).contains(&s.advice_min_score) {
        report.add(
            SETTINGS,
            sp.join("advice_min_score"),
            "advice_min_score must be from 0 to 1",
        );
    }
    non_empty(
        report,
        SETTINGS,
        sp.join("disclaimer"),
        &s.disclaimer,
        "disclaimer",
    );
    non_empty(
        report,
        SETTINGS,
        sp.join("emergency_note"),
        &s.emergency_note,
        "emergency_note",
    );
    for level in Urgency::ALL {
        let texts = s.urgency.get(level);
        let lp = sp.join("urgency").join(level.as_str());
        non_empty(report, SETTINGS, lp.join("title"), &texts.title, "title");
        non_empty(report, SETTINGS, lp.join("action"), &texts.action, "action");
    }

    RuleBase::new(
        facts,
        findings.len(),
        derived_order,
        red_flags,
        causes,
        advice,
        sources,
        s.clone(),
        opening,
    )
}

/// Orders derived facts so each follows those it uses; reports cycles.
fn order_derived(facts: &[Fact], n_findings: usize, report: &mut Report<'_>) -> Vec<FactId> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Visiting,
        Done,
    }
    let mut marks = vec![Mark::New; facts.len()];
    let mut order = Vec::new();
    let mut reported = false;

    fn visit(
        f: usize,
        facts: &[Fact],
        marks: &mut [Mark],
        order: &mut Vec<FactId>,
        trail: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        match marks[f] {
            Mark::Done => return None,
            Mark::Visiting => {
                let start = trail.iter().position(|&t| t == f).unwrap_or(0);
                return Some(trail[start..].to_vec());
            }
            Mark::New => {}
        }
        let FactBody::Derived { when, .. } = &facts[f].body else {
            marks[f] = Mark::Done;
            return None;
        };
        marks[f] = Mark::Visiting;
        trail.push(f);
        let mut used = Vec::new();
        when.visit_facts(false, &mut |u, _| used.push(usize::from(u)));
        for u in used {
            if let Some(cycle) = visit(u, facts, marks, order, trail) {
                return Some(cycle);
            }
        }
        trail.pop();
        marks[f] = Mark::Done;
        order.push(f as FactId);
        None
    }

    for d in n_findings..facts.len() {
        let mut trail = Vec::new();
        if let Some(cycle) = visit(d, facts, &mut marks, &mut order, &mut trail) {
            if !reported {
                let names: Vec<&str> = cycle
                    .iter()
                    .chain(cycle.first())
                    .map(|&c| facts[c].id.as_str())
                    .collect();
                report.add(
                    DERIVED,
                    path!["derived", cycle[0] - n_findings, "when"],
                    format!("derived facts form a cycle: {}", names.join(" -> ")),
                );
                reported = true;
            }
            // Leave the cycle marked so the rest can still be ordered.
            for c in cycle {
                marks[c] = Mark::Done;
            }
        }
    }
    order
}

/// The findings a condition depends on, expanding derived facts and groups.
fn base_findings(rb: &RuleBase, cond: &Cond, out: &mut Vec<FactId>) {
    let push = |f: FactId, out: &mut Vec<FactId>| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    rb.walk(cond, &mut |node, _| {
        let (Cond::Fact(f) | Cond::Number(f, _)) = node else {
            return;
        };
        if let Some(info) = rb.finding(*f) {
            push(*f, out);
            for &m in &info.members {
                push(m, out);
            }
            if let Some(g) = info.group {
                push(g, out);
            }
        }
    });
}

/// The most findings whose combinations the checker tries for one condition.
const MAX_ENUMERATED: usize = 14;

/// Assignments of answers that make `cond` true, simplest first.
fn satisfying(rb: &RuleBase, cond: &Cond) -> Result<Vec<Answers>, usize> {
    let mut vars = Vec::new();
    base_findings(rb, cond, &mut vars);
    let (numbers, flags): (Vec<FactId>, Vec<FactId>) = vars
        .into_iter()
        .partition(|&f| rb.finding(f).is_some_and(|i| i.kind == FindingKind::Number));
    if flags.len() > MAX_ENUMERATED {
        return Err(flags.len());
    }
    // Candidate values for each number: each threshold, and one either side.
    let mut thresholds: Vec<Vec<f64>> = vec![Vec::new(); numbers.len()];
    collect_thresholds(cond, rb, &numbers, &mut thresholds);
    let candidates: Vec<Vec<Option<f64>>> = numbers
        .iter()
        .zip(&thresholds)
        .map(|(&f, ts)| {
            let info = rb.finding(f);
            let lo = info.and_then(|i| i.min).unwrap_or(f64::MIN);
            let hi = info.and_then(|i| i.max).unwrap_or(f64::MAX);
            let mut values: Vec<Option<f64>> = vec![None];
            for &t in ts {
                for v in [t - 1.0, t, t + 1.0] {
                    if v >= lo && v <= hi && !values.contains(&Some(v)) {
                        values.push(Some(v));
                    }
                }
            }
            values
        })
        .collect();

    let mut found = Vec::new();
    // Fewest "yes" answers first, so the simplest cases are tried first.
    let mut masks: Vec<u32> = (0..1u32 << flags.len()).collect();
    masks.sort_by_key(|m| m.count_ones());
    let combos: usize = candidates.iter().map(Vec::len).product();
    for mask in masks {
        for k in 0..combos {
            let mut answers = Answers::new(rb);
            let mut ok = true;
            for (bit, &f) in flags.iter().enumerate() {
                let answer = if mask & (1 << bit) != 0 {
                    Answer::Yes
                } else {
                    Answer::No
                };
                ok &= answers.set(rb, f, answer).is_ok();
            }
            let mut rest = k;
            for (&f, values) in numbers.iter().zip(&candidates) {
                if let Some(v) = values[rest % values.len()] {
                    ok &= answers.set(rb, f, Answer::Number(v)).is_ok();
                }
                rest /= values.len();
            }
            if ok && cond.eval(&crate::engine::State::new(rb, &answers)) == Tri::Yes {
                found.push(answers);
                if found.len() >= 16 {
                    return Ok(found);
                }
            }
        }
    }
    Ok(found)
}

fn collect_thresholds(cond: &Cond, rb: &RuleBase, numbers: &[FactId], out: &mut [Vec<f64>]) {
    rb.walk(cond, &mut |node, _| {
        if let Cond::Number(f, bounds) = node {
            if let Some(i) = numbers.iter().position(|n| n == f) {
                out[i].extend(bounds.thresholds());
            }
        }
    });
}

/// Runs the interview, answering from `script` and with `fallback` for
/// anything the script does not say. Returns the questions asked in order.
pub fn simulate(rb: &RuleBase, script: &Answers, fallback: Answer) -> (Answers, Vec<FactId>) {
    let mut answers = Answers::new(rb);
    let mut asked = Vec::new();
    // Each question is answered once, so the interview cannot outlast the findings.
    for _ in 0..=rb.n_findings {
        let eval = Evaluation::new(rb, &answers);
        let Some(q) = select::next_question(rb, &answers, &eval) else {
            break;
        };
        asked.push(q);
        let answer = match script.get(q) {
            Some(a) => a,
            None => {
                let info = rb.finding(q);
                let is_group = info.is_some_and(|i| !i.members.is_empty());
                let is_number = info.is_some_and(|i| i.kind == FindingKind::Number);
                let member_yes = info.is_some_and(|i| {
                    i.members
                        .iter()
                        .any(|&m| script.get(m) == Some(Answer::Yes))
                });
                if is_group && member_yes {
                    Answer::Yes
                } else if is_number {
                    Answer::Unknown
                } else {
                    fallback
                }
            }
        };
        if answers.set(rb, q, answer).is_err() {
            break;
        }
    }
    (answers, asked)
}

/// The safety checks, on a rule base whose references all resolve.
fn check_safety(rb: &RuleBase, report: &mut Report<'_>) {
    // Every red flag can fire, and the interview reaches it.
    for (i, flag) in rb.red_flags.iter().enumerate() {
        let p = path!["red_flags", i, "when"];
        match satisfying(rb, &flag.when) {
            Err(n) => report.add(
                RED_FLAGS,
                p,
                format!(
                    "red flag `{}` depends on {n} findings, more than the {MAX_ENUMERATED} the checker can try; split it",
                    flag.id
                ),
            ),
            Ok(cases) if cases.is_empty() => report.add(
                RED_FLAGS,
                p,
                format!("red flag `{}` can never fire: no answers make its condition true", flag.id),
            ),
            Ok(cases) => {
                let reached = cases.iter().any(|script| {
                    let (answers, _) = simulate(rb, script, Answer::No);
                    Evaluation::new(rb, &answers).flags[i] == Tri::Yes
                });
                if !reached {
                    report.add(
                        RED_FLAGS,
                        p,
                        format!(
                            "red flag `{}` is never reached by the interview when the other questions are answered no",
                            flag.id
                        ),
                    );
                }
            }
        }
    }

    // Every cause can be supported by some answers.
    for (i, cause) in rb.causes.iter().enumerate() {
        let supported = cause
            .support
            .iter()
            .any(|w| satisfying(rb, &w.when).is_ok_and(|c| !c.is_empty()));
        if !supported {
            report.add(
                CAUSES,
                path!["causes", i, "support"],
                format!(
                    "cause `{}` can never be supported: no answers make any of its `support` true",
                    cause.id
                ),
            );
        }
    }

    // Emergency warning signs come before the first question that is not about safety.
    let safety: HashSet<FactId> = rb
        .findings()
        .filter(|&f| rb.opening.contains(&f) || !rb.flag_deps[usize::from(f)].is_empty())
        .collect();
    for fallback in [Answer::No, Answer::Unknown] {
        let (_, asked) = simulate(rb, &Answers::new(rb), fallback);
        let first_other = asked
            .iter()
            .position(|q| !safety.contains(q))
            .unwrap_or(asked.len());
        let mut answers = Answers::new(rb);
        for &q in &asked[..first_other] {
            let answer = match rb.finding(q).map(|i| i.kind) {
                Some(FindingKind::Number) => Answer::Unknown,
                _ => fallback,
            };
            let _ = answers.set(rb, q, answer);
        }
        let eval = Evaluation::new(rb, &answers);
        for (i, flag) in rb.red_flags.iter().enumerate() {
            if flag.urgency != Urgency::Emergency || eval.flags[i] != Tri::Unknown {
                continue;
            }
            let mut open = Vec::new();
            select::open_leaves(rb, &answers, &eval.state, &flag.when, &mut open);
            if !open.is_empty() {
                report.add(
                    RED_FLAGS,
                    path!["red_flags", i, "id"],
                    format!(
                        "emergency red flag `{}` is not screened before the first question that is not about safety (answering {fallback})",
                        flag.id
                    ),
                );
            }
        }
    }
}
