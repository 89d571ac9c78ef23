#!/usr/bin/env bash
# Kill campaign (run before each release): kill -9 the pipeline at random moments, rerun it
# plainly, and compare every table byte for byte with an uninterrupted run.
#
#   scripts/kill_campaign.sh                  # 20 kills over a 100 MB corpus, in /tmp/newstone-kill
#   KILLS=8 MB=20 SEED=7 scripts/kill_campaign.sh
#
# One uninterrupted run gives the reference tables and the run time T. Then each round:
#  - odd rounds start from an empty output folder (a first run), even rounds from the
#    complete output of the round before with `--force` (a rerun that replaces artefacts
#    and tables, as after a code or data change);
#  - the run is killed with SIGKILL after a delay drawn uniformly in (0, T), so every stage
#    is hit in proportion to its time; the stage being written is read off the `.tmp`
#    folders and files it leaves;
#  - a plain `newstone run` follows; it must succeed, its balance line must add up, and
#    every `<table>.parquet` / `.csv` must equal the reference byte for byte.
# Prints one line per round and a summary; exits 1 if any round differs.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS="${KILLS:-20}"
MB="${MB:-100}"
SEED="${SEED:-1}"
WORK="${WORK:-/tmp/newstone-kill}"
CORPUS="${CORPUS:-../shared/corpora/lemonde-2022}"
PIPELINE="${PIPELINE:-pipelines/default.toml}"
[[ "$KILLS" =~ ^[1-9][0-9]*$ ]] || { echo "kill_campaign: KILLS must be a positive number (got '$KILLS')" >&2; exit 2; }
[[ "$MB" =~ ^[1-9][0-9]*$ ]] || { echo "kill_campaign: MB must be a positive number (got '$MB')" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "kill_campaign: $CORPUS not found (set CORPUS)" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/newstone-target}"
cargo build --release --quiet
mkdir -p "$WORK"
# A private copy: a build in the same target folder during the campaign must not swap it.
BIN="$WORK/newstone"
cp "$CARGO_TARGET_DIR/release/newstone" "$BIN"
corpus="$WORK/corpus-$MB.jsonl"
if [ ! -f "$corpus" ]; then
  python3 scripts/make_bench_corpus.py --mb "$MB" --out "$corpus" --corpus "$CORPUS" > "$corpus.info"
fi
ref="$WORK/reference"
out="$WORK/out"
run() { "$BIN" -q run "$PIPELINE" --input "$corpus" "$@"; }

# The reference: one uninterrupted run.
rm -rf "$ref"
start=$(date +%s.%N)
run --out "$ref"
T=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")
tables=$(cd "$ref" && ls -- *.parquet *.csv 2>/dev/null | sort)
echo "reference: $(echo "$tables" | wc -l) table files in $T s ($corpus)"

# Which stage a killed run was writing: the `.tmp` stage folders and hidden table files
# it left (export writes the tables in the output folder itself).
stage_hit() {
  local o="$1" s
  s=$(find "$o/_stages" -maxdepth 1 -type d -name '*.tmp' -printf '%f\n' 2>/dev/null | sed 's/\.tmp$//' | sort | tr '\n' ' ')
  if [ -n "$s" ]; then echo "${s% }"; return; fi
  if find "$o" -maxdepth 1 -name '.*.tmp' | grep -q .; then echo "export"; return; fi
  echo "between stages"
}

delays=$(python3 -c "
import random, sys
r = random.Random(int(sys.argv[1]))
print(' '.join(f'{r.uniform(0.05, float(sys.argv[2])):.2f}' for _ in range(int(sys.argv[3]))))" "$SEED" "$T" "$KILLS")

printf '%-5s %-6s %7s  %-16s %8s  %s\n' round mode delay_s "killed in" rerun_s tables
same_rounds=0
declare -A hits=()
round=0
for delay in $delays; do
  round=$((round + 1))
  if [ $((round % 2)) -eq 1 ] || [ ! -d "$out" ]; then
    mode=fresh; rm -rf "$out"; args=()
  else
    mode=force; args=(--force)
  fi
  # Started directly (not through `run`), so that $! is newstone itself.
  "$BIN" -q run "$PIPELINE" --input "$corpus" --out "$out" "${args[@]}" > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    hit=$(stage_hit "$out")
  else
    wait "$pid" 2>/dev/null || true
    hit="(had finished)"
  fi
  hits["$hit"]=$(( ${hits["$hit"]:-0} + 1 ))
  start=$(date +%s.%N)
  log="$WORK/rerun-$round.log"
  if ! "$BIN" run "$PIPELINE" --input "$corpus" --out "$out" > /dev/null 2> "$log"; then
    result="RERUN FAILED (see $log)"
  elif grep -q "does NOT add up" "$log"; then
    result="BALANCE WRONG (see $log)"
  elif [ ! -f "$out/_SUCCESS" ]; then
    result="NO _SUCCESS after the rerun"
  else
    differ=0
    for t in $tables; do
      cmp -s "$ref/$t" "$out/$t" || { differ=$((differ + 1)); echo "round $round: $t differs" >> "$WORK/differences.txt"; }
    done
    if [ "$differ" -eq 0 ]; then
      result="identical"; same_rounds=$((same_rounds + 1))
    else
      result="$differ DIFFER"
    fi
  fi
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)")
  printf '%-5s %-6s %7s  %-16s %8s  %s\n' "$round" "$mode" "$delay" "$hit" "$secs" "$result"
done
summary=""
for k in "${!hits[@]}"; do summary+="$k ${hits[$k]}, "; done
echo "summary: $same_rounds/$KILLS reruns byte-identical to the reference (${MB} MB corpus, seed $SEED); killed in: ${summary%, }"
[ "$same_rounds" -eq "$KILLS" ]
