"""Malformed records land in the dead-letter topic with a reason, and the pipeline keeps going; a Celery
task that can never succeed lands in RabbitMQ's dead-letter queue instead of vanishing."""

from __future__ import annotations

import math
import time
import uuid

import pytest

from satmon_cli.stack.components.rabbitmq import rabbitmqctl
from satmon_core.celery_app import DEAD_LETTER_QUEUE, SCORE_TASK, make_celery
from satmon_core.config import load_settings
from satmon_core.victoria import VictoriaMetrics
from satmon_simulator.domain.fleet import FleetData, assign_channels
from satmon_simulator.domain.housekeeping import HousekeepingModel
from satmon_simulator.records import build_record
from satmon_simulator.replay import ReplayPlan
from tests.support.counting import expected_stream_windows, stream_rows
from tests.support.dead_letters import dead_letters as _dead_letters
from tests.support.pipeline import register_fleet, run_replay, wait_for

pytestmark = pytest.mark.stack


def _valid_record(sat: str = "SAT-001"):
    fleet = FleetData(assign_channels(1))
    return build_record(sat, time.time_ns(), 0, 0, 0, fleet.rows("SAT-001", 0), HousekeepingModel(1).step(0))


def test_malformed_records_are_dead_lettered_and_the_pipeline_continues(stack):
    settings = load_settings()
    register_fleet(1)  # SAT-001's records must fail for their own fault, not as unknown_satellite
    marker = uuid.uuid4().hex
    wrong_length = _valid_record()
    del wrong_length.frames[2].features[-1]
    with_nan = _valid_record()
    with_nan.frames[0].features[3] = math.nan
    unknown = _valid_record(sat=f"SAT-UNKNOWN-{marker[:6]}")
    bad = {"undecodable": b"\xff\x00not a protobuf" + marker.encode(),
           "wrong_vector_length": wrong_length.SerializeToString(),
           "non_finite_value": with_nan.SerializeToString(),
           "unknown_satellite": unknown.SerializeToString()}
    # Ids that would inject series or selectors if they reached an import line or a PromQL query.
    for case, sat in {"quote": 'SAT-1"} evil{x="1', "newline": "SAT-1\nevil 1", "brace": "SAT-{1}",
                      "10kB": "S" * 10_000}.items():
        bad[f"invalid_satellite_id/{case}"] = _valid_record(sat=sat).SerializeToString()
    found = _dead_letters(settings, settings.raw_topic, bad)
    assert set(found) == set(bad)
    for case, headers in found.items():
        assert headers["satmon-dlq-reason"].decode() == case.split("/")[0]
        assert headers["satmon-dlq-source-topic"].decode() == settings.raw_topic
        assert headers["satmon-dlq-service"].decode() == "router"

    # The pipeline still takes valid telemetry after the bad records.
    base_ns = (int(time.time()) - 6 * 86400) * 1_000_000_000
    run_replay(ReplayPlan(2, 1.0, 60, 60.0, 1, base_time_ns=base_ns))
    expected = expected_stream_windows(2, 60)
    assert wait_for(lambda: stream_rows(base_ns, 60)[0] == expected, 90), stream_rows(base_ns, 60)

    # Nothing the router refused was stored by the writer, which reads the same raw topic.
    time.sleep(3)
    vm = VictoriaMetrics(settings.vm_url)
    assert vm.export(f'{{satellite_id="{unknown.satellite_id}"}}', 0, time.time() + 86400) == []


def _dead_queue_depth() -> int:
    listed = rabbitmqctl("list_queues", "-p", "satmon", "name", "messages", "--quiet", "--no-table-headers").stdout
    depths = dict(line.split() for line in listed.strip().splitlines() if line.strip())
    return int(depths.get(DEAD_LETTER_QUEUE, 0))


def test_a_task_that_can_never_succeed_goes_to_the_dead_letter_queue(stack):
    before = _dead_queue_depth()
    app = make_celery(load_settings().amqp_url)
    app.send_task(SCORE_TASK, args=["!!! not base64, not a task batch !!!"])
    assert wait_for(lambda: _dead_queue_depth() == before + 1, 60), _dead_queue_depth()
    # The worker goes on scoring: a short replay is scored in full.
    base_ns = (int(time.time()) - 18 * 86400) * 1_000_000_000
    run_replay(ReplayPlan(1, 1.0, 60, 60.0, 1, base_time_ns=base_ns))
    expected = expected_stream_windows(1, 60)
    assert wait_for(lambda: stream_rows(base_ns, 60)[0] == expected, 90), stream_rows(base_ns, 60)


def test_job_updates_the_writer_cannot_record_are_dead_lettered(stack):
    from satmon.detection.v1 import events_pb2, job_pb2

    settings = load_settings()
    marker = uuid.uuid4().hex
    bad = {"undecodable": b"\xff\x00not a protobuf",
           "missing_identity": events_pb2.JobUpdate(job=job_pb2.InferenceJob(
               job_id=f"{marker}-x", source=job_pb2.JOB_SOURCE_MANUAL,
               state=job_pb2.JOB_STATE_PENDING)).SerializeToString(),
           "invalid_state": events_pb2.JobUpdate(job=job_pb2.InferenceJob(
               job_id=f"{marker}-y", satellite_id="SAT-001", source=job_pb2.JOB_SOURCE_MANUAL,
               state=job_pb2.JOB_STATE_PROCESSING)).SerializeToString()}
    found = _dead_letters(settings, settings.jobs_topic, bad)
    assert set(found) == set(bad)
    for reason, headers in found.items():
        assert headers["satmon-dlq-reason"].decode() == reason
        assert headers["satmon-dlq-source-topic"].decode() == settings.jobs_topic
        assert headers["satmon-dlq-service"].decode() == "writer"
