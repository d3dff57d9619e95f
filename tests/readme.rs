//! The README's transcripts and results are real output: each is run again
//! here and must match what the README shows, so the documentation cannot
//! drift from the program.

use crate::common::{Cmd, root};

/// The text block that follows `marker` in the README.
fn block_after(marker: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("the README has no {marker:?}"));
    let rest = &readme[at..];
    let start = rest.find("```text\n").expect("a text block") + "```text\n".len();
    let end = rest[start..].find("```").expect("the block ends");
    rest[start..start + end].to_owned()
}

/// Each piece of a transcript between "[... ...]" elisions appears, in
/// order, in what the program wrote (its questions, then its result).
fn assert_transcript(marker: &str, stdin: &str) {
    let out = Cmd::new(["interview"]).stdin(stdin).run();
    out.success();
    let full = format!("{}{}", out.stderr, out.stdout);
    let block = block_after(marker);
    let mut from = 0;
    for piece in block
        .split('\n')
        .collect::<Vec<_>>()
        .split(|l| l.starts_with("[..."))
    {
        let piece = piece.join("\n");
        let piece = piece.trim_matches('\n');
        if piece.is_empty() {
            continue;
        }
        let found = full[from..]
            .find(piece)
            .unwrap_or_else(|| panic!("{marker}: not in the real output:\n{piece}\n---\n{full}"));
        from += found + piece.len();
    }
    assert!(
        block.contains(out.stdout.trim_end()),
        "{marker}: the result is not shown whole"
    );
}

#[test]
fn the_lifting_strain_transcript_is_real() {
    assert_transcript(
        "Transcript: a lifting strain",
        "1\n2\n35\n0\n0\n0\n0\n0\n1 2\n0\n1\n0\n",
    );
}

#[test]
fn the_emergency_transcript_is_real() {
    assert_transcript("Transcript: chest pain with back pain", "1\n3\n45\n1\n");
}

#[test]
fn the_doctor_result_is_real() {
    let out = Cmd::new([
        "assess",
        "--yes",
        "lower_back_pain,prolonged_posture",
        "--no",
        "nerve_warning_signs,chest_warning_signs,illness_warning_signs,health_background,organ_signs,leg_nerve_symptoms",
        "--days",
        "90",
        "--age",
        "52",
    ])
    .run();
    out.success();
    assert_eq!(block_after("a doctor result, from"), out.stdout);
}
