#!/usr/bin/env bash
# The evently demo: the order/credit saga between two services over SNS/SQS, and a third
# service reading both topics (SNS fan-out).
#
#   ./demo.sh [--orders N] [--keep-running] [--endpoint URL] [--kill-subscriber] [--traces]
#
# Builds what is missing, starts moto_server (unless --endpoint names LocalStack or AWS),
# applies infra/topology.yaml, starts order-publisher, customer-subscriber and
# notification-service as separate processes, creates customers, places N orders (default
# 200), shows progress and ends with a summary: outcomes, a credit consistency check per
# customer, the fan-out (events published per topic, received per queue), every order's
# timeline and notification, DLQ depths and saga latency.
# --keep-running leaves everything running and starts the ops console (infra.jar console), printing its URL.
# --kill-subscriber SIGKILLs customer-subscriber halfway through and starts it again: nothing
# may be lost. --traces runs the services with OpenTelemetry tracing into a small OTLP/HTTP
# receiver and ends by printing one order's trace across both services as a waterfall.
# Stops everything it started; exits non-zero if anything is inconsistent.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

ORDERS=200
KEEP_RUNNING=0
ENDPOINT=""
KILL_SUBSCRIBER=0
TRACES=0
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --orders) ORDERS="${2:?--orders needs a number}"; shift 2 ;;
    --orders=*) ORDERS="${1#*=}"; shift ;;
    --keep-running) KEEP_RUNNING=1; shift ;;
    --endpoint) ENDPOINT="${2:?--endpoint needs a URL}"; shift 2 ;;
    --endpoint=*) ENDPOINT="${1#*=}"; shift ;;
    --kill-subscriber) KILL_SUBSCRIBER=1; shift ;;
    --traces) TRACES=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$ORDERS" =~ ^[0-9]+$ && "$ORDERS" -ge 1 ]] || { echo "--orders must be a positive number" >&2; exit 2; }

# Short-lived JVMs on a small machine start about twice as fast with the C1 compiler only, and
# the serial collector suits small heaps on few cores; JAVA_OPTS (if set) replaces this.
read -r -a JVM <<<"${JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
command -v java >/dev/null || die "java (17+) is required"
command -v python3 >/dev/null || die "python3 is required"
if [[ -z "$ENDPOINT" ]] && ! command -v moto_server >/dev/null; then
  die "moto_server is not installed (pip install 'moto[server]'), or pass --endpoint URL"
fi

START=$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/evently-demo.XXXXXX")
PIDS=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ ${#PIDS[@]} -gt 0 ]]; then
    say "stopping what the demo started"
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
      kill -TERM "${PIDS[i]}" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  if [[ $status -eq 0 ]]; then rm -rf "$WORK"; else echo "logs kept in $WORK" >&2; fi
  exit $status
}
trap cleanup EXIT
trap 'exit ${FINAL_STATUS:-130}' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_ok() { python3 - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}
wait_healthy() { # name pid url log
  local deadline=$(( $(date +%s) + 90 ))
  until http_ok "$3"; do
    kill -0 "$2" 2>/dev/null || { tail -n 20 "$4" >&2; die "$1 exited during start-up (log: $4)"; }
    [[ $(date +%s) -lt $deadline ]] || { tail -n 20 "$4" >&2; die "$1 not healthy after 90 s (log: $4)"; }
    sleep 0.3
  done
}

# 1. Build what is missing or older than its sources.
# The Spring Boot services run from their extracted layout (target/app/: NAME.jar + lib/), which
# starts about 30% faster than the nested jar (docs/BENCHMARKS.md).
JARS=(infra/target/infra.jar order-publisher/target/app/order-publisher.jar customer-subscriber/target/app/customer-subscriber.jar
  notification-service/target/app/notification-service.jar otlp-receiver/target/otlp-receiver.jar)
stale=0
for jar in "${JARS[@]}"; do
  if [[ ! -f "$jar" ]] || [[ -n $(find pom.xml ./*/pom.xml ./*/src/main -newer "$jar" -type f -print -quit 2>/dev/null) ]]; then
    stale=1
  fi
done
if [[ $stale -eq 1 ]]; then
  say "building (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package -pl infra,order-publisher,customer-subscriber,notification-service,otlp-receiver -am
fi

