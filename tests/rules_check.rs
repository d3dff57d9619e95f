//! `rules check`: a copy of the rule base broken in each way the checker
//! must catch, with the exact message and place it must report.

use crate::common::{Cmd, RulesCopy};

/// Asserts that checking `copy` fails with exactly `expected` as the problem
/// lines (the path of the copy stripped), then the count.
fn assert_problems(copy: &RulesCopy, expected: &[String]) {
    let out = copy.check();
    assert_eq!(out.code, 1, "a broken rule base must fail: {out:?}");
    let prefix = format!("{}/", copy.path().display());
    let got: Vec<String> = out
        .stdout
        .lines()
        .map(|l| l.replacen(&prefix, "", 1))
        .collect();
    let mut want: Vec<String> = expected.to_vec();
    want.push(format!(
        "{}: {} problem(s)",
        copy.path().display(),
        expected.len()
    ));
    assert_eq!(got, want);
}

#[test]
fn the_built_in_rule_base_is_sound() {
    let out = Cmd::new(["rules", "check"]).run();
    out.success();
    assert!(
        out.stdout.starts_with("rules/ (built in): ok ("),
        "{}",
        out.stdout
    );
}

#[test]
fn the_repository_rules_folder_is_sound() {
    let out = Cmd::new([
        "rules",
        "check",
        "--rules",
        crate::common::root().join("rules").to_str().unwrap(),
    ])
    .run();
    out.success();
}

#[test]
fn yaml_syntax_errors_point_at_the_place() {
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "  - id: lower_back_pain",
        "  - id: [lower_back_pain",
    );
    let line = copy.line_of("findings.yaml", "id: [lower_back_pain");
    assert_problems(
        &copy,
        &[format!(
            "findings.yaml:{line}:9: findings[1].id: invalid type: sequence, expected a string"
        )],
    );
    let copy = RulesCopy::new();
    copy.write("derived.yaml", "schema_version: 1\nderived: [\n  - id: x\n");
    assert_problems(
        &copy,
        &["derived.yaml:3:3: did not find expected node content".to_owned()],
    );
}

#[test]
fn unknown_fields_are_errors() {
    let copy = RulesCopy::new();
    copy.replace(
        "causes.yaml",
        "  - id: muscle_spasm\n",
        "  - id: muscle_spasm\n    colour: red\n",
    );
    let line = copy.line_of("causes.yaml", "colour: red");
    assert_problems(
        &copy,
        &[format!(
            "causes.yaml:{line}:5: causes[1]: unknown field `colour`, expected one of `id`, `name`, `description`, `urgency`, `urgency_when`, `support`, `against`, `confirm`, `treatments`, `sources`"
        )],
    );
}

#[test]
fn duplicate_ids_are_errors() {
    let copy = RulesCopy::new();
    copy.replace("advice.yaml", "  - id: ice_pack", "  - id: keep_moving");
    let line = copy.nth_line_of("advice.yaml", "id: keep_moving", 2);
    assert_problems(
        &copy,
        &[format!("advice.yaml:{line}:9: duplicate id `keep_moving`")],
    );
}

#[test]
fn a_derived_fact_may_not_reuse_a_finding_id() {
    let copy = RulesCopy::new();
    copy.replace(
        "derived.yaml",
        "  - id: mechanical_pattern",
        "  - id: fever",
    );
    let line = copy.line_of("derived.yaml", "id: fever");
    let out = copy.check();
    assert_eq!(out.code, 1);
    let first =
        out.stdout
            .lines()
            .next()
            .unwrap()
            .replacen(&format!("{}/", copy.path().display()), "", 1);
    assert_eq!(
        first,
        format!("derived.yaml:{line}:9: duplicate id `fever` (already used in findings.yaml)")
    );
}

#[test]
fn references_to_unknown_findings_are_errors_with_a_suggestion() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "[saddle_numbness, bladder_bowel_problems",
        "[saddle_numbnes, bladder_bowel_problems",
    );
    let line = copy.line_of("red_flags.yaml", "saddle_numbnes,");
    let col = copy
        .read("red_flags.yaml")
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("saddle_numbnes")
        .unwrap()
        + 1;
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:{col}: unknown finding `saddle_numbnes` (did you mean `saddle_numbness`?)"
        )],
    );
}

