#!/usr/bin/env bash
# The reliability and security suite: both services as real processes against a real SNS/SQS
# backend (moto_server by default; LocalStack or AWS through AWS_ENDPOINT_URL) and PostgreSQL at
# 127.0.0.1:5432, broken on purpose: crashes (R1), SNS/SQS outage (R2), database outage (R3),
# poison flood (R4), duplicate storm (R5), sustained load (R6), security checks.
#
#   reliability/run.sh [--full] [--only CLASS]
#
# Without --full: the short suite (what ./mvnw verify runs, a few minutes).
# --full: the same scenarios with the big numbers (2,000 orders and 8 SIGKILLs, 30 s outages,
#         504 poison messages, 10 minutes of sustained load): about 20 minutes.
# --only: one scenario class, e.g. --only ProcessCrashIT.
# Upstream unit tests and ITs are skipped (the modules are only built). Figures are written to
# reliability/target/reliability/figures-<short|full>.md; service logs to
# reliability/target/reliability/<scenario-id>/.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=short
ONLY='dev/evently/reliability/*IT'
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) SCALE=full; shift ;;
    --only) ONLY="${2:?--only needs a class name}"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
rm -f "reliability/target/reliability/figures-$SCALE.md"
./mvnw -B verify -pl reliability -am -Dreliability="$SCALE" \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$ONLY"
echo
echo "figures ($SCALE): reliability/target/reliability/figures-$SCALE.md"
cat "reliability/target/reliability/figures-$SCALE.md"
