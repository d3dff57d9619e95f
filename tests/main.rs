//! The integration tests, one crate (one link) with a module per area. Most
//! drive the real binary; `properties` and `efficiency` call the library.

mod common;

mod assess;
mod bad_input;
mod batch;
mod cli;
mod clinical;
mod efficiency;
mod fhir;
mod fuzz_regressions;
mod interview;
mod limits;
mod properties;
mod readme;
mod rules_check;
mod safety;
mod schema;
mod screen;
