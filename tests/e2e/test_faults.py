"""SIGKILL a worker mid-task, the writer mid-batch, the router; stop or kill the Kafka broker mid-replay;
crash a service and let the stack restart it: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from satmon_cli.stack import procs
from satmon_cli.stack.keeper import read_restarts
from satmon_cli.stack.layout import run_dir
from satmon_simulator.replay import ReplayPlan
from tests.support.counting import (expected_stream_windows, overlapping_alerts, stream_rows, vm_feature_samples,
                                    wait_until_decided)
from tests.support.pipeline import active_group_members, rows, run_replay, wait_for

pytestmark = pytest.mark.stack

SATELLITES = 8
DURATION = 600
SPEEDUP = 40.0  # 15 s of wall time: long enough to kill something in the middle


def _kill_and_restart(component: str, after_s: float, sig: int = signal.SIGKILL) -> None:
    time.sleep(after_s)
    pid = procs.pid_of(component)
    assert pid is not None, f"{component} is not running"
    os.killpg(pid, sig)
    assert wait_for(lambda: not procs.group_alive(pid), 60)
    time.sleep(1)
    up = subprocess.run([sys.executable, "-m", "satmon_cli.main", "up", component], capture_output=True, text=True,
                        timeout=300)
    assert up.returncode == 0, up.stderr


def _outage(component: str, after_s: float, down_s: float) -> None:
    time.sleep(after_s)
    for verb in ("down", "up"):
        result = subprocess.run([sys.executable, "-m", "satmon_cli.main", verb, component], capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        if verb == "down":
            time.sleep(down_s)


def _replay_through(fault: threading.Thread, offset_days: int, duration: int = DURATION,
                    replayed: threading.Event | None = None, speedup: float = SPEEDUP) -> int:
    """Replays SATELLITES x duration while `fault` runs, then counts: every record in VictoriaMetrics
    once, every window scored once, no alert raised twice."""
    base_ns = (int(time.time()) - offset_days * 86400) * 1_000_000_000
    fault.start()
    produced = run_replay(ReplayPlan(SATELLITES, 1.0, duration, speedup, 1, base_time_ns=base_ns))
    if replayed is not None:
        replayed.set()
    fault.join()
    assert produced == SATELLITES * duration

    expected_windows = expected_stream_windows(SATELLITES, duration)
    assert wait_for(lambda: stream_rows(base_ns, duration)[0] >= expected_windows, 240), stream_rows(base_ns, duration)
    expected_samples = produced * 7 * 25
    assert wait_for(lambda: vm_feature_samples(SATELLITES, base_ns, duration) >= expected_samples, 180)
    time.sleep(5)  # late duplicates would land now
    assert stream_rows(base_ns, duration) == (expected_windows, expected_windows)
    assert vm_feature_samples(SATELLITES, base_ns, duration) == expected_samples
    assert overlapping_alerts() == 0
    return base_ns


@pytest.mark.parametrize("component,sig,offset_days", [
    ("worker", signal.SIGKILL, 3), ("writer", signal.SIGKILL, 4), ("router", signal.SIGKILL, 5),
    # The Apache Kafka broker itself, stopped cleanly and killed: its log is on disk, so every
    # accepted record and every committed offset survives.
    ("kafka", signal.SIGTERM, 10), ("kafka", signal.SIGKILL, 11),
    # NVIDIA Triton killed with its Python stubs: the worker retries until it serves again.
    ("inference-server", signal.SIGKILL, 12),
    # VictoriaMetrics killed before it flushed what it had acknowledged: the writer notices the
    # restart and writes again from the offsets it had not yet stored.
    ("victoria-metrics", signal.SIGKILL, 19),
], ids=["worker-SIGKILL", "writer-SIGKILL", "router-SIGKILL", "kafka-SIGTERM", "kafka-SIGKILL", "triton-SIGKILL",
        "victoria-metrics-SIGKILL"])
def test_a_killed_process_loses_and_duplicates_nothing(stack, component, sig, offset_days):
    _replay_through(threading.Thread(target=_kill_and_restart, args=(component, 5.0, sig)), offset_days)


def _kill_broker_three_times(after_s: float) -> None:
    """SIGTERM, SIGKILL, SIGTERM: each restart waits until the broker is back, then the next comes."""
    for sig in (signal.SIGTERM, signal.SIGKILL, signal.SIGTERM):
        _kill_and_restart("kafka", after_s, sig)
        after_s = 3.0


def test_three_broker_restarts_in_a_row_leave_every_group_consuming_and_lose_nothing(stack):
    """The writer's jobs group once stayed without a member after one broker restart (issue 24):
    afterwards every consumer group holds its partitions again and every count is exact."""
    from satmon_cli.stack_cmd import consumer_groups

    # 1,500 records at 15x: 100 s, room for three restarts of a JVM on a loaded machine.
    _replay_through(threading.Thread(target=_kill_broker_three_times, args=(5.0,)), 22, duration=1500, speedup=15.0)
    members = {group: active_group_members(group) for group in consumer_groups()}
    assert all(count >= 1 for count in members.values()), members


# Triton stopped cleanly unloads its models first: "unknown model" then means "not now", not "never".
@pytest.mark.parametrize("component,offset_days", [("postgres", 13), ("rabbitmq", 14), ("victoria-metrics", 15),
                                                   ("inference-server", 20)])
def test_a_server_away_for_20_seconds_loses_and_duplicates_nothing(stack, component, offset_days):
    """Stopped cleanly mid-replay and started again 20 s later: every consumer held its input."""
    worker_restarts = read_restarts(run_dir(), "worker").count
    _replay_through(threading.Thread(target=_outage, args=(component, 4.0, 20.0)), offset_days)
    # Waiting for a server is not a wedge: no liveness rule restarted the worker meanwhile.
    assert read_restarts(run_dir(), "worker").count == worker_restarts


def test_a_rabbitmq_outage_longer_than_the_liveness_bound_restarts_no_worker(stack):
    """RabbitMQ away for 120 s, past the 90 s a consumer may go without a sign of life: the worker is
    waiting for the broker, not wedged, so it is not restarted, and it consumes everything afterwards."""
    worker_restarts = read_restarts(run_dir(), "worker").count
    _replay_through(threading.Thread(target=_outage, args=("rabbitmq", 4.0, 120.0)), 23)
    assert read_restarts(run_dir(), "worker").count == worker_restarts
    status = subprocess.run([sys.executable, "-m", "satmon_cli.main", "status"], capture_output=True, text=True,
                            timeout=120)
    assert any(line.split()[:3] == ["worker", "satmon.inference", "live"] for line in status.stdout.splitlines()), \
        status.stdout


def _kill_component_only(component: str, after_s: float) -> None:
    """SIGKILL the component itself, not its keeper: the stack must bring it back on its own."""
    time.sleep(after_s)
    pid = procs.child_pid_of(component)
    assert pid is not None, f"{component} has no keeper child"
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: procs.child_pid_of(component) not in (None, pid), 60)


@pytest.mark.parametrize("component,offset_days", [("scheduler", 16), ("writer", 17)])
def test_a_crashed_service_is_restarted_by_the_stack_and_loses_nothing(stack, component, offset_days):
    before = read_restarts(run_dir(), component).count
    _replay_through(threading.Thread(target=_kill_component_only, args=(component, 5.0)), offset_days)
    assert read_restarts(run_dir(), component).count == before + 1
    status = subprocess.run([sys.executable, "-m", "satmon_cli.main", "status"], capture_output=True, text=True,
                            timeout=120)
    row = next(line for line in status.stdout.splitlines() if line.startswith(component + " "))
    assert row.split()[1] == "up" and int(row.split()[3]) == before + 1, row


def _scale_out_then_kill(replayed: threading.Event, outcome: dict) -> None:
    """Mid-replay: a second scheduler and a second writer (with its detector) join their consumer
    groups and take half the partitions over from the first, holding windows and detector states;
    then both newcomers are SIGKILLed (keeper and all, so nothing restarts them) and their
    partitions go back to the first processes after Kafka's session timeout."""
    started = time.monotonic()
    time.sleep(1)
    scaled = subprocess.run([sys.executable, "-m", "satmon_cli.main", "up", "--scale", "scheduler=2,writer=2"],
                            capture_output=True, text=True, timeout=300)
    assert scaled.returncode == 0, scaled.stdout + scaled.stderr
    outcome["started_s"] = round(time.monotonic() - started)
    assert wait_for(lambda: all(active_group_members(g) == 2 for g in GROUPS), 60), \
        {g: active_group_members(g) for g in GROUPS}
    outcome["joined_s"] = round(time.monotonic() - started)
    time.sleep(3)
    for name in ("scheduler-2", "writer-2"):
        os.killpg(procs.pid_of(name), signal.SIGKILL)
    outcome["killed_mid_replay"] = not replayed.is_set()


