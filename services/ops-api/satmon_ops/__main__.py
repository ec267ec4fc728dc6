"""`python -m satmon_ops`."""

from satmon_core.config import load_settings
from satmon_core.tracing import setup_tracing
from satmon_ops.bootstrap import build

if __name__ == "__main__":
    setup_tracing("satmon-ops-api")
    build(load_settings()).run()
