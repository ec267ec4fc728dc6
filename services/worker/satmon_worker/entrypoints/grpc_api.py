"""InferenceService: score one window synchronously, outside any job."""

from __future__ import annotations

import grpc

from satmon.detection.v1 import events_pb2, inference_service_pb2, inference_service_pb2_grpc, job_pb2
from satmon_core.errors import TransientError
from satmon_core.grpc_errors import abort_invalid, abort_with
from satmon_worker.domain.scoring import score_tasks

__all__ = ["InferenceServicer"]


class InferenceServicer(inference_service_pb2_grpc.InferenceServiceServicer):
    def __init__(self, scorer_factory) -> None:
        self.scorer_factory = scorer_factory

    def ScoreWindow(self, request, context):
        window = request.window
        if not request.HasField("window"):
            abort_invalid(context, "window", "a window is required")
        if not window.model_name:
            abort_invalid(context, "window.model_name", "a model name such as SMAP_A-1 is required")
        if window.feature_count != 25:
            abort_invalid(context, "window.feature_count", "must be 25")
        if len(window.sample_times) != 30 or len(window.values) != 30 * 25:
            abort_invalid(context, "window.values", "expected 30 rows (sample_times) of 25 values")
        task = events_pb2.InferenceTask(job_id="adhoc", source=job_pb2.JOB_SOURCE_MANUAL, windows=[window])
        try:
            outputs, records = score_tasks([task], self.scorer_factory())
        except TransientError as exc:
            abort_with(context, grpc.StatusCode.UNAVAILABLE, "INFERENCE_SERVER_UNAVAILABLE", str(exc))
        if records[0].status == "failed":
            message = records[0].error_message
            if "not served" in message or "unknown model" in message:
                abort_with(context, grpc.StatusCode.NOT_FOUND, "MODEL_NOT_FOUND", message,
                           {"model_name": window.model_name})
            abort_invalid(context, "window.values", message)
        return inference_service_pb2.ScoreWindowResponse(result=outputs[0][1][0])
