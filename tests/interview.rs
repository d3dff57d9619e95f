//! The interview, with answers piped in and on a real (pseudo-)terminal.

use std::time::Duration;

use crate::common::{BIN, Cmd, unwrapped};

/// The opening (lower back, 3 days, 34 years) and the five warning-sign
/// checklists, each answered "none".
const CLEAR_SCREEN: &str = "1\n3\n34\n0\n0\n0\n0\n0\n";

/// `n` more "none" answers, for the cause checklists.
fn nones(n: usize) -> String {
    "0\n".repeat(n)
}

#[test]
fn a_piped_session_understands_every_command_word() {
    let input = [
        "help",   // the checklist's help, its items' help and the command words
        "banana", // not understood: re-asked with a hint
        "back",   // nothing to go back to yet
        "1",      // Q1 where: lower back
        "why",    // what the days question bears on
        "back",   // undo Q1, saying what was undone
        "1 2",    // Q1 again, answered differently
        "3",      // Q2 days
        "?",      // Q3 age: don't know
        "skip",   // Q4 the first screen: not sure of any item
        "hlep",   // a near miss: "did you mean"
        "quit",
    ]
    .join("\n");
    let out = Cmd::new(["interview"]).stdin(input + "\n").run();
    out.success();
    let err = &out.stderr;
    // help fits a checklist, with each item's help
    assert!(err.contains("where a belt sits"), "an item's help text");
    assert!(err.contains("0 or none   none of them applies"), "{err}");
    assert!(err.contains("back  go back and change your last answer"));
    // a bad answer
    assert!(err.contains("Sorry, I did not understand. Type the numbers that apply"));
    assert!(err.contains("There is no earlier answer to go back to."));
    // why, with sources
    assert!(err.contains("This question checks for these warning signs:"));
    assert!(
        err.contains("Back pain for more than six weeks (see a doctor within a few days; from")
    );
    assert!(err.contains("NICE Clinical Knowledge Summary"));
    // back says what it undid
    assert!(
        unwrapped(err).contains("Going back: your answer \"Pain in the lower back\" to \"Where is the pain? Pick all that apply.\" is undone."),
        "{err}"
    );
    assert_eq!(
        err.matches("Where is the pain? Pick all that apply.\n  1.")
            .count(),
        2,
        "asked again after back"
    );
    // a near miss is suggested, not taken
    assert!(err.contains("Did you mean \"help\"? If so, type it again."));
    // progress is an estimate, not a bound
    assert!(err.contains("Question 1 of about "));
    assert!(err.contains("Question 4 of about "));
    // answers are echoed when piped, so the transcript reads well
    assert!(err.contains("> banana\n"));
    // quit prints the assessment of what was answered, unfinished
    let result = &out.stdout;
    assert!(result.starts_with(" NOT FINISHED"), "{result}");
    assert!(result.contains("Not answered yet, or not sure, about signs that need emergency help"));
    assert!(result.contains("This is not a diagnosis."));
    // questions go to stderr, results to stdout
    assert!(!result.contains("Question 1"));
}

#[test]
fn every_checklist_shows_all_of_its_members_in_their_own_words() {
    let out = Cmd::new(["rules", "list", "findings", "--format", "json"]).run();
    let findings: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let question = |id: &serde_json::Value| -> String {
        let f = findings.iter().find(|f| f["id"] == *id).unwrap();
        f["question"].as_str().unwrap().to_owned()
    };
    // Say "not sure" to every checklist: each is asked in full, and the
    // interview goes on to the next.
    let out = Cmd::new(["interview"]).stdin("?\n".repeat(40)).run();
    out.success();
    let mut shown = 0;
    // Items may wrap: compare with the line breaks undone.
    let screen = unwrapped(&out.stderr);
    for group in findings.iter().filter(|f| f.get("any_of").is_some()) {
        let header = group["question"].as_str().unwrap();
        let members = group["any_of"].as_array().unwrap();
        let items: Vec<String> = members
            .iter()
            .enumerate()
            .map(|(k, m)| format!("{}. {}", k + 1, question(m)))
            .collect();
        // Two checklists may share a heading: a listing is known by its
        // heading and first item.
        if !screen.contains(&format!("{header} {}", items[0])) {
            continue;
        }
        shown += 1;
        let hint = "Type the numbers that apply";
        let expected = format!("{header} {} {hint}", items.join(" "));
        assert!(
            screen.contains(&expected),
            "{} is not listed whole: {expected}",
            group["id"]
        );
    }
    assert!(shown >= 6, "the screens were asked ({shown})");
}

