//! Checks `rules/` and embeds it into the binary: the YAML texts (for
//! `rules check` and `rules list`) and the compiled rule base (so start-up
//! parses no YAML). A rule base that fails the checker fails the build with
//! the checker's own messages.

// The build uses only loading and checking; the rest of the core is unused here.
#[allow(dead_code, unused_imports)]
#[path = "src/triage/mod.rs"]
mod triage;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=rules");
    for name in triage::problem::FILES {
        println!("cargo:rerun-if-changed=rules/{name}");
    }
    println!("cargo:rerun-if-changed=src/triage");

    let rules = Path::new("rules");
    let compiled =
        triage::load::read_dir(rules).and_then(|texts| triage::load::compile_texts(&texts));
    let rb = match compiled {
        Ok(rb) => rb,
        Err(problems) => {
            for p in &problems {
                println!("cargo:warning={p}");
                eprintln!("{p}");
            }
            eprintln!(
                "rules/ has {} problem(s): the rule base cannot be embedded",
                problems.len()
            );
            return ExitCode::FAILURE;
        }
    };

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes = postcard::to_stdvec(&rb).expect("a rule base always serializes");
    std::fs::write(out.join("rules.bin"), bytes).expect("OUT_DIR is writable");

    let root = std::env::current_dir().expect("the build runs in the package folder");
    let mut code = String::from("/// The rule files of `rules/`, as (shown name, text).\n");
    code.push_str("pub const RULE_TEXTS: &[(&str, &str)] = &[\n");
    for name in triage::problem::FILES {
        let path = root.join("rules").join(name);
        writeln!(
            code,
            "    (\"rules/{name}\", include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("];\n");
    std::fs::write(out.join("embedded.rs"), code).expect("OUT_DIR is writable");
    ExitCode::SUCCESS
}
