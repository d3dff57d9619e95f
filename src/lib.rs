//! backtriage: command-line triage for back (muscle) pain.
//!
//! The medical knowledge is data (`rules/*.yaml`, see `docs/rules.md`). The
//! crate has three layers, one direction (see `src/README.md`):
//!
//! - the command line: `cli` (clap types) becomes a `plan`, which `app` runs;
//!   `app` alone decides exit codes;
//! - the drivers: `interview` (the prompt loop), `batch` (JSON Lines) and
//!   [`cases`] (`rules test`);
//! - [`triage`], the domain core (pure), and [`output`], one renderer per
//!   format over one result view.
//!
//! [`run`] is the whole program; `main.rs` only calls it. The public modules
//! are what the tests, benchmarks and fuzz targets use (`interview` is
//! public for its fuzz target, which feeds arbitrary bytes to its loop).

#![forbid(unsafe_code)]
// User data must never panic the program: no unwrap/expect/panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod app;
pub mod batch;
pub mod cases;
mod cli;
pub mod color;
mod completions;
pub mod embedded;
mod exit;
pub mod interview;
mod lines;
mod man;
pub mod output;
mod plan;
mod reply;
mod sanitize;
mod save;
pub mod terminal;
pub mod triage;

pub use app::run;
pub use exit::Exit;
