-- Limit alarms: a parameter outside the yellow or red limits its class declares in the mission
-- database raises an alert in the same list as the detector's (kind 'limit'), with its severity,
-- the parameter, the limit and the offending value; it closes when the value is back inside.
-- The writer raises them from the raw telemetry; at most one is open per satellite, subsystem and
-- parameter (the unique index makes a redelivered record's alert a no-op, not a second alert).
-- Limit alerts belong to no detector stream (stream_start is NULL), so the live event-wise
-- scoring views, which join on the stream, count the detector's alerts only.
ALTER TABLE detector_alerts
    ADD COLUMN kind            text NOT NULL DEFAULT 'model' CHECK (kind IN ('model', 'limit')),
    ADD COLUMN severity        text NOT NULL DEFAULT 'warning' CHECK (severity IN ('warning', 'critical')),
    ADD COLUMN parameter       text,
    ADD COLUMN limit_value     double precision,
    ADD COLUMN offending_value double precision;
CREATE UNIQUE INDEX detector_alerts_one_open_limit ON detector_alerts (satellite_id, subsystem, parameter)
    WHERE kind = 'limit' AND state = 'open';

CREATE OR REPLACE VIEW alerts AS
SELECT d.alert_id, d.satellite_id, d.subsystem, d.model_name, d.start_time, d.end_time, d.peak_score,
       d.window_count,
       CASE WHEN r.alert_id IS NOT NULL THEN 'resolved'
            WHEN d.state = 'closed' THEN 'closed'
            WHEN k.first_at IS NOT NULL THEN 'acknowledged'
            ELSE 'open' END                                  AS state,
       coalesce(k.first_operator, r.operator)                AS acknowledged_by,
       coalesce(nullif(r.comment, ''), k.first_comment)      AS comment,
       k.first_at                                            AS acknowledged_at,
       r.resolved_at,
       d.created_at,
       greatest(d.updated_at, k.last_at, r.resolved_at)      AS updated_at,
       d.start_sequence, d.end_sequence, d.raised_sequence, d.stream_start, d.closed_at,
       d.kind, d.severity, d.parameter, d.limit_value, d.offending_value
FROM detector_alerts d
LEFT JOIN alert_resolutions r USING (alert_id)
LEFT JOIN LATERAL (
    SELECT min(a.acknowledged_at) AS first_at, max(a.acknowledged_at) AS last_at,
           (array_agg(a.operator ORDER BY a.acknowledged_at))[1] AS first_operator,
           (array_agg(a.comment ORDER BY a.acknowledged_at))[1] AS first_comment
    FROM alert_acknowledgements a WHERE a.alert_id = d.alert_id) k ON true;
