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
CREATE TABLE detector_states (
    satellite_id  text        NOT NULL,
    subsystem     text        NOT NULL,
    stream_start  timestamptz NOT NULL,  -- sample time of record 0: a new replay is a new stream
    alert_id      bigint,                -- the open alert, if any
    state         bytea       NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (satellite_id, subsystem)
);

-- Alerts no longer follow windows; the detector checkpoint makes them idempotent.
DROP TABLE alert_windows;
