#!/usr/bin/env bash
# Builds the Debian package of backtriage: the release binary, then its man
# pages and shell completions written by that very binary (build.rs must not
# run clap), then `cargo deb --no-build`. Needs cargo-deb (`cargo install
# cargo-deb`); extra arguments go to cargo deb (for example --output DIR).
# The package lands in target/debian/backtriage_<version>-1_<arch>.deb.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/backtriage"
# Under target/release/, which cargo-deb maps to the real target folder.
assets="$target/release/deb-assets"
rm -rf "$assets"
mkdir -p "$assets/man" "$assets/completions"

"$bin" man --dir "$assets/man" >/dev/null
gzip -9 --no-name "$assets"/man/*.1
"$bin" completions bash >"$assets/completions/backtriage"
"$bin" completions zsh >"$assets/completions/_backtriage"
"$bin" completions fish >"$assets/completions/backtriage.fish"

cargo deb --no-build "$@"
