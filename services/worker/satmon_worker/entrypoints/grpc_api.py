"""InferenceService: score one window synchronously, outside any job."""

from __future__ import annotations

from satmon.detection.v1 import events_pb2, inference_service_pb2, inference_service_pb2_grpc, job_pb2
from satmon_core.errors import InvalidArgument, NotFound
from satmon_core.inference_results import with_listed_reconstruction
from satmon_detection.windows import WINDOW_SIZE
from satmon_worker.domain.scoring import score_tasks
from satmon_worker.errors import ModelUnavailable

__all__ = ["InferenceServicer"]


class InferenceServicer(inference_service_pb2_grpc.InferenceServiceServicer):
    def __init__(self, scorer_factory) -> None:
        self.scorer_factory = scorer_factory

    def ScoreWindow(self, request, context):
        window = request.window  # present: a declared rule
        if not window.model_name:
            raise InvalidArgument("window.model_name", "a model name such as SMAP_A-1 is required")
        # How many values a row holds is the model's to say (Triton refuses another shape, answered
        # below as an invalid window.values); here the window need only agree with itself.
        if window.feature_count < 1:
            raise InvalidArgument("window.feature_count", "must be the number of values per row (the model's input width)")
        if len(window.sample_times) != WINDOW_SIZE or len(window.values) != WINDOW_SIZE * window.feature_count:
            raise InvalidArgument("window.values", f"expected {WINDOW_SIZE} rows (sample_times) of "
                                                   f"{window.feature_count} values (feature_count)")
        task = events_pb2.InferenceTask(job_id="adhoc", source=job_pb2.JOB_SOURCE_MANUAL, windows=[window])
        scored = score_tasks([task], self.scorer_factory())  # TransientError: UNAVAILABLE
        error = scored.errors.get(task.job_id)
        if isinstance(error, ModelUnavailable):
            raise NotFound("MODEL_NOT_FOUND", str(error), model_name=window.model_name)
        if error is not None:
            raise InvalidArgument("window.values", str(error))
        return inference_service_pb2.ScoreWindowResponse(result=with_listed_reconstruction(scored.outputs[0][1][0]))
