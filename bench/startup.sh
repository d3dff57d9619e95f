#!/usr/bin/env bash
# Start-up: `backtriage assess` with a handful of answers, as a whole
# process, beside a process that does nothing (/bin/true). Medians.
#
#   bench/startup.sh [RUNS]
#
# Needs hyperfine (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin backtriage
bin=$PWD/target/release/backtriage
args="assess --yes lower_back_pain,lifting_or_strain --no fever,saddle_numbness --age 52 --days 3 --format json"
hyperfine -N --style basic --warmup 50 --runs "$runs" --export-json "$work/h.json" \
  -n /bin/true "/bin/true" \
  -n "backtriage assess" "$bin $args" \
  -n "backtriage assess --rules rules/" "$bin --rules rules $args" >/dev/null
python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["/bin/true"]["median"]
for name, x in r.items():
    print(f"{name:34} median {x['median'] * 1000:6.2f} ms  ({x['median'] / base:.2f}x /bin/true)")
PY
