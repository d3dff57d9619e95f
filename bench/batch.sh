#!/usr/bin/env bash
# Batch throughput and peak memory of `assess --batch` over N generated
# cases (default 1,000,000), beside `jq -c .` over the same file as the
# floor of reading and writing those lines. Medians over several runs.
#
#   bench/batch.sh [N] [RUNS]
#
# Needs hyperfine and jq (Debian packages of the same names).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin backtriage --example gen_batch
bin=target/release/backtriage
target/release/examples/gen_batch "$n" > "$work/cases.jsonl"
echo "input: $n lines, $(du -h "$work/cases.jsonl" | cut -f1)"

hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/h.json" \
  -n backtriage "$bin assess --batch $work/cases.jsonl > /dev/null" \
  -n "jq -c ." "jq -c . $work/cases.jsonl > /dev/null" >/dev/null

python3 - "$work/h.json" "$n" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
ours, jq = results["backtriage"]["median"], results["jq -c ."]["median"]
print(f"backtriage: median {ours:.2f} s = {n / ours:,.0f} cases/s")
print(f"jq -c .:    median {jq:.2f} s = {n / jq:,.0f} lines/s")
print(f"ratio backtriage/jq: {ours / jq:.2f}")
PY

# Peak memory: the whole input, then a tenth of it, to show it does not grow.
for lines in "$n" $((n / 10)); do
  head -n "$lines" "$work/cases.jsonl" > "$work/part.jsonl"
  /usr/bin/time -f "peak memory over $lines lines: %M KB" "$bin" assess --batch "$work/part.jsonl" > /dev/null
done
