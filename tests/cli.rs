//! The command line: help, version, completions, man page, colour, exit
//! codes, and the rule base that travels inside the binary.

use crate::common::{Cmd, RulesCopy};

#[test]
fn help_shows_the_commands_and_examples() {
    let out = Cmd::new(["--help"]).run();
    out.success();
    for word in [
        "interview",
        "assess",
        "rules",
        "completions",
        "man",
        "--rules",
        "--color",
    ] {
        assert!(out.stdout.contains(word), "help lacks {word}");
    }
    assert!(out.stdout.contains("Examples:"));
    assert!(out.stdout.contains("not a diagnosis"));
}

#[test]
fn assess_help_explains_that_missing_answers_are_unknown() {
    let out = Cmd::new(["assess", "--help"]).run();
    out.success();
    assert!(out.stdout.contains("--yes"));
    assert!(out.stdout.contains("neither present nor absent"));
}

#[test]
fn version_is_the_crate_version() {
    let out = Cmd::new(["--version"]).run();
    out.success();
    assert_eq!(
        out.stdout.trim(),
        format!("backtriage {}", env!("CARGO_PKG_VERSION"))
    );
}

/// The levels `--fail-on` takes, which every script must offer.
const LEVELS: [&str; 4] = ["emergency", "urgent", "doctor", "self_care"];

#[test]
fn completion_scripts_know_the_finding_ids_and_the_levels() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Cmd::new(["completions", shell]).run();
        out.success();
        for word in [
            "saddle_numbness",
            "lifting_or_strain",
            "fever=yes",
            "fever=unknown",
        ] {
            assert!(out.stdout.contains(word), "{shell}: no {word}");
        }
        for level in LEVELS {
            assert!(out.stdout.contains(level), "{shell}: no {level}");
        }
    }
}

