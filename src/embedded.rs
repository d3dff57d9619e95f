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