# 2. The SNS/SQS endpoint.
if [[ -z "$ENDPOINT" ]]; then
  MOTO_PORT=$(free_port)
  say "starting moto_server on 127.0.0.1:$MOTO_PORT"
  # moto_server with atomic SQS queues: plain moto can lose a message sent while two deletes run
  if python3 -c 'import moto.server' 2>/dev/null; then
    python3 localstack/src/main/resources/dev/evently/localstack/internal/moto_server.py \
      -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
  else
    moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
  fi
  PIDS+=($!)
  export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  for _ in $(seq 1 100); do http_ok "$AWS_ENDPOINT_URL/moto-api/" && break; sleep 0.2; done
  http_ok "$AWS_ENDPOINT_URL/moto-api/" || die "moto_server did not start (log: $WORK/moto.log)"
else
  export AWS_ENDPOINT_URL="$ENDPOINT"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  say "using the endpoint $ENDPOINT"
fi

# 3. The topology.
say "applying infra/topology.yaml"
java "${JVM[@]}" -jar infra/target/infra.jar apply | sed 's/^/    /'

# 4. Tracing (--traces): a receiver for the services' OTLP/HTTP exports; the standard OTEL_*
#    variables point the services' OpenTelemetry SDK at it (any OTLP backend works the same way).
if [[ $TRACES -eq 1 ]]; then
  OTLP_PORT=$(free_port)
  java "${JVM[@]}" -jar otlp-receiver/target/otlp-receiver.jar serve --port "$OTLP_PORT" --out "$WORK/spans.jsonl" \
    >"$WORK/otlp-receiver.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q 'receiver on' "$WORK/otlp-receiver.log" 2>/dev/null && break; sleep 0.1; done
  grep -q 'receiver on' "$WORK/otlp-receiver.log" || die "the OTLP receiver did not start (log: $WORK/otlp-receiver.log)"
  export OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT" OTEL_BSP_SCHEDULE_DELAY=500
  say "tracing into the OTLP/HTTP receiver on 127.0.0.1:$OTLP_PORT"
fi

# 5. The services, each with its own fresh H2 database under the work dir, and the topology's
#    payload bucket for large events (orders with a long note go through the S3 claim-check).
export PAYLOADS_BUCKET="${PAYLOADS_BUCKET:-evently-payloads}"
ORDER_PORT=$(free_port)
CUSTOMER_PORT=$(free_port)
NOTIFICATION_PORT=$(free_port)
start_customer() {
  mkdir -p "$WORK/customer"
  (cd "$WORK/customer" && HTTP_PORT=$CUSTOMER_PORT exec java "${JVM[@]}" -jar "$ROOT/customer-subscriber/target/app/customer-subscriber.jar" >>"$WORK/customer-subscriber.log" 2>&1) &
  CUSTOMER_PID=$!
  PIDS+=($CUSTOMER_PID)
}
say "starting order-publisher (:$ORDER_PORT), customer-subscriber (:$CUSTOMER_PORT) and notification-service (:$NOTIFICATION_PORT)"
# notification-service (Spring Boot) starts slowest: first, so the three start-ups overlap
mkdir -p "$WORK/notification"
(cd "$WORK/notification" && HTTP_PORT=$NOTIFICATION_PORT exec java "${JVM[@]}" -jar "$ROOT/notification-service/target/app/notification-service.jar" >"$WORK/notification-service.log" 2>&1) &
NOTIFICATION_PID=$!
PIDS+=($NOTIFICATION_PID)
mkdir -p "$WORK/order"
(cd "$WORK/order" && HTTP_PORT=$ORDER_PORT exec java "${JVM[@]}" -jar "$ROOT/order-publisher/target/app/order-publisher.jar" >"$WORK/order-publisher.log" 2>&1) &
ORDER_PID=$!
PIDS+=($ORDER_PID)
start_customer
wait_healthy order-publisher "$ORDER_PID" "http://127.0.0.1:$ORDER_PORT/health" "$WORK/order-publisher.log"
wait_healthy customer-subscriber "$CUSTOMER_PID" "http://127.0.0.1:$CUSTOMER_PORT/health" "$WORK/customer-subscriber.log"
wait_healthy notification-service "$NOTIFICATION_PID" "http://127.0.0.1:$NOTIFICATION_PORT/health" "$WORK/notification-service.log"
say "the three services are healthy ($(( $(date +%s) - START )) s since the demo started); logs in $WORK"

