#!/usr/bin/env bash
# Runs the consumer/publisher benchmarks and writes benchmarks/target/results.json.
#
#   benchmarks/run.sh [--quick] [--runs N] [--jdk DIR] [--http netty|crt] [--md5 on|off]
#
# Every run is a fresh JVM; the variants of a benchmark alternate (A B C A B C ...), each runs
# --runs times (default 3) and the report gives medians. ElasticMQ (SQS only, one separate JVM,
# warmed up before any timing) serves the consumer benchmarks; moto_server serves the paths through
# SNS. --quick uses fewer messages and finishes in under 5 minutes on 2 cores. --jdk runs every
# benchmark JVM on another JDK (e.g. --jdk /usr/lib/jvm/temurin-25-jdk-amd64); the build stays on Java 17.
# --http crt gives every variant the AWS CRT HTTP client instead of Netty, --md5 off turns off the
# SDK's MD5 check of received SQS messages for every variant (the evaluation in docs/BENCHMARKS.md).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# B6 (the outbox relay) also needs PostgreSQL at 127.0.0.1:5432 (trust, database test).
# --only-b6 (anywhere among the options) runs just B6 and the B3 variants it is compared with (the raw
# PublishBatch loops, the ceiling; our publisher alone).
ONLY_B6=0; ARGS=()
for a in "$@"; do if [ "$a" = --only-b6 ]; then ONLY_B6=1; else ARGS+=("$a"); fi; done
set -- ${ARGS[@]+"${ARGS[@]}"}
MODE=full
RUNS=3
JDK=""
HTTP=netty
MD5=on
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --runs) RUNS="$2"; shift ;;
    --jdk) JDK="$2"; shift ;;
    --http) HTTP="$2"; shift ;;
    --md5) MD5="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (usage: benchmarks/run.sh [--quick] [--runs N] [--jdk DIR] [--http netty|crt] [--md5 on|off])" >&2; exit 2 ;;
  esac
  shift
done

if [ "$MODE" = quick ]; then
  EMQ_WARMUP=8000
  B1_VARIANTS="raw-w50 ours-10 ours-50 sca-10 sca-50 SAME_HELD_50 ours-50o"; B1_MSGS=4000; B1_WARMUP=4000
  B2_MSGS=3000; B2_WARMUP=3000
  B3_SEQ=100; B3_MSGS=1500; B3_WARMUP=200; B3_VARIANTS="ours raw-batch-4 ours-otel"
  B4_BATCHES=20; B4_E2E_MSGS=40
  B4ACK_VARIANTS="ours-10 sca-10"; B4E2E_VARIANTS="ours"; B4STOP_VARIANTS="ours-10"
else
  EMQ_WARMUP=20000
  # SAME_HELD_N: the raw loop holding as many messages as ours-N may (concurrency + default prefetch);
  # ours-50p0: ours without prefetch, as the first consumer ran
  # Warm-up: each variant first consumes as many messages as it is timed on (the JIT needs them: with
  # 3,000 every variant spent up to twice the CPU per message; docs/BENCHMARKS.md, "Warm-up")
  # ours-50o / ours-otel: traced by the OpenTelemetry SDK into a dropping exporter (what tracing costs)
  B1_VARIANTS="raw-w50 ours-10 ours-50 sca-10 sca-50 raw-w100 SAME_HELD_50 SAME_HELD_10 ours-50p0 ours-50o"; B1_MSGS=20000; B1_WARMUP=20000
  B2_MSGS=20000; B2_WARMUP=20000
  # raw-batch-4-attr: the raw loop with the event-type attribute on every message, as ours sends (a diagnostic)
  B3_SEQ=500; B3_MSGS=10000; B3_WARMUP=500; B3_VARIANTS="ours raw-batch-4 raw-batch-16 ours-otel raw-batch-4-attr"
  B4_BATCHES=60; B4_E2E_MSGS=200
  B4ACK_VARIANTS="ours-10 sca-10 raw-w1"; B4E2E_VARIANTS="ours raw"; B4STOP_VARIANTS="ours-10 sca-10"
fi

