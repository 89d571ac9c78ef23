#!/usr/bin/env bash
# Benchmark (not a test): the full pipeline on Le Monde-derived corpora of two sizes.
# Prints MB of text per second, articles per second, per-stage seconds and peak RSS
# (/usr/bin/time -v) for each run, then per size the median and the range over RUNS runs
# (one run says little on a shared VM: the same binary on the same corpus took 7.7 s and
# 12.1 s within an hour), so the growth of cost with corpus size can be read off.
#
#   scripts/bench.sh              # sizes 100 and 400 MB (text), 3 runs each, in /tmp/newstone-bench
#   SIZES="50 200" RUNS=5 scripts/bench.sh
#   PER_CORE=0 scripts/bench.sh   # skip the single-thread stage timings
#   BIN=/tmp/newstone scripts/bench.sh   # that binary as it is, no build
#
# Each run starts from an empty output folder, like a first scheduled run. After the
# end-to-end runs it reruns the entities and sentiment stages alone on one thread
# (`--threads 1 --stage NAME --force`) and prints their MB of text per second per core,
# the figure the stage speed targets are stated in.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${SIZES:-100 400}"
RUNS="${RUNS:-3}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number (got '$RUNS')" >&2; exit 1; }
WORK="${WORK:-/tmp/newstone-bench}"
CORPUS="${CORPUS:-../shared/corpora/lemonde-2022}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/newstone-target}"
[ -d "$CORPUS" ] || { echo "bench: $CORPUS not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
# BIN=path/to/newstone benchmarks that binary as it is (no build), e.g. a copy taken while
# other builds share the target folder.
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="$CARGO_TARGET_DIR/release/newstone"
fi
mkdir -p "$WORK"
printf '%-6s %4s %9s %9s %8s %9s %10s %8s  %s\n' size_MB run articles seconds MB/s art/s peak_RSS_MB threads "stage seconds"
for mb in $SIZES; do
  corpus="$WORK/corpus-$mb.jsonl"
  if [ ! -f "$corpus" ]; then
    python3 scripts/make_bench_corpus.py --mb "$mb" --out "$corpus" --corpus "$CORPUS" > "$corpus.info"
  fi
  out="$WORK/out-$mb"
  runs="$WORK/runs-$mb.txt"   # one line per run: MB/s, peak RSS (MB)
  : > "$runs"
  for run in $(seq "$RUNS"); do
    rm -rf "$out"
    /usr/bin/time -v "$BIN" -q run pipelines/default.toml --input "$corpus" --out "$out" 2> "$WORK/time-$mb-$run.txt"
    python3 - "$corpus.info" "$WORK/time-$mb-$run.txt" "$out" "$mb" "$run" "$runs" <<'PY'
import json, re, sys, os
info = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
def field(name):
    m = re.search(re.escape(name) + r":\s*(.+)", t)
    return m.group(1).strip() if m else "?"
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(field("Maximum resident set size (kbytes)")) / 1024
stages = []
for s in ["ingest", "normalize", "entities", "sentiment", "aggregate", "export"]:
    m = json.load(open(os.path.join(sys.argv[3], "_stages", s, "manifest.json")))
    stages.append(f"{s} {m['seconds']:.1f}")
mb = info["text_bytes"] / 1e6
print(f"{sys.argv[4]:<6} {sys.argv[5]:>4} {info['articles']:>9} {secs:>9.2f} {mb/secs:>8.1f} {info['articles']/secs:>9.0f} {rss:>10.0f} {os.cpu_count():>8}  {', '.join(stages)}")
with open(sys.argv[6], "a") as f:
    f.write(f"{mb/secs} {rss}\n")
PY
  done
  python3 - "$runs" "$mb" <<'PY'
import statistics, sys
runs = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
speeds = sorted(r[0] for r in runs)
print(f"{sys.argv[2]:<6} {len(runs)} runs: MB/s median {statistics.median(speeds):.1f}, min {speeds[0]:.1f}, max {speeds[-1]:.1f}; peak RSS max {max(r[1] for r in runs):.0f} MB")
PY
done
if [ "${PER_CORE:-1}" != "0" ]; then
  printf '\n%-6s %-10s %9s %12s\n' size_MB stage seconds MB/s/core
  for mb in $SIZES; do
    corpus="$WORK/corpus-$mb.jsonl"
    out="$WORK/out-$mb"
    for stage in entities sentiment; do
      "$BIN" -q --threads 1 run pipelines/default.toml --input "$corpus" --out "$out" --stage "$stage" --force
      python3 - "$corpus.info" "$out" "$stage" "$mb" <<'PY'
import json, os, sys
info = json.load(open(sys.argv[1]))
m = json.load(open(os.path.join(sys.argv[2], "_stages", sys.argv[3], "manifest.json")))
mb = info["text_bytes"] / 1e6
print(f"{sys.argv[4]:<6} {sys.argv[3]:<10} {m['seconds']:>9.2f} {mb / m['seconds']:>12.1f}")
PY
    done
  done
fi
