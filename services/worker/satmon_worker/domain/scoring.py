"""Scoring inference tasks: windows -> results and job updates, over a Scorer port."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
from google.protobuf.timestamp_pb2 import Timestamp

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core import packed_floats
from satmon_detection.scoring import summarise_windows, window_is_anomalous
from satmon_worker.errors import BadWindow, WorkerError

__all__ = ["Scorer", "ModelScores", "ScoredTasks", "score_tasks", "window_array"]


@dataclass(frozen=True)
class ModelScores:
    reconstruction: np.ndarray  # (batch, T, F)
    scores: np.ndarray          # (batch, T)
    threshold: float
    version: str
    elapsed_ms: float


class Scorer(Protocol):
    def score_many(self, batches: dict[str, list[np.ndarray]]) -> dict[str, ModelScores | WorkerError]:
        """Scores each model's windows, each (context rows + window rows, features), concurrently
        where it can; results cover the window rows. A model that cannot be used maps to its
        WorkerError; a transient failure raises TransientError for the whole call."""
        ...


def window_array(window: events_pb2.Window) -> np.ndarray:
    """(context rows + rows, features) float32: the window's context (packed_context from the
    scheduler or context_values from an API, none for most models) and then its own rows
    (packed_values or values), as the model reads them."""
    rows, features = len(window.sample_times), window.feature_count
    values = _rows(window.packed_values, window.values, "packed_values", "values")
    if not rows or not features or values.size != rows * features:
        raise BadWindow(f"window has {values.size} values for {rows} rows x {features} features")
    whole = values.reshape(rows, features)
    if window.packed_context or window.context_values:  # most models read none: nothing more to build
        whole = np.concatenate([_context_rows(window, features), whole])
    if not np.isfinite(whole).all():
        raise BadWindow("window contains NaN or infinite values")
    return whole


def _context_rows(window: events_pb2.Window, features: int) -> np.ndarray:
    """(context rows, features): the carried columns in place, the others 0 (a model with context
    reads only the columns the scheduler sends of the rows before a window)."""
    carried = list(window.context_columns) or list(range(features))
    if any(column >= features for column in carried) or len(set(carried)) != len(carried):
        raise BadWindow(f"context_columns {carried} are not distinct columns of {features} features")
    flat = _rows(window.packed_context, window.context_values, "packed_context", "context_values")
    if flat.size % len(carried):
        raise BadWindow(f"packed_context has {flat.size} values, not whole rows of {len(carried)} columns")
    rows = np.zeros((flat.size // len(carried), features), dtype=np.float32)
    rows[:, carried] = flat.reshape(-1, len(carried))
    return rows


def _rows(packed: bytes, listed, packed_name: str, listed_name: str) -> np.ndarray:
    if packed and listed:
        raise BadWindow(f"window carries both {listed_name} and {packed_name}")
    try:
        return packed_floats.unpack(packed) if packed else np.asarray(listed, dtype=np.float32)
    except ValueError as exc:  # a byte count that is not a whole number of floats
        raise BadWindow(f"{packed_name}: {exc}") from exc


class _Scored(NamedTuple):
    """One window's outputs and their summary, as its InferenceResult carries them."""
    reconstruction: np.ndarray  # (T, F)
    scores: np.ndarray          # (T,)
    mean: float
    peak: float
    anomalous: bool
    threshold: float
    version: str
    elapsed_ms: float


@dataclass(frozen=True)
class ScoredTasks:
    outputs: list[tuple[events_pb2.InferenceTask, list[events_pb2.InferenceResult]]]  # results per task
    jobs: list[events_pb2.JobUpdate]                                                  # one per task
    errors: dict[str, WorkerError]                                                    # job_id -> why it failed