#[test]
fn references_to_unknown_causes_are_errors() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "causes: [cauda_equina_syndrome, herniated_disc]",
        "causes: [cauda_equina_syndrom, herniated_disc]",
    );
    let line = copy.line_of("red_flags.yaml", "cauda_equina_syndrom,");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:14: unknown cause `cauda_equina_syndrom` (did you mean `cauda_equina_syndrome`?)"
        )],
    );
}

#[test]
fn references_to_unknown_sources_are_errors() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "{id: nice_cks_sciatica, section: \"Interpreting",
        "{id: nice_cks_sciatic, section: \"Interpreting",
    );
    let line = copy.line_of("red_flags.yaml", "nice_cks_sciatic,");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:14: unknown source `nice_cks_sciatic` (did you mean `nice_cks_sciatica`?)"
        )],
    );
}

#[test]
fn a_rule_without_sources_is_an_error() {
    let copy = RulesCopy::new();
    let text = copy.read("derived.yaml");
    let start = text.find("  - id: mechanical_pattern").unwrap();
    let sources = start + text[start..].find("    sources:").unwrap();
    let end = sources + text[sources..].find("\n\n").unwrap();
    copy.write(
        "derived.yaml",
        &format!("{}    sources: []{}", &text[..sources], &text[end..]),
    );
    let line = copy.line_of("derived.yaml", "sources: []");
    assert_problems(
        &copy,
        &[format!(
            "derived.yaml:{line}:14: `mechanical_pattern` names no source: add at least one to `sources`"
        )],
    );
}

#[test]
fn a_cause_nothing_can_support_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "causes.yaml",
        "      - {when: muscle_tender_swollen, weight: 0.7}\n      - {when: {all: [muscle_tender_swollen, fever]}, weight: 0.2}",
        "      - {when: {all: [muscle_tender_swollen, {number: age, less_than: 10}, {number: age, at_least: 20}]}, weight: 0.7}",
    );
    let line = copy.line_of("causes.yaml", "{number: age, less_than: 10}");
    assert_problems(
        &copy,
        &[format!(
            "causes.yaml:{line}:7: cause `myositis` can never be supported: no answers make any of its `support` true"
        )],
    );
    let copy = RulesCopy::new();
    let text = copy.read("causes.yaml");
    let start = text.find("  - id: myositis").unwrap();
    let support = start + text[start..].find("    support:").unwrap();
    let against = support + text[support..].find("    against:").unwrap();
    copy.write(
        "causes.yaml",
        &format!("{}    support: []\n{}", &text[..support], &text[against..]),
    );
    let id_line = copy.line_of("causes.yaml", "id: myositis");
    assert_problems(
        &copy,
        &[format!(
            "causes.yaml:{id_line}:9: cause `myositis` has no `support`: no finding can support it"
        )],
    );
}

#[test]
fn a_red_flag_that_can_never_fire_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "when: {any: [saddle_numbness, bladder_bowel_problems, both_legs_affected, sexual_function_change]}",
        "when: {all: [saddle_numbness, {number: age, less_than: 10}, {number: age, at_least: 20}]}",
    );
    let line = copy.line_of("red_flags.yaml", "{number: age, less_than: 10}");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:11: red flag `cauda_equina` can never fire: no answers make its condition true"
        )],
    );
}

/// Issue 10: a condition that raises the urgency and needs a finding to be
/// absent lets "don't know" lower the urgency and a "yes" switch it off.
#[test]
fn a_condition_that_raises_the_urgency_may_not_need_a_finding_absent() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "        - first_episode\n",
        "        - {not: recurring_episodes}\n",
    );
    let line = copy.line_of("red_flags.yaml", "{not: recurring_episodes}") - 2;
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:7: red flag `age_new_pain` needs `recurring_episodes` to be absent: a \"yes\" would switch it off and a \"don't know\" would lower the urgency; name what must be present instead (see docs/rules.md, conditions that raise the urgency)"
        )],
    );
    // Through a derived fact, and in the support of a cause that needs a doctor.
    let copy = RulesCopy::new();
    copy.replace(
        "causes.yaml",
        "      - {when: older_age, weight: 0.15}\n",
        "      - {when: mechanical_pattern, weight: 0.15}\n",
    );
    let line = copy.nth_line_of("causes.yaml", "{when: mechanical_pattern, weight: 0.15}", 2);
    assert_problems(
        &copy,
        &[format!(
            "causes.yaml:{line}:16: cause `degenerative_spine` (doctor) is supported when `pain_at_rest_or_night` is absent: a \"yes\" would switch it off and a \"don't know\" would lower the urgency; name what must be present instead (see docs/rules.md, conditions that raise the urgency)"
        )],
    );
    // Evidence against a cause, and the support of a self-care cause, may.
    let copy = RulesCopy::new();
    copy.replace(
        "causes.yaml",
        "      - {when: colicky_pain, weight: 0.4}\n",
        "      - {when: {not: mechanical_pattern}, weight: 0.4}\n",
    );
    assert_eq!(copy.check().code, 0);
}