#[test]
fn bash_completes_ids_after_yes_and_answer_and_levels_after_fail_on() {
    let out = Cmd::new(["completions", "bash"]).run();
    out.success();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("backtriage.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    // bash 4+ passes the command, the word and the previous word.
    let complete = |words: &[&str]| {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let program = format!(
            "source {}; COMP_WORDS=({}); COMP_CWORD={}; _backtriage backtriage {} {}; \
             echo \"${{COMPREPLY[@]}}\"",
            script.display(),
            quoted.join(" "),
            words.len() - 1,
            quoted[words.len() - 1],
            quoted[words.len() - 2],
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "-c", &program])
            .output()
            .expect("bash runs");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    assert_eq!(
        complete(&["backtriage", "assess", "--yes", "sadd"]),
        "saddle_numbness"
    );
    assert_eq!(
        complete(&["backtriage", "assess", "--unknown", "ag"]),
        "age"
    );
    assert_eq!(
        complete(&["backtriage", "assess", "--answer", "fev"]),
        "fever=yes fever=no fever=unknown"
    );
    assert_eq!(
        complete(&["backtriage", "assess", "--fail-on", ""]),
        LEVELS.join(" ")
    );
}

#[test]
fn completions_do_not_narrow_what_the_command_line_takes() {
    // Ids are possible values only in the script: comma lists still parse,
    // and a wrong id still gets backtriage's own message.
    Cmd::new(["assess", "--yes", "lower_back_pain,lifting_or_strain"])
        .run()
        .success();
    Cmd::new(["assess", "--yes", "fevr"])
        .run()
        .usage_error("did you mean 'fever'?");
}

#[test]
fn completions_print_a_real_script() {
    let out = Cmd::new(["completions", "bash"]).run();
    out.success();
    assert!(
        out.stdout.contains("complete -F"),
        "not a bash completion script"
    );
    assert!(out.stdout.contains("assess"));
    let zsh = Cmd::new(["completions", "zsh"]).run();
    zsh.success();
    assert!(zsh.stdout.starts_with("#compdef backtriage"));
}

#[test]
fn man_prints_a_roff_page() {
    let out = Cmd::new(["man"]).run();
    out.success();
    assert!(out.stdout.contains(".TH backtriage 1"));
    assert!(out.stdout.contains(".SH NAME"));
}

/// The sections every page has, beyond clap_mangen's own.
const MAN_SECTIONS: [&str; 8] = [
    ".SH NAME",
    ".SH SYNOPSIS",
    ".SH DESCRIPTION",
    ".SH \"EXIT STATUS\"",
    ".SH ENVIRONMENT",
    ".SH NOTES",
    ".SH EXAMPLES",
    ".SH \"SEE ALSO\"",
];

#[test]
fn man_dir_writes_a_page_per_command_with_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let out = Cmd::new(["man", "--dir", target.to_str().unwrap()]).run();
    out.success();
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "backtriage-assess.1",
            "backtriage-completions.1",
            "backtriage-interview.1",
            "backtriage-man.1",
            "backtriage-rules-check.1",
            "backtriage-rules-export.1",
            "backtriage-rules-list.1",
            "backtriage-rules-test.1",
            "backtriage-rules.1",
            "backtriage-schema.1",
            "backtriage.1",
        ]
    );
    assert_eq!(
        out.stdout.lines().count(),
        names.len(),
        "each file is listed"
    );
    for name in &names {
        let page = std::fs::read_to_string(target.join(name)).unwrap();
        let title = name.trim_end_matches(".1");
        assert!(page.contains(&format!(".TH {title} 1 ")), "{name}: title");
        let mut at = 0;
        for section in MAN_SECTIONS {
            let found = page[at..]
                .find(section)
                .unwrap_or_else(|| panic!("{name}: no {section} after byte {at}"));
            at += found;
        }
        for code in ["0", "1", "2", "3", "130"] {
            assert!(
                page.contains(&format!(".TP\n\\fB{code}\\fR\n")),
                "{name}: exit {code}"
            );
        }
        for var in ["NO_COLOR", "CLICOLOR_FORCE", "TERM"] {
            assert!(page.contains(&format!("\\fB{var}\\fR")), "{name}: {var}");
        }
        assert!(page.contains("not a diagnosis"), "{name}: the disclaimer");
        assert_eq!(
            page.matches(".ie \\n(.g").count(),
            1,
            "{name}: one preamble"
        );
    }
    let assess = std::fs::read_to_string(target.join("backtriage-assess.1")).unwrap();
    assert!(
        assess.contains("\\-\\-fail\\-on"),
        "assess documents --fail-on"
    );
    // SEE ALSO: up to the parent, down to the children.
    assert!(assess.contains("\\fBbacktriage\\fR(1)"));
    let rules = std::fs::read_to_string(target.join("backtriage-rules.1")).unwrap();
    assert!(rules.contains("\\fBbacktriage\\-rules\\-check\\fR(1),"));
    let top = std::fs::read_to_string(target.join("backtriage.1")).unwrap();
    assert!(top.contains("\\fBbacktriage\\-assess\\fR(1),"));
    // `man` alone still prints the tool's page: the same one.
    assert_eq!(Cmd::new(["man"]).run().stdout, top);
}

#[test]
fn man_dir_into_a_file_is_a_one_line_failure() {
    let file = tempfile::NamedTempFile::new().unwrap();
    Cmd::new(["man", "--dir", file.path().to_str().unwrap()])
        .run()
        .failure("cannot write the man pages into");
}

#[test]
fn an_unknown_flag_is_a_usage_error_with_clap_s_whole_message() {
    Cmd::new(["--bogus"])
        .run()
        .clap_usage_error(&["unexpected argument '--bogus'", "Usage: backtriage"]);
    Cmd::new(["assess", "--frobnicate"])
        .run()
        .clap_usage_error(&["'--frobnicate'", "Usage: backtriage assess"]);
}

#[test]
fn an_unknown_subcommand_is_a_usage_error_with_clap_s_whole_message() {
    Cmd::new(["diagnose"])
        .run()
        .clap_usage_error(&["unrecognized subcommand 'diagnose'"]);
}

#[test]
fn a_bad_color_value_is_a_usage_error_listing_the_values() {
    Cmd::new(["--color", "sometimes", "assess"])
        .run()
        .clap_usage_error(&["sometimes", "[possible values: auto, always, never]"]);
}

// Regression (issue 15): clap's errors were cut to their first line, which
// lost the missing argument's name, the "similar ... exists" tip, and the
// possible values.

#[test]
fn a_missing_argument_is_named() {
    Cmd::new(["rules", "list"]).run().clap_usage_error(&[
        "the following required arguments were not provided:",
        "<WHAT>",
        "Usage: backtriage rules list <WHAT>",
    ]);
}

