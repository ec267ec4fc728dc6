"""Labels of replayed streams into PostgreSQL (ground_truth_streams, ground_truth_sequences).

Idempotent: a redelivered message inserts nothing new.
"""

from __future__ import annotations

import psycopg
from psycopg_pool import ConnectionPool

from satmon.telemetry.v1 import events_pb2
from satmon_core.errors import TransientError
from satmon_core.topics import SUBSYSTEMS
from satmon_writer.domain.detection import stream_identity

__all__ = ["GroundTruthStore"]


class GroundTruthStore:
    def __init__(self, dsn: str) -> None:
        self.pool = ConnectionPool(dsn, min_size=1, max_size=1, open=True, kwargs={"connect_timeout": 5})

    def record(self, truths: list[events_pb2.GroundTruth]) -> None:
        try:
            with self.pool.connection() as conn, conn.transaction():
                for truth in truths:
                    key = (truth.satellite_id, SUBSYSTEMS[truth.subsystem],
                           stream_identity(truth.stream_start_time.ToNanoseconds()))
                    conn.execute("INSERT INTO ground_truth_streams (satellite_id, subsystem, stream_start, channel, "
                                 "records) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                                 (*key, truth.channel, truth.records))
                    for seq in truth.sequences:
                        conn.execute("INSERT INTO ground_truth_sequences (satellite_id, subsystem, stream_start, "
                                     "start_sequence, end_sequence) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                                     (*key, seq.start_sequence, seq.end_sequence))
        except psycopg.OperationalError as exc:
            raise TransientError(f"PostgreSQL: {exc}") from exc

    def close(self) -> None:
        self.pool.close()
