#!/usr/bin/env bash
# Writes the FHIR examples of docs/fhir/examples.txt into a folder:
#   .ci/fhir-examples.sh OUT-DIR [BINARY]
# `.ci/fhir-examples.sh docs/fhir` refreshes the committed examples; CI writes
# them afresh elsewhere and compares.
set -euo pipefail
out=${1:?usage: .ci/fhir-examples.sh OUT-DIR [BINARY]}
bin=${2:-target/debug/backtriage}
root="$(cd "$(dirname "$0")/.." && pwd)"
export SOURCE_DATE_EPOCH=1767225600
mkdir -p "$out"
"$bin" rules export fhir > "$out/questionnaire.json"
grep -v '^#' "$root/docs/fhir/examples.txt" | while IFS= read -r line; do
    [ -n "$line" ] || continue
    name=${line%%:*}
    # The arguments are ids, numbers and flags: word splitting is wanted.
    # shellcheck disable=SC2086
    "$bin" assess --format fhir ${line#*:} > "$out/$name.json"
done