#[test]
fn a_mistyped_subcommand_gets_clap_s_tip() {
    Cmd::new(["asess"]).run().clap_usage_error(&[
        "unrecognized subcommand 'asess'",
        "tip: a similar subcommand exists: 'assess'",
    ]);
}

#[test]
fn a_mistyped_flag_gets_clap_s_tip() {
    Cmd::new(["--colour", "never"]).run().clap_usage_error(&[
        "unexpected argument '--colour'",
        "tip: a similar argument exists: '--color'",
    ]);
}

#[test]
fn a_mistyped_value_gets_the_possible_values_and_the_tip() {
    Cmd::new(["assess", "--format", "jsn"])
        .run()
        .clap_usage_error(&[
            "invalid value 'jsn' for '--format <FORMAT>'",
            "[possible values: text, json, markdown, fhir]",
            "tip: a similar value exists: 'json'",
        ]);
}

#[test]
fn clap_s_errors_are_plain_into_a_pipe_and_coloured_when_asked() {
    let plain = Cmd::new(["asess"]).run();
    assert!(!plain.stderr.contains(ESC), "{plain:?}");
    let coloured = Cmd::new(["--color", "always", "asess"]).run();
    assert_eq!(coloured.code, 2);
    assert!(coloured.stderr.contains(ESC), "{coloured:?}");
}

const ESC: char = '\u{1b}';

#[test]
fn color_never_writes_no_escape_codes() {
    let out = Cmd::new(["--color", "never", "assess", "--yes", "saddle_numbness"]).run();
    out.success();
    assert!(!out.stdout.contains(ESC), "escape codes with --color never");
}

#[test]
fn color_always_colours_even_into_a_pipe_and_over_no_color() {
    let out = Cmd::new(["--color", "always", "assess", "--yes", "saddle_numbness"])
        .env("NO_COLOR", "1")
        .run();
    out.success();
    assert!(out.stdout.contains(ESC), "no colour with --color always");
}

#[test]
fn auto_colour_stays_off_in_a_pipe() {
    let out = Cmd::new(["assess", "--yes", "saddle_numbness"]).run();
    out.success();
    assert!(!out.stdout.contains(ESC));
}

// Colour follows anstream's rules (issue 15): each rule through the real
// binary. `Cmd` removes NO_COLOR, CLICOLOR_FORCE and CLICOLOR unless a test
// sets them.

fn coloured(out: &crate::common::Out) -> bool {
    out.success();
    out.stdout.contains(ESC)
}

const STRAIN: [&str; 3] = ["assess", "--yes", "saddle_numbness"];

#[test]
fn clicolor_force_colours_a_pipe() {
    assert!(coloured(&Cmd::new(STRAIN).env("CLICOLOR_FORCE", "1").run()));
}

#[test]
fn clicolor_force_empty_or_zero_does_not_force() {
    assert!(!coloured(
        &Cmd::new(STRAIN).env("CLICOLOR_FORCE", "0").run()
    ));
    assert!(!coloured(&Cmd::new(STRAIN).env("CLICOLOR_FORCE", "").run()));
}

#[test]
fn no_color_wins_over_clicolor_force() {
    let out = Cmd::new(STRAIN)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .run();
    assert!(!coloured(&out));
}

#[test]
fn an_empty_no_color_is_ignored() {
    let out = Cmd::new(STRAIN)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "")
        .run();
    assert!(coloured(&out));
}

#[test]
fn color_never_wins_over_clicolor_force() {
    let out = Cmd::new(["--color", "never", "assess", "--yes", "saddle_numbness"])
        .env("CLICOLOR_FORCE", "1")
        .run();
    assert!(!coloured(&out));
}

mod terminal {
    //! `auto` on a real pseudo-terminal, with a clean environment (no CI,
    //! whose presence anstream's rules let colour a terminal without TERM).

    use super::{ESC, STRAIN};
    use crate::common::BIN;
    use expectrl::{Eof, Expect, Session};

    fn screen(env: &[(&str, &str)]) -> String {
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(STRAIN).env_clear();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut session = Session::spawn(cmd).expect("a pseudo-terminal");
        session.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
        let all = session.expect(Eof).expect("the assessment, then the end");
        String::from_utf8_lossy(all.as_bytes()).into_owned()
    }