# B6: outbox relay throughput (rows committed beforehand) and commit-to-publish latency at low load
# (relay-K-nosns, full mode: the relays and PostgreSQL alone, publishing to nothing: a diagnostic;
# relay-1-c1: one relay working on one batch at a time, the default before concurrency 2;
# relay-K-delay50: SNS's latency without moto's CPU, each message accepted 50 ms after it is handed over)
if [ "$MODE" = quick ]; then B6_MSGS=2000; B6_WARMUP=500; B6_LAT_MSGS=100; B6_VARIANTS="relay-1 relay-2"
else B6_MSGS=8000; B6_WARMUP=1000; B6_LAT_MSGS=300; B6_VARIANTS="relay-1 relay-2 relay-1-c1 relay-1-nosns relay-2-nosns relay-1-delay50 relay-2-delay50"; fi
if [ "$ONLY_B6" = 1 ]; then EMQ_WARMUP=0; fi

OUT="$ROOT/benchmarks/target"
echo "== building the benchmarks module ($MODE mode, $RUNS runs per variant)"
rm -rf "$OUT/lib"
./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
CP="$(ls "$OUT"/benchmarks-*.jar | head -1)$(printf ':%s' "$OUT"/lib/*.jar)"
JAVA=java
if [ -n "$JDK" ]; then
  JAVA="$JDK/bin/java"
  [ -x "$JAVA" ] || { echo "--jdk $JDK: no bin/java there" >&2; exit 2; }
fi
echo "== benchmark JVMs: $("$JAVA" -version 2>&1 | head -1)"
B1_VARIANTS="${B1_VARIANTS/SAME_HELD_50/$(java -cp "$CP" dev.evently.bench.Main same-held 50)}"
B1_VARIANTS="${B1_VARIANTS/SAME_HELD_10/$(java -cp "$CP" dev.evently.bench.Main same-held 10)}"
JAVA_OPTS=(-Xmx512m -XX:+UseG1GC -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -Dorg.slf4j.simpleLogger.showDateTime=true -Dbench.http="$HTTP" -Dbench.md5="$MD5")
RESULTS="$OUT/results.jsonl"
LOG="$OUT/bench.log"
: > "$RESULTS"
: > "$LOG"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

EMQ_PORT=$(free_port)
echo "== starting ElasticMQ on 127.0.0.1:$EMQ_PORT and warming it up ($EMQ_WARMUP messages)"
java -Xmx1g -XX:+UseG1GC "${JAVA_OPTS[@]:2}" -cp "$CP" dev.evently.bench.Main elasticmq "$EMQ_PORT" --warmup "$EMQ_WARMUP" \
  > "$OUT/elasticmq.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do
  grep -q '^READY' "$OUT/elasticmq.log" && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "ElasticMQ died:" >&2; tail -20 "$OUT/elasticmq.log" >&2; exit 1; }
  sleep 1
done
grep '^READY' "$OUT/elasticmq.log" || { echo "ElasticMQ not ready after 300 s" >&2; exit 1; }
EMQ="http://127.0.0.1:$EMQ_PORT"

# Class-data sharing: an archive of the classes the variants load cuts every JVM's start-up
# (about 1.5 s on a busy 2-core machine); it changes class loading only, not the timed code.
echo "== class-data sharing archive"
TRAINING=()
for v in ours-10 sca-10; do
  timeout 120 "$JAVA" "${JAVA_OPTS[@]}" -XX:DumpLoadedClassList="$OUT/classes-$v.lst" -cp "$CP" dev.evently.bench.Main b1 "$v" \
    --endpoint "$EMQ" --messages 200 --warmup 0 >>"$LOG" 2>&1 &
  TRAINING+=($!)
done
wait "${TRAINING[@]}" || true
sort -u "$OUT"/classes-*.lst > "$OUT/classes.lst"
if "$JAVA" -Xshare:dump -XX:SharedClassListFile="$OUT/classes.lst" -XX:SharedArchiveFile="$OUT/bench.jsa" -cp "$CP" >>"$LOG" 2>&1; then
  JAVA_OPTS+=(-XX:SharedArchiveFile="$OUT/bench.jsa" -Xshare:auto)
