"""`python -m satmon_writer`."""

from satmon_core.config import load_settings
from satmon_core.tracing import setup_tracing
from satmon_writer.bootstrap import build

if __name__ == "__main__":
    setup_tracing("satmon-writer")
    build(load_settings()).run()