#[test]
fn a_number_condition_beyond_the_finding_range_can_never_fire() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "when: {any: [saddle_numbness, bladder_bowel_problems, both_legs_affected, sexual_function_change]}",
        "when: {number: age, more_than: 150}",
    );
    let line = copy.line_of("red_flags.yaml", "more_than: 150");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:11: red flag `cauda_equina` can never fire: no answers make its condition true"
        )],
    );
}

#[test]
fn invalid_urgency_levels_are_errors() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "    urgency: emergency",
        "    urgency: soon",
    );
    let line = copy.line_of("red_flags.yaml", "urgency: soon");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:14: red_flags[0].urgency: unknown variant `soon`, expected one of `self_care`, `doctor`, `urgent`, `emergency`"
        )],
    );
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "    urgency: emergency",
        "    urgency: self_care",
    );
    let line = copy.line_of("red_flags.yaml", "urgency: self_care");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:14: invalid urgency `self_care` for a red flag: use emergency, urgent or doctor"
        )],
    );
}

#[test]
fn empty_texts_are_errors() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "    title: Possible pressure on the nerves at the base of the spine (cauda equina syndrome)",
        "    title: \"  \"",
    );
    let line = copy.line_of("red_flags.yaml", "title: \"  \"");
    assert_problems(
        &copy,
        &[format!("red_flags.yaml:{line}:12: title is empty")],
    );
    let copy = RulesCopy::new();
    copy.replace(
        "settings.yaml",
        "      title: Get emergency help now",
        "      title: \"\"",
    );
    let line = copy.line_of("settings.yaml", "title: \"\"");
    assert_problems(&copy, &[format!("settings.yaml:{line}:14: title is empty")]);
}

#[test]
fn a_cycle_of_derived_facts_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "derived.yaml",
        "when: {all: [worse_with_movement, {not: pain_at_rest_or_night}]}",
        "when: {all: [worse_with_movement, acute_onset]}",
    );
    copy.replace(
        "derived.yaml",
        "when: {number: days, less_than: 14}",
        "when: {any: [mechanical_pattern]}",
    );
    let line = copy.line_of(
        "derived.yaml",
        "when: {all: [worse_with_movement, acute_onset]}",
    );
    assert_problems(
        &copy,
        &[format!(
            "derived.yaml:{line}:11: derived facts form a cycle: mechanical_pattern -> acute_onset -> mechanical_pattern"
        )],
    );
}

#[test]
fn an_unsupported_schema_version_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace("advice.yaml", "schema_version: 1", "schema_version: 2");
    assert_problems(
        &copy,
        &["advice.yaml:1:17: schema_version 2 is not supported (this build reads 1)".to_owned()],
    );
}

#[test]
fn a_number_finding_used_as_yes_no_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "derived.yaml",
        "when: {number: days, less_than: 14}",
        "when: days",
    );
    let line = copy.line_of("derived.yaml", "when: days");
    assert_problems(
        &copy,
        &[format!(
            "derived.yaml:{line}:11: `days` is a number: compare it, as in `{{number: days, at_least: ...}}`"
        )],
    );
}

