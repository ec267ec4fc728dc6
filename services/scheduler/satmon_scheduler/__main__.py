"""`python -m satmon_scheduler`."""

from satmon_core.config import load_settings
from satmon_core.tracing import setup_tracing
from satmon_scheduler.bootstrap import build

if __name__ == "__main__":
    setup_tracing("satmon-scheduler")
    build(load_settings()).run()
