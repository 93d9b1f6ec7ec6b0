#!/usr/bin/env bash
# Start-up time and memory of the reference services, two jar sets side by side.
#
#   benchmarks/startup.sh --before DIR --after DIR [--runs N] [--requests N] [--services LIST]
#                         [--json FILE] [--infra JAR]
#
# DIR holds order-publisher.jar, customer-subscriber.jar and notification-service.jar (and may hold
# infra.jar). Starts moto_server and applies infra/topology.yaml as demo.sh does, then N runs
# (default 5); each run starts every service of both sets, one process at a time (nothing else
# runs meanwhile), alternating the sets: before then after in odd runs, after then before in even
# runs. Per start it records:
#   start_ms      process start to the first 200 from GET /health (polled every 50 ms)
#   rss_healthy   VmRSS of the process (/proc/PID/status) at that first 200, in MiB
#   rss_loaded    VmRSS after a fixed load: --requests (default 200) HTTP requests one after
#                 the other (order-publisher: POST /orders, customer-subscriber: POST /customers,
#                 notification-service: GET /customers/{id}/notifications), then 2 s of rest
#   stop_ms       SIGTERM to process exit
# Each start has a fresh H2 database in a temp dir and the queues are purged after each service
# stops, so no start consumes an earlier one's backlog. JVM flags as demo.sh: JAVA_OPTS if set,
# else -XX:TieredStopAtLevel=1. Prints a table of medians with after/before ratios and writes all
# samples and medians as JSON (default benchmarks/target/startup/startup-<time>.json).
# --services "order-publisher customer-subscriber" measures a subset; --infra names the infra.jar
# to apply the topology with (default: the one in --before, else infra/target/infra.jar).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

BEFORE=""; AFTER=""; RUNS=5; REQUESTS=200; JSON=""; INFRA=""
SERVICES="order-publisher customer-subscriber notification-service"
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --before) BEFORE="${2:?--before needs a directory}"; shift 2 ;;
    --after) AFTER="${2:?--after needs a directory}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --requests) REQUESTS="${2:?--requests needs a number}"; shift 2 ;;
    --services) SERVICES="${2:?--services needs a list}"; shift 2 ;;
    --json) JSON="${2:?--json needs a file}"; shift 2 ;;
    --infra) INFRA="${2:?--infra needs a jar}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
die() { printf 'startup: %s\n' "$*" >&2; exit 1; }
[[ -n "$BEFORE" && -n "$AFTER" ]] || { usage >&2; exit 2; }
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 1 ]] || die "--runs must be a positive number"
[[ "$REQUESTS" =~ ^[0-9]+$ ]] || die "--requests must be a number"
for dir in "$BEFORE" "$AFTER"; do [[ -d "$dir" ]] || die "$dir is not a directory"; done
BEFORE="$(cd "$BEFORE" && pwd)"; AFTER="$(cd "$AFTER" && pwd)"
for dir in "$BEFORE" "$AFTER"; do
  for s in $SERVICES; do [[ -f "$dir/$s.jar" ]] || die "$dir/$s.jar is missing"; done
done
if [[ -z "$INFRA" ]]; then
  for candidate in "$BEFORE/infra.jar" "$AFTER/infra.jar" infra/target/infra.jar; do
    [[ -f "$candidate" ]] && { INFRA="$candidate"; break; }
  done
fi
[[ -f "$INFRA" ]] || die "no infra.jar: pass --infra JAR or put one in the --before directory"
command -v java >/dev/null || die "java is required"
command -v curl >/dev/null || die "curl is required"
python3 -c 'import moto.server' 2>/dev/null || command -v moto_server >/dev/null \
  || die "moto_server is not installed (pip install 'moto[server]')"
python3 -c 'import boto3' 2>/dev/null || die "boto3 is required (it comes with moto)"