#[test]
fn group_mistakes_are_errors() {
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "any_of: [lower_back_pain, upper_back_pain, flank_pain]",
        "any_of: [lower_back_pain, upper_back_pain, flank_pain, fever, age]",
    );
    let line = copy.line_of(
        "findings.yaml",
        "any_of: [lower_back_pain, upper_back_pain, flank_pain, fever, age]",
    );
    let fever = copy
        .read("findings.yaml")
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("fever")
        .unwrap()
        + 1;
    let age = copy
        .read("findings.yaml")
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("age]")
        .unwrap()
        + 1;
    let fever_group_line = copy.line_of("findings.yaml", "any_of: [fever,");
    assert!(
        fever_group_line > line,
        "fever's own group comes later in the file"
    );
    let out = copy.check();
    assert_eq!(out.code, 1);
    let text = out
        .stdout
        .replace(&format!("{}/", copy.path().display()), "");
    assert!(
        text.contains(&format!(
            "findings.yaml:{line}:{age}: `age` is a number: a group's members are yes/no findings"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("findings.yaml:{fever_group_line}:"))
            || text.contains(&format!("findings.yaml:{line}:{fever}:")),
        "fever in two groups is reported: {text}"
    );
    assert!(
        text.contains("is already in group `pain_location`"),
        "{text}"
    );
}

#[test]
fn a_missing_or_unexpected_file_is_an_error() {
    let copy = RulesCopy::new();
    std::fs::remove_file(copy.file("advice.yaml")).unwrap();
    std::fs::write(copy.file("advise.yaml"), "x: 1\n").unwrap();
    let out = copy.check();
    assert_eq!(out.code, 1);
    let dir = copy.path().display().to_string();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        [
            format!(
                "{dir}/advise.yaml: unexpected rule file: a rule base has exactly sources.yaml, findings.yaml, derived.yaml, red_flags.yaml, causes.yaml, advice.yaml, settings.yaml, messages.yaml"
            ),
            format!("{dir}/advice.yaml: missing: every rule base needs this file"),
            format!("{dir}: 2 problem(s)"),
        ]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "[saddle_numbness, bladder_bowel_problems",
        "[saddle_numbnes, bladder_bowel_problems",
    );
    copy.replace(
        "settings.yaml",
        "      title: Get emergency help now",
        "      title: \"\"",
    );
    let flag_line = copy.line_of("red_flags.yaml", "saddle_numbnes,");
    let title_line = copy.line_of("settings.yaml", "title: \"\"");
    assert_problems(
        &copy,
        &[
            format!(
                "red_flags.yaml:{flag_line}:18: unknown finding `saddle_numbnes` (did you mean `saddle_numbness`?)"
            ),
            format!("settings.yaml:{title_line}:14: title is empty"),
        ],
    );
}

#[test]
fn a_red_flag_the_interview_never_reaches_is_an_error() {
    // It needs chest pain, whose "yes" stops the interview at once (an
    // emergency), so the stress question that would fire it never comes.
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "  - id: leg_weakness\n",
        "  - id: chest_pain_and_stress\n    title: Chest pain with stress\n    urgency: urgent\n    when: {all: [chest_pain, stress]}\n    message: See a doctor today.\n    sources: [nice_ng59]\n\n  - id: leg_weakness\n",
    );
    let line = copy.line_of("red_flags.yaml", "when: {all: [chest_pain, stress]}");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:11: red flag `chest_pain_and_stress` is never reached by the interview when the other questions are answered no"
        )],
    );
}

/// The message for a character a terminal would act on, as `rules check` gives it.
fn acts_on_terminal(what: &str, kind: &str, code: &str, at: usize) -> String {
    format!(
        "{what} contains {kind} ({code}, character {at}): it could hide or change what a terminal shows; remove it"
    )
}

// Issue 17: a title `"\e[8mGet emergency help now\e[0m"` passed the checker
// and was invisible on screen.
#[test]
fn an_escape_sequence_in_a_rule_text_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "settings.yaml",
        "      title: Get emergency help now",
        "      title: \"\\e[8mGet emergency help now\\e[0m\"",
    );
    let line = copy.line_of("settings.yaml", "Get emergency help now");
    assert_problems(
        &copy,
        &[format!(
            "settings.yaml:{line}:14: {}",
            acts_on_terminal("title", "a C0 control character", "U+001B", 1)
        )],
    );
}

