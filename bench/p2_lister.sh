#!/usr/bin/env bash
# The parallel lister's own parallelism (issue 5, P2's "why"): the P2
# bucket's 100,000 keys listed from memory with 10 ms a call, no server CPU
# in the way (bench/parallel_list_bench.cc), at 1, 16 and 64 calls, with
# and without split keys from common prefixes. Prints a Markdown section.
#
#   bench/p2_lister.sh
# Env: BUILD (default build; needs its stocktake_bench).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
JSON=$(mktemp)
trap 'rm -f "$JSON"' EXIT
CMD=("$BUILD/stocktake_bench" --benchmark_filter='BM_ParallelList' --benchmark_format=json)
"${CMD[@]}" >"$JSON" 2>/dev/null

echo "## P2 lister: calls in flight, without a server"
echo
echo "Command: \`${CMD[*]}\` (bench/parallel_list_bench.cc): the P2 bucket's"
echo "100,000 keys (\`d123/sub 04/obj-0012345.dat\`) listed from memory, each call taking 10 ms"
echo "as a remote one would, 3 runs each. The ideal is 100 pages / calls in flight x 10 ms."
echo "Calls in flight: the calls' 10 ms summed over the wall time (mean), and the most at once."
echo "Keys listed twice: listed past a range's end and not handed on."
echo
/usr/bin/python3 - "$JSON" <<'PY'
import json, sys
print("| calls | split keys | wall (ms) | calls made | in flight, mean | most | keys listed twice |")
print("|---|---|---|---|---|---|---|")
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    args = dict(p.split(":") for p in b["name"].split("/")[1:3])
    split = ("none (one range)" if args["calls"] == "1" else
             "common prefixes" if args["discovery"] == "1" else "byte midpoints only")
    print(f"| {args['calls']} | {split} | {b['real_time']:.0f} | {b['calls']:.0f} | "
          f"{b['in_flight']:.1f} | {b['max_in_flight']:.0f} | {b['keys_twice']:.0f} |")
PY
