"""Live detection quality: the alerts raised so far against the labels of the replayed rows.

The definitions live in two views (db/migrations/0004): `v_labelled_sequences_reached` and
`v_false_alerts` (Hundman's event rule). This module reads them for `GetDetectionQuality`
and `satmon status`, so both show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

__all__ = ["DetectionQuality", "fetch_detection_quality"]


@dataclass(frozen=True)
class DetectionQuality:
    labelled_streams: int
    labelled_sequences: int
    detected_sequences: int
    false_alerts: int

    @property
    def precision(self) -> float:
        raised = self.detected_sequences + self.false_alerts
        return self.detected_sequences / raised if raised else 0.0

    @property
    def recall(self) -> float:
        return self.detected_sequences / self.labelled_sequences if self.labelled_sequences else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def fetch_detection_quality(conn: psycopg.Connection, satellite_id: str = "") -> DetectionQuality:
    only = "WHERE %(sat)s = '' OR satellite_id = %(sat)s"
    args = {"sat": satellite_id}
    streams = conn.execute(f"SELECT count(*) FROM ground_truth_streams {only}", args).fetchone()[0]
    labelled, detected = conn.execute(
        f"SELECT count(*), count(*) FILTER (WHERE detected) FROM v_labelled_sequences_reached {only}",
        args).fetchone()
    false_alerts = conn.execute(f"SELECT count(*) FROM v_false_alerts {only}", args).fetchone()[0]
    return DetectionQuality(streams, labelled, detected, false_alerts)