// Issue 17: a message could clear the line and print "All fine" over it.
#[test]
fn a_c1_control_or_carriage_return_in_a_rule_text_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "red_flags.yaml",
        "    message: >-\n      Go to an emergency department now, or call your emergency number.",
        "    message: \"\\x9b2KAll fine, no action needed.\n      Go to an emergency department now, or call your emergency number.",
    );
    copy.replace(
        "red_flags.yaml",
        "treatment within hours can save them.\n",
        "treatment within hours can save them.\"\n",
    );
    let line = copy.line_of("red_flags.yaml", "All fine, no action needed");
    assert_problems(
        &copy,
        &[format!(
            "red_flags.yaml:{line}:14: {}",
            acts_on_terminal("message", "a C1 control character", "U+009B", 1)
        )],
    );
    let copy = RulesCopy::new();
    copy.replace(
        "causes.yaml",
        "    name: Muscle strain",
        "    name: \"Muscle strain\\rAll fine\"",
    );
    let line = copy.line_of("causes.yaml", "Muscle strain\\rAll fine");
    assert_problems(
        &copy,
        &[format!(
            "causes.yaml:{line}:11: {}",
            acts_on_terminal("name", "a C0 control character", "U+000D", 14)
        )],
    );
}

#[test]
fn del_in_a_rule_text_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    question: Is the pain in your lower back?",
        "    question: \"Is the pain in your lower back?\\x7f\"",
    );
    let line = copy.line_of("findings.yaml", "Is the pain in your lower back?");
    assert_problems(
        &copy,
        &[format!(
            "findings.yaml:{line}:15: {}",
            acts_on_terminal("question", "DEL", "U+007F", 32)
        )],
    );
}

#[test]
fn a_bidirectional_control_in_a_rule_text_is_an_error() {
    // U+202E shows what follows right to left: "yad a ecno" reads "once a day".
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    help: Your age in whole years.",
        "    help: Your age in whole years.\u{202e} sraey ni",
    );
    let line = copy.line_of("findings.yaml", "Your age in whole years.");
    assert_problems(
        &copy,
        &[format!(
            "findings.yaml:{line}:11: {}",
            acts_on_terminal("help", "a bidirectional control", "U+202E", 25)
        )],
    );
}

#[test]
fn a_tab_in_a_rule_text_is_an_error() {
    let copy = RulesCopy::new();
    copy.replace(
        "causes.yaml",
        "    name: Muscle strain",
        "    name: \"Muscle\\tstrain\"",
    );
    let line = copy.line_of("causes.yaml", "Muscle\\tstrain");
    assert_problems(
        &copy,
        &[format!(
            "causes.yaml:{line}:11: {}",
            acts_on_terminal("name", "a C0 control character", "U+0009", 7)
        )],
    );
}

// A line break in a checklist item could pose as another item of the list.
#[test]
fn a_line_break_in_a_one_line_text_is_an_error_but_not_in_help() {
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    question: Is the pain in your lower back?",
        "    question: \"Is the pain in your lower back?\\n  4. Is it only a mild ache?\"",
    );
    let line = copy.line_of("findings.yaml", "Is the pain in your lower back?");
    assert_problems(
        &copy,
        &[format!(
            "findings.yaml:{line}:15: question must be one line: it has a line break (character 32)"
        )],
    );
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    help: Your age in whole years.",
        "    help: \"Your age\\nin whole years.\"",
    );
    copy.check().success();
}