#[test]
fn durations_ages_and_yes_no_words_are_understood_as_people_say_them() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (days, age, first, want_days, want_age, want_first)) in [
        ("3 weeks", "55", "yep", "21 days", "55 years", "yes"),
        ("2 months", "forty-four", "", "60 days", "44 years", ""),
        (
            "a year",
            "61 years old",
            "nope",
            "365 days",
            "61 years",
            "no",
        ),
        (
            "since yesterday",
            "fifty",
            "unsure",
            "1 days",
            "50 years",
            "unknown",
        ),
        ("90 days", "52", "dunno", "90 days", "52 years", "unknown"),
        ("3 months", "70", "idk", "90 days", "70 years", "unknown"),
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("s{i}.md"));
        let mut input = format!("1\n{days}\n{age}\n{}", nones(5));
        if !first.is_empty() {
            input.push_str(first);
            input.push('\n');
        }
        input.push_str(&nones(8));
        let out = Cmd::new(["interview", "--save", path.to_str().unwrap()])
            .stdin(input)
            .run();
        out.success();
        assert!(
            !out.stderr.contains("did not understand"),
            "{days} / {age} / {first}: {}",
            out.stderr
        );
        let md = std::fs::read_to_string(&path).unwrap();
        assert!(
            md.contains(&format!(
                "| How many days have you had this pain? | {want_days} |"
            )),
            "{days}: {md}"
        );
        assert!(
            md.contains(&format!("| How old are you, in years? | {want_age} |")),
            "{age}: {md}"
        );
        if !want_first.is_empty() {
            assert!(
                md.contains(&format!(
                    "| Is this the first time you have had back pain like this? | {want_first} |"
                )),
                "{first}: {md}"
            );
        }
    }
}