# 6. The load, with live progress.
say "running the saga with $ORDERS orders"
DRIVER_STATUS=0
TRACE_ARGS=()
[[ $TRACES -eq 1 ]] && TRACE_ARGS=(--trace-file "$WORK/traced-order")
python3 demo/driver.py --order-url "http://127.0.0.1:$ORDER_PORT" --customer-url "http://127.0.0.1:$CUSTOMER_PORT" \
  --notification-url "http://127.0.0.1:$NOTIFICATION_PORT" --restart-marker "$WORK/customer-restarted" \
  --orders "$ORDERS" --progress-file "$WORK/placed" "${TRACE_ARGS[@]}" &
DRIVER_PID=$!
if [[ $KILL_SUBSCRIBER -eq 1 ]]; then
  placed=0
  while [[ $placed -lt $(( ORDERS / 2 )) ]] && kill -0 "$DRIVER_PID" 2>/dev/null; do
    sleep 0.1
    placed=$(cat "$WORK/placed" 2>/dev/null || echo 0)
    [[ "$placed" =~ ^[0-9]+$ ]] || placed=0
  done
  say "SIGKILL customer-subscriber (pid $CUSTOMER_PID) with $placed orders placed"
  kill -KILL "$CUSTOMER_PID"
  wait "$CUSTOMER_PID" 2>/dev/null || true
  sleep 1
  say "restarting customer-subscriber on the same database"
  touch "$WORK/customer-restarted"
  start_customer
  wait_healthy customer-subscriber "$CUSTOMER_PID" "http://127.0.0.1:$CUSTOMER_PORT/health" "$WORK/customer-subscriber.log"
  say "customer-subscriber is back; the messages it held when killed return after the queue's visibility timeout (30 s)"
fi
wait "$DRIVER_PID" || DRIVER_STATUS=$?

# 7. One order's trace, across both services.
if [[ $TRACES -eq 1 ]]; then
  if read -r TRACED_ORDER TRACE_ID TRACED_STATE <"$WORK/traced-order" 2>/dev/null; then
    say "trace $TRACE_ID of order $TRACED_ORDER ($TRACED_STATE)"
    java "${JVM[@]}" -jar otlp-receiver/target/otlp-receiver.jar waterfall --file "$WORK/spans.jsonl" --trace "$TRACE_ID" \
      | sed 's/^/    /' || { echo "    no trace received" >&2; DRIVER_STATUS=1; }
  else
    echo "    no order to show a trace of" >&2
    DRIVER_STATUS=1
  fi
fi

# 8. Dead-letter queues: every one must be empty.
say "dead-letter queues"
DLQ_OUT=$(java "${JVM[@]}" -jar infra/target/infra.jar dlq list 2>&1) || DRIVER_STATUS=1
echo "$DLQ_OUT" | sed 's/^/    /'
# Columns: DLQ SOURCE MESSAGES IN-FLIGHT; anything but "0 0" (messages, or "missing") fails the run.
if echo "$DLQ_OUT" | awk 'NR > 1 && NF >= 4 && ($3 != "0" || $4 != "0") { bad = 1 } END { exit !bad }'; then
  echo "    dead-letter queues are not empty (or missing)" >&2
  DRIVER_STATUS=1
fi

ELAPSED=$(( $(date +%s) - START ))
if [[ $DRIVER_STATUS -eq 0 ]]; then
  say "demo finished in ${ELAPSED} s: consistent"
else
  say "demo finished in ${ELAPSED} s: INCONSISTENT (logs: $WORK)"
fi

if [[ $KEEP_RUNNING -eq 1 ]]; then
  FINAL_STATUS=$DRIVER_STATUS   # Ctrl-C is the normal end here
  CONSOLE_PORT=$(free_port)
  java "${JVM[@]}" -jar infra/target/infra.jar console --port "$CONSOLE_PORT" >"$WORK/console.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q 'evently console on' "$WORK/console.log" 2>/dev/null && break; sleep 0.1; done
  if grep -q 'evently console on' "$WORK/console.log"; then
    say "ops console: http://127.0.0.1:$CONSOLE_PORT/ (topology, queue depths, DLQ peek/redrive/purge)"
  else
    echo "    the ops console did not start (log: $WORK/console.log)" >&2
  fi
  say "services keep running: order-publisher http://127.0.0.1:$ORDER_PORT, customer-subscriber http://127.0.0.1:$CUSTOMER_PORT, notification-service http://127.0.0.1:$NOTIFICATION_PORT (Ctrl-C stops everything)"
  [[ -n "${AWS_ENDPOINT_URL:-}" ]] && echo "    AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL"
  while kill -0 "$ORDER_PID" 2>/dev/null; do sleep 1; done
fi
exit $DRIVER_STATUS
