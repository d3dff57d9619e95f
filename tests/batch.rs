//! `assess --batch`: JSON Lines in and out, bad lines reported in place.

use crate::common::Cmd;
use serde_json::Value;

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

#[test]
fn each_line_gets_one_result_with_its_id() {
    let input = concat!(
        r#"{"id": "strain", "answers": {"lower_back_pain": "yes", "lifting_or_strain": true, "age": 34, "fever": false}}"#,
        "\n",
        r#"{"id": 42, "answers": {"saddle_numbness": "yes"}}"#,
        "\n",
    );
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    out.success();
    let results = lines(&out.stdout);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["id"], "strain");
    assert_eq!(results[0]["causes"][0]["id"], "muscle_strain");
    assert_eq!(results[1]["id"], 42);
    assert_eq!(results[1]["urgency"], "emergency");
}

#[test]
fn a_bad_line_in_the_middle_is_reported_and_the_rest_goes_on() {
    let input = concat!(
        r#"{"id": "a", "answers": {"fever": "yes"}}"#,
        "\n",
        "this is not json\n",
        r#"{"id": "c", "answers": {"fevr": "yes"}}"#,
        "\n",
        r#"{"id": "d", "answers": {"age": "old"}}"#,
        "\n",
        r#"{"id": "e", "answers": []}"#,
        "\n",
        "\n",
        r#"{"id": "g", "answers": {"fever": "no"}, "note": 1}"#,
        "\n",
        r#"{"id": "h", "answers": {"saddle_numbness": "yes"}}"#,
        "\n",
    );
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    assert_eq!(out.code, 1, "errors make the batch fail: {out:?}");
    assert!(
        out.stderr.contains("5 of 8 lines had errors"),
        "{}",
        out.stderr
    );
    let r = lines(&out.stdout);
    assert_eq!(r.len(), 8, "one output line per input line");
    assert_eq!(r[0]["urgency"], "urgent");
    assert_eq!(r[1]["id"], Value::Null);
    assert_eq!(r[1]["line"], 2);
    assert!(
        r[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("line 2: not valid JSON")
    );
    assert_eq!(r[2]["id"], "c");
    assert_eq!(
        r[2]["error"],
        "line 3: unknown finding 'fevr' (did you mean 'fever'?)"
    );
    assert_eq!(r[3]["id"], "d");
    assert_eq!(r[3]["error"], "line 4: 'age' takes a number, not 'old'");
    assert_eq!(r[4]["id"], "e");
    assert!(
        r[4]["error"].as_str().unwrap().contains("invalid type"),
        "{}",
        r[4]
    );
    assert_eq!(r[5]["error"], "line 6 is blank: expected a JSON object");
    // An extra top-level field is the caller's own: ignored.
    assert_eq!(r[6]["id"], "g");
    assert_eq!(r[6]["urgency"], "self_care", "{}", r[6]);
    assert_eq!(r[7]["id"], "h");
    assert_eq!(r[7]["urgency"], "emergency");
}

#[test]
fn a_last_line_without_a_newline_is_assessed() {
    let out = Cmd::new(["assess", "--batch", "-"])
        .stdin(r#"{"id": "last", "answers": {"fever": "yes"}}"#)
        .run();
    out.success();
    let r = lines(&out.stdout);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["id"], "last");
}

#[test]
fn windows_line_endings_are_accepted() {
    let out = Cmd::new(["assess", "--batch", "-"])
        .stdin("{\"id\": \"crlf\", \"answers\": {\"fever\": \"no\"}}\r\n")
        .run();
    out.success();
    assert_eq!(lines(&out.stdout)[0]["id"], "crlf");
}

#[test]
fn a_line_over_the_size_cap_is_refused_without_being_held() {
    let huge = format!(
        "{{\"id\": \"big\", \"answers\": {{\"x\": \"{}\"}}}}\n",
        "y".repeat(2 * 1024 * 1024)
    );
    let input = format!("{huge}{{\"id\": \"after\", \"answers\": {{}}}}\n");
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    assert_eq!(out.code, 1);
    let r = lines(&out.stdout);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["error"], "line 1 is longer than the 1 MiB limit");
    assert_eq!(r[1]["id"], "after");
}

