"""The worker's scoring of tasks with a fake scorer (domain logic only; Triton is tested for real in
the contract and end-to-end tests)."""

from __future__ import annotations

import numpy as np

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_worker.domain.scoring import ModelScores, score_tasks
from satmon_worker.errors import ModelUnavailable


class FakeScorer:
    def score_many(self, batches):
        out = {}
        for model, windows in batches.items():
            if model == "SMAP_NOPE":
                out[model] = ModelUnavailable(f"model {model} is not served")
                continue
            windows = np.stack(windows)
            scores = np.abs(windows[:, :, 0]) / 100.0
            out[model] = ModelScores(windows, scores, 0.05, "1", 1.0)
        return out


def _task(job_id: str, model: str, windows: int, source=job_pb2.JOB_SOURCE_MANUAL) -> events_pb2.InferenceTask:
    task = events_pb2.InferenceTask(job_id=job_id, source=source)
    task.create_time.FromSeconds(1_700_000_000)
    for w in range(windows):
        window = task.windows.add(satellite_id="SAT-001", subsystem="acs", model_name=model, start_sequence=10 * w,
                                  feature_count=25)
        for i in range(30):
            window.sample_times.add().FromSeconds(1_700_000_000 + 10 * w + i)
        window.values.extend(np.full(30 * 25, float(w)).tolist())
    return task


def test_a_manual_job_keeps_a_score_per_window_and_results_carry_the_dispatch_time():
    scored = score_tasks([_task("m", "SMAP_A-1", 4)], FakeScorer())
    update = scored.jobs[0]
    job = update.job
    assert job.state == job_pb2.JOB_STATE_COMPLETED and len(job.subsystem_inferences) == 1
    assert [w.start_sequence for w in update.windows] == [0, 10, 20, 30]
    assert [round(w.anomaly_score, 3) for w in update.windows] == [0.0, 0.01, 0.02, 0.03]
    assert all(r.dispatch_time.seconds == 1_700_000_000 for r in scored.outputs[0][1])
    # The job carries its dispatch time (created_at) and its completion (completed_at) to the writer.
    assert job.create_time.seconds == 1_700_000_000 and job.complete_time.seconds > job.create_time.seconds
    summary = job.subsystem_inferences[0]
    assert summary.window_start_time.seconds == 1_700_000_000 and summary.window_end_time.seconds == 1_700_000_059
    assert summary.max_score == max(w.max_score for w in update.windows)


def test_stream_jobs_keep_only_their_summary_and_failures_keep_their_type():
    scored = score_tasks([_task("s", "SMAP_A-1", 1, job_pb2.JOB_SOURCE_STREAM), _task("x", "SMAP_NOPE", 1)],
                         FakeScorer())
    assert not scored.jobs[0].windows and scored.jobs[0].job.state == job_pb2.JOB_STATE_COMPLETED
    assert scored.jobs[1].job.state == job_pb2.JOB_STATE_FAILED and "not served" in scored.jobs[1].job.error_message
    assert isinstance(scored.errors["x"], ModelUnavailable) and "s" not in scored.errors
