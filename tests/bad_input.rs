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
    one_problem(
        &copy,
        &out,
        "derived.yaml",
        "recursion limit exceeded: the YAML is nested too deeply",
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