#[test]
fn a_line_that_is_not_utf8_is_reported() {
    let mut input = b"{\"id\": \"a\", \"answers\": {\"fever\": \"".to_vec();
    input.extend_from_slice(&[0xff, 0xfe]);
    input.extend_from_slice(b"\"}}\n{\"id\": \"b\", \"answers\": {}}\n");
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    assert_eq!(out.code, 1);
    let r = lines(&out.stdout);
    assert_eq!(r[0]["error"], "line 1 is not UTF-8 text");
    assert_eq!(r[1]["id"], "b");
}

#[test]
fn batch_reads_a_file_too_and_a_missing_file_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"f\", \"answers\": {\"fever\": \"yes\"}}\n",
    )
    .unwrap();
    let out = Cmd::new(["assess", "--batch", path.to_str().unwrap()]).run();
    out.success();
    assert_eq!(lines(&out.stdout)[0]["id"], "f");
    Cmd::new(["assess", "--batch", "/no/such/file.jsonl"])
        .run()
        .failure("cannot open batch file /no/such/file.jsonl");
}

#[test]
fn batch_lines_equal_single_assessments() {
    let out = Cmd::new(["assess", "--batch", "-"])
        .stdin("{\"id\": \"same\", \"answers\": {\"lower_back_pain\": \"yes\", \"age\": 52, \"fever\": \"no\"}}\n")
        .run();
    out.success();
    let mut from_batch = lines(&out.stdout).remove(0);
    from_batch.as_object_mut().unwrap().remove("id");
    let single = Cmd::new([
        "assess",
        "--yes",
        "lower_back_pain",
        "--age",
        "52",
        "--no",
        "fever",
        "--format",
        "json",
    ])
    .run();
    let single: Value = serde_json::from_str(&single.stdout).unwrap();
    assert_eq!(from_batch, single);
}

#[test]
fn an_id_json_readers_refuse_is_not_echoed() {
    // Found by fuzzing: the id was echoed as raw text, and serde_json's raw
    // reader accepts 1e400 and lone surrogate escapes that parsers refuse.
    let input = concat!(
        "{\"id\": 1e400, \"answers\": {}}\n",
        "{\"id\": \"\\ude00\", \"answers\": {\"fever\": \"yes\"}}\n",
        "{\"id\": \"\\ude00\", \"answers\": {\"fevr\": \"yes\"}}\n",
        "{\"id\": \"a\\nb\", \"answers\": {}}\n",
        "{\"id\": -0.5e3, \"answers\": {}}\n",
    );
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    assert_eq!(out.code, 1);
    let r = lines(&out.stdout);
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["id"], Value::Null);
    assert_eq!(
        r[0]["error"],
        "line 1: the id is not valid JSON (number out of range)"
    );
    assert_eq!(
        r[1]["error"],
        "line 2: the id is not valid JSON (lone leading surrogate in hex escape)"
    );
    assert_eq!(r[2]["id"], Value::Null);
    // Escaped and exponent ids that are valid JSON are echoed as given.
    assert_eq!(r[3]["id"], "a\nb");
    assert!(
        out.stdout
            .lines()
            .nth(4)
            .unwrap()
            .starts_with("{\"id\":-0.5e3,")
    );
}

// Issue 15: extra top-level fields, --format json, --fail-on.

#[test]
fn extra_top_level_fields_are_ignored_but_not_unknown_answers() {
    let input = concat!(
        r#"{"note": {"from": "intake", "n": [1, 2]}, "id": "x", "answers": {"fever": "yes"}, "at": "2025-01-01"}"#,
        "\n",
        r#"{"id": "y", "answers": {"fever": "yes", "note": "x"}}"#,
        "\n",
    );
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    assert_eq!(out.code, 1, "{out:?}");
    let r = lines(&out.stdout);
    assert_eq!(r[0]["id"], "x");
    assert_eq!(r[0]["urgency"], "urgent");
    assert!(r[0].get("note").is_none(), "extra fields are not echoed");
    assert_eq!(
        r[1]["error"],
        "line 2: unknown finding 'note' (see 'backtriage rules list findings')"
    );
}

#[test]
fn a_duplicate_id_or_answers_field_is_still_an_error() {
    let out = Cmd::new(["assess", "--batch", "-"])
        .stdin("{\"id\": 1, \"answers\": {}, \"answers\": {}}\n")
        .run();
    assert_eq!(out.code, 1);
    assert!(
        lines(&out.stdout)[0]["error"]
            .as_str()
            .unwrap()
            .contains("duplicate field")
    );
}

