"""Alerts in PostgreSQL, raised by the online detector; its checkpoints beside them.

The writer owns detector_alerts (what the detector found: open, extended, closed); operators'
acknowledgements and resolutions are the ops API's, and the `alerts` view joins the two. An alert
that opens or grows marks the stored windows it covers as anomalous, in the same transaction
(domain.window_truth).

One transaction per consumed batch applies every alert change the batch
caused and stores each touched stream's detector state (with the windows it
holds for a gap), so the alerts and the detector never disagree: after a
crash the batch is redelivered, the detector resumes from the last committed
state, skips the records it has already seen, and raises nothing twice.
Results for one satellite arrive on one partition, handled by one writer at a
time, so the in-memory cache of stream states is authoritative while this
writer owns the partition; it is dropped whenever a transaction fails and
whenever partitions move (several writers share the results consumer group).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone

import psycopg

from satmon.detection.v1 import events_pb2
from satmon_core.postgres import as_columns, make_pool, postgres_outage_is_transient
from satmon_detection.detector import DetectorConfig, StreamDetector
from satmon_writer.adapters.window_truth import lock_streams, mark_covered_windows, stored_spans
from satmon_writer.domain.detection import (AlertChange, StreamKey, StreamState, apply_results, closing_changes,
                                            severity_of, stream_results)
from satmon_writer.domain.samples import anomaly_flag_line, detector_threshold_line, epoch_ms
from satmon_writer.domain.window_truth import window_flags

__all__ = ["AlertStore"]

# A stream's checkpoint replaces the one stored before it (both ways of writing them below).
_CHECKPOINT_CONFLICT = ("ON CONFLICT (satellite_id, subsystem, stream_start) DO UPDATE SET "
                        "next_sequence = excluded.next_sequence, alert_id = excluded.alert_id, "
                        "state = excluded.state, held = excluded.held, updated_at = now()")



class AlertStore:
    def __init__(self, dsn: str, config: DetectorConfig | None = None) -> None:
        self.pool = make_pool(dsn, max_size=2)
        self.config = config or DetectorConfig()
        self.streams: dict[StreamKey, StreamState] = {}
        self.marked: list[tuple[str, str, str, object]] = []  # stored windows this batch's alerts grew over

    def record(self, results: list[events_pb2.InferenceResult],
               publish_flags: Callable[[list[str]], None] = lambda lines: None) -> list[int]:
        """Feeds stream results to their detectors; returns ids of alerts opened, extended or closed.

        `publish_flags` gets the `inference_anomaly_detected` lines of the batch's windows and of the
        stored windows an alert grew over, and each fed window's `detector_threshold`, before the
        transaction commits: if it fails, nothing is
        committed and the redelivered batch computes them again."""
        by_stream = stream_results(results)
        if not by_stream:
            return []
        touched: list[int] = []
        thresholds: list[tuple[StreamKey, events_pb2.InferenceResult, float]] = []
        self.marked = []
        try:
            with postgres_outage_is_transient(), self.pool.connection() as conn, conn.transaction():
                pairs = [(satellite, subsystem) for satellite, subsystem, _ in by_stream]
                lock_streams(conn.cursor(), pairs)
                checkpoints: dict[StreamKey, StreamState] = {}  # written together, after the loop
                for key, stream in by_stream.items():
                    state = self.streams.get(key) or self._load(conn, key)
                    if state is None:  # a new stream: the satellite subsystem's earlier ones have ended
                        self._save(conn, checkpoints)  # what this batch did to them, before they are read
                        touched += self._close_replaced(conn, key, stream[0].model_name, checkpoints)
                    state, changes = apply_results(state, stream, self.config)
                    thresholds += [(key, result, epsilon) for result, epsilon in state.thresholds]
                    touched += [self._apply(conn, key, state, change) for change in changes]
                    checkpoints[key] = state
                    self.streams[key] = state
                self._save(conn, checkpoints)
                lines = self._flag_lines(conn, pairs, results)
                lines += [line for (satellite, subsystem, _), result, epsilon in thresholds
                          if (line := detector_threshold_line(satellite, subsystem, result, epsilon)) is not None]
                publish_flags(lines)
        except Exception:
            for key in by_stream:  # the in-memory states may be ahead of what was committed
                self.streams.pop(key, None)
            raise
        return sorted(set(touched))

    def _flag_lines(self, conn: psycopg.Connection, pairs: list[tuple[str, str]],
                    results: list[events_pb2.InferenceResult]) -> list[str]:
        since = min(r.sample_times[0].ToDatetime(tzinfo=timezone.utc) for r in results if r.sample_times)
        flags = window_flags(results, stored_spans(conn, pairs, since))
        lines = [anomaly_flag_line(r.satellite_id, r.subsystem, r.model_name, r.sample_times[-1].ToMilliseconds(),
                                   covered) for r, covered in flags]
        lines += [anomaly_flag_line(satellite, subsystem, model, epoch_ms(end), True)
                  for satellite, subsystem, model, end in self.marked]
        return lines

    def forget(self) -> None:
        """Partitions moved between writers: reload every stream's state from its checkpoint."""
        self.streams.clear()

    def _close_replaced(self, conn: psycopg.Connection, key: StreamKey, model_name: str,
                        checkpoints: dict[StreamKey, StreamState]) -> list[int]:
        rows = conn.execute("SELECT stream_start FROM detector_states WHERE satellite_id = %s AND subsystem = %s "
                            "AND stream_start <> %s AND alert_id IS NOT NULL", key).fetchall()
        touched = []
        for (start,) in rows:
            old_key = (key[0], key[1], start)
            old = self.streams.get(old_key) or self._load(conn, old_key)
            touched += [self._apply(conn, old_key, old, change) for change in closing_changes(old, model_name, start)]
            checkpoints[old_key] = old
            self.streams[old_key] = old
        return touched

    @staticmethod
    def _save(conn: psycopg.Connection, checkpoints: dict[StreamKey, StreamState]) -> None:
        """Writes the streams' checkpoints, and empties the dict. A batch touches hundreds of streams at
        1,000 satellites: those holding no window (nearly all) go in one statement over binary arrays
        (unnest), the few holding windows for a gap one statement each (their held windows are an
        array per row, which one array parameter cannot carry)."""
        if not checkpoints:
            return
        rows = [(*key, state.detector.seen, state.alert_id, state.detector.to_state(),
                 [r.SerializeToString() for _, r in sorted(state.held.items())])
                for key, state in checkpoints.items()]
        plain = [row[:6] for row in rows if not row[6]]
        with conn.cursor() as cur:
            if plain:
                cur.execute(
                    "INSERT INTO detector_states (satellite_id, subsystem, stream_start, next_sequence, alert_id, "
                    "state, held) SELECT *, '{}'::bytea[] FROM unnest(%b::text[], %b::text[], %b::timestamptz[], "
                    f"%b::int8[], %b::int8[], %b::bytea[]) {_CHECKPOINT_CONFLICT}", as_columns(plain, 6))
            holding = [row for row in rows if row[6]]
            if holding:
                cur.executemany(
                    "INSERT INTO detector_states (satellite_id, subsystem, stream_start, next_sequence, alert_id, "
                    f"state, held) VALUES (%s, %s, %s, %s, %s, %s, %s) {_CHECKPOINT_CONFLICT}", holding)
        checkpoints.clear()

    def _load(self, conn: psycopg.Connection, key: StreamKey) -> StreamState | None:
        row = conn.execute("SELECT alert_id, state, held FROM detector_states "
                           "WHERE satellite_id = %s AND subsystem = %s AND stream_start = %s", key).fetchone()
        if row is None:
            return None
        held = [events_pb2.InferenceResult.FromString(b) for b in row[2]]
        return StreamState(StreamDetector.from_state(row[1], self.config), row[0],
                           {r.start_sequence: r for r in held})

    def _apply(self, conn: psycopg.Connection, key: StreamKey, state: StreamState, change: AlertChange) -> int:
        event, seq = change.event, change.event.sequence
        if event.kind == "opened":
            state.alert_id = conn.execute(
                "INSERT INTO detector_alerts (satellite_id, subsystem, stream_start, model_name, start_time, end_time, "
                "peak_score, start_sequence, end_sequence, raised_sequence, severity) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING alert_id",
                (*key, change.model_name, change.start_time, change.end_time, seq.peak, seq.start, seq.end,
                 event.record, severity_of(event))).fetchone()[0]
            self.marked += mark_covered_windows(conn, key[0], key[1], change.start_time, change.end_time)
            return state.alert_id
        alert_id = state.alert_id
        closing = event.kind == "closed"
        start_time, end_time = conn.execute(
            "UPDATE detector_alerts SET end_time = greatest(end_time, %s), end_sequence = %s, "
            "peak_score = greatest(peak_score, %s), window_count = window_count + %s, "
            "severity = CASE WHEN %s = 'critical' THEN 'critical' ELSE severity END, "  # escalates, never back
            "state = CASE WHEN %s THEN 'closed' ELSE state END, "
            "closed_at = CASE WHEN %s THEN now() ELSE closed_at END, updated_at = now() WHERE alert_id = %s "
            "RETURNING start_time, end_time",
            (change.end_time, seq.end, seq.peak, 0 if closing else 1, severity_of(event), closing, closing,
             alert_id)).fetchone()
        if closing:
            state.alert_id = None
        else:
            self.marked += mark_covered_windows(conn, key[0], key[1], start_time, end_time)
        return alert_id

    def close(self) -> None:
        self.pool.close()
