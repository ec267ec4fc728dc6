"""`python -m satmon_worker`: the Celery worker, plus gRPC health and InferenceService beside it.

Health follows the liveness of the worker's queue consumer (satmon_core.celery_liveness): NOT_SERVING
while it is judged stalled or wedged, SERVING again once repaired; a consumer not repaired in time
ends the process so the keeper restarts it.
"""

from satmon_core.config import load_settings
from satmon_core.tracing import setup_tracing
from satmon_worker.bootstrap import build

if __name__ == "__main__":
    setup_tracing("satmon-worker")
    build(load_settings()).run()