#[test]
fn batch_takes_format_json_and_refuses_the_others() {
    let input = "{\"id\": 1, \"answers\": {\"fever\": \"yes\"}}\n";
    let plain = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    plain.success();
    let json = Cmd::new(["assess", "--batch", "-", "--format", "json"])
        .stdin(input)
        .run();
    json.success();
    assert_eq!(json.stdout, plain.stdout);
    for format in ["text", "markdown"] {
        Cmd::new(["assess", "--format", format, "--batch", "-"])
            .stdin(input)
            .run()
            .usage_error(&format!(
                "--batch writes JSON Lines only: use --format json or leave --format out, not --format {format}"
            ));
    }
}

#[test]
fn fail_on_makes_a_batch_exit_3_when_any_line_reaches_the_level() {
    let input = concat!(
        r#"{"id": "strain", "answers": {"lifting_or_strain": "yes"}}"#,
        "\n",
        r#"{"id": "fever", "answers": {"fever": "yes"}}"#,
        "\n",
    );
    let run = |level: &str| {
        Cmd::new(["assess", "--batch", "-", "--fail-on", level])
            .stdin(input)
            .run()
    };
    let urgent = run("urgent");
    assert_eq!(urgent.code, 3, "{urgent:?}");
    assert_eq!(
        lines(&urgent.stdout).len(),
        2,
        "every line is still written"
    );
    assert_eq!(urgent.stderr, "");
    assert_eq!(run("emergency").code, 0);
}

#[test]
fn fail_on_gives_way_to_a_line_with_an_error() {
    // A line that could not be assessed has no known urgency: status 1.
    let input = concat!(
        r#"{"id": "fever", "answers": {"fever": "yes"}}"#,
        "\n",
        r#"{"id": "bad", "answers": {"fevr": "yes"}}"#,
        "\n",
    );
    let out = Cmd::new(["assess", "--batch", "-", "--fail-on", "doctor"])
        .stdin(input)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
}

// Issue 17: a closed output pipe exited 0, so `set -o pipefail` could not
// see that results were lost. It is 141 (128 + SIGPIPE) with one line.
#[test]
fn a_closed_output_pipe_is_an_error_with_status_141() {
    for jobs in ["1", "2"] {
        closed_output_pipe(jobs);
    }
}

fn closed_output_pipe(jobs: &str) {
    let line = "{\"id\": \"x\", \"answers\": {\"fever\": \"no\"}}\n";
    let mut child = crate::common::spawn_piped(["assess", "--batch", "-", "--jobs", jobs]);
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // Written from a thread: the child may stop reading at its first write.
    let writer = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut stdin, line.repeat(2000).as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert_eq!(
        stderr,
        "error: the batch output was closed before every result was written (broken pipe)\n"
    );
}

// Issue 17: on a full disk the last output line was half-written. A file
// size limit (ulimit -f, with SIGXFSZ ignored so the write fails with
// EFBIG) stands in for it: the output keeps only whole lines.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_only_whole_lines() {
    for jobs in ["1", "2"] {
        failed_write(jobs);
    }
}

#[cfg(unix)]
fn failed_write(jobs: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let output = dir.path().join("out.jsonl");
    let lines: String = (0..200)
        .map(|i| format!("{{\"id\": {i}, \"answers\": {{\"fever\": \"no\", \"age\": 40}}}}\n"))
        .collect();
    std::fs::write(&input, lines).unwrap();
    // 16 blocks of 512 bytes (sh's unit): a few results, then EFBIG mid-line.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16 && exec \"$0\" assess --batch \"$1\" --jobs \"$3\" > \"$2\"")
        .arg(crate::common::BIN)
        .arg(&input)
        .arg(&output)
        .arg(jobs)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: batch failed: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let written = std::fs::read(&output).unwrap();
    assert!(
        !written.is_empty() && written.len() <= 16 * 512,
        "{}",
        written.len()
    );
    assert!(written.ends_with(b"\n"), "the last line is whole");
    for (i, line) in written
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let value: Value = serde_json::from_slice(line).expect("a whole JSON line");
        assert_eq!(value["id"], i);
    }
}

