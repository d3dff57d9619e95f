//! The backtriage binary: everything lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    backtriage::run(std::env::args_os()).into()
}
