-- The alarm lifecycle operators know (Yamcs, ISA-18.2; issue 25): besides acknowledging, an
-- operator may shelve an alert for a while (it leaves the default list and comes back by itself
-- when the shelve ends), unshelve it, assign it to someone, and resolve it with a disposition.
-- The rules are satmon_ops.domain.alarms; the ops API writes these tables alone.

-- Resolutions say what the operator concluded (NULL: resolved before dispositions existed).
ALTER TABLE alert_resolutions
    ADD COLUMN disposition text CHECK (disposition IN ('true_anomaly', 'false_alarm', 'known_event')),
    ADD COLUMN tags        text[] NOT NULL DEFAULT '{}';

-- The current shelve and assignee of an alert (a row once either was ever set).
CREATE TABLE alert_lifecycle (
    alert_id      bigint      PRIMARY KEY REFERENCES detector_alerts (alert_id) ON DELETE CASCADE,
    shelved_until timestamptz,            -- shelved while now() < shelved_until; NULL: not shelved
    assignee      text        NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Every operator's change to an alert, oldest first by change_id: who, what, when, with what.
CREATE TABLE alert_changes (
    change_id     bigserial   PRIMARY KEY,
    alert_id      bigint      NOT NULL REFERENCES detector_alerts (alert_id) ON DELETE CASCADE,
    action        text        NOT NULL CHECK (action IN ('acknowledge', 'shelve', 'unshelve', 'assign', 'resolve')),
    operator      text        NOT NULL,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    comment       text        NOT NULL DEFAULT '',
    shelved_until timestamptz,
    assignee      text        NOT NULL DEFAULT '',
    disposition   text        CHECK (disposition IN ('true_anomaly', 'false_alarm', 'known_event')),
    tags          text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_changes_alert_idx ON alert_changes (alert_id, change_id);
CREATE INDEX alert_changes_time_idx ON alert_changes (changed_at);

GRANT SELECT ON alert_lifecycle, alert_changes TO satmon_writer, satmon_ops, satmon_scheduler, satmon_worker,
    satmon_router;
GRANT INSERT, UPDATE ON alert_lifecycle TO satmon_ops;
GRANT UPDATE ON alert_resolutions TO satmon_ops;
GRANT INSERT ON alert_changes TO satmon_ops;
GRANT USAGE ON SEQUENCE alert_changes_change_id_seq TO satmon_ops;

-- The alerts view gains the shelve, assignee and disposition (new columns go last: the view's
-- existing columns keep their names and order for the operators' queries). A live shelve is a
-- state of its own, computed from the clock, so an expired shelve ends without anyone writing.
CREATE OR REPLACE VIEW alerts AS
SELECT d.alert_id, d.satellite_id, d.subsystem, d.model_name, d.start_time, d.end_time, d.peak_score,
       d.window_count,
       CASE WHEN r.alert_id IS NOT NULL THEN 'resolved'
            WHEN l.shelved_until > now() THEN 'shelved'
            WHEN d.state = 'closed' THEN 'closed'
            WHEN k.first_at IS NOT NULL THEN 'acknowledged'
            ELSE 'open' END                                  AS state,
       coalesce(k.first_operator, r.operator)                AS acknowledged_by,
       coalesce(nullif(r.comment, ''), k.first_comment)      AS comment,
       k.first_at                                            AS acknowledged_at,
       r.resolved_at,
       d.created_at,
       greatest(d.updated_at, k.last_at, r.resolved_at, l.updated_at) AS updated_at,
       d.start_sequence, d.end_sequence, d.raised_sequence, d.stream_start, d.closed_at,
       d.kind, d.severity, d.parameter, d.limit_value, d.offending_value,
       CASE WHEN l.shelved_until > now() THEN l.shelved_until END AS shelved_until,
       coalesce(l.assignee, '')                              AS assignee,
       r.disposition,
       coalesce(r.tags, '{}')                                AS tags
FROM detector_alerts d
LEFT JOIN alert_resolutions r USING (alert_id)
LEFT JOIN alert_lifecycle l USING (alert_id)
LEFT JOIN LATERAL (
    SELECT min(a.acknowledged_at) AS first_at, max(a.acknowledged_at) AS last_at,
           (array_agg(a.operator ORDER BY a.acknowledged_at))[1] AS first_operator,
           (array_agg(a.comment ORDER BY a.acknowledged_at))[1] AS first_comment
    FROM alert_acknowledgements a WHERE a.alert_id = d.alert_id) k ON true;