/// Every kind of text a rule file holds, found by the first line holding
/// `needle` (after `after`, when given): a bidi control is put at the start
/// of its value, and `rules check` must refuse it at that line.
#[test]
fn every_text_of_every_rule_file_is_checked() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("sources.yaml", "", "    title: ", "title"),
        ("sources.yaml", "", "    covers: ", "covers"),
        ("sources.yaml", "", "    publisher: ", "publisher"),
        ("sources.yaml", "", "    url: ", "url"),
        ("findings.yaml", "", "    label: ", "label"),
        ("findings.yaml", "", "    question: ", "question"),
        ("findings.yaml", "", "    help: ", "help"),
        ("findings.yaml", "", "    unit: ", "unit"),
        ("derived.yaml", "", "    label: ", "label"),
        ("red_flags.yaml", "", "    title: ", "title"),
        ("red_flags.yaml", "", "    message: ", "message"),
        ("red_flags.yaml", "", "section: \"", "source section"),
        ("causes.yaml", "", "    name: ", "name"),
        ("causes.yaml", "", "    description: ", "description"),
        ("causes.yaml", "    confirm:", "      - ", "confirm"),
        ("causes.yaml", "    treatments:", "      - ", "treatments"),
        ("advice.yaml", "", "    title: ", "title"),
        ("advice.yaml", "", "    text: ", "text"),
        ("advice.yaml", "    steps:", "      - ", "step"),
        ("settings.yaml", "", "  disclaimer: ", "disclaimer"),
        ("settings.yaml", "", "  emergency_note: ", "emergency_note"),
        ("settings.yaml", "    emergency:", "      title: ", "title"),
        (
            "settings.yaml",
            "    emergency:",
            "      action: ",
            "action",
        ),
        ("settings.yaml", "  not_finished:", "    title: ", "title"),
        ("settings.yaml", "  not_finished:", "    action: ", "action"),
    ];
    for &(file, after, needle, what) in cases {
        let copy = RulesCopy::new();
        let text = copy.read(file);
        let from = text.find(after).unwrap();
        let at = from + text[from..].find(needle).unwrap() + needle.len();
        // A folded text starts (and is reported) on the next line; a quoted
        // one after its quote.
        let at = if text[at..].starts_with(">-") {
            let next = at + text[at..].find('\n').unwrap() + 1;
            next + text[next..].len() - text[next..].trim_start().len()
        } else if text[at..].starts_with('"') {
            at + 1
        } else {
            at
        };
        let line = text[..at].lines().count();
        copy.write(file, &format!("{}\u{2067}{}", &text[..at], &text[at..]));
        let out = copy.check();
        assert_eq!(out.code, 1, "{file} {needle}: {out:?}");
        let first = out.stdout.lines().next().unwrap();
        let prefix = format!("{}:{line}:", copy.file(file).display());
        assert!(
            first.starts_with(&prefix)
                && first.contains(&format!("{what} contains a bidirectional control (U+2067")),
            "{file} {needle}: {first}"
        );
        assert_eq!(
            out.stdout.lines().count(),
            2,
            "{file} {needle}: {}",
            out.stdout
        );
    }
}

/// Issue 17: no wording of a group may hide a member. Its checklist shows
/// every member's own question, so `rules check` refuses a group whose
/// checklist could not show each member readably.
#[test]
fn a_group_whose_checklist_would_not_show_every_member_is_an_error() {
    // More members than a checklist shows.
    let copy = RulesCopy::new();
    let extra: String = (0..3)
        .map(|i| format!("  - {{id: extra_{i}, label: Extra {i}, question: Extra question {i}?, help: Extra help.}}\n"))
        .collect();
    copy.write(
        "findings.yaml",
        &format!("{}\n{extra}", copy.read("findings.yaml")),
    );
    copy.replace(
        "findings.yaml",
        "known_aneurysm, recent_spinal_procedure, recent_infection, major_trauma, minor_trauma, pregnant]",
        "known_aneurysm, recent_spinal_procedure, recent_infection, major_trauma, minor_trauma, pregnant, extra_0, extra_1, extra_2]",
    );
    let line = copy.line_of("findings.yaml", "extra_0, extra_1, extra_2]");
    assert_problems(
        &copy,
        &[format!(
            "findings.yaml:{line}:13: group `health_background` has 13 members: a checklist shows at most 12, so that each can be read; split it"
        )],
    );
    // Two members that read alike: one hides the other.
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    question: Have you had new trouble passing urine, leaked urine, or lost control of your bowels?",
        "    question: do you have numbness or tingling around your genitals, your bottom or your inner thighs",
    );
    let line = copy.line_of(
        "findings.yaml",
        "any_of: [saddle_numbness, bladder_bowel_problems",
    );
    let col = copy
        .read("findings.yaml")
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("bladder_bowel_problems")
        .unwrap()
        + 1;
    assert_problems(
        &copy,
        &[format!(
            "findings.yaml:{line}:{col}: `bladder_bowel_problems` asks the same question as `saddle_numbness` in group `nerve_warning_signs`: each checklist item must say in its own words what it asks"
        )],
    );
    // A member whose question is blank shows nothing.
    let copy = RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    question: Do you have numbness or tingling around your genitals, your bottom or your inner thighs?",
        "    question: \" \"",
    );
    let line = copy.line_of("findings.yaml", "question: \" \"");
    assert_problems(
        &copy,
        &[format!("findings.yaml:{line}:15: question is empty")],
    );
}
