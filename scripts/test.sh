#!/usr/bin/env bash
# The full test suite: install what is missing, then unit, contract, integration
# and end-to-end tests. Tests that need servers start their own stack (on ports
# shifted by +2000, state in .satmon-test/) and stop it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export SATMON_DATA_DIR=${SATMON_DATA_DIR:-$(cd .. && pwd)/shared/data/smap}
SATMON_BROWSER_TESTS=1 ./scripts/install.sh   # the browser tests need Debian's chromium too
(cd web && npm run build --silent)            # the dashboard Envoy serves to the browser tests
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
