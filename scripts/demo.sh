#!/usr/bin/env bash
# The main job: install what is missing, start the whole stack, replay five
# satellites of real SMAP telemetry through it, and print where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
export SATMON_DATA_DIR=${SATMON_DATA_DIR:-$(cd .. && pwd)/shared/data/smap}
./scripts/install.sh
(cd web && npm run build --silent)
.venv/bin/satmon up
OPERATOR_TOKEN=$(.venv/bin/satmon token create --name demo-operator --role operator)
# Ten minutes of telemetry from five satellites at 10x real time, with one low-battery event.
.venv/bin/satmon simulate --satellites 5 --duration 600 --speedup 10 --trigger SAT-003:low_battery@300
.venv/bin/satmon status || true
cat <<TXT

Dashboard:  http://127.0.0.1:8080/   (paste the operator token into the token field)
Token:      $OPERATOR_TOKEN
REST:       curl -H "authorization: Bearer \$TOKEN" http://127.0.0.1:8080/api/v1/query/stats
gRPC:       .venv/bin/grpcurl -plaintext 127.0.0.1:8080 list   (reflection through Envoy)
Stop with:  .venv/bin/satmon down
TXT
