"""`satmon labels export`: operators' judgements as labels, in the format `satmon eval --class` reads.

A mission without replay labels has these instead: model alerts an operator resolved as a true
anomaly (and, if asked, as a known event), and spans marked as anomalies the detector missed. Written
as labels.csv (satellite_id, subsystem, start, end; satmon_archive.write_labels), they sit beside an
archive exported from the same satellites, so the mission can evaluate and retrain on its own
judgements. False alarms are not labels: they are the absence of one.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from satmon_archive import write_labels
from satmon_archive.labels import Label
from satmon_cli.stack.layout import service_env

__all__ = ["export_labels", "judged_labels"]


def judged_labels(conn: psycopg.Connection, satellite_id: str = "", known_events: bool = False) -> list[Label]:
    dispositions = ["true_anomaly", "known_event"] if known_events else ["true_anomaly"]
    rows = conn.execute(
        "SELECT satellite_id, subsystem, start_time, end_time FROM alerts "
        "WHERE kind = 'model' AND disposition = ANY(%(d)s) AND (%(sat)s = '' OR satellite_id = %(sat)s) "
        "UNION ALL SELECT satellite_id, subsystem, start_time, end_time FROM missed_anomalies "
        "WHERE %(sat)s = '' OR satellite_id = %(sat)s ORDER BY 1, 2, 3",
        {"d": dispositions, "sat": satellite_id}).fetchall()
    ns = lambda t: int(t.timestamp()) * 1_000_000_000  # noqa: E731 - labels are whole seconds
    return [Label(sat, subsystem, ns(start), ns(end)) for sat, subsystem, start, end in rows]


def export_labels(out: Path, satellite_id: str = "", known_events: bool = False) -> int:
    with psycopg.connect(service_env()["SATMON_PG_DSN"]) as conn:
        labels = judged_labels(conn, satellite_id, known_events)
    write_labels(out, labels)
    print(f"wrote {len(labels)} labels to {out} (satmon eval --class CLASS reads labels.csv beside the archive)")
    return 0
