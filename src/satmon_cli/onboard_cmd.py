"""Onboarding a spacecraft class from its own archive: `satmon register`, `satmon archive synth`,
`satmon import`, `satmon train --class`, `satmon simulate --class --archive`, `satmon eval --class`.

Thin over satmon_archive (the CSV format), satmon_detection.linear_forecaster (training) and the
simulator; each reports what it did, and refuses bad input before doing anything.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from satmon_cli.stack.layout import service_env

__all__ = ["register", "synth", "import_archive", "train_class", "simulate_archive", "evaluate_class"]


def _settings():
    from satmon_core.config import load_settings

    return load_settings({**service_env(), **{k: v for k, v in os.environ.items() if k.startswith("SATMON_")}})


def _subsystems(class_name: str):
    from satmon_mdb import MissionDatabaseError, load_mission_database

    try:
        return load_mission_database().subsystems(class_name)
    except MissionDatabaseError as exc:
        raise SystemExit(f"satmon: {exc}") from None


def _archives(folder: Path, subsystems):
    from satmon_archive import ArchiveError, read_archive

    try:
        return read_archive(folder, subsystems)
    except (ArchiveError, OSError) as exc:
        print(f"satmon: the archive is refused, nothing was done:\n{exc}", file=sys.stderr)
        raise SystemExit(1) from None


def _register(settings, class_name: str, satellites: list[str], models: dict[str, str]) -> None:
    import psycopg

    from satmon_core.fleet_registry import register_satellites

    with psycopg.connect(settings.pg_dsn) as conn:
        register_satellites(conn, {sat: models for sat in satellites}, class_name)


def register(class_name: str, satellites: list[str], model_args: list[str]) -> int:
    from satmon_core.identifiers import is_valid_satellite_id

    subsystems = {view.name for view in _subsystems(class_name)}
    bad = [s for s in satellites if not is_valid_satellite_id(s)]
    if bad:
        print(f"satmon: not valid satellite ids: {', '.join(bad)}", file=sys.stderr)
        return 2
    models = {}
    for item in model_args:
        subsystem, _, model = item.partition("=")
        if subsystem not in subsystems or not model:
            print(f"satmon: --model {item!r}: expected SUBSYSTEM=MODEL with SUBSYSTEM one of "
                  f"{', '.join(sorted(subsystems))}", file=sys.stderr)
            return 2
        models[subsystem] = model
    _register(_settings(), class_name, satellites, models)
    print(f"registered {len(satellites)} satellites of class {class_name}")
    return 0


def synth(out: Path, class_name: str, satellites: int, seconds: int, faults: bool, start: str | None, seed: int,
          first: int) -> int:
    from satmon_archive import write_labels, write_satellite_csv
    from satmon_simulator.domain.bus_archive import default_faults, synthesise

    if class_name != "leo_demo":
        print("satmon: synthetic archives exist for the leo_demo class only (its parameters are the simulator's "
              "physics)", file=sys.stderr)
        return 2
    subsystems = _subsystems(class_name)
    start_ns = (int(datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp()) if start
                else int(time.time()) - seconds) * 1_000_000_000
    out.mkdir(parents=True, exist_ok=True)
    labels = []
    for k in range(satellites):
        sat = f"SAT-{first + k:03d}"
        archive, sat_labels = synthesise(sat, first + k, subsystems, start_ns, seconds,
                                         default_faults(seconds) if faults else [], seed)
        write_satellite_csv(out / f"{sat}.csv", subsystems, archive)
        labels += sat_labels
    if faults:
        write_labels(out / "labels.csv", labels)
    print(f"wrote {satellites} satellite files of {seconds} rows to {out}"
          + (f" and {len(labels)} labelled faults to {out / 'labels.csv'}" if faults else ""))
    return 0


def import_archive(folder: Path, class_name: str) -> int:
    from satmon_archive.store import import_archive as load
    from satmon_core.fleet_registry import FleetRegistry
    from satmon_core.victoria import VictoriaMetrics

    subsystems = _subsystems(class_name)
    archives = _archives(folder, subsystems)
    settings = _settings()
    registry = FleetRegistry(settings.pg_dsn)
    wrong = [(a.satellite_id, e.spacecraft_class if e else None) for a in archives
             if (e := registry.entry(a.satellite_id)) is None or e.spacecraft_class != class_name]
    if wrong:
        print("satmon: the archive is refused, nothing was done: these satellites are not registered as "
              f"{class_name}: " + ", ".join(f"{sat} ({cls or 'not registered'})" for sat, cls in wrong)
              + f"\n  register them first: satmon register --class {class_name} "
              + " ".join(sat for sat, _ in wrong), file=sys.stderr)
        return 1
    vm = VictoriaMetrics(settings.vm_url)
    total = sum(len(a) * sum(v.width for v in subsystems) for a in archives)
    with tqdm(total=total, desc="importing", unit="value", disable=None) as bar:
        imported = sum(load(vm, archive, subsystems, bar.update) for archive in archives)
    first = min(int(a.times_ns[0]) for a in archives) // 1_000_000_000
    last = max(int(a.times_ns[-1]) for a in archives) // 1_000_000_000
    print(f"imported {imported} values of {len(archives)} satellites ({class_name}), "
          f"{_iso(first)} to {_iso(last)}")
    return 0


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stored_archives(settings, class_name: str, subsystems, start: str | None, end: str | None):
    import psycopg

    from satmon_archive.store import read_stored
    from satmon_core.victoria import VictoriaMetrics

    with psycopg.connect(settings.pg_dsn) as conn:
        satellites = [r[0] for r in conn.execute("SELECT satellite_id FROM satellites WHERE spacecraft_class = %s "
                                                 "ORDER BY satellite_id", (class_name,))]
    end_s = datetime.fromisoformat(end.replace("Z", "+00:00")).timestamp() if end else time.time()
    start_s = datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp() if start else end_s - 30 * 86400
    vm = VictoriaMetrics(settings.vm_url)
    archives = [a for sat in satellites if (a := read_stored(vm, sat, subsystems, start_s, end_s)) is not None]
    return archives


def train_class(class_name: str, archive: Path | None, start: str | None, end: str | None, out: Path | None,
                load: bool) -> int:
    from satmon_cli.stack import triton
    from satmon_core.paths import repo_root
    from satmon_detection.linear_forecaster import export_model, fit

    subsystems = _subsystems(class_name)
    unnamed = [v.name for v in subsystems if not v.model]
    if unnamed:
        print(f"satmon: class {class_name} names no model for {', '.join(unnamed)} (each satellite's registration "
              "does); train those per satellite", file=sys.stderr)
        return 2
    settings = None
    if archive is not None:
        archives = _archives(archive, subsystems)
        source = str(archive)
    else:
        settings = _settings()
        archives = _stored_archives(settings, class_name, subsystems, start, end)
        source = f"stored telemetry of {len(archives)} satellites"
    rows = sum(len(a) for a in archives)
    if rows < 500:
        print(f"satmon: {rows} rows of {class_name} telemetry in {source}: too few to train on (500 at least); "
              "import the archive first (satmon import)", file=sys.stderr)
        return 1
    out = out or repo_root() / "triton-repository"
    folders = []
    for view in tqdm(subsystems, desc="training", unit="model", disable=None):
        model = fit([a.values[view.name] for a in archives], view.telemetry_indices)
        folders.append(export_model(model, view.model, out, {"spacecraft_class": class_name,
                                                             "subsystem": view.name, "rows": str(rows)}))
        print(f"  {view.model}: {view.width} parameters, threshold {model.threshold:.4g}")
    print(f"wrote {len(folders)} models to {out} from {rows} rows ({source})")
    if not load:
        return 0
    settings = settings or _settings()
    for folder in folders:
        triton.render_model(folder)
    try:
        triton.load_models(settings.triton_url, [f.name for f in folders])
    except Exception as exc:  # the stack may not be up: the models are written, `satmon up` serves them
        print(f"satmon: the models are written but the running Triton did not load them: {exc}", file=sys.stderr)
        return 1
    print(f"Triton at {settings.triton_url} serves {', '.join(f.name for f in folders)}")
    return 0


def simulate_archive(folder: Path, class_name: str, speedup: float) -> int:
    from satmon_core.kafka import make_producer
    from satmon_simulator.archive_replay import replay_archive

    subsystems = _subsystems(class_name)
    archives = _archives(folder, subsystems)
    settings = _settings()
    _register(settings, class_name, [a.satellite_id for a in archives], {})
    total = sum(len(a) for a in archives)
    with tqdm(total=total, desc="replaying", unit="rec", disable=None) as bar:
        produced = replay_archive(archives, subsystems, make_producer(settings.kafka_bootstrap), settings.raw_topic,
                                  speedup=speedup, progress=bar.update)
    print(f"produced {produced} records of {len(archives)} {class_name} satellites to {settings.raw_topic}")
    return 0


def evaluate_class(class_name: str, folder: Path, repository: Path | None, as_json: bool) -> int:
    from satmon_archive import ArchiveError, read_labels
    from satmon_core.paths import repo_root
    from satmon_detection.class_eval import evaluate_archive

    subsystems = _subsystems(class_name)
    archives = _archives(folder, subsystems)
    try:
        labels = read_labels(folder / "labels.csv")
    except (ArchiveError, OSError) as exc:
        print(f"satmon: labels: {exc}", file=sys.stderr)
        return 1
    report = evaluate_archive(archives, labels, subsystems, repository or repo_root() / "triton-repository",
                              {v.name: v.model for v in subsystems})
    if as_json:
        json.dump(report, sys.stdout, indent=1)
        print()
        return 0
    o = report["overall"]
    print(f"{'stream':<16} {'event P':>8} {'event R':>8} {'event F1':>9} {'alerts':>7}")
    for c in report["channels"]:
        print(f"{c['channel']:<16} {c['event_precision']:8.3f} {c['event_recall']:8.3f} {c['event_f1']:9.3f} "
              f"{len(c['alerts']):7d}")
    print(f"{'overall':<16} {o['event_precision']:8.3f} {o['event_recall']:8.3f} {o['event_f1']:9.3f} "
          f"false alerts {o['false_alerts']}, median delay {o['median_detection_delay']}")
    return 0
