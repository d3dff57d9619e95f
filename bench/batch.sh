#!/usr/bin/env bash
# Batch throughput, instructions and peak memory of `assess --batch` on two
# streams of N generated lines (default 1,000,000):
#
#   interviews  simulated people answering the real interview
#               (examples/gen_interviews.rs): the realistic stream
#   random      half of all findings answered at random (examples/gen_batch.rs)
#
# Each stream is timed side by side in one hyperfine run: backtriage on one
# job and on two, the serde_json floor (examples/json_floor.rs: parse each
# line into a Value, write a line of the same size as ours) and `jq -c .`.
# Then: peak memory, instructions per case counted by callgrind (stable
# under load), and the size of --compact output.
#
#   bench/batch.sh [N] [RUNS]
#
# Needs hyperfine, jq and valgrind (Debian packages of the same names).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin backtriage --example gen_batch --example gen_interviews --example json_floor
bin=target/release/backtriage
floor=target/release/examples/json_floor

for stream in interviews random; do
  input="$work/$stream.jsonl"
  case $stream in
    interviews) target/release/examples/gen_interviews "$n" > "$input" ;;
    random) target/release/examples/gen_batch "$n" > "$input" ;;
  esac
  echo "== $stream: $n lines, $(du -h "$input" | cut -f1)"

  # One job and two write the same bytes; the floor writes lines of our size.
  "$bin" assess --batch "$input" --jobs 1 > "$work/one.out" || true
  "$bin" assess --batch "$input" --jobs 2 > "$work/two.out" || true
  cmp -s "$work/one.out" "$work/two.out" || { echo "--jobs 2 output differs from --jobs 1" >&2; exit 1; }
  out_bytes=$(( $(wc -c < "$work/one.out") / n ))
  "$bin" assess --batch "$input" --jobs 1 --compact > "$work/compact.out" || true
  echo "output: $out_bytes bytes a line; --compact: $(( $(wc -c < "$work/compact.out") / n )) bytes a line" \
    "($(( 100 * $(wc -c < "$work/compact.out") / $(wc -c < "$work/one.out") ))% of the full size)"
  rm -f "$work/one.out" "$work/two.out" "$work/compact.out"

  # The machine's own ceiling for two cores: two separate one-job processes,
  # each on half the stream, share nothing but the hardware.
  head -n $((n / 2)) "$input" > "$work/first.jsonl"
  tail -n +$((n / 2 + 1)) "$input" > "$work/second.jsonl"
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/h.json" \
    -n "backtriage --jobs 1" "$bin assess --batch $input --jobs 1 > /dev/null" \
    -n "backtriage --jobs 2" "$bin assess --batch $input --jobs 2 > /dev/null" \
    -n "2 processes, 1 job each" \
    "$bin assess --batch $work/first.jsonl --jobs 1 > /dev/null & $bin assess --batch $work/second.jsonl --jobs 1 > /dev/null; wait" \
    -n "serde_json floor" "$floor $out_bytes < $input > /dev/null" \
    -n "jq -c ." "jq -c . $input > /dev/null" >/dev/null

  python3 - "$work/h.json" "$n" <<'PY'
import json, sys
results = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
one, floor, jq = results["backtriage --jobs 1"], results["serde_json floor"], results["jq -c ."]
for name, median in results.items():
    print(f"{name:24} median {median:6.2f} s  {n / median:>10,.0f} lines/s"
          f"  {median / floor:5.2f}x the floor  {median / jq:5.2f}x jq")
print(f"two jobs / one job: {one / results['backtriage --jobs 2']:.2f}x the throughput;"
      f" two processes on halves / one job: {one / results['2 processes, 1 job each']:.2f}x (nothing shared between the two)")
PY
  rm -f "$work/first.jsonl" "$work/second.jsonl"

  # Peak memory: the whole stream, then a tenth of it, to show it does not grow.
  for jobs in 1 2; do
    for lines in "$n" $((n / 10)); do
      head -n "$lines" "$input" > "$work/part.jsonl"
      /usr/bin/time -f "peak memory, --jobs $jobs, $lines lines: %M KB" \
        "$bin" assess --batch "$work/part.jsonl" --jobs "$jobs" > /dev/null || true
    done
  done

  # Instructions per case: 20,000 lines less an empty input, on one job.
  head -n 20000 "$input" > "$work/part.jsonl"
  count() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin" assess --batch "$1" --jobs 1 \
      > /dev/null 2> /dev/null || true
    awk '/^summary:/ { print $2 }' "$work/cg.out"
  }
  : > "$work/empty.jsonl"
  lines=$(wc -l < "$work/part.jsonl")
  echo "instructions per case: $(( ($(count "$work/part.jsonl") - $(count "$work/empty.jsonl")) / lines ))" \
    "(callgrind, $lines lines less an empty input)"
  rm -f "$input" "$work/part.jsonl"
done
