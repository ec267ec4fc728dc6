-- Alerts are anomaly sequences raised by the online detector (satmon_detection.detector):
-- opened when a sequence is confirmed, extended while it lasts, `closed` when it ends (the
-- detector's word), `resolved` by an operator (the operator's word).
ALTER TABLE alerts DROP CONSTRAINT alerts_state_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_state_check
    CHECK (state IN ('open', 'acknowledged', 'closed', 'resolved'));
ALTER TABLE alerts
    ADD COLUMN start_sequence bigint,   -- record numbers of the sequence, inclusive
    ADD COLUMN end_sequence   bigint,
    ADD COLUMN raised_sequence bigint,  -- the record whose arrival confirmed it
    ADD COLUMN stream_start   timestamptz,  -- the stream (replay) it belongs to, see detector_states
    ADD COLUMN closed_at      timestamptz;

-- Every acknowledgement, in order: a second one adds a row, the alert keeps the first.
CREATE TABLE alert_acknowledgements (
    alert_id        bigint      NOT NULL REFERENCES alerts (alert_id) ON DELETE CASCADE,
    operator        text        NOT NULL,
    comment         text        NOT NULL DEFAULT '',
    acknowledged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_acknowledgements_alert_idx ON alert_acknowledgements (alert_id, acknowledged_at);

-- The detector's checkpoint per stream, written in the transaction that applies the alert
-- changes it produced: a restart resumes exactly where the last committed batch left off.
-- A stream is a satellite's subsystem from one record 0 on (a new replay is a new stream); the
-- newest stream_start of a satellite's subsystem is the live one.
CREATE TABLE detector_states (
    satellite_id  text        NOT NULL,
    subsystem     text        NOT NULL,
    stream_start  timestamptz NOT NULL,  -- sample time of record 0
    next_sequence bigint      NOT NULL,  -- records 0 .. next_sequence - 1 have been decided
    alert_id      bigint,                -- the open alert, if any
    state         bytea       NOT NULL,
    held          bytea[]     NOT NULL DEFAULT '{}',  -- windows that arrived ahead of a gap (InferenceResult)
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (satellite_id, subsystem, stream_start)
);

-- Labels of replayed SMAP streams (the simulator's ground-truth topic), for scoring live alerts.
-- The detector never reads them.
CREATE TABLE ground_truth_streams (
    satellite_id  text        NOT NULL,
    subsystem     text        NOT NULL,
    stream_start  timestamptz NOT NULL,
    channel       text        NOT NULL,
    records       bigint      NOT NULL,
    PRIMARY KEY (satellite_id, subsystem, stream_start)
);
CREATE TABLE ground_truth_sequences (
    satellite_id   text        NOT NULL,
    subsystem      text        NOT NULL,
    stream_start   timestamptz NOT NULL,
    start_sequence bigint      NOT NULL,
    end_sequence   bigint      NOT NULL,
    PRIMARY KEY (satellite_id, subsystem, stream_start, start_sequence),
    FOREIGN KEY (satellite_id, subsystem, stream_start) REFERENCES ground_truth_streams ON DELETE CASCADE
);

-- Event-wise scoring of the live alerts (Hundman rule), the one definition `GetDetectionQuality`
-- and `satmon status` read: labelled sequences the stream has reached, each detected when an
-- alert of the same stream overlaps it ...
CREATE VIEW v_labelled_sequences_reached AS
SELECT g.satellite_id, g.subsystem, g.stream_start, g.start_sequence, g.end_sequence,
       EXISTS (SELECT 1 FROM alerts a
               WHERE a.satellite_id = g.satellite_id AND a.subsystem = g.subsystem
                 AND a.stream_start = g.stream_start
                 AND a.start_sequence <= g.end_sequence AND a.end_sequence >= g.start_sequence) AS detected
FROM ground_truth_sequences g
JOIN detector_states d USING (satellite_id, subsystem, stream_start)
WHERE d.next_sequence > g.start_sequence;

-- ... and alerts on labelled streams that overlap no labelled sequence.
CREATE VIEW v_false_alerts AS
SELECT a.*
FROM alerts a
JOIN ground_truth_streams s USING (satellite_id, subsystem, stream_start)
WHERE NOT EXISTS (SELECT 1 FROM ground_truth_sequences g
                  WHERE g.satellite_id = a.satellite_id AND g.subsystem = a.subsystem
                    AND g.stream_start = a.stream_start
                    AND a.start_sequence <= g.end_sequence AND a.end_sequence >= g.start_sequence);

-- Alerts no longer follow windows; the detector checkpoint makes them idempotent.
DROP TABLE alert_windows;