# the same JVM flags as demo.sh
read -r -a JVM <<<"${JAVA_OPTS:--XX:TieredStopAtLevel=1}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/evently-startup.XXXXXX")
OUT_DIR="$ROOT/benchmarks/target/startup"
mkdir -p "$OUT_DIR"
[[ -n "$JSON" ]] || JSON="$OUT_DIR/startup-$(date -u +%Y%m%d-%H%M%S).json"
SAMPLES="$WORK/samples.tsv"
: >"$SAMPLES"
MOTO_PID=""; SERVICE_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in $SERVICE_PID $MOTO_PID; do
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ $status -eq 0 ]]; then rm -rf "$WORK"; else echo "logs kept in $WORK" >&2; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# 1. moto_server and the topology (as demo.sh)
MOTO_PORT=$(free_port)
if python3 -c 'import moto.server' 2>/dev/null; then
  python3 localstack/src/main/resources/dev/evently/localstack/internal/moto_server.py \
    -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
else
  moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
fi
MOTO_PID=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
for _ in $(seq 1 100); do curl -fs -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" && break; sleep 0.2; done
curl -fs -o /dev/null "$AWS_ENDPOINT_URL/moto-api/" || die "moto_server did not start (log: $WORK/moto.log)"
echo "moto_server on 127.0.0.1:$MOTO_PORT; applying infra/topology.yaml with $INFRA"
java "${JVM[@]}" -jar "$INFRA" apply >"$WORK/infra-apply.log" 2>&1 || { cat "$WORK/infra-apply.log" >&2; die "infra apply failed"; }

purge_queues() {
  python3 - <<'PY'
import os, boto3
sqs = boto3.client("sqs", region_name=os.environ["AWS_REGION"], endpoint_url=os.environ["AWS_ENDPOINT_URL"])
for url in sqs.list_queues().get("QueueUrls", []):
    sqs.purge_queue(QueueUrl=url)
PY
}

# the fixed load: REQUESTS requests, one after the other; fails on any non-2xx
load() { # service port
  python3 - "$1" "$2" "$REQUESTS" <<'PY'
import json, sys, urllib.request
service, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()
        if r.status >= 300:
            raise SystemExit(f"{method} {path}: {r.status}")
for i in range(count):
    if service == "order-publisher":
        call("POST", "/orders", {"customerId": f"bench-customer-{i % 20}", "orderTotal": 10 + i % 90})
    elif service == "customer-subscriber":
        call("POST", "/customers", {"name": f"bench customer {i}", "creditLimit": 1000})
    else:
        call("GET", f"/customers/bench-customer-{i % 20}/notifications")
PY
}

# 2. one start: fresh database, time to the first 200 from /health, RSS, load, RSS, stop
measure() { # set dir service run
  local set=$1 dir=$2 service=$3 run=$4
  local port; port=$(free_port)
  local home="$WORK/$set-$service-$run"
  mkdir -p "$home"
  local log="$home/service.log"
  local t0; t0=$(now_ms)
  (cd "$home" && HTTP_PORT=$port DATABASE_URL="jdbc:h2:file:$home/data/$service;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000" \
    exec java "${JVM[@]}" -jar "$dir/$service.jar" >"$log" 2>&1) &
  SERVICE_PID=$!
  local healthy=""
  while [[ $(( $(now_ms) - t0 )) -lt 120000 ]]; do
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 20 "$log" >&2; die "$set/$service exited during start-up (log: $log)"; }
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/health" 2>/dev/null) == 200 ]]; then
      healthy=$(now_ms)
      break
    fi
    sleep 0.05
  done
  [[ -n "$healthy" ]] || { tail -n 20 "$log" >&2; die "$set/$service not healthy after 120 s (log: $log)"; }
  local rss_healthy; rss_healthy=$(rss_mib "$SERVICE_PID")
  load "$service" "$port" || die "$set/$service: the load failed (log: $log)"
  sleep 2
  local rss_loaded; rss_loaded=$(rss_mib "$SERVICE_PID")
  local t_stop; t_stop=$(now_ms)
  kill -TERM "$SERVICE_PID"
  for _ in $(seq 1 600); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$SERVICE_PID" 2>/dev/null; then kill -KILL "$SERVICE_PID"; fi
  wait "$SERVICE_PID" 2>/dev/null || true
  local stop_ms=$(( $(now_ms) - t_stop ))
  SERVICE_PID=""
  purge_queues
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$service" "$run" "$(( healthy - t0 ))" "$rss_healthy" "$rss_loaded" "$stop_ms" >>"$SAMPLES"
  printf '  run %s %-6s %-21s start %5d ms  rss healthy %6s MiB  after load %6s MiB  stop %5d ms\n' \
    "$run" "$set" "$service" "$(( healthy - t0 ))" "$rss_healthy" "$rss_loaded" "$stop_ms"
}

