//! The result as one JSON object: the [`View`] serialized as it is.

use crate::output::view::View;

/// The JSON of a view, with a newline.
pub fn render(view: &View<'_>) -> serde_json::Result<String> {
    serde_json::to_string(view).map(|s| s + "\n")
}
