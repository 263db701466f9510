#!/usr/bin/env bash
# P3 (issue 5): client CPU per listed key for parse + encode, single thread:
# bench/list_parse_bench.cc (one 1,000-entry ListObjectsV2 page as RGW sends
# it, parsed and encoded as report rows) through Google Benchmark's CPU time.
# `perf stat -e instructions` needs a PMU, which VMs often lack, so CPU time
# stands in for instructions. Prints a Markdown section on stdout.
#
#   bench/p3_cpu.sh
# Env: BUILD (default build; needs its stocktake_bench), VERDICTS (a file to
# append "figure<TAB>ratio<TAB>goal<TAB>met" lines to, for bench/run).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
VERDICTS=${VERDICTS:-/dev/null}
JSON=$(mktemp)
trap 'rm -f "$JSON"' EXIT
CMD=("$BUILD/stocktake_bench" --benchmark_filter='BM_Parse' --benchmark_format=json
     --benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
"${CMD[@]}" >"$JSON" 2>/dev/null

echo "## P3 client CPU per key (parse + encode)"
echo
echo "Command: \`${CMD[*]}\` (bench/list_parse_bench.cc); median of 3 repetitions, CPU time"
echo "per listed key, one thread."
echo
/usr/bin/python3 - "$JSON" "$VERDICTS" <<'PY'
import json, sys
rows = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
label = {"BM_ParseListPage": "parse the XML page (`ParseListObjectsV2`)",
         "BM_ParseAndEncodePage/0": "parse + encode a plain CSV row",
         "BM_ParseAndEncodePage/1": "parse + encode + gzip level 1 (what CSV.gz reports do)"}
print("| stage | CPU per key (us) |")
print("|---|---|")
per_key = {}
for name, text in label.items():
    b = rows[name]
    per_key[name] = 1e6 / b["items_per_second"]
    print(f"| {text} | {per_key[name]:.2f} |")
v = per_key["BM_ParseAndEncodePage/0"]
with open(sys.argv[2], "a") as out:
    out.write(f"P3 CPU per key, parse + encode\t{v:.2f} us\t<= 1 us\t{'met' if v <= 1 else 'not met'}\n")
PY
echo
echo "The whole process (HTTP, parse, encode, compress, write) per key is in the P4 table."
