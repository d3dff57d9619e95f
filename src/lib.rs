//! backtriage: command-line triage for back (muscle) pain.
//!
//! The medical knowledge is data (`rules/*.yaml`, see `docs/rules.md`); this
//! crate loads and checks it ([`load`], [`check`]), evaluates answers against
//! it ([`engine`]), chooses the next question ([`select`]), and presents the
//! result ([`report`], [`render`]) to people ([`interview`]) and scripts
//! ([`batch`]). [`run`] is the whole program; `main.rs` only calls it.

#![forbid(unsafe_code)]
// User data must never panic the program: no unwrap/expect/panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod app;
pub mod batch;
pub mod cases;
pub mod cli;
pub mod color;
pub mod embedded;
pub mod exit;
pub mod interview;
pub mod output;
pub mod plan;
pub mod reply;
pub mod triage;

pub use app::run;
