"""Live detection quality: the alerts raised so far against the labels of the replayed rows, and,
where no replay carries labels, against operators' dispositions.

The definitions live in views: `v_labelled_sequences_reached` and `v_false_alerts` (Hundman's event
rule, db/migrations/0004) and `v_judged_alerts` (0012) and `v_missed_anomalies` (0013). This module reads them for
`GetDetectionQuality` and `satmon status`, so both show the same figures.
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
    # Model alerts on unlabelled streams that operators resolved with a disposition.
    true_anomalies: int = 0
    known_events: int = 0
    false_alarms: int = 0
    # Spans operators marked as anomalies no model alert covers (v_missed_anomalies).
    missed: int = 0

    @property
    def precision(self) -> float:
        raised = self.detected_sequences + self.false_alerts
        return self.detected_sequences / raised if raised else 0.0

    @property
    def recall(self) -> float:
        return self.detected_sequences / self.labelled_sequences if self.labelled_sequences else 0.0

    @property
    def judged(self) -> int:
        return self.true_anomalies + self.known_events + self.false_alarms

    @property
    def judged_precision(self) -> float:
        """Of the judged alerts, those that saw something real (a true anomaly or a known event)."""
        return (self.true_anomalies + self.known_events) / self.judged if self.judged else 0.0

    @property
    def judged_recall(self) -> float:
        """Real events the detector raised, over those plus the ones operators marked as missed."""
        found = self.true_anomalies + self.known_events
        return found / (found + self.missed) if found + self.missed else 0.0

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
    judged = dict(conn.execute(f"SELECT disposition, count(*) FROM v_judged_alerts {only} GROUP BY disposition",
                               args).fetchall())
    missed = conn.execute(f"SELECT count(*) FROM v_missed_anomalies {only}", args).fetchone()[0]
    return DetectionQuality(streams, labelled, detected, false_alerts, judged.get("true_anomaly", 0),
                            judged.get("known_event", 0), judged.get("false_alarm", 0), missed)
