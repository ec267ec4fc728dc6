"""Labels of replayed streams into PostgreSQL (ground_truth_streams, ground_truth_sequences).

Idempotent: a redelivered message inserts nothing new.
"""

from __future__ import annotations

from satmon.telemetry.v1 import events_pb2
from satmon_core.postgres import make_pool, postgres_outage_is_transient
from satmon_writer.domain.detection import stream_identity

__all__ = ["GroundTruthStore"]


class GroundTruthStore:
    def __init__(self, dsn: str) -> None:
        self.pool = make_pool(dsn, max_size=1)

    def record(self, truths: list[events_pb2.GroundTruth]) -> None:
        with postgres_outage_is_transient(), self.pool.connection() as conn, conn.transaction():
            for truth in truths:
                key = (truth.satellite_id, truth.subsystem,
                       stream_identity(truth.stream_start_time.ToNanoseconds()))
                conn.execute("INSERT INTO ground_truth_streams (satellite_id, subsystem, stream_start, channel, "
                             "records) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                             (*key, truth.channel, truth.records))
                for seq in truth.sequences:
                    conn.execute("INSERT INTO ground_truth_sequences (satellite_id, subsystem, stream_start, "
                                 "start_sequence, end_sequence) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                                 (*key, seq.start_sequence, seq.end_sequence))

    def close(self) -> None:
        self.pool.close()
