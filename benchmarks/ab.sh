#!/usr/bin/env bash
# A/B of one consumer benchmark variant (B1/B2, on ElasticMQ) between an earlier commit and the
# working tree: both benchmark jars are built, then runs alternate (base, new, base, new, ...), each
# in a fresh JVM against the same warmed-up ElasticMQ; prints the medians and new/base ratios.
#
#   benchmarks/ab.sh BASE_REF [--runs N] [--bench b1] [--variant ours-50] [--new-variant V] [--messages 20000] [--warmup 20000] [--emq-warmup 60000]
#
# ElasticMQ is warmed up with --emq-warmup messages first (with 20,000 its throughput still rose
# over the first rounds). --new-variant runs another variant on the new side (e.g. BASE_REF=HEAD --variant ours-50
# --new-variant ours-50o: what the OpenTelemetry SDK costs, on the same code).
# Used to check that a change costs nothing where it should (docs/BENCHMARKS.md, "Tracing overhead").
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BASE="${1:?usage: benchmarks/ab.sh BASE_REF [--runs N] [--bench b1] [--variant V] [--messages N] [--warmup N]}"; shift
RUNS=5; BENCH=b1; VARIANT=ours-50; NEW_VARIANT=""; MESSAGES=20000; WARMUP=20000; EMQ_WARMUP=60000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --bench) BENCH="$2"; shift ;;
    --variant) VARIANT="$2"; shift ;;
    --new-variant) NEW_VARIANT="$2"; shift ;;
    --messages) MESSAGES="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --emq-warmup) EMQ_WARMUP="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
NEW_VARIANT="${NEW_VARIANT:-$VARIANT}"
OUT="$ROOT/benchmarks/target/ab/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

build() { # DIR -> classpath of that tree's benchmark jar
  (cd "$1" && rm -rf benchmarks/target/lib && ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests >&2)
  echo "$(ls "$1"/benchmarks/target/benchmarks-*.jar | head -1)$(printf ':%s' "$1"/benchmarks/target/lib/*.jar)"
}
echo "== building the working tree"
mkdir -p "$OUT/new" && cp -r "$(build "$ROOT" | cut -d: -f1 | xargs dirname)"/{benchmarks-*.jar,lib} "$OUT/new/"
echo "== building $BASE"
WT="$(mktemp -d)/base"
git worktree add --detach "$WT" "$BASE" >/dev/null 2>&1
trap 'git worktree remove --force "$WT" >/dev/null 2>&1 || true; kill "${EMQ_PID:-0}" 2>/dev/null || true' EXIT
mkdir -p "$OUT/base" && cp -r "$(build "$WT" | cut -d: -f1 | xargs dirname)"/{benchmarks-*.jar,lib} "$OUT/base/"
cp_of() { echo "$(ls "$OUT/$1"/benchmarks-*.jar | head -1)$(printf ':%s' "$OUT/$1"/lib/*.jar)"; }

OPTS=(-Xmx512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -Xmx1g -XX:+UseG1GC -cp "$(cp_of new)" dev.evently.bench.Main elasticmq "$PORT" --warmup "$EMQ_WARMUP" > "$OUT/elasticmq.log" 2>&1 &
EMQ_PID=$!
for _ in $(seq 1 300); do grep -qs '^READY' "$OUT/elasticmq.log" && break; sleep 1; done
grep -q '^READY' "$OUT/elasticmq.log" || { echo "ElasticMQ not ready" >&2; exit 1; }

: > "$OUT/results.txt"
for r in $(seq 1 "$RUNS"); do
  for side in base new; do
    v="$VARIANT"; [ "$side" = new ] && v="$NEW_VARIANT"
    line=$(java "${OPTS[@]}" -cp "$(cp_of $side)" dev.evently.bench.Main "$BENCH" "$v" \
      --endpoint "http://127.0.0.1:$PORT" --messages "$MESSAGES" --warmup "$WARMUP" 2>>"$OUT/bench.log" | grep '^RESULT ' || true)
    [ -n "$line" ] || { echo "   $side run $r FAILED (see $OUT/bench.log)" >&2; continue; }
    echo "$side ${line#RESULT }" >> "$OUT/results.txt"
    echo "   $side run $r: ${line#RESULT }" | cut -c1-160
  done
done
python3 - "$OUT/results.txt" "$BASE $BENCH/$VARIANT" "$BENCH/$NEW_VARIANT" <<'PY'
import json, statistics, sys
rows = [l.split(" ", 1) for l in open(sys.argv[1]) if l.strip()]
by = {"base": [], "new": []}
for side, js in rows:
    by[side].append(json.loads(js))
def med(side, key):
    return statistics.median(r[key] for r in by[side])
for key in ("msg_per_s", "cpu_ms_per_msg"):
    b, n = med("base", key), med("new", key)
    print(f"{key}: base ({sys.argv[2]}) {b}  new ({sys.argv[3]}) {n}  new/base {n / b:.3f}  (runs {len(by['base'])}+{len(by['new'])})")
PY
