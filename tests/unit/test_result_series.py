"""Results as VictoriaMetrics series: the worker packs each window's reconstruction, the writer turns
a batch of results into one JSON line per series, and the APIs answer with the listed form."""

from __future__ import annotations

import json

import numpy as np
import pytest

from satmon.detection.v1 import events_pb2, job_pb2
from satmon_core.errors import InvalidRecordError
from satmon_core.inference_results import reconstruction_of, with_listed_reconstruction
from satmon_worker.domain.scoring import score_tasks
from satmon_writer.domain.samples import result_series
from satmon_writer.domain.validation import decode_result
from tests.unit.test_scoring import FakeScorer, _task

BASE_S = 1_700_000_000


def _result(start_sequence: int, source=job_pb2.JOB_SOURCE_STREAM, sat: str = "SAT-001") -> events_pb2.InferenceResult:
    """A scored SMAP acs window: reconstruction value row r, column c = start + r + c / 100."""
    rows, features = 30, 25
    recon = (start_sequence + np.arange(rows)[:, None] + np.arange(features)[None, :] / 100).astype(np.float32)
    result = events_pb2.InferenceResult(
        job_id=f"job-{start_sequence}", satellite_id=sat, subsystem="acs", model_name="SMAP_A-1",
        start_sequence=start_sequence, timestep_scores=(np.arange(rows) / 1000).tolist(), feature_count=features,
        packed_reconstruction=recon.tobytes(), mean_score=0.5, max_score=0.9, inference_time_ms=2.5, source=source)
    for row in range(rows):
        result.sample_times.add().FromSeconds(BASE_S + start_sequence + row)
    return result


def _by_name(lines: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in lines:
        parsed = json.loads(line)
        out.setdefault(parsed["metric"]["__name__"], []).append(parsed)
    return out


def _ms(seconds: list[int]) -> list[int]:
    return [s * 1000 for s in seconds]


def test_a_streams_windows_in_one_batch_are_one_line_per_series_with_each_records_prediction_once():
    first, second = _result(0), _result(10)  # the stream's first window (all 30 rows), then its newest 10
    series = _by_name(result_series([first, second]))
    [prediction] = series["smap_prediction"]  # only the telemetry parameter: the command flags' copy is not stored
    assert prediction["metric"] == {"__name__": "smap_prediction", "satellite_id": "SAT-001", "subsystem": "acs",
                                    "feature_index": "0"}
    assert prediction["timestamps"] == _ms(list(range(BASE_S, BASE_S + 40)))
    assert prediction["values"] == [float(np.float32(r)) for r in range(30)] + [float(np.float32(10 + r)) for r in range(20, 30)]
    [score] = series["inference_anomaly_score"]
    assert score["metric"]["model"] == "SMAP_A-1" and score["timestamps"] == prediction["timestamps"]
    assert score["values"] == list(first.timestep_scores) + list(second.timestep_scores[20:])
    for name, value in (("inference_anomaly_score_mean", 0.5), ("inference_anomaly_score_max", 0.9),
                        ("inference_time_ms", 2.5)):
        [summary] = series[name]
        assert summary["timestamps"] == _ms([BASE_S + 29, BASE_S + 39]) and summary["values"] == [value, value]


def test_rule_and_manual_results_store_their_summaries_only():
    series = _by_name(result_series([_result(20, job_pb2.JOB_SOURCE_RULE), _result(30, job_pb2.JOB_SOURCE_MANUAL)]))
    assert set(series) == {"inference_anomaly_score_mean", "inference_anomaly_score_max", "inference_time_ms"}


def test_satellites_keep_their_own_series():
    lines = result_series([_result(10, sat="SAT-001"), _result(10, sat="SAT-002")])
    assert len(lines) == 2 * 5
    assert {json.loads(line)["metric"]["satellite_id"] for line in lines} == {"SAT-001", "SAT-002"}


def test_a_prediction_that_is_not_finite_is_left_out_and_the_rest_kept():
    result = _result(10)
    recon = reconstruction_of(result).copy()
    recon[25, 0] = np.nan
    result.packed_reconstruction = recon.tobytes()
    [prediction] = _by_name(result_series([result]))["smap_prediction"]
    assert len(prediction["values"]) == 9 and BASE_S * 1000 + 35_000 not in prediction["timestamps"]
    [score] = _by_name(result_series([result]))["inference_anomaly_score"]
    assert len(score["values"]) == 10


def test_listed_and_packed_reconstructions_are_the_same_series():
    packed = _result(10)
    listed = with_listed_reconstruction(events_pb2.InferenceResult.FromString(packed.SerializeToString()))
    assert not listed.packed_reconstruction and len(listed.reconstruction) == 30 * 25
    assert result_series([listed]) == result_series([packed])


@pytest.mark.parametrize("damage,detail", [
    (lambda r: setattr(r, "packed_reconstruction", r.packed_reconstruction[:-4]), "749 values"),
    (lambda r: setattr(r, "packed_reconstruction", r.packed_reconstruction[:-1]), "multiple"),
    (lambda r: r.reconstruction.append(1.0), "both"),
])
def test_a_reconstruction_that_does_not_fit_its_rows_is_refused_by_name(damage, detail):
    result = _result(10)
    damage(result)
    with pytest.raises(InvalidRecordError) as info:
        decode_result(result.SerializeToString())
    assert info.value.reason == "shape_mismatch" and detail in info.value.detail


def test_the_worker_publishes_the_reconstruction_packed_and_exactly():
    scored = score_tasks([_task("s", "SMAP_A-1", 2, job_pb2.JOB_SOURCE_STREAM)], FakeScorer())
    results = scored.outputs[0][1]
    assert all(r.packed_reconstruction and not r.reconstruction for r in results)
    # The fake scorer reconstructs each window as itself: window w holds w everywhere.
    assert [reconstruction_of(r).tolist() for r in results] == [np.full((30, 25), float(w)).tolist() for w in range(2)]


@pytest.mark.parametrize("spacecraft_class,subsystem,detail", [
    ("smap", "power", "has no subsystem 'power'"),  # a leo_demo subsystem: the writer has no SMAP series for it
    ("smap", "", "has no subsystem ''"),
    ("nope", "acs", "unknown spacecraft class 'nope'"),
])
def test_a_result_for_a_subsystem_its_class_does_not_declare_is_refused_by_name(spacecraft_class, subsystem, detail):
    result = _result(10)
    result.spacecraft_class, result.subsystem = spacecraft_class, subsystem
    with pytest.raises(InvalidRecordError) as info:
        decode_result(result.SerializeToString())
    assert info.value.reason == "missing_identity" and detail in info.value.detail


def test_a_result_narrower_than_its_subsystem_is_refused_by_name():
    result = _result(10)
    result.feature_count = 1  # 30 values: whole rows, but not of acs's 25 parameters
    result.packed_reconstruction = result.packed_reconstruction[:30 * 4]
    with pytest.raises(InvalidRecordError) as info:
        decode_result(result.SerializeToString())
    assert info.value.reason == "shape_mismatch" and "feature_count 1, the subsystem has 25" in info.value.detail
