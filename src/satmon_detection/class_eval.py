"""`satmon eval --class X --archive DIR`: a class's models and the live detector over a labelled
archive, event-wise, as `satmon eval` does for SMAP (the same windows, detector and scoring). Each
(satellite, subsystem) stream is one "channel" of the report; labels (labels.csv) are read only
to score."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from satmon_archive import Label, SatelliteArchive
from satmon_detection.detector import DetectorConfig
from satmon_detection.evaluation import ChannelScore, aggregate, score_channel
from satmon_detection.offline import detect, load_model
from satmon_detection.windows import STRIDE, WINDOW_SIZE
from satmon_mdb import SubsystemView

__all__ = ["evaluate_archive"]


def evaluate_archive(archives: list[SatelliteArchive], labels: list[Label], subsystems: Sequence[SubsystemView],
                     repository: Path, models: dict[str, str]) -> dict:
    """`models`: subsystem -> model name. Returns the report (overall and per stream)."""
    config = DetectorConfig()
    results: list[ChannelScore] = []
    for view in subsystems:
        model = load_model(repository / models[view.name])
        for archive in archives:
            values = archive.values[view.name]
            rows = [(int(np.searchsorted(archive.times_ns, label.start_ns)),
                     int(np.searchsorted(archive.times_ns, label.end_ns, side="right")) - 1)
                    for label in labels if label.satellite_id == archive.satellite_id and label.subsystem == view.name]
            rows = [(start, end) for start, end in rows if start <= end and start < len(values)]
            starts, scores = model.score(values)
            alerts = detect(scores, starts, model.threshold, config)
            results.append(score_channel(f"{archive.satellite_id}/{view.name}", alerts, rows, len(values),
                                         model.threshold))
    return {"overall": aggregate(results), "channels": [r.to_json() for r in results],
            "method": {"window": WINDOW_SIZE, "stride": STRIDE, "detector": config.__dict__,
                       "event_rule": "Hundman: a labelled sequence is detected once if any alert overlaps it; "
                                     "an alert overlapping no sequence is one false alert"}}
