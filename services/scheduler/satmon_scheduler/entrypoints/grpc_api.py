"""SchedulingService: manual jobs through the same Celery path as streaming windows."""

from __future__ import annotations

import logging

from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2, job_pb2, scheduling_service_pb2 as pb, scheduling_service_pb2_grpc
from satmon_core.errors import FailedPrecondition, InvalidArgument, NotFound, TransientError
from satmon_core.job_queries import JobQueries
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.tracing import carrier
from satmon_scheduler.adapters.job_announcer import JobAnnouncer
from satmon_scheduler.adapters.task_queue import TaskQueue
from satmon_scheduler.adapters.telemetry_source import TelemetrySource
from satmon_scheduler.domain.jobs import manual_job_id
from satmon_scheduler.domain.manual import cut_windows, data_window, satellite_of, validate_submission, window_settings

__all__ = ["SchedulingServicer"]

log = logging.getLogger(__name__)

class SchedulingServicer(scheduling_service_pb2_grpc.SchedulingServiceServicer):
    def __init__(self, store: JobQueries, announcer: JobAnnouncer, queue: TaskQueue,
                 telemetry: TelemetrySource, fleet: FleetRegistry) -> None:
        self.store = store
        self.fleet = fleet
        self.announcer = announcer
        self.queue = queue
        self.telemetry = telemetry

    def _widths(self, request) -> dict[str, int]:
        """Values per row of each subsystem of the satellite's class (TransientError when the registry is away)."""
        return {view.name: view.width for view in self.fleet.subsystems_of(satellite_of(request))}

    def SubmitInferenceJob(self, request, context):
        validate_submission(request, self._widths(request))
        return pb.SubmitInferenceJobResponse(job=self._submit(request))

    def BatchSubmitInferenceJobs(self, request, context):
        # 1 to 100 submissions: a declared rule. All are checked before any is queued.
        for i, item in enumerate(request.requests):
            validate_submission(item, self._widths(item), prefix=f"requests[{i}].")
        return pb.BatchSubmitInferenceJobsResponse(jobs=[self._submit(r) for r in request.requests])

    def _model_for(self, request, subsystem: str) -> str:
        satellite = satellite_of(request)
        name = request.model_name or self.store.latest_model(satellite, subsystem)
        if not name:
            raise InvalidArgument("model_name", f"no model known for {satellite}/{subsystem}; "
                                                "name one, e.g. SMAP_A-1")
        return name

    def _windows(self, request) -> list[events_pb2.Window]:
        """The submission's telemetry cut into model windows, each with the context rows its model
        reads (TransientError when the store is away)."""
        _, stride = window_settings(request)
        views = {view.name: view for view in self.fleet.subsystems_of(satellite_of(request))}
        if request.HasField("data"):
            window = data_window(request, self._widths(request))
            return cut_windows(window, stride, views[window.subsystem].window.context)
        windows: list[events_pb2.Window] = []
        if request.windows:
            for source in request.windows:
                window = events_pb2.Window()
                window.CopyFrom(source)
                window.satellite_id = satellite_of(request)
                window.model_name = window.model_name or self._model_for(request, window.subsystem)
                windows += cut_windows(window, stride, views[window.subsystem].window.context)
            return windows
        start_s, end_s = request.start_time.ToNanoseconds() / 1e9, request.end_time.ToNanoseconds() / 1e9
        for subsystem in request.subsystems or list(views):
            # A model with context reads the records before the range too: at one record a second,
            # `context` seconds more are fetched, and the windows still start within the range.
            context = views[subsystem].window.context
            series = self.telemetry.series(satellite_of(request), views[subsystem],
                                           self._model_for(request, subsystem), start_s - context, end_s)
            if series is not None:
                first = sum(1 for t in series.sample_times if t.ToNanoseconds() / 1e9 < start_s)
                windows += cut_windows(series, stride, context, first)
        return windows

    def _submit(self, request) -> job_pb2.InferenceJob:
        windows = self._windows(request)
        spacecraft_class = self.fleet.subsystems_of(satellite_of(request))[0].spacecraft_class
        for window in windows:
            window.spacecraft_class = spacecraft_class
        if not windows:
            raise FailedPrecondition("NO_TELEMETRY", "no complete 30-row window of stored telemetry in the requested "
                                                     "range")
        now = Timestamp()
        now.GetCurrentTime()
        pending = events_pb2.JobUpdate(job=job_pb2.InferenceJob(
            job_id=manual_job_id(), satellite_id=satellite_of(request), source=job_pb2.JOB_SOURCE_MANUAL,
            state=job_pb2.JOB_STATE_PENDING, create_time=now), metadata=dict(request.metadata))
        self.announcer.publish(pending)  # before the task, so the writer records PENDING first
        task = events_pb2.InferenceTask(job_id=pending.job.job_id, source=job_pb2.JOB_SOURCE_MANUAL, windows=windows,
                                        create_time=now, trace_context=carrier())
        try:
            self.queue.send([task])  # TransientError (QUEUE_UNAVAILABLE) when RabbitMQ does not confirm
        except TransientError as exc:
            self._give_up(pending, f"not queued: {exc}")
            raise
        return pending.job  # what the writer will record; GetInferenceJob reads it back from the announcer until then

    def _give_up(self, pending: events_pb2.JobUpdate, why: str) -> None:
        failed = events_pb2.JobUpdate()
        failed.CopyFrom(pending)
        failed.job.state, failed.job.error_message = job_pb2.JOB_STATE_FAILED, why
        failed.job.complete_time.GetCurrentTime()
        try:
            self.announcer.publish(failed)
        except TransientError:
            log.warning("job %s stays pending: neither queued nor marked failed", pending.job.job_id)

    def GetInferenceJob(self, request, context):
        return pb.GetInferenceJobResponse(job=self._job(request.job_id))

    def GetInferenceJobResult(self, request, context):
        job = self._job(request.job_id)
        return pb.GetInferenceJobResultResponse(job=job, window_scores=self.store.window_scores(job.job_id))

    def _job(self, job_id: str) -> job_pb2.InferenceJob:
        job = self.store.get_job(job_id) or self.announcer.announced(job_id)  # job_id present: a declared rule
        if job is None:
            raise NotFound("JOB_NOT_FOUND", f"job {job_id} does not exist", job_id=job_id)
        return job
