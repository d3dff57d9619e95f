//! Characters a text must not carry to a terminal: control characters and
//! the Unicode bidirectional controls. An escape sequence (`ESC [ 8 m`) can
//! make a warning invisible, move the cursor and overwrite a line, set the
//! window title or write the clipboard; a bidi override can show a text in
//! another order than it is stored. `rules check` refuses them in rule
//! texts, and whatever prints a text a person or a file supplied shows them
//! escaped (see `crate::sanitize`, which uses this module).

use std::borrow::Cow;
use std::fmt::Write as _;

/// What kind of refused character `c` is, or `None` when it may be shown.
/// A line break is refused here too; texts that may span lines allow it
/// themselves (see [`escape`]).
pub fn kind(c: char) -> Option<&'static str> {
    match c {
        '\u{7f}' => Some("DEL"),
        '\u{0}'..='\u{1f}' => Some("a C0 control character"),
        '\u{80}'..='\u{9f}' => Some("a C1 control character"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}' => {
            Some("a bidirectional control")
        }
        _ => None,
    }
}

/// The first refused character of `text` (line breaks allowed when
/// `multiline`), with its place among the characters (from 1).
pub fn first_refused(text: &str, multiline: bool) -> Option<(usize, char, &'static str)> {
    text.chars()
        .enumerate()
        .filter(|&(_, c)| !(multiline && c == '\n'))
        .find_map(|(i, c)| kind(c).map(|k| (i + 1, c, k)))
}

/// A character as it is written when escaped: `\n`, `\r`, `\t`, else
/// `\u{1b}` (Rust's notation).
pub fn escaped(c: char) -> String {
    match c {
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        _ => format!("\\u{{{:x}}}", u32::from(c)),
    }
}

/// `text` with every refused character escaped (line breaks kept when
/// `multiline`). Borrowed, with no copy, when there is nothing to escape.
pub fn escape(text: &str, multiline: bool) -> Cow<'_, str> {
    let refused = |c: char| kind(c).is_some() && !(multiline && c == '\n');
    if !text.chars().any(refused) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if refused(c) {
            let _ = write!(out, "{}", escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_named_and_plain_text_passes() {
        assert_eq!(kind('\u{1b}'), Some("a C0 control character"));
        assert_eq!(kind('\t'), Some("a C0 control character"));
        assert_eq!(kind('\n'), Some("a C0 control character"));
        assert_eq!(kind('\u{7f}'), Some("DEL"));
        assert_eq!(kind('\u{9b}'), Some("a C1 control character"));
        for c in [
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
        ] {
            assert_eq!(kind(c), Some("a bidirectional control"), "{c:?}");
        }
        for c in [
            'a', ' ', 'é', '\u{a0}', '…', '\u{2019}', '\u{2070}', '\u{2029}',
        ] {
            assert_eq!(kind(c), None, "{c:?}");
        }
    }

    #[test]
    fn escaping_shows_each_refused_character_and_borrows_clean_text() {
        assert!(matches!(escape("plain text, é", false), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\u{1b}[8mb\u{202e}c\nd\te\u{7f}\u{9b}", false),
            "a\\u{1b}[8mb\\u{202e}c\\nd\\te\\u{7f}\\u{9b}"
        );
        assert_eq!(escape("two\nlines\u{1b}", true), "two\nlines\\u{1b}");
        assert_eq!(
            first_refused("ok\nthen\u{1b}", true),
            Some((8, '\u{1b}', "a C0 control character"))
        );
        assert_eq!(
            first_refused("ok\n", false),
            Some((3, '\n', "a C0 control character"))
        );
        assert_eq!(first_refused("ok\n", true), None);
    }
}
