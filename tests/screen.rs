//! What a person sees, read from a real screen: the interview runs in an
//! 80x24 pseudo-terminal, everything it draws goes through a terminal
//! emulator (vt100), and the tests read the rows left on screen at the end.
//! For every outcome the headline and what to do must be on that last
//! screen, however long the interview was.

use std::time::Duration;

use expectrl::{Eof, Expect, Session};

use crate::common::BIN;

const ROWS: u16 = 24;
const COLS: u16 = 80;

/// How the person ends the interview.
enum End {
    /// Answers to the last question, then "n" to the offer of details.
    DeclineDetails,
    /// The interview stops by itself (an emergency) with no more prompts.
    ByItself,
    /// Ctrl-D after the answers: input ends before the interview does.
    CtrlD,
}

/// A session in an 80x24 terminal: `stty` sets the size before backtriage
/// starts, so its first look at the terminal sees 80 columns.
fn spawn() -> expectrl::session::OsSession {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "stty cols {COLS} rows {ROWS} && exec \"$0\" interview"
        ))
        .arg(BIN)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("LINES");
    let mut session = Session::spawn(cmd).expect("a pseudo-terminal");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

/// Answers each prompt in turn, ends as told, and returns the rows on the
/// screen when the program has exited.
fn last_screen(answers: &[&str], end: End) -> String {
    let mut s = spawn();
    let mut drawn: Vec<u8> = Vec::new();
    let wait_for = |s: &mut expectrl::session::OsSession, needle: &str, drawn: &mut Vec<u8>| {
        let found = s
            .expect(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
        drawn.extend_from_slice(found.before());
        for m in found.matches() {
            drawn.extend_from_slice(m);
        }
    };
    for answer in answers {
        wait_for(&mut s, "> ", &mut drawn);
        s.send_line(answer).unwrap();
    }
    match end {
        End::DeclineDetails => {
            wait_for(&mut s, "y/n", &mut drawn);
            wait_for(&mut s, "> ", &mut drawn);
            s.send_line("n").unwrap();
        }
        End::ByItself => {}
        End::CtrlD => {
            wait_for(&mut s, "> ", &mut drawn);
            s.send(expectrl::ControlCode::EndOfTransmission).unwrap();
        }
    }
    let rest = s.expect(Eof).expect("the program ends");
    drawn.extend_from_slice(rest.before());
    for m in rest.matches() {
        drawn.extend_from_slice(m);
    }
    let status = s.get_process().wait().unwrap();
    assert_eq!(
        status,
        expectrl::process::unix::WaitStatus::Exited(s.get_process().pid(), 0)
    );
    let size = |n: u16| std::num::NonZero::new(n).expect("not zero");
    let mut screen = vt100::Parser::new(size(ROWS), size(COLS), 0);
    screen.process(&drawn);
    screen.screen().contents()
}

fn assert_on_screen(screen: &str, wanted: &[&str]) {
    let rows = screen.lines().count();
    assert!(rows <= usize::from(ROWS), "{rows} rows: {screen}");
    for w in wanted {
        assert!(
            screen.contains(w),
            "{w:?} is not on the last screen:\n{screen}"
        );
    }
}

/// No warning sign: "1" lower back, 3 days, 34 years, then "none" to every
/// checklist and "no" to every question.
const NONE_LEFT: &str = "0";

#[test]
fn an_emergency_keeps_its_banner_and_action_on_the_last_screen() {
    // Chest pain at the first checklist: an emergency stops the interview.
    let screen = last_screen(&["1", "3", "45", "1"], End::ByItself);
    assert_on_screen(
        &screen,
        &[
            "EMERGENCY: Get emergency help now",
            "Tell the call handler",
            "This is not a diagnosis.",
        ],
    );
    // The very last line is the one thing to do.
    let last = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        last.contains("emergency department now."),
        "{last:?}\n{screen}"
    );
}

#[test]
fn an_urgent_result_keeps_its_banner_and_action_on_the_last_screen() {
    // A fever: the illness checklist's first item.
    let mut answers = vec!["1", "3", "45", NONE_LEFT, NONE_LEFT, "1"];
    answers.extend(std::iter::repeat_n(NONE_LEFT, 12));
    let screen = last_screen_answering(&answers);
    assert_on_screen(&screen, &["URGENT:", "Why:", "not a diagnosis"]);
}

#[test]
fn a_doctor_result_keeps_its_banner_and_action_on_the_last_screen() {
    // Pain for 90 days with nothing else.
    let mut answers = vec!["1", "90", "45"];
    answers.extend(std::iter::repeat_n(NONE_LEFT, 14));
    let screen = last_screen_answering(&answers);
    assert_on_screen(&screen, &["DOCTOR:", "Why:", "not a diagnosis"]);
}

#[test]
fn a_self_care_result_keeps_its_banner_and_advice_on_the_last_screen() {
    let mut answers = vec!["1", "3", "34"];
    answers.extend(std::iter::repeat_n(NONE_LEFT, 14));
    let screen = last_screen_answering(&answers);
    assert_on_screen(
        &screen,
        &["SELF-CARE:", "What to do now:", "not a diagnosis"],
    );
}

#[test]
fn an_unfinished_interview_says_so_on_the_last_screen() {
    let screen = last_screen(&["1", "3", "34"], End::CtrlD);
    assert_on_screen(
        &screen,
        &[
            "NOT FINISHED",
            "answer the remaining questions first",
            "not a diagnosis",
        ],
    );
}

/// Answers as many prompts as the interview asks (it may need fewer than
/// given), then declines the details.
fn last_screen_answering(answers: &[&str]) -> String {
    // Find how many prompts the interview asks for these answers, piped.
    let piped = crate::common::Cmd::new(["interview"])
        .stdin(answers.join("\n") + "\n")
        .run();
    piped.success();
    let asked = piped.stderr.matches("\nQuestion ").count();
    assert!(asked <= answers.len(), "{}", piped.stderr);
    last_screen(&answers[..asked], End::DeclineDetails)
}
