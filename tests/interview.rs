//! The interview, with answers piped in and on a real (pseudo-)terminal.

mod common;

use std::time::Duration;

use common::{BIN, Cmd};

/// Answers for the opening and the six warning-sign screens, all "no" to
/// warning signs: lower back pain, 3 days, 34 years old.
const CLEAR_SCREEN: &str = "y\n3\n34\nn\nn\nn\nn\nn\nn\n";

#[test]
fn a_piped_session_understands_every_command_word() {
    let input = [
        "help",  // the question's help and the command words
        "maybe", // not understood: re-asked with a hint
        "back",  // nothing to go back to yet
        "y",     // Q1 lower back pain
        "why",   // what the days question bears on
        "back",  // undo Q1
        "n",     // Q1 again, answered differently
        "3",     // Q2 days
        "?",     // Q3 age: don't know
        "skip",  // Q4 the nerve screen, skipped
        "n", "n", "n", "n", "n", "n", // more screens; the nerve signs come one by one
        "quit",
    ]
    .join("\n");
    let out = Cmd::new(["interview"]).stdin(input + "\n").run();
    out.success();
    let err = &out.stderr;
    // help
    assert!(err.contains("where a belt sits"), "the finding's help text");
    assert!(err.contains("back  go back and change your last answer"));
    // a bad answer
    assert!(err.contains("Sorry, I did not understand. y = yes, n = no, ? = don't know"));
    assert!(err.contains("There is no earlier answer to go back to."));
    // why, with sources
    assert!(err.contains("This question checks for these warning signs:"));
    assert!(err.contains("Back pain for more than six weeks (doctor; from"));
    assert!(err.contains("NICE Clinical Knowledge Summary"));
    // back
    assert!(err.contains("Going back one question."));
    assert_eq!(
        err.matches("Is the pain in your lower back?").count(),
        2,
        "asked again after back"
    );
    // progress
    assert!(err.contains("Question 1 (at most"));
    assert!(err.contains("Question 4 (at most"));
    // answers are echoed when piped, so the transcript reads well
    assert!(err.contains("> maybe\n"));
    // skip leaves the nerve screen unknown, so its members are asked one by one
    assert!(
        err.contains("Do you have numbness or tingling around your genitals"),
        "{err}"
    );
    // quit prints the assessment of what was answered, with the warning
    let result = &out.stdout;
    assert!(result.starts_with(" NOT FINISHED"), "{result}");
    assert!(result.contains("Emergency signs not checked"));
    assert!(result.contains("  ? Back pain after a serious injury\n"));
    assert!(result.contains("This is not a diagnosis."));
    // questions go to stderr, results to stdout
    assert!(!result.contains("Question 1"));
}

#[test]
fn end_of_input_stops_and_assesses_what_was_answered() {
    let out = Cmd::new(["interview"]).stdin("y\n3\n").run();
    out.success();
    assert!(out.stderr.contains("(input ended: stopping here)"));
    assert!(out.stdout.contains("Not checked"));
    assert!(
        out.stdout
            .contains("NOT checked, because their questions were not answered")
    );
}

#[test]
fn an_emergency_answer_stops_the_interview_at_once() {
    let out = Cmd::new(["interview"])
        .stdin("y\n3\n34\ny\ny\nn\nn\nn\n")
        .run();
    out.success();
    assert!(out.stderr.contains("No more questions."));
    // Asked: lower back, days, age, the nerve screen, then saddle numbness: five.
    assert_eq!(
        out.stderr.matches("\nQuestion ").count(),
        5,
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.starts_with(" EMERGENCY: Get emergency help now"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Because: Numbness in the saddle area"));
}

#[test]
fn a_clear_screen_then_a_strain_ends_by_itself_with_self_care() {
    // After the screen: keep answering no, except "how it started" (yes) and lifting (yes).
    let mut input = CLEAR_SCREEN.to_owned();
    for _ in 0..30 {
        input.push_str("n\n");
    }
    let out = Cmd::new(["interview"]).stdin(&input).run();
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
    assert!(asked <= 20, "asked {asked}");
}

#[test]
fn the_interview_and_assess_give_the_same_assessment() {
    // lower back yes, 3 days, 34, screens no, then: onset yes -> lifting yes, rest no.
    let out = Cmd::new(["interview"])
        .stdin(format!("{CLEAR_SCREEN}{}", "n\n".repeat(30)))
        .run();
    out.success();
    let assessed = Cmd::new([
        "assess",
        "--yes",
        "lower_back_pain",
        "--days",
        "3",
        "--age",
        "34",
        "--no",
        "nerve_warning_signs,chest_warning_signs,illness_warning_signs,injury,organ_signs,pain_warning_signs",
    ])
    .run();
    // The interview asked more (cause questions, all no): compare the headline.
    assert_eq!(out.stdout.lines().next(), assessed.stdout.lines().next());
}

#[test]
fn numbers_out_of_range_are_refused_and_asked_again() {
    let out = Cmd::new(["interview"])
        .stdin("y\n3\n300\n-4\nforty\n40\n")
        .run();
    out.success();
    assert!(
        out.stderr
            .contains("'age' must be a number from 0 to 120, not 300")
    );
    assert!(
        out.stderr
            .contains("'age' must be a number from 0 to 120, not -4")
    );
    assert!(
        out.stderr
            .contains("Sorry, I did not understand. a number in years")
    );
    assert_eq!(out.stderr.matches("How old are you, in years?").count(), 1);
}

#[test]
fn save_writes_a_markdown_summary_for_a_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    let out = Cmd::new(["interview", "--save", path.to_str().unwrap()])
        .stdin(format!("{CLEAR_SCREEN}{}", "n\n".repeat(30)))
        .run();
    out.success();
    let md = std::fs::read_to_string(&path).expect("the summary was written");
    assert!(md.starts_with("# Back pain summary"));
    assert!(md.contains("| Age | 34 years |"));
    assert!(md.contains("| Warning signs from the nerves | no |"));
    assert!(out.stderr.contains("Summary for your doctor saved to"));
    // Only the summary is left in the folder: no temporary file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn save_replaces_an_old_summary_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    std::fs::write(
        &path,
        "old text that is much longer than nothing\n".repeat(1000),
    )
    .unwrap();
    Cmd::new(["interview", "--save", path.to_str().unwrap()])
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
        s.send_line("y").unwrap();
        screen_until(&mut s, "How many days have you had this pain?");
        s.send_line("2").unwrap();
        screen_until(&mut s, "How old are you, in years?");
        s.send_line("45").unwrap();
        screen_until(&mut s, "numbness around your genitals");
        s.send_line("y").unwrap();
        screen_until(
            &mut s,
            "Do you have numbness or tingling around your genitals",
        );
        s.send_line("y").unwrap();
        let end = screen_until(&mut s, "emergency department.");
        assert!(end.contains("No more questions."));
        assert!(end.contains("EMERGENCY"));
        assert!(end.contains("Warning signs found"));
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
}