echo "JVM flags: ${JVM[*]}; $RUNS runs; load: $REQUESTS requests per service"
for run in $(seq 1 "$RUNS"); do
  if (( run % 2 == 1 )); then order="before after"; else order="after before"; fi
  for set in $order; do
    if [[ $set == before ]]; then dir=$BEFORE; else dir=$AFTER; fi
    for service in $SERVICES; do measure "$set" "$dir" "$service" "$run"; done
  done
done

# 3. medians, ratios, JSON
python3 - "$SAMPLES" "$JSON" "$BEFORE" "$AFTER" "$RUNS" "$REQUESTS" "${JVM[*]}" <<'PY'
import json, statistics, sys, platform, os
samples_file, out, before, after, runs, requests, jvm = sys.argv[1:8]
metrics = ["start_ms", "rss_healthy_mib", "rss_loaded_mib", "stop_ms"]
rows = []
for line in open(samples_file):
    s, svc, run, *vals = line.rstrip("\n").split("\t")
    rows.append({"set": s, "service": svc, "run": int(run), **{m: float(v) for m, v in zip(metrics, vals)}})
services = list(dict.fromkeys(r["service"] for r in rows))
medians = {}
for svc in services:
    medians[svc] = {}
    for s in ("before", "after"):
        medians[svc][s] = {m: statistics.median(r[m] for r in rows if r["service"] == svc and r["set"] == s)
                           for m in metrics}
    medians[svc]["ratio_after_over_before"] = {
        m: (medians[svc]["after"][m] / medians[svc]["before"][m]) if medians[svc]["before"][m] else None
        for m in metrics}
jar_mib = {s: {svc: round(os.path.getsize(os.path.join(d, svc + ".jar")) / 2**20, 1) for svc in services}
           for s, d in (("before", before), ("after", after))}
print()
print(f"medians of {runs} runs (start: process start to first 200 from /health; RSS in MiB; load: {requests} requests)")
head = f"{'service':<22}{'metric':<16}{'before':>10}{'after':>10}{'after/before':>14}"
print(head)
print("-" * len(head))
for svc in services:
    for m in metrics:
        b, a = medians[svc]["before"][m], medians[svc]["after"][m]
        r = medians[svc]["ratio_after_over_before"][m]
        print(f"{svc:<22}{m:<16}{b:>10.0f}{a:>10.0f}{(f'{r:.2f}' if r is not None else '-'):>14}"
              if m.endswith("_ms") else
              f"{svc:<22}{m:<16}{b:>10.1f}{a:>10.1f}{(f'{r:.2f}' if r is not None else '-'):>14}")
    b, a = jar_mib["before"][svc], jar_mib["after"][svc]
    print(f"{svc:<22}{'jar_mib':<16}{b:>10.1f}{a:>10.1f}{a / b:>14.2f}")
json.dump({"before": before, "after": after, "runs": int(runs), "requests": int(requests), "jvm_flags": jvm,
           "java": os.popen("java -version 2>&1 | head -1").read().strip(), "cpus": os.cpu_count(),
           "host": platform.platform(), "jar_mib": jar_mib, "medians": medians, "samples": rows},
          open(out, "w"), indent=2)
print(f"\nJSON: {out}")
PY
