#!/usr/bin/env bash
# Cost of a scheduled run: the benchmark corpus split into N+1 files in date order (a daily
# archive); one run over the first N files, then the run that adds file N+1. Prints both
# times and their ratio (the target: the added file costs < 5 % of the full run).
#
#   scripts/bench_incremental.sh                       # 400 MB, 100 + 1 files, day partitions
#   MB=100 FILES=30 PARTITIONING=month scripts/bench_incremental.sh
#   BIN=/path/to/newstone scripts/bench_incremental.sh  # no build
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${MB:-400}"
FILES="${FILES:-100}"
PARTITIONING="${PARTITIONING:-day}"
WORK="${WORK:-/tmp/newstone-bench}"
CORPUS="${CORPUS:-../shared/corpora/lemonde-2022}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/newstone-target}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="$CARGO_TARGET_DIR/release/newstone"
fi
mkdir -p "$WORK"
corpus="$WORK/corpus-$MB.jsonl"
[ -f "$corpus" ] || python3 scripts/make_bench_corpus.py --mb "$MB" --out "$corpus" --corpus "$CORPUS" > "$corpus.info"
days="$WORK/days-$MB-$FILES"
if [ ! -d "$days" ]; then
  python3 scripts/split_by_day.py "$corpus" "$days" $((FILES + 1))
fi
inc="$WORK/incremental-$MB"
rm -rf "$inc"; mkdir -p "$inc/in"
last=$(ls "$days" | sort | tail -1)
for f in $(ls "$days" | sort | head -n "$FILES"); do ln -s "$days/$f" "$inc/in/$f"; done
cat > "$inc/pipeline.toml" <<TOML
name = "bench-incremental"
out = "out"
[[inputs]]
path = "in/*.jsonl"
[export]
partitioning = "$PARTITIONING"
TOML
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
t0=$(date +%s.%N); "$BIN" -q run "$inc/pipeline.toml"; t1=$(date +%s.%N)
full=$(secs "$t0" "$t1")
ln -s "$days/$last" "$inc/in/$last"
t0=$(date +%s.%N); "$BIN" -q run "$inc/pipeline.toml"; t1=$(date +%s.%N)
added=$(secs "$t0" "$t1")
t0=$(date +%s.%N); "$BIN" -q run "$inc/pipeline.toml"; t1=$(date +%s.%N)
nothing=$(secs "$t0" "$t1")
python3 - "$full" "$added" "$nothing" "$MB" "$FILES" "$PARTITIONING" <<'PY'
import sys
full, added, nothing = map(float, sys.argv[1:4])
mb, files, part = sys.argv[4], sys.argv[5], sys.argv[6]
print(f"{mb} MB in {files} files ({part} partitions): full run {full:.2f} s; "
      f"adding file {int(files) + 1}: {added:.2f} s ({100 * added / full:.1f} % of the full run); "
      f"nothing new: {nothing:.2f} s")
PY
tail -2 "$inc/out/_runs.jsonl" | python3 -c "
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print('  run log:', {k: r.get(k) for k in ['inputs_seen', 'inputs_new', 'articles_added', 'seconds']}, len(r.get('partitions_touched', [])), 'partitions touched')"
