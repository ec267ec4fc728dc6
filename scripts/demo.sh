#!/usr/bin/env bash
# The main job: install what is missing, start the whole stack, replay five
# satellites of real SMAP telemetry through it, onboard a second spacecraft class
# (leo_demo) from its own archive beside it, and print where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
export SATMON_DATA_DIR=${SATMON_DATA_DIR:-$(cd .. && pwd)/shared/data/smap}
./scripts/install.sh
(cd web && npm run build --silent)
.venv/bin/satmon up
OPERATOR_TOKEN=$(.venv/bin/satmon token create --name demo-operator --role operator)
# Thirty minutes of telemetry from five satellites at 30x real time (one minute), from SMAP test row
# 1800: seven labelled anomalies of their channels (P-1, T-1, T-3, P-4, A-5) begin 300-1,740 records
# in, after the detector's first 250, so alerts and live precision/recall are there when the demo
# ends. One low-battery event fires a rule job too.
.venv/bin/satmon simulate --satellites 5 --start-row 1800 --duration 1800 --speedup 30 \
  --trigger SAT-003:low_battery@300

# A second class beside SMAP, from its own archive (README: "Onboarding a spacecraft from its own
# archive"): two hours of history imported and trained on, then ten minutes of live telemetry with
# faults, two of which cross limits and clear again (with --seed 1, a low battery and a cold OBC reach
# their yellow limits: warnings; the onboarding test shows a red one).
SATMON_STATE=${SATMON_HOME:-.satmon}
ARCHIVES="$SATMON_STATE/archives"
rm -rf "$ARCHIVES" && mkdir -p "$ARCHIVES"
.venv/bin/satmon archive synth "$ARCHIVES/leo_demo-history" --seconds 7200
.venv/bin/satmon register --class leo_demo SAT-101 SAT-102
.venv/bin/satmon import "$ARCHIVES/leo_demo-history" --class leo_demo
.venv/bin/satmon train --class leo_demo --out "$SATMON_STATE/trained-models"
.venv/bin/satmon archive synth "$ARCHIVES/leo_demo-live" --seconds 600 --faults --seed 1
.venv/bin/satmon simulate --class leo_demo --archive "$ARCHIVES/leo_demo-live" --speedup 10
.venv/bin/satmon status || true
echo
echo "Alerts raised so far (model alerts from the SMAP replay, limit alarms from leo_demo); each link"
echo "opens the alert's trend in the dashboard:"
.venv/bin/satmon alerts --limit 15 --wait 120
cat <<TXT

Dashboard:  http://127.0.0.1:8080/   (paste the operator token into the token field)
Token:      $OPERATOR_TOKEN
REST:       curl -H "authorization: Bearer \$TOKEN" http://127.0.0.1:8080/api/v1/query/stats
gRPC:       .venv/bin/grpcurl -plaintext 127.0.0.1:8080 list   (reflection through Envoy)
Stop with:  .venv/bin/satmon down
TXT
