//! `rules list`: the vocabulary of a rule base, as text or a JSON array.

use std::fmt::Write as _;

use serde::Serialize;

use crate::output::view::AdviceView;
use crate::triage::explain::describe;
use crate::triage::rulebase::{Cite, FactBody, RuleBase};

fn source_ids(cites: &[Cite]) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for c in cites {
        if !ids.contains(&c.source.as_str()) {
            ids.push(&c.source);
        }
    }
    ids
}

/// What `rules list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Findings,
    Causes,
    RedFlags,
    Advice,
    Sources,
}

/// An advice item with the ids of its sources.
#[derive(Serialize)]
struct AdviceItem<'a> {
    #[serde(flatten)]
    advice: AdviceView<'a>,
    sources: Vec<&'a str>,
}

#[derive(Serialize)]
struct FindingItem<'a> {
    id: &'a str,
    label: &'a str,
    question: &'a str,
    help: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<&'a str>>,
}

#[derive(Serialize)]
struct CauseItem<'a> {
    id: &'a str,
    name: &'a str,
    urgency: &'a str,
    description: &'a str,
    sources: Vec<&'a str>,
}

#[derive(Serialize)]
struct RedFlagItem<'a> {
    id: &'a str,
    title: &'a str,
    urgency: &'a str,
    when: String,
    message: &'a str,
    sources: Vec<&'a str>,
}

#[derive(Serialize)]
struct SourceItem<'a> {
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u32>,
    covers: &'a str,
}

/// Renders one listing, as text or (with `json`) a JSON array.
pub fn render(rb: &RuleBase, what: ListKind, json: bool) -> serde_json::Result<String> {
    match what {
        ListKind::Findings => findings(rb, json),
        ListKind::Causes => causes(rb, json),
        ListKind::RedFlags => red_flags(rb, json),
        ListKind::Advice => advice(rb, json),
        ListKind::Sources => sources(rb, json),
    }
}

/// A listing as pretty JSON, with a newline.
fn pretty<T: Serialize>(items: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(items).map(|s| s + "\n")
}

/// The findings (and, in text, the derived facts).
fn findings(rb: &RuleBase, json: bool) -> serde_json::Result<String> {
    let mut out = String::new();
    let items: Vec<FindingItem<'_>> = rb
        .findings()
        .filter_map(|f| {
            let fact = rb.fact(f);
            let info = rb.finding(f)?;
            Some(FindingItem {
                id: &fact.id,
                label: &fact.label,
                question: &info.question,
                help: &info.help,
                kind: info.kind.as_str(),
                unit: info.unit.as_deref(),
                min: info.min,
                max: info.max,
                any_of: (!info.members.is_empty()).then(|| {
                    info.members
                        .iter()
                        .map(|&m| rb.fact(m).id.as_str())
                        .collect()
                }),
            })
        })
        .collect();
    if json {
        return pretty(&items);
    }
    for item in &items {
        let _ = writeln!(out, "{:<30} {:<7} {}", item.id, item.kind, item.question);
        if let Some(members) = &item.any_of {
            let _ = writeln!(out, "{:<30} {:<7} group of: {}", "", "", members.join(", "));
        }
    }
    let derived: Vec<_> = rb
        .facts
        .iter()
        .filter_map(|f| match &f.body {
            FactBody::Derived { when, .. } => Some((f, when)),
            FactBody::Finding(_) => None,
        })
        .collect();
    if !derived.is_empty() {
        let _ = writeln!(
            out,
            "\nDerived facts (concluded from answers, never asked):"
        );
        for (fact, when) in derived {
            let _ = writeln!(out, "{:<30} {}", fact.id, describe(rb, when, None));
        }
    }
    Ok(out)
}

/// The causes.
fn causes(rb: &RuleBase, json: bool) -> serde_json::Result<String> {
    let mut out = String::new();
    let items: Vec<CauseItem<'_>> = rb
        .causes
        .iter()
        .map(|c| CauseItem {
            id: &c.id,
            name: &c.name,
            urgency: c.urgency.as_str(),
            description: &c.description,
            sources: source_ids(&c.sources),
        })
        .collect();
    if json {
        return pretty(&items);
    }
    for c in &items {
        let _ = writeln!(
            out,
            "{:<24} {:<10} {}  [{}]",
            c.id,
            c.urgency,
            c.name,
            c.sources.join(", ")
        );
    }
    Ok(out)
}

/// The warning signs.
fn red_flags(rb: &RuleBase, json: bool) -> serde_json::Result<String> {
    let mut out = String::new();
    let items: Vec<RedFlagItem<'_>> = rb
        .red_flags
        .iter()
        .map(|r| RedFlagItem {
            id: &r.id,
            title: &r.title,
            urgency: r.urgency.as_str(),
            when: describe(rb, &r.when, None),
            message: &r.message,
            sources: source_ids(&r.sources),
        })
        .collect();
    if json {
        return pretty(&items);
    }
    for r in &items {
        let _ = writeln!(
            out,
            "{:<28} {:<10} {}  [{}]",
            r.id,
            r.urgency,
            r.title,
            r.sources.join(", ")
        );
        let _ = writeln!(out, "{:<28} {:<10} when {}", "", "", r.when);
    }
    Ok(out)
}

/// The advice.
fn advice(rb: &RuleBase, json: bool) -> serde_json::Result<String> {
    let mut out = String::new();
    let items: Vec<AdviceItem<'_>> = rb
        .advice
        .iter()
        .map(|a| AdviceItem {
            advice: AdviceView::of(a),
            sources: source_ids(&a.sources),
        })
        .collect();
    if json {
        return pretty(&items);
    }
    for a in &items {
        let _ = writeln!(
            out,
            "{:<26} {:<10} {}  [{}]",
            a.advice.id,
            a.advice.kind.as_str(),
            a.advice.title,
            a.sources.join(", ")
        );
    }
    Ok(out)
}

/// The sources.
fn sources(rb: &RuleBase, json: bool) -> serde_json::Result<String> {
    let mut out = String::new();
    let items: Vec<SourceItem<'_>> = rb
        .sources
        .iter()
        .map(|s| SourceItem {
            id: &s.id,
            kind: match s.kind {
                crate::triage::schema::SourceKind::Document => "document",
                crate::triage::schema::SourceKind::Guideline => "guideline",
            },
            title: &s.title,
            publisher: s.publisher.as_deref(),
            year: s.year,
            covers: &s.covers,
        })
        .collect();
    if json {
        return pretty(&items);
    }
    for s in &items {
        let _ = writeln!(out, "{:<28} {:<9} {}", s.id, s.kind, s.title);
    }
    Ok(out)
}
