"""`python -m satmon_router`."""

from satmon_core.config import load_settings
from satmon_core.tracing import setup_tracing
from satmon_router.bootstrap import build

if __name__ == "__main__":
    setup_tracing("satmon-router")
    build(load_settings()).run()