// Issue 17: batch ids and error texts carried raw C1 controls, bidi overrides
// and DEL to whoever reads the output in a terminal. They are written as
// JSON escapes: the same values, no active bytes.
#[test]
fn ids_and_errors_carry_no_terminal_controls() {
    let input = concat!(
        "{\"id\": \"a\u{9b}2Kb\", \"answers\": {\"fever\": \"no\"}}\n",
        "{\"id\": [\"\u{202e}x\", 1], \"answers\": {\"fe\u{7f}ver\": \"no\"}}\n",
        "{\"id\": \"ok\", \"answers\": {\"fever\": \"\\u001b[8m\u{9b}no\"}}\n",
        "{\"id\": \"d\u{7f}el\", \"answers\": {\"fever\": \"no\"}}\n",
    );
    let out = Cmd::new(["assess", "--batch", "-"]).stdin(input).run();
    assert_eq!(out.code, 1);
    for c in ['\u{9b}', '\u{202e}', '\u{7f}', '\u{1b}'] {
        assert!(!out.stdout.contains(c), "{c:?} in {}", out.stdout);
    }
    let r = lines(&out.stdout);
    assert_eq!(r[0]["id"], "a\u{9b}2Kb", "the same id, escaped in JSON");
    assert!(
        out.stdout.starts_with("{\"id\":\"a\\u009b2Kb\","),
        "{}",
        out.stdout
    );
    assert_eq!(r[1]["id"], serde_json::json!(["\u{202e}x", 1]));
    assert_eq!(
        r[1]["error"],
        "line 2: unknown finding 'fe\\u{7f}ver' (did you mean 'fever'?)"
    );
    assert_eq!(
        r[2]["error"],
        "line 3: 'fever' is answered yes, no or unknown, not '\\u{1b}[8m\\u{9b}no'"
    );
    // DEL in an id of plain ASCII otherwise.
    assert_eq!(r[3]["id"], "d\u{7f}el");
    assert!(
        out.stdout.contains("{\"id\":\"d\\u007fel\","),
        "{}",
        out.stdout
    );
}

/// A stream of every sort of line: results at each urgency, errors, blank
/// lines, a line without its newline at the end.
fn mixed_stream(n: usize) -> String {
    let kinds = [
        r#"{"id": 1, "answers": {"lower_back_pain": "yes", "lifting_or_strain": "yes", "age": 34, "days": 3}}"#,
        r#"{"id": "e", "answers": {"saddle_numbness": "yes"}}"#,
        r#"{"id": [1], "answers": {"fever": "maybe"}}"#,
        "",
        r#"{"id": 4, "answers": {"nerve_warning_signs": "yes", "saddle_numbness": "no", "bladder_bowel_problems": "no", "leg_weakness": "no", "both_legs_affected": "no"}}"#,
        r#"{"id": 5, "answers": {"upper_back_pain": "yes", "age": 72, "days": 90, "fever": "unknown"}}"#,
        "{oops",
    ];
    let mut text: String = (0..n)
        .map(|i| {
            format!(
                "{}\n",
                kinds[i % kinds.len()].replace("\"id\": 1,", &format!("\"id\": {i},"))
            )
        })
        .collect();
    text.pop();
    text
}

#[test]
fn jobs_write_the_same_bytes_in_the_same_order_as_one_job() {
    // Enough lines for many chunks on each of several workers.
    // (Its last line is not blank, so it is counted.)
    let input = mixed_stream(3002);
    let one = Cmd::new(["assess", "--batch", "-", "--jobs", "1"])
        .stdin(&input)
        .run();
    assert_eq!(one.code, 1, "some lines are bad");
    assert_eq!(one.stdout.lines().count(), 3002);
    for jobs in ["2", "3", "8"] {
        for compact in [false, true] {
            let mut args = vec!["assess", "--batch", "-", "--jobs", jobs];
            let mut reference = one.clone();
            if compact {
                args.push("--compact");
                reference = Cmd::new(["assess", "--batch", "-", "--jobs", "1", "--compact"])
                    .stdin(&input)
                    .run();
            }
            let many = Cmd::new(args).stdin(&input).run();
            assert_eq!(many.code, reference.code, "--jobs {jobs}");
            assert_eq!(many.stderr, reference.stderr, "--jobs {jobs}");
            assert!(
                many.stdout == reference.stdout,
                "--jobs {jobs} --compact {compact}: output differs"
            );
        }
    }
}

