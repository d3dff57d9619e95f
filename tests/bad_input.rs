//! The bad-input catalogue for rule files: each is refused with a one-line
//! problem naming the file, exit status 1, and no panic. (Command-line,
//! answer and batch cases live in cli.rs, assess.rs and batch.rs; the
//! README lists them all.)

use crate::common::RulesCopy;

/// Replaces a whole rule file of a copy with `bytes` and checks the copy.
fn check_with(name: &str, bytes: &[u8]) -> (RulesCopy, crate::common::Out) {
    let copy = RulesCopy::new();
    std::fs::write(copy.file(name), bytes).unwrap();
    let out = copy.check();
    (copy, out)
}

/// Asserts exactly one problem line, for `name`, that ends with `message`.
fn one_problem(copy: &RulesCopy, out: &crate::common::Out, name: &str, message: &str) {
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one problem and the count: {}", out.stdout);
    let file = copy.file(name).display().to_string();
    assert!(lines[0].starts_with(&file), "{}", lines[0]);
    assert!(
        lines[0].ends_with(message),
        "{:?} does not end with {message:?}",
        lines[0]
    );
}

#[test]
fn an_empty_rules_file() {
    let (copy, out) = check_with("derived.yaml", b"");
    one_problem(&copy, &out, "derived.yaml", ": file is empty");
    let (copy, out) = check_with("derived.yaml", b"  \n\n");
    one_problem(&copy, &out, "derived.yaml", ": file is empty");
}

#[test]
fn a_binary_rules_file() {
    let (copy, out) = check_with(
        "causes.yaml",
        b"schema_version: 1\ncauses: \x00\x01\x02\x03",
    );
    one_problem(
        &copy,
        &out,
        "causes.yaml",
        ": binary file (it contains NUL bytes), not YAML text",
    );
}

#[test]
fn a_rules_file_that_is_not_utf8() {
    let (copy, out) = check_with("advice.yaml", b"schema_version: 1\nadvice: [\xff\xfe]\n");
    one_problem(
        &copy,
        &out,
        "advice.yaml",
        ": not UTF-8 text: invalid byte at line 2 (byte offset 27)",
    );
}

#[test]
fn a_rules_file_that_is_not_yaml() {
    let (copy, out) = check_with("sources.yaml", b"{{{ this is : not ] yaml");
    assert_eq!(out.code, 1);
    let first = out.stdout.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{}:1:", copy.file("sources.yaml").display())),
        "{first}"
    );
    let (copy, out) = check_with("sources.yaml", b"just a sentence\n");
    one_problem(
        &copy,
        &out,
        "sources.yaml",
        "invalid type: string \"just a sentence\", expected struct SourcesFile",
    );
}

#[test]
fn a_deeply_nested_rules_file() {
    let depth = 300;
    let text = format!(
        "schema_version: 1\nderived:\n  - id: deep\n    label: x\n    when: {}fever{}\n    sources: [nice_ng59]\n",
        "{all: [".repeat(depth),
        "]}".repeat(depth)
    );
    let (copy, out) = check_with("derived.yaml", text.as_bytes());
    // Refused where the nesting reader stops: at 256 flow levels.
    one_problem(
        &copy,
        &out,
        "derived.yaml",
        ":5:906: lists and maps are nested more than 32 levels deep here; a rule file needs far fewer",
    );
}

#[test]
fn an_alias_bomb_in_a_rules_file() {
    // Ten levels of nine aliases each would expand to 9^10 conditions.
    let mut text = String::from("schema_version: 1\nderived:\n");
    text.push_str("  - id: b0\n    label: x\n    when: {any: &a0 [fever, fever, fever, fever, fever, fever, fever, fever, fever]}\n    sources: [nice_ng59]\n");
    for i in 1..10 {
        let items = vec![format!("{{any: *a{}}}", i - 1); 9].join(", ");
        text.push_str(&format!("  - id: b{i}\n    label: x\n    when: {{any: &a{i} [{items}]}}\n    sources: [nice_ng59]\n"));
    }
    let started = std::time::Instant::now();
    let (copy, out) = check_with("derived.yaml", text.as_bytes());
    one_problem(
        &copy,
        &out,
        "derived.yaml",
        ": YAML aliases expand to too much data (an alias bomb?): the parser's repetition limit was reached",
    );
    // Not a timing test: a bound so loose that only an expansion would break it.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn a_rules_file_over_the_size_cap() {
    let mut text = b"schema_version: 1\nderived: []\n".to_vec();
    text.resize(10 * 1024 * 1024 + 1, b'#');
    let (copy, out) = check_with("derived.yaml", &text);
    one_problem(
        &copy,
        &out,
        "derived.yaml",
        ": file is larger than the 10 MB limit for a rule file",
    );
}

