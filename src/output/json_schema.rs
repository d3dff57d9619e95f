//! `backtriage schema`: JSON Schemas of the JSON output, derived by schemars
//! from the types that write it ([`View`] and the batch lines), so that the
//! schema and the output cannot drift apart. Every object lists its fields
//! and which are always present; it allows fields it does not list, since
//! later versions may add fields (they never rename or remove one).

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::Value;

use crate::output::compact::CompactLine;
use crate::output::view::{ErrorLine, Line, SCHEMA_VERSION, TOOL_VERSION, View};

/// The documents `backtriage schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// `assess --format json`: one assessment.
    Assessment,
    /// One line of `assess --batch`: a result with the input's `id`, or an
    /// error line.
    BatchLine,
    /// One line of `assess --batch --compact`.
    CompactLine,
}

/// The generator: JSON Schema 2020-12, describing what is written (so a
/// field left out when empty is not required).
fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
}

/// The schema of one document.
pub fn schema(doc: Document) -> Schema {
    match doc {
        Document::Assessment => {
            let mut root = generator().into_root_schema_for::<View<'static>>();
            describe(
                &mut root,
                "backtriage assessment",
                "The output of `backtriage assess --format json`.",
            );
            root
        }
        Document::BatchLine => {
            let mut g = generator();
            let result = g.subschema_for::<Line<'static, 'static>>();
            lines_schema(
                g,
                result,
                "backtriage batch line",
                "One output line of `backtriage assess --batch`: the assessment of an input line with that line's `id`, or, for a line that could not be assessed, an error line.",
            )
        }
        Document::CompactLine => {
            let mut g = generator();
            let result = g.subschema_for::<CompactLine<'static>>();
            lines_schema(
                g,
                result,
                "backtriage compact batch line",
                "One output line of `backtriage assess --batch --compact`: the ids, levels and scores of an input line's assessment with that line's `id` (the texts are in `backtriage rules list WHAT --format json`), or, for a line that could not be assessed, an error line.",
            )
        }
    }
}

/// The schema of a batch output line: a result (`result`, made by `g`)
/// or an error line.
fn lines_schema(mut g: SchemaGenerator, result: Schema, title: &str, what: &str) -> Schema {
    let meta = g.settings().meta_schema.clone();
    let error = g.subschema_for::<ErrorLine<'static>>();
    let mut root = Schema::default();
    if let Some(meta) = meta {
        root.insert("$schema".into(), Value::from(meta.into_owned()));
    }
    describe(&mut root, title, what);
    root.insert(
        "oneOf".into(),
        Value::Array(vec![result.to_value(), error.to_value()]),
    );
    root.insert("$defs".into(), Value::Object(g.take_definitions(true)));
    root
}

/// Gives a root schema its title and description, naming the version of
/// the shape and of the tool that printed it.
fn describe(root: &mut Schema, title: &str, what: &str) {
    root.insert("title".into(), Value::from(title));
    root.insert(
        "description".into(),
        Value::from(format!(
            "{what} JSON shape version {SCHEMA_VERSION} (`schema_version`), printed by backtriage {TOOL_VERSION} with `backtriage schema`."
        )),
    );
}

/// The schema as pretty JSON, with a newline.
pub fn render(doc: Document) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&schema(doc)).map(|s| s + "\n")
}