#[test]
fn results_come_out_while_the_input_is_still_open() {
    use std::io::{BufRead, BufReader, Write};
    for jobs in ["1", "2"] {
        let mut child = crate::common::spawn_piped(["assess", "--batch", "-", "--jobs", jobs]);
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        for id in ["first", "second"] {
            writeln!(
                stdin,
                "{{\"id\": \"{id}\", \"answers\": {{\"fever\": \"no\"}}}}"
            )
            .unwrap();
            stdin.flush().unwrap();
            // The result is read while stdin stays open: a batch that waited
            // for more input before writing would hang here.
            let (tx, rx) = std::sync::mpsc::channel();
            let reader = std::thread::spawn(move || {
                let mut line = String::new();
                stdout.read_line(&mut line).unwrap();
                tx.send(line).unwrap();
                stdout
            });
            let line = rx
                .recv_timeout(std::time::Duration::from_secs(30))
                .unwrap_or_else(|_| {
                    panic!("--jobs {jobs}: no result for {id} while input is open")
                });
            assert!(line.starts_with(&format!("{{\"id\":\"{id}\",")), "{line}");
            stdout = reader.join().unwrap();
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}

#[test]
fn jobs_and_compact_go_with_batch_only() {
    Cmd::new(["assess", "--jobs", "2", "--yes", "fever"])
        .run()
        .clap_usage_error(&["--batch"]);
    Cmd::new(["assess", "--compact", "--yes", "fever"])
        .run()
        .clap_usage_error(&["--batch"]);
    Cmd::new(["assess", "--batch", "-", "--jobs", "0"])
        .stdin("")
        .run()
        .clap_usage_error(&["1..=256"]);
}

#[test]
fn compact_lines_carry_the_ids_levels_and_scores_of_the_full_lines() {
    let input = mixed_stream(70);
    let full = Cmd::new(["assess", "--batch", "-"]).stdin(&input).run();
    let compact = Cmd::new(["assess", "--batch", "-", "--compact"])
        .stdin(&input)
        .run();
    assert_eq!(full.code, compact.code);
    let (full_lines, compact_lines) = (lines(&full.stdout), lines(&compact.stdout));
    assert_eq!(full_lines.len(), compact_lines.len());
    let ids = |v: &Value| -> Vec<Value> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|x| x["id"].clone())
            .collect()
    };
    let mut seen_question = false;
    for (f, c) in full_lines.iter().zip(&compact_lines) {
        if f["error"].is_string() {
            assert_eq!(f, c, "error lines are the same in both forms");
            continue;
        }
        for key in [
            "id",
            "urgency",
            "action",
            "complete",
            "unchecked_red_flags",
            "disclaimer",
            "emergency_note",
            "rules_version",
        ] {
            assert_eq!(f[key], c[key], "{key}");
        }
        assert_eq!(ids(&f["advice"]), c["advice"].as_array().unwrap().clone());
        assert_eq!(ids(&f["red_flags"]), ids(&c["red_flags"]));
        for (fc, cc) in f["causes"]
            .as_array()
            .unwrap()
            .iter()
            .zip(c["causes"].as_array().unwrap())
        {
            for key in ["id", "score", "because", "against"] {
                assert_eq!(fc[key], cc[key], "cause {key}");
            }
        }
        assert_eq!(
            f["causes"].as_array().unwrap().len(),
            c["causes"].as_array().unwrap().len()
        );
        assert_eq!(f["next_question"]["id"], c["next_question"]["id"]);
        assert_eq!(f["next_question"]["kind"], c["next_question"]["kind"]);
        if f["next_question"]["kind"] == "checklist" {
            seen_question = true;
            assert_eq!(
                ids(&f["next_question"]["options"]),
                c["next_question"]["options"].as_array().unwrap().clone()
            );
        }
        assert!(
            c["causes"][0].get("name").is_none()
                && c["advice"].as_array().unwrap().iter().all(Value::is_string)
                && c["next_question"].get("text").is_none(),
            "no texts: {c}"
        );
    }
    assert!(seen_question, "the stream reaches a checklist question");
    assert!(
        compact.stdout.len() * 5 < full.stdout.len() * 3,
        "compact is under 60% of the size: {} of {}",
        compact.stdout.len(),
        full.stdout.len()
    );
}
