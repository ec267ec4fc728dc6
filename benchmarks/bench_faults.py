"""Faults against the running local stack: is anything lost or doubled, and how long does it take to recover?

    .venv/bin/satmon up
    .venv/bin/python -m benchmarks.bench_faults                  # every fault below (about 40 minutes)
    .venv/bin/python -m benchmarks.bench_faults --only writer-crash postgres-30s

For each fault, 8 satellites replay 600 s of telemetry at 40x (15 s of wall time; 67,200 records
in VictoriaMetrics, 3,192 stream windows) while the fault happens 5 s in:

- `<service>-crash`: SIGKILL of the service process; its keeper restarts it (the stack's policy).
- `<server>-kill`: SIGKILL of the server's whole process group, then `satmon up <server>`.
- `<server>-30s`, `<server>-180s`: `satmon down <server>`, the outage, `satmon up <server>`.
- `kafka-restart-x3`: the broker stopped (SIGTERM), killed (SIGKILL) and stopped again, each time
  brought back with `satmon up kafka` before the next (the restarts that once left a group without
  a member, issue 24). Its replay is 1,500 s at 15x, so all three land inside it.

At the end it lists every satmon consumer group with the processes holding its partitions: a group
with none is a silent stall, and fails the run like a lost window.

Then it waits (up to 10 minutes) until every expected window is recorded and prints, per fault:
windows expected, recorded, lost, duplicated, records in VictoriaMetrics (expected x 25 features
x 7 subsystems), and recovery: seconds from the end of the fault (the process back, the server
started again) until the last expected window was recorded.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from satmon_cli.stack import procs
from satmon_cli.stack.layout import service_env
from satmon_cli.stack_cmd import consumer_groups
from satmon_core.config import load_settings
from satmon_core.kafka import group_members
from satmon_simulator.replay import ReplayPlan
from tests.support.counting import expected_stream_windows, overlapping_alerts, stream_rows, vm_feature_samples
from tests.support.pipeline import run_replay, wait_for

SATELLITES, DURATION, SPEEDUP, FAULT_AT_S = 8, 600, 40.0, 5.0
SERVICES = ("router", "scheduler", "worker", "writer", "ops-api")
SERVERS = ("postgres", "rabbitmq", "kafka", "victoria-metrics", "inference-server")


@dataclass(frozen=True)
class Fault:
    name: str
    component: str
    action: str  # crash | kill | outage | restarts
    seconds: float = 0.0
    duration: int = DURATION  # seconds of telemetry replayed
    speedup: float = SPEEDUP


FAULTS = ([Fault(f"{s}-crash", s, "crash") for s in SERVICES]
          + [Fault(f"{s}-kill", s, "kill") for s in SERVERS]
          + [Fault(f"{s}-{d}s", s, "outage", d) for d in (30, 180) for s in SERVERS]
          + [Fault("kafka-restart-x3", "kafka", "restarts", duration=1500, speedup=15.0)])


def _satmon(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "satmon_cli.main", *args], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"satmon {' '.join(args)} failed: {result.stderr.strip()[-300:]}")


def inflict(fault: Fault) -> float:
    """Runs the fault; returns the monotonic time at which it ended."""
    if fault.action == "crash":
        pid = procs.child_pid_of(fault.component)
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: procs.child_pid_of(fault.component) not in (None, pid), 120)
    elif fault.action == "kill":
        _signal_and_restart(fault.component, signal.SIGKILL)
    elif fault.action == "restarts":
        for sig in (signal.SIGTERM, signal.SIGKILL, signal.SIGTERM):
            _signal_and_restart(fault.component, sig)
            time.sleep(3)
    else:
        _satmon("down", fault.component)
        time.sleep(fault.seconds)
        _satmon("up", fault.component)
    return time.monotonic()


def _signal_and_restart(component: str, sig: int) -> None:
    leader = procs.pid_of(component)
    os.killpg(leader, sig)
    # Every process of the group gone, not just its leader: a server's own children (PostgreSQL's
    # backends, Triton's stubs) hold ports and lock files until they are.
    wait_for(lambda: not procs.group_alive(leader), 60)
    _satmon("up", component)


def _unused_range(index: int, duration: int) -> int:
    """A replay start time whose `duration` holds no windows yet (earlier runs of this benchmark stay put)."""
    base_ns = (int(time.time()) - 2 * 86400 - index * 3600) * 1_000_000_000
    while any(stream_rows(start, duration)[1] for start in (base_ns - duration * 10**9, base_ns)):
        base_ns -= 3600 * 10**9
    return base_ns


def run(fault: Fault, index: int) -> dict:
    duration = fault.duration
    base_ns = _unused_range(index, duration)
    ended: list[float] = []

    def act() -> None:
        time.sleep(FAULT_AT_S)
        ended.append(inflict(fault))

    actor = threading.Thread(target=act)
    actor.start()
    run_replay(ReplayPlan(SATELLITES, 1.0, duration, fault.speedup, 1, base_time_ns=base_ns))
    actor.join()
    expected = expected_stream_windows(SATELLITES, duration)
    wait_for(lambda: stream_rows(base_ns, duration)[0] >= expected, 600, interval=1.0)
    recovered = time.monotonic() - ended[0]
    time.sleep(5)  # late duplicates would land now
    jobs, rows = stream_rows(base_ns, duration)
    return {"fault": fault.name, "expected": expected, "recorded": jobs, "lost": max(0, expected - jobs),
            "duplicated": rows - jobs, "vm_records": vm_feature_samples(SATELLITES, base_ns, duration),
            "vm_expected": SATELLITES * duration * 7 * 25, "recovery_s": recovered}


def groups_without_members() -> dict[str, int]:
    """Each satmon consumer group and how many processes hold its partitions, once the broker can say."""
    bootstrap = load_settings().kafka_bootstrap
    members: dict[str, int] = {}
    for group in consumer_groups():
        wait_for(lambda: group_members(bootstrap, group, timeout=10) >= 1, 120, interval=2.0)
        members[group] = group_members(bootstrap, group, timeout=10)
    return members


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="fault names to run (default: all)", default=None)
    args = parser.parse_args()
    os.environ.update({**service_env(), **os.environ})  # the running stack's addresses, unless set
    faults = [f for f in FAULTS if not args.only or f.name in args.only]
    alerts_before = overlapping_alerts()
    header = (f"{'fault':<24} {'expected':>8} {'recorded':>8} {'lost':>5} {'dup':>5} {'VM records':>11} "
              f"{'VM expected':>11} {'recovery s':>10}")
    print(header, flush=True)
    bad = 0
    for index, fault in enumerate(faults):
        r = run(fault, index)
        bad += r["lost"] > 0 or r["duplicated"] > 0 or r["vm_records"] != r["vm_expected"]
        print(f"{r['fault']:<24} {r['expected']:>8} {r['recorded']:>8} {r['lost']:>5} {r['duplicated']:>5} "
              f"{r['vm_records']:>11} {r['vm_expected']:>11} {r['recovery_s']:>10.1f}", flush=True)
    print(f"overlapping (doubled) alerts: {overlapping_alerts() - alerts_before}")
    members = groups_without_members()
    print("consumer groups (processes holding partitions): "
          + ", ".join(f"{group} {count}" for group, count in members.items()))
    bad += sum(count == 0 for count in members.values())
    print(f"command: {' '.join([os.path.basename(sys.executable), '-m', 'benchmarks.bench_faults', *sys.argv[1:]])}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
