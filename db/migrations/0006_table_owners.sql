-- One owner per table. Each service connects as its own role (satmon_core.postgres.ServiceRole;
-- the roles are created by whoever administers the cluster: `satmon up`, or compose's
-- deploy/postgres/10-satmon-app-role.sh) and may write only the tables it owns:
--   satmon_writer     inference_jobs, subsystem_inferences, job_window_scores (from the jobs topic),
--                     detector_alerts, detector_states, ground_truth_*
--   satmon_ops        alert_acknowledgements, alert_resolutions (operators' actions)
--   satmon_scheduler, satmon_worker, satmon_router: read only
-- satellites and api_tokens belong to the administrator's CLI (`satmon simulate`, `satmon token`).
-- Every role reads everything.

-- What the detector found, written by the writer alone ...
DROP VIEW v_false_alerts;
DROP VIEW v_labelled_sequences_reached;
ALTER TABLE alerts RENAME TO detector_alerts;
ALTER SEQUENCE alerts_alert_id_seq RENAME TO detector_alerts_alert_id_seq;

-- ... and what operators did about it, written by the ops API alone: every acknowledgement
-- (alert_acknowledgements, 0004) and at most one resolution.
CREATE TABLE alert_resolutions (
    alert_id    bigint      PRIMARY KEY REFERENCES detector_alerts (alert_id) ON DELETE CASCADE,
    operator    text        NOT NULL,
    comment     text        NOT NULL DEFAULT '',
    resolved_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO alert_resolutions (alert_id, operator, comment, resolved_at)
SELECT alert_id, coalesce(acknowledged_by, ''), coalesce(comment, ''), coalesce(resolved_at, updated_at)
FROM detector_alerts WHERE state = 'resolved';
INSERT INTO alert_acknowledgements (alert_id, operator, comment, acknowledged_at)
SELECT alert_id, acknowledged_by, coalesce(comment, ''), acknowledged_at FROM detector_alerts d
WHERE acknowledged_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM alert_acknowledgements k WHERE k.alert_id = d.alert_id);

DROP INDEX alerts_active_idx;
ALTER TABLE detector_alerts DROP COLUMN acknowledged_by, DROP COLUMN comment, DROP COLUMN acknowledged_at,
    DROP COLUMN resolved_at;
UPDATE detector_alerts SET state = CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END;
ALTER TABLE detector_alerts DROP CONSTRAINT alerts_state_check;
ALTER TABLE detector_alerts ADD CONSTRAINT detector_alerts_state_check CHECK (state IN ('open', 'closed'));
CREATE INDEX detector_alerts_updated_idx ON detector_alerts (updated_at);

-- The alert as operators see it (and query it with psql, by its old name): the detector's facts
-- with the operators' actions. Resolved is the operator's last word; closed the detector's.
CREATE VIEW alerts AS
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
       d.start_sequence, d.end_sequence, d.raised_sequence, d.stream_start, d.closed_at
FROM detector_alerts d
LEFT JOIN alert_resolutions r USING (alert_id)
LEFT JOIN LATERAL (
    SELECT min(a.acknowledged_at) AS first_at, max(a.acknowledged_at) AS last_at,
           (array_agg(a.operator ORDER BY a.acknowledged_at))[1] AS first_operator,
           (array_agg(a.comment ORDER BY a.acknowledged_at))[1] AS first_comment
    FROM alert_acknowledgements a WHERE a.alert_id = d.alert_id) k ON true;

CREATE VIEW v_labelled_sequences_reached AS
SELECT g.satellite_id, g.subsystem, g.stream_start, g.start_sequence, g.end_sequence,
       EXISTS (SELECT 1 FROM detector_alerts a
               WHERE a.satellite_id = g.satellite_id AND a.subsystem = g.subsystem
                 AND a.stream_start = g.stream_start
                 AND a.start_sequence <= g.end_sequence AND a.end_sequence >= g.start_sequence) AS detected
FROM ground_truth_sequences g
JOIN detector_states d USING (satellite_id, subsystem, stream_start)
WHERE d.next_sequence > g.start_sequence;

CREATE VIEW v_false_alerts AS
SELECT a.*
FROM alerts a
JOIN ground_truth_streams s USING (satellite_id, subsystem, stream_start)
WHERE NOT EXISTS (SELECT 1 FROM ground_truth_sequences g
                  WHERE g.satellite_id = a.satellite_id AND g.subsystem = a.subsystem
                    AND g.stream_start = a.stream_start
                    AND a.start_sequence <= g.end_sequence AND a.end_sequence >= g.start_sequence);

-- The grants. Reading is open to every service role; writing only to the owner.
GRANT USAGE ON SCHEMA public TO satmon_writer, satmon_ops, satmon_scheduler, satmon_worker, satmon_router;
GRANT SELECT ON ALL TABLES IN SCHEMA public
    TO satmon_writer, satmon_ops, satmon_scheduler, satmon_worker, satmon_router;
GRANT INSERT, UPDATE, DELETE ON inference_jobs, subsystem_inferences, job_window_scores, detector_alerts,
    detector_states, ground_truth_streams, ground_truth_sequences TO satmon_writer;
GRANT USAGE ON SEQUENCE detector_alerts_alert_id_seq, subsystem_inferences_id_seq TO satmon_writer;
GRANT INSERT ON alert_acknowledgements, alert_resolutions TO satmon_ops;
-- Tables later migrations create are readable by every service role too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES
    TO satmon_writer, satmon_ops, satmon_scheduler, satmon_worker, satmon_router;
