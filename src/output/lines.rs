//! Text for a person, wrapped to a width and never cut mid-word: the
//! result screens and the interview's questions are built with it.

use crate::color::Painter;
use crate::triage::schema::Urgency;

/// Lines wrapped to a width, with the painter of the stream they go to.
/// Colour codes do not count towards the width.
pub struct Lines {
    pub text: String,
    width: usize,
    pub paint: Painter,
}

impl Lines {
    /// Empty, for a stream `width` columns wide (never narrower than 20).
    pub fn new(width: usize, paint: Painter) -> Lines {
        Lines {
            text: String::new(),
            width: width.max(20),
            paint,
        }
    }

    /// A paragraph, wrapped, with an indent for its first and later lines.
    /// Line breaks in `text` are kept.
    pub fn para(&mut self, text: &str, first: &str, rest: &str) {
        let options = textwrap::Options::new(self.width)
            .initial_indent(first)
            .subsequent_indent(rest);
        for line in textwrap::wrap(text, options) {
            self.text.push_str(line.trim_end());
            self.text.push('\n');
        }
    }

    /// A paragraph without indent.
    pub fn say(&mut self, text: &str) {
        self.para(text, "", "");
    }

    /// A list item: "  - Title: text".
    pub fn item(&mut self, title: &str, text: &str) {
        let title = self.paint.bold(title);
        self.para(&format!("{title}: {text}"), "  - ", "    ");
    }

    /// A numbered item: "  1. text", later lines under the text.
    pub fn numbered(&mut self, number: usize, text: &str) {
        let first = format!("  {number}. ");
        let rest = " ".repeat(first.len());
        self.para(text, &first, &rest);
    }

    /// A heading on a line of its own.
    pub fn heading(&mut self, text: &str) {
        let text = self.paint.bold(text);
        self.text.push_str(&text);
        self.text.push('\n');
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A banner in the colour of a level, wrapped if the terminal is narrow.
    pub fn banner(&mut self, level: Urgency, text: &str) {
        let options = textwrap::Options::new(self.width);
        for line in textwrap::wrap(text, options) {
            let line = self.paint.urgency(level, &format!(" {} ", line.trim()));
            self.text.push_str(&line);
            self.text.push('\n');
        }
    }

    /// The text so far, leaving it empty.
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_wrapped_between_words_and_colour_does_not_count() {
        let mut plain = Lines::new(30, Painter::PLAIN);
        let mut coloured = Lines::new(30, Painter { enabled: true });
        let text = "Keep moving as much as you can, little and often, even if it hurts a bit.";
        plain.say(text);
        let bold = coloured.paint.bold(text);
        coloured.say(&bold);
        for line in plain.text.lines() {
            assert!(line.chars().count() <= 30, "{line:?}");
        }
        assert!(plain.text.lines().count() >= 3);
        let words: Vec<&str> = plain.text.split_whitespace().collect();
        assert_eq!(words, text.split_whitespace().collect::<Vec<_>>());
        assert_eq!(coloured.text.lines().count(), plain.text.lines().count());
    }

    #[test]
    fn numbered_items_hang_under_their_text() {
        let mut l = Lines::new(24, Painter::PLAIN);
        l.numbered(3, "Is the pain in your upper back?");
        let lines: Vec<&str> = l.text.lines().collect();
        assert!(lines[0].starts_with("  3. Is"), "{lines:?}");
        assert!(lines[1].starts_with("     ") && !lines[1].starts_with("      "));
    }
}