#[test]
fn a_checklist_item_can_be_marked_not_sure() {
    // "1?" to the first screen: chest pain not sure, the rest no.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.md");
    let out = Cmd::new(["interview", "--save", path.to_str().unwrap()])
        .stdin(format!("1\n3\n34\n1?\n{}", nones(12)))
        .run();
    out.success();
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(
        md.contains(
            "| Do you have pain, pressure, heaviness or tightness in your chest? | unknown | 1? |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| Are you short of breath, in a cold sweat, or feeling faint? | no | 1? |"),
        "{md}"
    );
    // Unsure of a heart attack sign: not finished, that sign listed first.
    assert!(out.stdout.starts_with(" NOT FINISHED"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("? Chest pain, pressure or tightness (not sure)"),
        "{}",
        out.stdout
    );
    assert!(
        md.contains("- **Not sure:** Chest pain, pressure or tightness."),
        "{md}"
    );
}

#[test]
fn end_of_input_stops_and_assesses_what_was_answered() {
    let out = Cmd::new(["interview"]).stdin("1\n3\n").run();
    out.success();
    assert!(out.stderr.contains("(input ended: stopping here)"));
    assert!(out.stdout.starts_with(" NOT FINISHED"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Not answered yet, or not sure, about signs that need emergency help")
    );
}

#[test]
fn an_emergency_answer_stops_the_interview_at_once() {
    // Lower back, 3 days, 34, then chest pain on the first screen.
    let out = Cmd::new(["interview"]).stdin("1\n3\n34\n1\n0\n0\n").run();
    out.success();
    assert!(out.stderr.contains("No more questions."));
    assert_eq!(
        out.stderr.matches("\nQuestion ").count(),
        4,
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.starts_with(" EMERGENCY: Get emergency help now"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Why: Possible heart attack: chest pain, pressure or tightness."),
        "{}",
        out.stdout
    );
    // The one thing to do is the last line.
    assert!(
        out.stdout.trim_end().ends_with("emergency department now."),
        "{}",
        out.stdout
    );
}

#[test]
fn a_clear_screen_then_nothing_else_ends_by_itself_with_self_care() {
    let out = Cmd::new(["interview"])
        .stdin(format!("{CLEAR_SCREEN}{}", nones(20)))
        .run();
    out.success();
    assert!(
        !out.stderr.contains("input ended"),
        "the interview ended on its own"
    );
    assert!(out.stdout.starts_with(" SELF-CARE"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("Not checked"),
        "every warning sign was asked"
    );
    let asked = out.stderr.matches("\nQuestion ").count();
    assert!(asked <= 14, "asked {asked}");
}

#[test]
fn the_interview_and_assess_give_the_same_assessment() {
    let out = Cmd::new(["interview"])
        .stdin(format!("{CLEAR_SCREEN}{}", nones(20)))
        .run();
    out.success();
    let assessed = Cmd::new([
        "assess",
        "--yes",
        "lower_back_pain",
        "--no",
        "upper_back_pain,flank_pain",
        "--days",
        "3",
        "--age",
        "34",
        "--no",
        "nerve_warning_signs,chest_warning_signs,illness_warning_signs,health_background,organ_signs",
    ])
    .run();
    // The interview asked more (cause checklists, all none): compare the headline.
    assert_eq!(out.stdout.lines().next(), assessed.stdout.lines().next());
}

#[test]
fn numbers_out_of_range_are_refused_and_asked_again() {
    let out = Cmd::new(["interview"])
        .stdin("1\n3\n300\n-4\nforty\n")
        .run();
    out.success();
    assert!(
        out.stderr
            .contains("Please give a number from 0 to 120, not 300."),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("Sorry, I did not understand. Your age in years")
    );
    assert_eq!(out.stderr.matches("How old are you, in years?").count(), 1);
    // "forty" was taken: the next question came.
    assert!(out.stderr.contains("Question 4 of about"));
}

#[test]
fn save_writes_a_markdown_summary_for_a_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    let out = Cmd::new(["interview", "--save", path.to_str().unwrap()])
        .stdin(format!("{CLEAR_SCREEN}{}", nones(20)))
        .run();
    out.success();
    let md = std::fs::read_to_string(&path).expect("the summary was written");
    assert!(md.starts_with("# Back pain summary"));
    assert!(
        md.contains("| How old are you, in years? | 34 years |"),
        "{md}"
    );
    assert!(
        md.contains("| Do you have numbness or tingling around your genitals, your bottom or your inner thighs? | no | 0 |"),
        "{md}"
    );
    assert!(out.stderr.contains("Summary for your doctor saved to"));
    // Only the summary is left in the folder: no temporary file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn save_replaces_an_old_summary_whole_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    std::fs::write(
        &path,
        "old text that is much longer than nothing\n".repeat(1000),
    )
    .unwrap();
    Cmd::new(["interview", "--save", path.to_str().unwrap(), "--force"])
        .stdin("quit\n")
        .run()
        .success();
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(md.starts_with("# Back pain summary"));
    assert!(!md.contains("old text"));
}

#[test]
fn save_to_a_missing_folder_fails_before_any_question() {
    let out = Cmd::new(["interview", "--save", "/no/such/folder/summary.md"])
        .stdin("y\n")
        .run();
    out.failure("cannot save the summary to /no/such/folder/summary.md: the folder /no/such/folder does not exist");
    assert!(!out.stderr.contains("Question"), "no question was asked");
    assert_eq!(out.stdout, "");
}

#[test]
fn save_into_a_path_under_a_file_fails_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let target = file.join("summary.md");
    let out = Cmd::new(["interview", "--save", target.to_str().unwrap()]).run();
    out.failure("does not exist");
    let out = Cmd::new(["interview", "--save", dir.path().to_str().unwrap()]).run();
    out.failure("that is a folder, not a file name");
}

/// The names in a folder, sorted.
fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts that `--save target` (with `extra` flags) is refused before any
/// question with a message containing `needle`.
fn save_is_refused(target: &std::path::Path, extra: &[&str], needle: &str) {
    let mut args = vec!["interview", "--save", target.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = Cmd::new(&args)
        .stdin(format!("{CLEAR_SCREEN}{}", nones(20)))
        .run();
    out.failure(needle);
    assert!(!out.stderr.contains("Question"), "no question was asked");
    assert_eq!(out.stdout, "");
}

#[test]
fn an_existing_summary_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    std::fs::write(&path, "my own notes").unwrap();
    save_is_refused(
        &path,
        &[],
        "the file already exists: add --force to replace it",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own notes");
    // --force without --save is a usage error.
    Cmd::new(["interview", "--force"])
        .run()
        .clap_usage_error(&["--save <FILE>"]);
}

// Issue 17: `--save` renamed over device nodes, FIFOs and symlinks; as root,
// `--save /dev/null` replaced /dev/null. Here a device node made in a
// temporary folder (never a real system path) must be refused, with or
// without --force, and left as it was.
#[cfg(unix)]
#[test]
fn save_refuses_a_device_node() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mknod needs root");
        return;
    }
    for extra in [&[][..], &["--force"][..]] {
        save_is_refused(&null, extra, "that is a device, not a regular file");
        let meta = std::fs::symlink_metadata(&null).unwrap();
        assert!(meta.file_type().is_char_device(), "the device node is left");
    }
    assert_eq!(entries(dir.path()), ["null"], "no temporary file is left");
}

