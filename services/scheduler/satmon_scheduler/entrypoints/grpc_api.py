"""SchedulingService: manual jobs through the same Celery path as streaming windows."""

from __future__ import annotations

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2, job_pb2, scheduling_service_pb2 as pb, scheduling_service_pb2_grpc
from satmon_core.errors import TransientError
from satmon_core.grpc_errors import abort_invalid, abort_with, page_size, page_token_errors
from satmon_core.job_store import JobStore
from satmon_core.topics import SUBSYSTEMS
from satmon_core.tracing import carrier
from satmon_scheduler.adapters.task_queue import TaskQueue
from satmon_scheduler.adapters.telemetry_source import TelemetrySource
from satmon_scheduler.domain.jobs import manual_job_id
from satmon_scheduler.domain.manual import FieldViolation, cut_windows, validate_submission

__all__ = ["SchedulingServicer"]

MAX_BATCH = 100


class SchedulingServicer(scheduling_service_pb2_grpc.SchedulingServiceServicer):
    def __init__(self, store: JobStore, queue: TaskQueue, telemetry: TelemetrySource) -> None:
        self.store = store
        self.queue = queue
        self.telemetry = telemetry

    def SubmitInferenceJob(self, request, context):
        try:
            validate_submission(request)
        except FieldViolation as exc:
            abort_invalid(context, exc.field, exc.description)
        return pb.SubmitInferenceJobResponse(job=self._submit(request, context))

    def BatchSubmitInferenceJobs(self, request, context):
        if not request.requests:
            abort_invalid(context, "requests", "at least one submission is required")
        if len(request.requests) > MAX_BATCH:
            abort_invalid(context, "requests", f"at most {MAX_BATCH} submissions per call")
        for i, item in enumerate(request.requests):
            try:
                validate_submission(item, prefix=f"requests[{i}].")
            except FieldViolation as exc:
                abort_invalid(context, exc.field, exc.description)
        return pb.BatchSubmitInferenceJobsResponse(jobs=[self._submit(r, context) for r in request.requests])

    def _model_for(self, request, subsystem: int, context) -> str:
        name = request.model_name or self.store.latest_model(request.satellite_id, SUBSYSTEMS[subsystem])
        if not name:
            abort_invalid(context, "model_name", f"no model known for {request.satellite_id}/{SUBSYSTEMS[subsystem]}; "
                                                 "name one, e.g. SMAP_A-1")
        return name

    def _submit(self, request, context) -> job_pb2.InferenceJob:
        windows: list[events_pb2.Window] = []
        try:
            if request.windows:
                for source in request.windows:
                    copy = events_pb2.Window()
                    copy.CopyFrom(source)
                    source = copy
                    source.satellite_id = request.satellite_id
                    if not source.model_name:
                        source.model_name = self._model_for(request, source.subsystem, context)
                    windows += cut_windows(source, request.stride)
            else:
                for subsystem in request.subsystems or list(SUBSYSTEMS):
                    series = self.telemetry.series(request.satellite_id, SUBSYSTEMS[subsystem],
                                                   self._model_for(request, subsystem, context),
                                                   request.start_time.ToNanoseconds() / 1e9,
                                                   request.end_time.ToNanoseconds() / 1e9)
                    if series is not None:
                        windows += cut_windows(series, request.stride)
        except TransientError as exc:
            abort_with(context, grpc.StatusCode.UNAVAILABLE, "TELEMETRY_STORE_UNAVAILABLE", str(exc))
        if not windows:
            abort_with(context, grpc.StatusCode.FAILED_PRECONDITION, "NO_TELEMETRY",
                       "no complete 30-row window of stored telemetry in the requested range")
        job_id = manual_job_id()
        self.store.insert_pending(job_id, request.satellite_id, "manual", metadata=dict(request.metadata))
        now = Timestamp()
        now.GetCurrentTime()
        task = events_pb2.InferenceTask(job_id=job_id, source=job_pb2.JOB_SOURCE_MANUAL, windows=windows,
                                        create_time=now, trace_context=carrier())
        try:
            self.queue.send([task])
        except TransientError as exc:
            abort_with(context, grpc.StatusCode.UNAVAILABLE, "QUEUE_UNAVAILABLE", str(exc))
        return self.store.get_job(job_id)

    def GetInferenceJob(self, request, context):
        return pb.GetInferenceJobResponse(job=self._job(request.job_id, context))

    def GetInferenceJobResult(self, request, context):
        job = self._job(request.job_id, context)
        return pb.GetInferenceJobResultResponse(job=job, subsystem_inferences=job.subsystem_inferences)

    def ListInferenceJobs(self, request, context):
        size = page_size(context, request.page_size)
        with page_token_errors(context):
            jobs, token = self.store.list_jobs(size, request.page_token, request.satellite_id, request.state,
                                               request.source)
        return pb.ListInferenceJobsResponse(jobs=jobs, next_page_token=token)

    def _job(self, job_id: str, context) -> job_pb2.InferenceJob:
        if not job_id:
            abort_invalid(context, "job_id", "is required")
        job = self.store.get_job(job_id)
        if job is None:
            abort_with(context, grpc.StatusCode.NOT_FOUND, "JOB_NOT_FOUND", f"job {job_id} does not exist",
                       {"job_id": job_id})
        return job
