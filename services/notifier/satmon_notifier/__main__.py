"""`python -m satmon_notifier`: sends new and escalated alerts to operators' contact points."""

from satmon_core.config import load_settings
from satmon_core.tracing import setup_tracing
from satmon_notifier.bootstrap import build

if __name__ == "__main__":
    setup_tracing("satmon-notifier")
    build(load_settings()).run()