#[cfg(unix)]
#[test]
fn save_refuses_a_fifo_and_a_symbolic_link() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo works");
    for extra in [&[][..], &["--force"][..]] {
        save_is_refused(
            &fifo,
            extra,
            "that is a FIFO (named pipe), not a regular file",
        );
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
    // A link to a file, and a link to nowhere: neither is followed nor replaced.
    let target = dir.path().join("target.md");
    std::fs::write(&target, "kept").unwrap();
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let dangling = dir.path().join("dangling.md");
    std::os::unix::fs::symlink(dir.path().join("nowhere.md"), &dangling).unwrap();
    for path in [&link, &dangling] {
        for extra in [&[][..], &["--force"][..]] {
            save_is_refused(path, extra, "that is a symbolic link, not a regular file");
            assert!(
                std::fs::symlink_metadata(path)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    assert_eq!(
        entries(dir.path()),
        ["dangling.md", "fifo", "link.md", "target.md"]
    );
}

// Issue 17: `--save newname/` passed the early check and failed only after
// the whole interview.
#[test]
fn save_to_a_name_ending_in_a_slash_fails_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let target = format!("{}/newname/", dir.path().display());
    save_is_refused(
        std::path::Path::new(&target),
        &[],
        "that names a folder (it ends with /): give a file name",
    );
    assert!(entries(dir.path()).is_empty());
}

// Issue 17: with stdout a closed pipe (`... --save s.md | true`) the summary
// was silently not saved and the exit status was 0.
#[test]
fn the_summary_is_saved_even_when_stdout_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.md");
    let mut child = crate::common::spawn_piped(["interview", "--save", path.to_str().unwrap()]);
    // The reader goes away before the result is written.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(
        &mut stdin,
        format!("{CLEAR_SCREEN}{}", nones(20)).as_bytes(),
    )
    .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Summary for your doctor saved to"),
        "{stderr}"
    );
    let md = std::fs::read_to_string(&path).expect("the summary was saved");
    assert!(md.starts_with("# Back pain summary"), "{md}");
    assert_eq!(entries(dir.path()), ["s.md"]);
}

// Issue 17: a full disk. The file size limit (ulimit -f, with SIGXFSZ
// ignored so that the write fails with EFBIG) stands in for it: the save
// fails with one line, leaves no temporary file, and the result is shown.
#[cfg(unix)]
#[test]
fn a_save_that_cannot_be_written_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.md");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1 && exec \"$0\" interview --save \"$1\"")
        .arg(BIN)
        .arg(&path)
        .stdin(std::fs::File::open(write_answers(dir.path())).unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(
        last.starts_with(&format!(
            "error: cannot save the summary to {}: ",
            path.display()
        )),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(" SELF-CARE"));
    assert_eq!(entries(dir.path()), ["answers.txt"], "no temporary file");
}

