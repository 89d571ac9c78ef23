#!/usr/bin/env bash
# Benchmark (not a test): the Spark job (python/newstone_spark.py) at local[1] and
# local[2] next to a local `newstone run`, on the same JSONL corpus, one after the other.
# Prints wall and CPU seconds (user + system, all processes: the JVM and the Python
# workers too), MB of text per second and the ratio to the local run. On a shared VM the
# wall times move with the other load; the CPU seconds much less.
#
#   scripts/bench_spark.sh                 # the 400 MB corpus of scripts/bench.sh
#   MB=100 scripts/bench_spark.sh
#
# Needs the newstone package installed in $PYTHON's environment (with pyspark), Java, and
# the release binary (BIN, default: the cargo target folder's).
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${MB:-400}"
WORK="${WORK:-/tmp/newstone-bench}"
CORPUS="${CORPUS:-../shared/corpora/lemonde-2022}"
PYTHON="${PYTHON:-$HOME/.cache/newstone-venv/bin/python}"
BIN="${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/newstone-target}/release/newstone}"
[ -x "$BIN" ] || { echo "bench_spark: no binary at $BIN (cargo build --release, or set BIN)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_spark: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
SUBMIT="$(dirname "$("$PYTHON" -c 'import pyspark; print(pyspark.__file__)')")/bin/spark-submit"
mkdir -p "$WORK"
corpus="$WORK/corpus-$MB.jsonl"
if [ ! -f "$corpus" ]; then
  python3 scripts/make_bench_corpus.py --mb "$MB" --out "$corpus" --corpus "$CORPUS" > "$corpus.info"
fi
text_mb=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['text_bytes']/1e6)" "$corpus.info")
export PYSPARK_PYTHON="$PYTHON" PYSPARK_DRIVER_PYTHON="$PYTHON"
measure() { # name, command…
  local name="$1"; shift
  local log="$WORK/spark-bench-$name.txt"
  /usr/bin/time -f "%e %U %S %M" -o "$log.time" "$@" > "$log" 2>&1
  read -r wall user sys rss < "$log.time"
  python3 - "$name" "$wall" "$user" "$sys" "$rss" "$text_mb" <<'PY'
import sys
name, wall, user, sys_, rss, mb = sys.argv[1], *map(float, sys.argv[2:])
print(f"{name:10s} wall {wall:7.1f} s  cpu {user + sys_:7.1f} s  {mb / wall:6.2f} MB/s  peak RSS {rss / 1024:6.0f} MB", flush=True)
PY
}
printf 'corpus %s (%.0f MB of text), load average %s\n' "$corpus" "$text_mb" "$(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$WORK/spark-out-local"
measure local "$BIN" -q run pipelines/default.toml --input "$corpus" --out "$WORK/spark-out-local"
for n in 1 2; do
  rm -rf "$WORK/spark-out-$n"
  measure "local[$n]" "$SUBMIT" --master "local[$n]" --driver-memory 4g --conf spark.ui.enabled=false \
    python/newstone_spark.py --pipeline pipelines/default.toml --input "$corpus" --out "$WORK/spark-out-$n"
done
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