else
  echo "   (no archive: running without it)"
fi

MOTO_PORT=$(free_port)
command -v moto_server >/dev/null || { echo "moto_server not found (pip install 'moto[server]')" >&2; exit 1; }
moto_server -H 127.0.0.1 -p "$MOTO_PORT" > "$OUT/moto.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$MOTO_PORT") 2>/dev/null && break
  sleep 0.5
done
MOTO="http://127.0.0.1:$MOTO_PORT"
echo "== moto_server on $MOTO"

FAILED=0
# run_group BENCH "VARIANTS" ARGS...: RUNS rounds, each round every variant once, each in a fresh JVM.
run_group() {
  local bench="$1" variants="$2"; shift 2
  if [ "$ONLY_B6" = 1 ]; then  # B6 and the B3 variants it is compared with
    case "$bench" in b6|b6lat) ;; b3) variants="$(echo "$variants" | tr ' ' '\n' | { grep -E '^(raw-batch-|ours$)' || true; } | tr '\n' ' ')" ;; *) variants="" ;; esac
  fi
  for r in $(seq 1 "$RUNS"); do
    for v in $variants; do
      local line t0=$SECONDS
      line=$(timeout 300 "$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" dev.evently.bench.Main "$bench" "$v" "$@" 2>>"$LOG" | grep '^RESULT ' || true)
      if [ -z "$line" ]; then
        echo "   $bench $v run $r FAILED (see $LOG)" >&2
        FAILED=$((FAILED + 1))
        continue
      fi
      line="${line#RESULT }"
      echo "${line%\}},\"run\":$r}" >> "$RESULTS"
      echo "   $bench $v run $r ($((SECONDS - t0)) s): $line"
    done
  done
}

START=$(date +%s)
export BENCH_LOAD_AT_START="$(cat /proc/loadavg 2>/dev/null || true)"
echo "== B1 consumer throughput, no-op handler ($B1_MSGS messages)"
run_group b1 "$B1_VARIANTS" --endpoint "$EMQ" --messages "$B1_MSGS" --warmup "$B1_WARMUP"
echo "== B2 consumer throughput, 20 ms handler, 100 in flight ($B2_MSGS messages) + B5 memory"
run_group b2 "raw-p100 ours-100 sca-100" --endpoint "$EMQ" --messages "$B2_MSGS" --warmup "$B2_WARMUP"
echo "== B3 publisher throughput through SNS on moto"
run_group b3 "sequential" --endpoint "$MOTO" --messages "$B3_SEQ" --warmup 50
run_group b3 "$B3_VARIANTS" --endpoint "$MOTO" --messages "$B3_MSGS" --warmup "$B3_WARMUP"
echo "== B4 acknowledgement latency at low load (3 messages every 100 ms)"
run_group b4ack "$B4ACK_VARIANTS" --endpoint "$EMQ" --batches "$B4_BATCHES" --per-batch 3 --gap-ms 100
echo "== B4 end-to-end latency publish -> handler through SNS -> SQS on moto (20 msg/s)"
run_group b4e2e "$B4E2E_VARIANTS" --endpoint "$MOTO" --messages "$B4_E2E_MSGS" --rate 20
echo "== B4 idle shutdown"
run_group b4stop "$B4STOP_VARIANTS" --endpoint "$EMQ"
echo "== B6 outbox relay on PostgreSQL through SNS on moto: rows/s by 1 and 2 relays ($B6_MSGS rows), commit-to-publish latency"
run_group b6 "$B6_VARIANTS" --endpoint "$MOTO" --messages "$B6_MSGS" --warmup "$B6_WARMUP"
run_group b6lat "relay-1" --endpoint "$MOTO" --messages "$B6_LAT_MSGS" --warmup 20 --rate 10
echo "== benchmarks took $(( $(date +%s) - START )) s"

"$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" dev.evently.bench.Main report "$RESULTS" "$OUT/results.json" "$OUT/benchmarks.png" "$MODE"
echo "== wrote $OUT/results.json and $OUT/benchmarks.png"
if [ "$FAILED" -gt 0 ]; then
  echo "$FAILED runs failed" >&2
  exit 1
fi