/// Writes a whole interview's answers to `dir/answers.txt`.
fn write_answers(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("answers.txt");
    std::fs::write(&path, format!("{CLEAR_SCREEN}{}", nones(20))).unwrap();
    path
}

// Issue 17: SIGTERM killed the process outright (ctrlc handled only SIGINT).
// It now ends the interview with 130 like Ctrl-C, leaving no file behind.
#[cfg(unix)]
#[test]
fn sigterm_ends_the_interview_with_130_and_leaves_no_file() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.md");
    let mut child = crate::common::spawn_piped(["interview", "--save", path.to_str().unwrap()]);
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"1\n3\n").unwrap();
    // Wait until the third question is asked: the handler is installed.
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("How old are you") {
        let n = stderr.read(&mut chunk).unwrap();
        assert!(n > 0, "the interview ended early");
        seen.extend_from_slice(&chunk[..n]);
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("interrupted"), "{rest}");
    drop(stdin);
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

mod terminal {
    //! A real pseudo-terminal: what a person sees, colour, and Ctrl-C.

    use super::*;
    use expectrl::{ControlCode, Expect, Session};

    fn spawn(no_color: bool) -> expectrl::session::OsSession {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env("TERM", "xterm-256color").env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let mut session = Session::spawn(cmd).expect("a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        session
    }

    /// Everything the screen shows up to and including `needle`.
    fn screen_until(session: &mut expectrl::session::OsSession, needle: &str) -> String {
        let found = session
            .expect(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
        let mut text = String::from_utf8_lossy(found.before()).into_owned();
        text.push_str(needle);
        text
    }

    #[test]
    fn a_person_at_a_terminal_is_asked_and_answered_in_colour() {
        let mut s = spawn(false);
        let first = screen_until(&mut s, "Is the pain in your lower back?");
        assert!(first.contains("not a diagnosis"));
        assert!(first.contains('\u{1b}'), "colour on a terminal");
        assert!(
            first.contains("  1. Is the pain in your lower back?"),
            "a checklist"
        );
        s.send_line("1").unwrap();
        screen_until(&mut s, "How many days have you had this pain?");
        s.send_line("2").unwrap();
        screen_until(&mut s, "How old are you, in years?");
        s.send_line("45").unwrap();
        screen_until(&mut s, "in your chest?");
        s.send_line("1").unwrap();
        let end = screen_until(&mut s, "emergency department.");
        assert!(end.contains("No more questions."), "{end}");
        assert!(end.contains("EMERGENCY"));
        assert!(end.contains("Why: Possible heart attack"), "{end}");
        let status = s.get_process().wait().unwrap();
        assert_eq!(
            status,
            expectrl::process::unix::WaitStatus::Exited(s.get_process().pid(), 0)
        );
    }

    #[test]
    fn no_color_turns_colour_off_on_a_terminal() {
        let mut s = spawn(true);
        let first = screen_until(&mut s, "Is the pain in your lower back?");
        assert!(
            !first.contains('\u{1b}'),
            "NO_COLOR is respected: {first:?}"
        );
        s.send(ControlCode::EndOfText).unwrap();
        let _ = s.get_process().wait();
    }

    #[test]
    fn ctrl_c_exits_130_without_a_backtrace() {
        let mut s = spawn(false);
        screen_until(&mut s, "Is the pain in your lower back?");
        s.send(ControlCode::EndOfText).unwrap();
        let rest = screen_until(&mut s, "interrupted");
        assert!(!rest.contains("panicked"));
        let status = s.get_process().wait().unwrap();
        assert_eq!(
            status,
            expectrl::process::unix::WaitStatus::Exited(s.get_process().pid(), 130)
        );
    }

    /// On a terminal, answers are typed into a line editor: the arrow keys
    /// move within the line, backspace deletes, Up brings back an earlier
    /// answer, and a checklist takes several numbers at once.
    #[test]
    fn a_terminal_has_line_editing_history_and_checklists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(["interview", "--save", path.to_str().unwrap()])
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1");
        let mut s = Session::spawn(cmd).expect("a pseudo-terminal");
        s.set_expect_timeout(Some(Duration::from_secs(20)));
        // A checklist: lower back and one side, in one line.
        screen_until(&mut s, "Is the pain in your lower back?");
        screen_until(&mut s, "> ");
        s.send_line("1 3").unwrap();
        // "5", Left, "1", End: the line reads 15. Backspace takes the
        // mistyped "x" away.
        screen_until(&mut s, "How many days have you had this pain?");
        screen_until(&mut s, "> ");
        s.send("5\x1b[D1\x1b[Fx\x7f\r").unwrap();
        screen_until(&mut s, "How old are you, in years?");
        screen_until(&mut s, "> ");
        // Up brings back the last answer, "15"; two Backspaces clear it
        // and "61" is typed: history gives the line to edit.
        s.send("\x1b[A\x7f\x7f61\r").unwrap();
        screen_until(&mut s, "in your chest?");
        screen_until(&mut s, "> ");
        s.send_line("quit").unwrap();
        screen_until(&mut s, "Summary for your doctor saved");
        let status = s.get_process().wait().unwrap();
        assert_eq!(
            status,
            expectrl::process::unix::WaitStatus::Exited(s.get_process().pid(), 0)
        );
        let md = std::fs::read_to_string(&path).unwrap();
        assert!(
            md.contains("| How many days have you had this pain? | 15 days |"),
            "{md}"
        );
        assert!(
            md.contains("| How old are you, in years? | 61 years |"),
            "{md}"
        );
        assert!(md.contains("Pain in the lower back"), "{md}");
        assert!(md.contains("Pain in the side of the back (flank)"), "{md}");
    }
}

/// Issue 13: "yes" to a checklist and then "none" is pointed out once before
/// it is taken; the answer given after the reminder stands.
#[test]
fn yes_then_none_on_a_checklist_is_pointed_out_once() {
    let reminder = "You said yes a moment ago, but now none.";
    // yes, none, none again: the second none is taken.
    let out = Cmd::new(["interview"])
        .stdin(format!("1\n3\n34\nyes\n0\n0\n{}", nones(12)))
        .run();
    out.success();
    assert_eq!(unwrapped(&out.stderr).matches(reminder).count(), 1);
    // yes, none, then "?": the signs stay unchecked, not ruled out.
    let out = Cmd::new(["interview"])
        .stdin(format!("1\n3\n34\nyes\n0\n?\n{}", nones(12)))
        .run();
    out.success();
    assert!(unwrapped(&out.stderr).contains(reminder));
    assert!(out.stdout.starts_with(" NOT FINISHED"), "{}", out.stdout);
}

/// Issue 17: with `nerve_warning_signs` reworded to mention only a weak leg,
/// a person with saddle numbness truthfully answered "no", and cauda equina
/// was reported as checked and absent. The heading cannot hide a member:
/// the checklist lists saddle numbness in its own words, and picking it
/// fires cauda equina.
#[test]
fn a_reworded_group_question_cannot_hide_a_member() {
    let copy = crate::common::RulesCopy::new();
    copy.replace(
        "findings.yaml",
        "    question: Do you have any of these signs from the nerves?",
        "    question: Is one of your legs weak?",
    );
    copy.check().success();
    let rules = copy.path().to_str().unwrap().to_owned();
    let saddle =
        "Do you have numbness or tingling around your genitals, your bottom or your inner thighs?";
    // Every screen answered "none": the reworded checklist is asked among them.
    let out = Cmd::new(["--rules", &rules, "interview"])
        .stdin(format!("1\n3\n34\n{}", nones(6)))
        .run();
    out.success();
    let at = out
        .stderr
        .find("Is one of your legs weak?\n")
        .expect("the reworded checklist is asked");
    let before = out.stderr[..at].matches("\nQuestion ").count();
    // Items may wrap: read the listing with its line breaks undone.
    let listing = unwrapped(&out.stderr[at..]);
    let end = listing
        .find(saddle)
        .expect("saddle numbness is listed in its own words");
    let number = listing[..end]
        .trim_end()
        .trim_end_matches('.')
        .rsplit(' ')
        .next()
        .unwrap();
    // Answered truthfully: "none" to the screens before, then that item only.
    let out = Cmd::new(["--rules", &rules, "interview"])
        .stdin(format!("1\n3\n34\n{}{number}\n", nones(before - 4)))
        .run();
    out.success();
    assert!(out.stdout.starts_with(" EMERGENCY"), "{}", out.stdout);
    let result = unwrapped(&out.stdout);
    assert!(result.contains("cauda equina syndrome"), "{result}");
    assert!(
        result.contains("numbness around the genitals or bottom"),
        "{result}"
    );
}

// Issue 17: one byte of invalid UTF-8 ended the interview with exit 1 and
// lost every answer and the save.
#[test]
fn an_answer_that_is_not_utf8_is_not_understood_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.md");
    let mut input = b"1\n3\n".to_vec();
    input.extend_from_slice(b"\xff\xfe34\n34\n");
    input.extend_from_slice(nones(20).as_bytes());
    let out = Cmd::new(["interview", "--save", path.to_str().unwrap()])
        .stdin(input)
        .run();
    out.success();
    assert!(
        out.stderr
            .contains("Sorry, I could not read that: it is not UTF-8 text. Your age in years"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("> \u{fffd}\u{fffd}34\n"),
        "{}",
        out.stderr
    );
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(
        md.contains("| How old are you, in years? | 34 years |"),
        "{md}"
    );
}

// Issue 17: a 100 MB answer was held whole (297 MB) and echoed back whole.
#[test]
fn an_over_long_answer_is_dropped_with_a_hint_and_echoed_short() {
    let long = "y".repeat(200_000);
    let out = Cmd::new(["interview"])
        .stdin(format!("1\n{long}\n3\n34\n0\n"))
        .run();
    out.success();
    assert!(
        out.stderr.contains(&format!(
            "> {}…\nThat answer is longer than 4 KiB, so it was not read. A number of days",
            "y".repeat(80)
        )),
        "{}",
        &out.stderr[..out.stderr.len().min(3000)]
    );
    assert!(!out.stderr.contains(&"y".repeat(81)));
    // The interview went on with the next answers.
    assert!(out.stderr.contains("Question 4 of about"), "{}", out.stderr);
}

// Issue 17: answers were echoed raw, so a piped answer could clear the
// screen, set the title or write the clipboard (OSC 52) of the person
// reading the transcript.
#[test]
fn echoed_answers_are_shown_escaped() {
    let out = Cmd::new(["interview"])
        .stdin("\u{1b}]52;c;aGVsbG8=\u{7}\n\u{1b}[2J\u{9b}2K\u{202e}1\nquit\n")
        .run();
    out.success();
    assert!(
        out.stderr.contains("> \\u{1b}]52;c;aGVsbG8=\\u{7}\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("> \\u{1b}[2J\\u{9b}2K\\u{202e}1\n"),
        "{}",
        out.stderr
    );
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!out.stderr.contains(c), "{c:?} reached the terminal");
    }
}

/// Runs the interview in `sh` with a limit on its address space, reading
/// `stdin` (a file); returns the exit code and stderr.
fn interview_with_memory_limit(stdin: std::fs::File, limit_kib: u64) -> (i32, String) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" interview"))
        .arg(BIN)
        .stdin(stdin)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// Issue 17: `backtriage interview < /dev/zero` aborted on a failed 1 GiB
// allocation (exit 134) or filled memory. An endless line is read 1 MiB
// into and the interview ends as at the end of input; here in 128 MiB of
// address space (the binary itself needs a few tens).
#[test]
fn an_endless_line_of_nul_bytes_ends_the_interview_in_bounded_memory() {
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let (code, stderr) = interview_with_memory_limit(zero, 128 * 1024);
    assert_eq!(code, 0, "{}", &stderr[stderr.len().saturating_sub(2000)..]);
    assert!(
        stderr.contains("(more than 1 MiB without a line break is not an answer: stopping here)"),
        "{stderr}"
    );
    assert!(stderr.contains("> \\u{0}\\u{0}"), "echoed escaped");
}
