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
# Twenty minutes of telemetry from five satellites at 20x real time (a minute of wall time), with
# one low-battery event. The replay starts at SMAP test row 4400: the detector decides after 250
# records of a stream, and 23 of the 35 satellite subsystems replayed reach a labelled anomaly
# between rows 4690 (A-1, SAT-001 acs) and 5600, so alerts and live precision/recall are there
# when the addresses below are printed (rows 4400-5600 replayed; checked against
# labeled_anomalies.csv, README "Alarm lifecycle"). `--loops 2` lets the replay run past the end of
# the shortest array (A-5, 4,693 rows, which wraps on its own): with one pass it would stop after 293.
.venv/bin/satmon simulate --satellites 5 --start-row 4400 --loops 2 --duration 1200 --speedup 20 \
    --trigger SAT-003:low_battery@300

# A second class beside SMAP, from its own archive (README: "Onboarding a spacecraft from its own
# archive"): two hours of history imported and trained on, then ten minutes of live telemetry with
# faults, two of which cross limits (low battery: warning; cold OBC: critical) and clear again.
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

# What to look at: the newest alerts, limit alarms first, each with a link that opens its trend.
# The pipeline may still be scoring the replay's last windows; alerts keep arriving for a minute.
for _ in $(seq 1 36); do
  ALERTS=$(curl -sf -H "authorization: Bearer $OPERATOR_TOKEN" "http://127.0.0.1:8080/v1/alerts?page_size=100" || true)
  [[ "$ALERTS" == *'"alertId"'* ]] && break
  sleep 5
done
.venv/bin/python - "${ALERTS:-}" <<'PY'
import json, sys
from datetime import datetime

def seconds(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())

alerts = json.loads(sys.argv[1] or "{}").get("alerts", [])
alerts.sort(key=lambda a: (a.get("kind") != "ALERT_KIND_LIMIT", a.get("severity") != "ALERT_SEVERITY_CRITICAL"))
print(f"Alerts so far: {len(alerts)} (limit alarms first; each link opens the alert's trend)")
for a in alerts[:8]:
    link = (f"http://127.0.0.1:8080/#/trends?satellite={a['satelliteId']}&subsystem={a['subsystem']}"
            f"&from={seconds(a['startTime']) - 600}&to={seconds(a['endTime']) + 600}")
    kind = a.get("kind", "").removeprefix("ALERT_KIND_").lower()
    severity = a.get("severity", "").removeprefix("ALERT_SEVERITY_").lower()
    print(f"  alert {a['alertId']:>5}  {kind:5} {severity:8} {a['satelliteId']} {a['subsystem']:6} {link}")
PY
cat <<TXT

Dashboard:  http://127.0.0.1:8080/   (paste the operator token into the token field)
Token:      $OPERATOR_TOKEN
REST:       curl -H "authorization: Bearer \$TOKEN" http://127.0.0.1:8080/api/v1/query/stats
gRPC:       .venv/bin/grpcurl -plaintext 127.0.0.1:8080 list   (reflection through Envoy)
Stop with:  .venv/bin/satmon down
TXT