def score_tasks(tasks: Sequence[events_pb2.InferenceTask], scorer: Scorer) -> ScoredTasks:
    """Scores every window, batching per model."""
    by_model: dict[str, list[tuple[int, int, np.ndarray]]] = defaultdict(list)
    errors: dict[int, WorkerError] = {}
    for t_index, task in enumerate(tasks):
        for w_index, window in enumerate(task.windows):
            try:
                by_model[window.model_name].append((t_index, w_index, window_array(window)))
            except BadWindow as exc:
                errors[t_index] = exc
    scored: dict[tuple[int, int], _Scored] = {}
    scored_models = scorer.score_many({model: [a for _, _, a in items] for model, items in by_model.items()})
    for model, items in by_model.items():
        result = scored_models[model]
        if isinstance(result, WorkerError):
            for t_index, _, _ in items:
                errors[t_index] = result
            continue
        per_window_ms = result.elapsed_ms / len(items)
        means, peaks = summarise_windows(result.scores)
        anomalous = window_is_anomalous(result.scores, result.threshold)
        for i, (t_index, w_index, _) in enumerate(items):
            scored[(t_index, w_index)] = _Scored(result.reconstruction[i], result.scores[i], float(means[i]),
                                                 float(peaks[i]), bool(anomalous[i]), result.threshold,
                                                 result.version, per_window_ms)
    now = Timestamp()
    now.FromNanoseconds(time.time_ns())
    outputs, jobs = [], []
    for t_index, task in enumerate(tasks):
        results, by_subsystem = [], {}
        for w_index, window in enumerate(task.windows):
            hit = scored.get((t_index, w_index))
            if hit is None:
                continue
            result = events_pb2.InferenceResult(
                job_id=task.job_id, satellite_id=window.satellite_id, subsystem=window.subsystem,
                model_name=window.model_name, model_version=hit.version, start_sequence=window.start_sequence,
                sample_times=window.sample_times, timestep_scores=hit.scores.tolist(),
                packed_reconstruction=packed_floats.pack_array(hit.reconstruction), feature_count=window.feature_count,
                mean_score=hit.mean, max_score=hit.peak, threshold=hit.threshold, is_anomaly=hit.anomalous,
                inference_time_ms=hit.elapsed_ms, source=task.source, trigger_reason=task.trigger_reason,
                spacecraft_class=window.spacecraft_class, create_time=now)
            if task.HasField("create_time"):
                result.dispatch_time.CopyFrom(task.create_time)
            results.append(result)
            by_subsystem.setdefault(window.subsystem, []).append(result)
        outputs.append((task, results))
        update = events_pb2.JobUpdate(job=job_pb2.InferenceJob(
            job_id=task.job_id, satellite_id=task.windows[0].satellite_id if task.windows else "",
            source=task.source, trigger_reason=task.trigger_reason,
            state=job_pb2.JOB_STATE_FAILED if t_index in errors else job_pb2.JOB_STATE_COMPLETED,
            error_message=str(errors.get(t_index, "")),
            subsystem_inferences=[_summary(rs) for _, rs in sorted(by_subsystem.items())]))
        if task.source == job_pb2.JOB_SOURCE_MANUAL:
            update.windows.extend(_window_score(r) for _, rs in sorted(by_subsystem.items()) for r in rs)
        if task.HasField("create_time"):  # dispatch time: a stream job is first recorded now
            update.job.create_time.CopyFrom(task.create_time)
        update.job.complete_time.CopyFrom(now)
        jobs.append(update)
    return ScoredTasks(outputs, jobs, {tasks[i].job_id: error for i, error in errors.items()})


def _summary(results: list[events_pb2.InferenceResult]) -> job_pb2.SubsystemInference:
    """One subsystem's outcome: a manual job over a long range may score many windows of it."""
    first, last = results[0], results[-1]
    return job_pb2.SubsystemInference(
        subsystem=first.subsystem, model_name=first.model_name, model_version=first.model_version,
        state=job_pb2.JOB_STATE_COMPLETED, anomaly_detected=any(r.is_anomaly for r in results),
        anomaly_score=results[0].mean_score if len(results) == 1 else float(np.mean([r.mean_score for r in results])),
        max_score=max(r.max_score for r in results), threshold=first.threshold,
        inference_time_ms=float(sum(r.inference_time_ms for r in results)),
        window_start_time=first.sample_times[0], window_end_time=last.sample_times[-1],
        start_sequence=first.start_sequence)


def _window_score(result: events_pb2.InferenceResult) -> job_pb2.WindowScore:
    return job_pb2.WindowScore(
        subsystem=result.subsystem, model_name=result.model_name, start_sequence=result.start_sequence,
        window_start_time=result.sample_times[0], window_end_time=result.sample_times[-1],
        anomaly_score=result.mean_score, max_score=result.max_score, threshold=result.threshold,
        anomaly_detected=result.is_anomaly)
