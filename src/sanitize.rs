//! Text that a person or a file supplied, made safe to print: control
//! characters and Unicode bidirectional controls are shown escaped (`\u{1b}`,
//! `\u{202e}`), so that no answer, id or rule text can hide, overwrite or
//! reorder what a terminal shows; and echoed answers are shortened.
//!
//! The character classes are `triage::controls`, the same that `rules check`
//! refuses in rule texts.

use std::borrow::Cow;

use crate::triage::controls;

/// `text` for one line: every control character (line breaks included) and
/// bidi control escaped. Borrowed when there is nothing to escape.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    controls::escape(text, false)
}

/// Like [`escape_controls`], but line breaks are kept: for texts that may
/// span lines, such as a rule's help or message.
pub(crate) fn escape_controls_multiline(text: &str) -> Cow<'_, str> {
    controls::escape(text, true)
}

/// The most characters of an answer the interview echoes.
pub(crate) const ECHO_CHARS: usize = 80;

/// An answer as the interview echoes it: trailing white space dropped, at
/// most [`ECHO_CHARS`] characters (then "…"), escaped.
pub(crate) fn echo(answer: &str) -> String {
    let answer = answer.trim_end();
    let mut shown: String = answer.chars().take(ECHO_CHARS).collect();
    let cut = shown.len() < answer.len();
    shown = escape_controls(&shown).into_owned();
    if cut {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_clean_text_is_borrowed() {
        assert!(matches!(escape_controls("fever"), Cow::Borrowed("fever")));
        assert_eq!(
            escape_controls("\u{1b}]52;c;aGk=\u{7}x\u{202e}y\nz"),
            "\\u{1b}]52;c;aGk=\\u{7}x\\u{202e}y\\nz"
        );
        assert_eq!(escape_controls_multiline("a\nb\u{9b}"), "a\nb\\u{9b}");
    }

    #[test]
    fn an_echo_is_short_and_inert() {
        assert_eq!(echo("yes \r\n"), "yes");
        assert_eq!(echo("\u{1b}[2Jno"), "\\u{1b}[2Jno");
        let long = "é".repeat(200);
        let shown = echo(&long);
        assert_eq!(shown.chars().count(), ECHO_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(echo(&"x".repeat(ECHO_CHARS)), "x".repeat(ECHO_CHARS));
    }
}
