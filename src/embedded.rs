//! The rule base of `rules/`, checked and compiled into the binary by `build.rs`.

use crate::triage::problem::RuleText;
use crate::triage::rulebase::RuleBase;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

static COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.bin"));

/// The embedded rule base, ready to use.
///
/// build.rs wrote these bytes from a rule base of this very build, so an
/// error here means a broken build, reported rather than panicked on.
pub fn rule_base() -> anyhow::Result<RuleBase> {
    let mut rb: RuleBase = postcard::from_bytes(COMPILED).map_err(|e| {
        anyhow::anyhow!("the embedded rule base does not decode ({e}): rebuild backtriage")
    })?;
    rb.build_index();
    Ok(rb)
}

/// The embedded rule base, decoded once, for unit tests.
#[cfg(test)]
pub(crate) fn for_tests() -> &'static RuleBase {
    static RB: std::sync::OnceLock<RuleBase> = std::sync::OnceLock::new();
    RB.get_or_init(|| rule_base().expect("the embedded rule base"))
}

/// For unit tests: an edit of one rule file's text, the file named by the
/// end of its path.
#[cfg(test)]
pub(crate) type Edit<'a> = (&'a str, &'a mut dyn FnMut(&mut String));

/// For unit tests: the rule base of `rules/` with some of its files
/// edited first; `None` when the result does not compile.
#[cfg(test)]
pub(crate) fn compile_edited(edits: &mut [Edit<'_>]) -> Option<RuleBase> {
    let mut texts = texts();
    for (name, edit) in edits.iter_mut() {
        let file = (texts.iter_mut())
            .find(|t| t.display.ends_with(*name))
            .unwrap_or_else(|| panic!("no rule file {name}"));
        edit(&mut file.text);
    }
    crate::triage::load::compile_texts(&texts).ok()
}

/// The embedded YAML texts, for `rules check` and `rules list`.
pub fn texts() -> Vec<RuleText> {
    RULE_TEXTS
        .iter()
        .map(|(display, text)| RuleText {
            display: (*display).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}