GROUPS = ("satmon-scheduler", "satmon-writer-results")


def test_two_schedulers_and_two_detectors_hand_windows_over_when_one_of_each_is_killed(stack):
    outcome: dict = {}
    replayed = threading.Event()
    try:
        # 1,500 records at 15x: 100 s, time for two services and Envoy to start and join mid-replay
        # on a loaded machine (at 40x, 37 s, the kill once came after the replay had ended).
        base_ns = _replay_through(threading.Thread(target=_scale_out_then_kill, args=(replayed, outcome)), 21,
                                  duration=1500, replayed=replayed, speedup=15.0)
    finally:
        subprocess.run([sys.executable, "-m", "satmon_cli.main", "up", "--scale", "scheduler=1,writer=1"],
                       capture_output=True, text=True, timeout=300)
    assert outcome.get("killed_mid_replay"), outcome
    assert all(active_group_members(g) == 1 for g in GROUPS)

    # Every stream's detector saw each record of its windows exactly once, across both owners.
    wait_until_decided(SATELLITES, 1500, base_ns, 60)


def test_a_submission_rabbitmq_refuses_is_unavailable_and_its_job_failed_not_pending(stack, tokens):
    """The job is announced (PENDING) before its task is queued; when RabbitMQ is away the caller gets
    UNAVAILABLE and the writer records the job as FAILED instead of leaving it pending forever."""
    import uuid

    import grpc

    from satmon.detection.v1 import scheduling_service_pb2 as sched, scheduling_service_pb2_grpc
    from satmon_cli.stack.layout import port

    marker = uuid.uuid4().hex
    request = sched.SubmitInferenceJobRequest(model_name="SMAP_A-1", data=[float(i % 7) for i in range(60)],
                                              metadata={"satellite_id": "SAT-001", "test": marker})
    down = subprocess.run([sys.executable, "-m", "satmon_cli.main", "down", "rabbitmq"], capture_output=True,
                          text=True, timeout=300)
    assert down.returncode == 0, down.stderr
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port('scheduler')}") as channel:
            with pytest.raises(grpc.RpcError) as info:
                scheduling_service_pb2_grpc.SchedulingServiceStub(channel).SubmitInferenceJob(
                    request, metadata=[("authorization", f"Bearer {tokens['operator']}")], timeout=60)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE, info.value
    finally:
        up = subprocess.run([sys.executable, "-m", "satmon_cli.main", "up", "rabbitmq"], capture_output=True,
                            text=True, timeout=300)
        assert up.returncode == 0, up.stderr
    recorded = f"SELECT status, error_message FROM inference_jobs WHERE metadata->>'test' = '{marker}'"
    assert wait_for(lambda: rows(recorded) != [] and rows(recorded)[0][0] == "failed", 30), rows(recorded)
    assert rows(recorded)[0][1].startswith("not queued"), rows(recorded)
