"""The writer's work per window and per record, alone: its handlers' domain code, and its two stores
against a PostgreSQL of their own (the writer's CPU and the server's).

    python -m benchmarks.bench_writer [--satellites 500] [--batches 20]

- results: a window's result decoded and checked (`decode_result`), and a batch's results turned into
  VictoriaMetrics JSON lines (`result_series`), per window;
- telemetry: the router's samples of a batch turned into JSON lines (`telemetry_series`), per record
  of seven samples;
- jobs: `JobRecorder.record` of a batch of stream jobs (one per window, as the worker publishes
  them), per job;
- alerts: `AlertStore.record` of a batch of stream windows (the online detector, the checkpoints,
  the window flags), per window;
- detector: one threshold fit (`fit_threshold`, once a window per stream) on a young stream's history
  and on a full one. A stream's history grows ten records a window up to DetectorConfig.history, so
  the alerts figure above and `bench_pipeline` (streams minutes old) show young streams; a stack that
  has run for an hour fits full histories.

The stores run against a throwaway PostgreSQL (`satmon up postgres` in a folder of its own, as the
integration tests start it); its CPU is read from /proc for every `postgres` process (this
benchmark's server is the only one it starts, but a stack running beside it would be counted too:
run it on a quiet machine). `bench_pipeline` measures the same code in the whole stack; this shows
what a change to one of these paths does without the pipeline's run-to-run spread.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.bench_handlers import best_cpu_seconds
from benchmarks.machine_reference import reference_mops
from satmon.detection.v1 import events_pb2, job_pb2
from satmon.telemetry.v1 import events_pb2 as telemetry_events
from satmon_core import packed_floats
from satmon_core.postgres import ServiceRole
from satmon_detection.detector import DetectorConfig, fit_threshold
from satmon_mdb import DEFAULT_CLASS, load_mission_database
from satmon_router.domain.routing import split_record
from satmon_simulator.domain.fleet import FleetData, assign_channels, satellite_id
from satmon_simulator.domain.housekeeping import HousekeepingModel
from satmon_simulator.records import build_record
from satmon_writer.adapters.alerts import AlertStore
from satmon_writer.adapters.jobs import JobRecorder
from satmon_writer.domain.samples import result_series, telemetry_series
from satmon_writer.domain.validation import decode_result

BASE_S = 1_700_000_000
ROWS, FEATURES = 30, 25
SUBSYSTEMS = [view.name for view in load_mission_database().subsystems(DEFAULT_CLASS)]


def _results(satellites: int, window: int, rng: np.random.Generator) -> list[events_pb2.InferenceResult]:
    """One stream window of every satellite's every subsystem, the `window`-th of its stream, scored as
    the worker publishes it (a packed reconstruction)."""
    out = []
    start = 3 + 10 * window
    for k in range(satellites):
        for subsystem in SUBSYSTEMS:
            result = events_pb2.InferenceResult(
                job_id=f"{k}-{subsystem}-{window}", satellite_id=f"SAT-{k:04d}", subsystem=subsystem,
                model_name="SMAP_A-1", start_sequence=start, feature_count=FEATURES, threshold=0.0025,
                timestep_scores=(rng.normal(0, 0.02, ROWS) ** 2).tolist(), mean_score=0.01, max_score=0.02,
                inference_time_ms=3.0, source=job_pb2.JOB_SOURCE_STREAM,
                packed_reconstruction=packed_floats.pack_array(rng.random((ROWS, FEATURES), dtype=np.float32)))
            for i in range(ROWS):
                result.sample_times.add().FromSeconds(BASE_S + start + i)
            out.append(result)
    return out


def _job_updates(results: list[events_pb2.InferenceResult]) -> list[events_pb2.JobUpdate]:
    updates = []
    for r in results:
        job = job_pb2.InferenceJob(job_id=r.job_id, satellite_id=r.satellite_id, source=r.source,
                                   state=job_pb2.JOB_STATE_COMPLETED)
        job.create_time.FromSeconds(BASE_S)
        job.complete_time.FromSeconds(BASE_S + 1)
        job.subsystem_inferences.add(subsystem=r.subsystem, model_name=r.model_name, model_version="1",
                                     state=job_pb2.JOB_STATE_COMPLETED, anomaly_score=r.mean_score,
                                     max_score=r.max_score, threshold=r.threshold, inference_time_ms=3.0,
                                     window_start_time=r.sample_times[0], window_end_time=r.sample_times[-1],
                                     start_sequence=r.start_sequence)
        updates.append(events_pb2.JobUpdate(job=job))
    return updates


def _samples(satellites: int, seconds: int) -> list[bytes]:
    """The router's samples of `seconds` records of each satellite, as it publishes them: one
    serialized SubsystemSampleBatch per subsystem per second (needs SATMON_DATA_DIR: the records
    replay SMAP's arrays)."""
    fleet = FleetData(assign_channels(satellites))
    housekeeping = {k: HousekeepingModel(k) for k in range(1, satellites + 1)}
    batches = []
    for second in range(seconds):
        per_subsystem: dict[str, list[bytes]] = {}
        for k in range(1, satellites + 1):
            sat = satellite_id(k)
            record = build_record(sat, (BASE_S + second) * 10**9, second, second, second, fleet.rows(sat, second),
                                  housekeeping[k].step(second))
            models = {frame.subsystem: "SMAP_A-1" for frame in record.frames}
            for subsystem, sample in split_record(record, models, DEFAULT_CLASS):
                per_subsystem.setdefault(subsystem, []).append(sample)
        batches += [telemetry_events.SubsystemSampleBatch(samples=[telemetry_events.SubsystemSample.FromString(b)
                                                                   for b in samples]).SerializeToString()
                    for samples in per_subsystem.values()]
    return batches


def _history(records: int, rng: np.random.Generator) -> np.ndarray:
    """Smoothed errors as a stream's detector keeps them: positive, float32, a few spikes."""
    errors = np.abs(rng.normal(0.01, 0.003, records))
    errors[rng.integers(0, records, 5)] *= 4
    return errors.astype(np.float32).astype(np.float64)


def _postgres_cpu_s() -> float:
    """CPU seconds of every process named postgres (utime + stime, /proc)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if "(postgres)" in stat:
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _store(record, batches: list, per: int) -> tuple[float, float]:
    """(writer us, PostgreSQL us) per item of `record` over the batches after the first five (those
    create the streams and the jobs' first rows)."""
    for batch in batches[:5]:
        record(batch)
    cpu, server = time.process_time(), _postgres_cpu_s()
    for batch in batches[5:]:
        record(batch)
    items = per * len(batches[5:])
    return (time.process_time() - cpu) / items * 1e6, (_postgres_cpu_s() - server) / items * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=500)
    parser.add_argument("--batches", type=int, default=20, help="batches of one window per stream (at least 6)")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    windows = [_results(args.satellites, w, rng) for w in range(max(args.batches, 6))]
    per_batch = len(windows[0])
    payloads = [r.SerializeToString() for r in windows[1]]
    decode_us = best_cpu_seconds(lambda: [decode_result(p) for p in payloads]) / per_batch * 1e6
    series_us = best_cpu_seconds(lambda: result_series(windows[1])) / per_batch * 1e6
    samples = _samples(min(args.satellites, 200), 5)
    records = min(args.satellites, 200) * 5
    telemetry_us = best_cpu_seconds(lambda: telemetry_series(samples)) / records * 1e6

    config = DetectorConfig()
    fit_us = {n: best_cpu_seconds(lambda h=_history(n, rng): [fit_threshold(h, config) for _ in range(200)]) / 200 * 1e6
              for n in (100, config.history)}

    from tests.support.postgres_server import throwaway_postgres

    with throwaway_postgres(Path(tempfile.mkdtemp(prefix="bench-writer-"))) as server:
        jobs = JobRecorder(server.as_role(ServiceRole.WRITER))
        try:
            jobs_us = _store(jobs.record, [_job_updates(batch) for batch in windows], per_batch)
        finally:
            jobs.close()
        alerts = AlertStore(server.as_role(ServiceRole.WRITER))
        try:
            alerts_us = _store(alerts.record, windows, per_batch)
        finally:
            alerts.close()

    print(f"command: python -m benchmarks.bench_writer {' '.join(sys.argv[1:])}".rstrip())
    print(f"machine reference (python -m benchmarks.machine_reference): {reference_mops():.3f} M op/s")
    print(f"{args.satellites} satellites x 7 subsystems: {per_batch} stream windows a batch, {len(windows)} batches")
    print(f"results:   decode_result {decode_us:6.1f} us, result_series {series_us:6.1f} us per window")
    print(f"telemetry: telemetry_series {telemetry_us:6.1f} us per record (7 samples)")
    print(f"jobs:      JobRecorder.record  writer {jobs_us[0]:6.1f} us, PostgreSQL {jobs_us[1]:6.1f} us per job")
    print(f"alerts:    AlertStore.record   writer {alerts_us[0]:6.1f} us, PostgreSQL {alerts_us[1]:6.1f} us per window")
    print("detector:  fit_threshold " + ", ".join(f"{us:6.1f} us at a history of {n:,}" for n, us in fit_us.items())
          + " (one fit per stream window)")


if __name__ == "__main__":
    main()
