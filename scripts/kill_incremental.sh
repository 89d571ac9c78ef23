#!/usr/bin/env bash
# Kill campaign for scheduled (incremental) runs: a daily archive arrives one file at a
# time; each day's run is killed with SIGKILL at a random moment, then run again plainly.
# After every day the published tables must equal, file for file, those of an
# uninterrupted sequence of daily runs, and the balance line must add up.
#
#   scripts/kill_incremental.sh                     # 50 MB in 25 daily files, day partitions
#   DAYS=30 MB=20 SEED=3 PARTITIONING=month scripts/kill_incremental.sh
#
# Prints one line per day (where the kill hit) and a summary; exits 1 if any day differs.
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS="${DAYS:-25}"
MB="${MB:-50}"
SEED="${SEED:-1}"
PARTITIONING="${PARTITIONING:-day}"
WORK="${WORK:-/tmp/newstone-kill-inc}"
CORPUS="${CORPUS:-../shared/corpora/lemonde-2022}"
[ -d "$CORPUS" ] || { echo "kill_incremental: $CORPUS not found (set CORPUS)" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/newstone-target}"
mkdir -p "$WORK"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  cp "$CARGO_TARGET_DIR/release/newstone" "$WORK/newstone"
  BIN="$WORK/newstone"
fi
corpus="$WORK/corpus-$MB.jsonl"
[ -f "$corpus" ] || python3 scripts/make_bench_corpus.py --mb "$MB" --out "$corpus" --corpus "$CORPUS" > "$corpus.info"
days="$WORK/days-$MB-$DAYS"
[ -d "$days" ] || python3 scripts/split_by_day.py "$corpus" "$days" "$DAYS" >/dev/null
files=($(ls "$days" | sort))

setup() { # folder
  rm -rf "$1"; mkdir -p "$1/in"
  printf 'name = "kill-incremental"\nout = "out"\n[[inputs]]\npath = "in/*.jsonl"\n[export]\npartitioning = "%s"\n' "$PARTITIONING" > "$1/pipeline.toml"
}
# Checksums of every published file (the run log and the marker's run id aside).
listing() {
  (cd "$1/out" && find . -path ./_stages -prune -o -type f ! -name _runs.jsonl ! -name _SUCCESS -print0 | sort -z | xargs -0 sha256sum)
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(json.dumps(m['files'], sort_keys=True)); print(json.dumps(m['rows'], sort_keys=True))" "$1/out/_SUCCESS"
}

ref="$WORK/reference"; setup "$ref"
declare -a T
for i in "${!files[@]}"; do
  ln -s "$days/${files[$i]}" "$ref/in/${files[$i]}"
  t0=$(date +%s.%N)
  "$BIN" -q run "$ref/pipeline.toml"
  T[$i]=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)")
  listing "$ref" > "$WORK/ref-$i.txt"
done
echo "reference: ${#files[@]} daily runs ($corpus, $PARTITIONING partitions)"

run="$WORK/run"; setup "$run"
RANDOM=$SEED
bad=0
for i in "${!files[@]}"; do
  ln -s "$days/${files[$i]}" "$run/in/${files[$i]}"
  delay=$(python3 -c "import random,sys; random.seed(int(sys.argv[1])); print(f'{random.uniform(0, float(sys.argv[2])):.3f}')" "$((SEED * 1000 + i))" "${T[$i]}")
  "$BIN" -q run "$run/pipeline.toml" 2>/dev/null &
  pid=$!
  sleep "$delay"
  hit="finished before the kill"
  if kill -9 "$pid" 2>/dev/null; then
    hit=$(find "$run/out/_stages" -maxdepth 1 -type d -name '*.tmp' -printf '%f ' 2>/dev/null | sed 's/\.tmp//g')
    [ -n "$hit" ] || { [ -d "$run/out/.publish.tmp" ] || ls -a "$run/out" | grep -q '^\..*\.tmp$'; } && hit="${hit:-export}"
    [ -n "$hit" ] || hit="between stages"
  fi
  wait "$pid" 2>/dev/null || true
  log=$("$BIN" run "$run/pipeline.toml" 2>&1) || { echo "day $i: rerun FAILED"; echo "$log" | tail -3; bad=$((bad + 1)); continue; }
  balance=$(echo "$log" | grep -o 'balance: .*' || true)
  if echo "$balance" | grep -q "NOT"; then
    echo "day $i: $balance"; bad=$((bad + 1))
  fi
  if listing "$run" | diff -q - "$WORK/ref-$i.txt" >/dev/null; then
    echo "day $i: killed after ${delay} s ($hit): tables identical"
  else
    echo "day $i: killed after ${delay} s ($hit): tables DIFFER"; bad=$((bad + 1))
  fi
done
echo "summary: ${#files[@]} kills, $bad failures"
[ "$bad" -eq 0 ]