#[test]
fn a_rules_file_just_under_the_size_cap_is_read() {
    // A comment-padded file of exactly 10 MB is still a rule file.
    let copy = RulesCopy::new();
    let mut text = copy.read("derived.yaml").into_bytes();
    text.push(b'#');
    text.resize(10 * 1024 * 1024, b'#');
    std::fs::write(copy.file("derived.yaml"), &text).unwrap();
    let out = copy.check();
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn a_rules_path_that_is_a_file_not_a_folder() {
    let copy = RulesCopy::new();
    let file = copy.file("causes.yaml");
    crate::common::Cmd::new(["rules", "check", "--rules", file.to_str().unwrap()])
        .run()
        .code_and_mention(1, "not a folder: --rules takes a folder of rule files");
}

/// The nesting message for a file (at any place).
const TOO_DEEP: &str =
    "lists and maps are nested more than 32 levels deep here; a rule file needs far fewer";

// Issue 17: nested flow collections parsed in quadratic time: a 200 KB file
// took 55 s (`[` only) or 26 s (`[{a: `) to be refused. The nesting is now
// refused by a linear pass before the YAML parser sees it.
#[test]
fn nested_flow_collections_are_refused_before_parsing() {
    for (open, close) in [("[", "]"), ("[{a: ", "}]")] {
        let n = 200_000 / open.len();
        let text = format!(
            "schema_version: 1\nderived: {}{}\n",
            open.repeat(n),
            close.repeat(n)
        );
        let (copy, out) = check_with("derived.yaml", text.as_bytes());
        // Where the nesting reader stops: at 256 flow levels.
        let (line, column) = if open == "[" { (2, 265) } else { (2, 646) };
        one_problem(
            &copy,
            &out,
            "derived.yaml",
            &format!(":{line}:{column}: {TOO_DEEP}"),
        );
    }
    // Below the reader's own limit, the place of the 33rd level: the file's
    // map is level 1, and `derived: ` takes columns 1 to 9.
    let text = format!(
        "schema_version: 1\nderived: {}{}\n",
        "[".repeat(70),
        "]".repeat(70)
    );
    let (copy, out) = check_with("derived.yaml", text.as_bytes());
    one_problem(&copy, &out, "derived.yaml", &format!(":2:41: {TOO_DEEP}"));
    // At the limit, a file is parsed as usual (here: the wrong shape).
    let text = format!(
        "schema_version: 1\nderived: {}{}\n",
        "[".repeat(31),
        "]".repeat(31)
    );
    let (copy, out) = check_with("derived.yaml", text.as_bytes());
    one_problem(
        &copy,
        &out,
        "derived.yaml",
        "derived[0]: invalid type: sequence, expected struct Derived",
    );
}

/// Runs `backtriage args` with stdin a pipe kept open, and fails (rather
/// than hang the test run) if it has not ended after a minute.
fn run_with_open_stdin(args: &[&str]) -> crate::common::Out {
    let mut child = crate::common::spawn_piped(args);
    let stdin = child.stdin.take();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("backtriage {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    crate::common::Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// Issue 17: a FIFO or a symlink to /dev/stdin in the rules folder hung
// `rules check`, `assess` and the interview.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_to_stdin_in_the_rules_folder_is_refused_not_waited_on() {
    let copy = RulesCopy::new();
    let findings = copy.file("findings.yaml");
    std::fs::remove_file(&findings).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&findings)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo works");
    let rules = copy.path().to_str().unwrap();
    let message = ": a FIFO (named pipe), not a regular file: a rule file must be a plain file";
    let out = run_with_open_stdin(&["rules", "check", "--rules", rules]);
    one_problem(&copy, &out, "findings.yaml", message);
    for args in [
        &["--rules", rules, "assess", "--yes", "fever"][..],
        &["--rules", rules, "interview"][..],
    ] {
        let out = run_with_open_stdin(args);
        out.failure(message);
    }
    // A link to /dev/stdin reads whatever stdin is: here an open pipe.
    std::fs::remove_file(&findings).unwrap();
    std::os::unix::fs::symlink("/dev/stdin", &findings).unwrap();
    let out = run_with_open_stdin(&["rules", "check", "--rules", rules]);
    one_problem(&copy, &out, "findings.yaml", message);
    // A link to a regular rule file is followed.
    std::fs::remove_file(&findings).unwrap();
    std::os::unix::fs::symlink(crate::common::root().join("rules/findings.yaml"), &findings)
        .unwrap();
    copy.check().success();
}

// Issue 17: `rules test /dev/zero` read without a cap. Case files are now read
// like rule files: regular files of at most 10 MB.
#[test]
fn case_files_are_regular_files_under_the_size_cap() {
    let out = crate::common::Cmd::new(["rules", "test", "/dev/zero"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        "FAIL /dev/zero: a device, not a regular file: a case file must be a plain file\n0 passed, 1 failed\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let mut text =
        b"- name: padded\n  answers: {fever: no}\n  expect: {urgency: urgent}\n".to_vec();
    text.resize(10 * 1024 * 1024 + 1, b'#');
    std::fs::write(&big, &text).unwrap();
    let out = crate::common::Cmd::new(["rules", "test", big.to_str().unwrap()]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "FAIL {}: file is larger than the 10 MB limit for a case file\n0 passed, 1 failed\n",
            big.display()
        )
    );
    // Nested too deep, like a rule file.
    let deep = dir.path().join("deep.yaml");
    std::fs::write(&deep, format!("- {}\n", "[".repeat(100_000))).unwrap();
    let out = crate::common::Cmd::new(["rules", "test", deep.to_str().unwrap()]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("deep.yaml:1:") && out.stdout.contains(TOO_DEEP),
        "{}",
        out.stdout
    );
}

// Issue 17: `rules test` printed case names and answers as the case file
// wrote them, so a case file could act on the terminal.
#[test]
fn case_names_and_answers_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.yaml");
    std::fs::write(
        &cases,
        "- name: \"\\e[2Jall fine\\u202e\"\n  answers: {fever: \"\\x9bno\"}\n  expect: {urgency: urgent}\n",
    )
    .unwrap();
    let out = crate::common::Cmd::new(["rules", "test", cases.to_str().unwrap()]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stdout,
        format!(
            "FAIL {}: \\u{{1b}}[2Jall fine\\u{{202e}}: bad answers: 'fever' is answered yes, no or unknown, not '\\u{{9b}}no'\n0 passed, 1 failed\n",
            cases.display()
        )
    );
}
