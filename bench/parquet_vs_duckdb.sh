#!/bin/sh
# Issue 4 benchmark: 10M inventory rows to Parquet with stocktake and with
# DuckDB COPY, same rows, one run. Prints a Markdown section for
# BENCHMARKS.md. Needs a built stocktake_bench (BUILD, default ./build) and
# `npm ci` in tests/node.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/stocktake_bench" --benchmark_filter='BM_ParquetEncode10M' \
  --benchmark_format=json >"$tmp/ours.json"
(cd "$root/tests/node" && OUT="$tmp/duck.parquet" node --input-type=module - \
  <"$root/bench/duckdb_copy.mjs") >"$tmp/duck.jsonl"

python3 - "$tmp/ours.json" "$tmp/duck.jsonl" <<'PY'
import json, subprocess, sys, datetime
ours = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    codec = "snappy" if "/0/" in b["name"] else "zstd"
    ours[codec] = (b["items_per_second"], int(b["file_bytes"]))
duck = [json.loads(line) for line in open(sys.argv[2])]
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
cpu = subprocess.run("lscpu | head -n 15", shell=True, capture_output=True, text=True).stdout
load = open("/proc/loadavg").read().split()[:3]
print(f"## Parquet: stocktake vs DuckDB COPY, 10M rows ({datetime.date.today()})\n")
print(f"Machine: nproc={nproc}, load average {' '.join(load)} when the runs ended (a shared box: timings are noisy).\n")
print("```\n" + cpu.rstrip() + "\n```\n")
print("| codec | stocktake rows/s (1 thread) | DuckDB rows/s (1 thread) | DuckDB rows/s (2 threads) "
      "| stocktake bytes | DuckDB bytes | rows/s ratio (1 thread) | size ratio |")
print("|---|---|---|---|---|---|---|---|")
for codec in ["snappy", "zstd"]:
    rate, size = ours[codec]
    d1 = next(d for d in duck if d["codec"] == codec and d["threads"] == 1)
    d2 = next(d for d in duck if d["codec"] == codec and d["threads"] == 2)
    r1, r2 = d1["rows"] / d1["seconds"], d2["rows"] / d2["seconds"]
    print(f"| {codec} | {rate:,.0f} | {r1:,.0f} | {r2:,.0f} | {size:,} | {d1['bytes']:,} "
          f"| {rate / r1:.2f} | {size / d1['bytes']:.3f} |")
PY
