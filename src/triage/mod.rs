//! The domain core: the rule base (its YAML schema, loading, compilation and
//! checks), the condition language, answers, the engine and question
//! selection. Pure: no terminal, no command line, no process exit, and
//! nothing here imports the modules above it. `build.rs` includes this folder
//! to check and embed `rules/` at build time.

pub mod answers;
pub mod assess;
pub mod compile;
pub mod condition;
pub mod controls;
pub mod engine;
pub mod explain;
pub mod ids;
pub mod load;
pub mod locate;
pub mod problem;
pub mod rulebase;
pub mod schema;
pub mod select;
pub mod state;
pub mod sweep;
pub mod verify;

pub use assess::{Assessment, assess, assess_into};