    #[test]
    fn a_terminal_with_a_term_is_coloured() {
        let out = screen(&[("TERM", "xterm-256color")]);
        assert!(out.contains("EMERGENCY") && out.contains(ESC), "{out:?}");
    }

    #[test]
    fn term_dumb_or_no_term_turns_auto_off() {
        for env in [&[("TERM", "dumb")][..], &[]] {
            let out = screen(env);
            assert!(
                out.contains("EMERGENCY") && !out.contains(ESC),
                "{env:?}: {out:?}"
            );
        }
    }

    #[test]
    fn no_color_or_clicolor_zero_turns_a_terminal_off() {
        for env in [("NO_COLOR", "1"), ("CLICOLOR", "0")] {
            let out = screen(&[("TERM", "xterm-256color"), env]);
            assert!(
                out.contains("EMERGENCY") && !out.contains(ESC),
                "{env:?}: {out:?}"
            );
        }
    }

    #[test]
    fn clap_s_errors_follow_the_same_rules() {
        for (term, colour) in [("dumb", false), ("xterm-256color", true)] {
            let mut cmd = std::process::Command::new(BIN);
            cmd.arg("asess").env_clear().env("TERM", term);
            let mut session = Session::spawn(cmd).expect("a pseudo-terminal");
            let all = session.expect(Eof).expect("the error, then the end");
            let out = String::from_utf8_lossy(all.as_bytes()).into_owned();
            assert!(out.contains("a similar subcommand"), "{out:?}");
            assert_eq!(out.contains(ESC), colour, "TERM={term}: {out:?}");
        }
    }
}

#[test]
fn json_never_carries_colour() {
    let out = Cmd::new([
        "--color", "always", "assess", "--yes", "fever", "--format", "json",
    ])
    .run();
    out.success();
    assert!(!out.stdout.contains(ESC));
    let _: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
}

#[test]
fn the_binary_works_from_any_folder_with_its_built_in_rules() {
    let elsewhere = tempfile::tempdir().expect("a temporary folder");
    let out = Cmd::new(["assess", "--yes", "lifting_or_strain", "--format", "json"])
        .dir(elsewhere.path())
        .run();
    out.success();
    assert!(out.stdout.contains("\"muscle_strain\""));
}

#[test]
fn rules_dir_overrides_the_built_in_rule_base() {
    let copy = RulesCopy::new();
    copy.replace(
        "settings.yaml",
        "This is not a diagnosis.",
        "Not a diagnosis (test copy).",
    );
    let out = Cmd::new([
        "--rules",
        copy.path().to_str().unwrap(),
        "assess",
        "--details",
        "--yes",
        "fever",
    ])
    .run();
    out.success();
    assert!(out.stdout.contains("Not a diagnosis (test copy)."));
}

#[test]
fn a_missing_rules_folder_is_a_one_line_failure() {
    Cmd::new(["--rules", "/no/such/folder", "assess"])
        .run()
        .failure("/no/such/folder: no such folder");
}

#[test]
fn an_empty_rules_folder_is_a_one_line_failure() {
    let empty = tempfile::tempdir().unwrap();
    Cmd::new(["--rules", empty.path().to_str().unwrap(), "assess"])
        .run()
        .failure("the folder is empty");
}

#[test]
fn a_broken_rules_folder_names_the_first_problem_and_how_to_see_all() {
    let copy = RulesCopy::new();
    copy.replace("red_flags.yaml", "urgency: emergency", "urgency: whenever");
    copy.replace(
        "causes.yaml",
        "- id: muscle_strain",
        "- id: muscle_strain\n    bogus: 1",
    );
    let out = Cmd::new(["--rules", copy.path().to_str().unwrap(), "assess"]).run();
    out.failure("cannot use the rule base");
    assert!(
        out.stderr
            .contains("and 1 more; see 'backtriage rules check --rules")
    );
}

#[test]
fn output_into_a_closed_pipe_is_not_an_error() {
    // `rules list | head -1`: the reader goes away early.
    let mut child = std::process::Command::new(crate::common::BIN)
        .args(["rules", "list", "findings"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{out:?}");
}
