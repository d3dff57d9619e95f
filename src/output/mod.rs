//! Presenting a result: one complete, serialisable [`view::View`] of an
//! assessment, and one renderer per format, chosen by one `match`. Renderers
//! read only the view, never the rule base. Adding a format means one file
//! here and one variant of [`Format`].

pub mod compact;
pub mod fast;
pub mod fhir;
pub mod form;
pub mod json;
pub mod json_schema;
pub mod lines;
pub mod listing;
pub mod markdown;
#[cfg(test)]
mod testing;
pub mod text;
pub mod view;

pub use text::TextOptions;
use view::View;

/// The formats an assessment can be rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people at a terminal.
    Text,
    /// For scripts: one JSON object.
    Json,
    /// A summary to bring to a doctor.
    Markdown,
    /// A FHIR R4 Bundle: the answers and the assessment, for health records.
    Fhir,
}

/// Renders a view in a format; `text` says how to write text for a person.
pub fn render(view: &View<'_>, format: Format, text: TextOptions) -> serde_json::Result<String> {
    Ok(match format {
        Format::Text => text::render(view, text),
        Format::Json => json::render(view)?,
        Format::Markdown => markdown::render(view),
        Format::Fhir => fhir::render(view)?,
    })
}
