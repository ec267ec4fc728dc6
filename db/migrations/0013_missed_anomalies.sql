-- Anomalies the detector missed, as operators mark them on a trend: with the dispositions of the
-- alerts that were raised (v_judged_alerts), the labels a mission without replay labels has.
-- Live recall counts a marked span as missed only while no model alert of its stream overlaps it.
CREATE TABLE missed_anomalies (
    missed_id     bigserial   PRIMARY KEY,
    satellite_id  text        NOT NULL,
    subsystem     text        NOT NULL,
    start_time    timestamptz NOT NULL,
    end_time      timestamptz NOT NULL CHECK (end_time > start_time),
    operator      text        NOT NULL,
    comment       text        NOT NULL DEFAULT '',
    marked_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX missed_anomalies_stream_idx ON missed_anomalies (satellite_id, subsystem, start_time);

CREATE VIEW v_missed_anomalies AS
SELECT m.*
FROM missed_anomalies m
WHERE NOT EXISTS (SELECT 1 FROM alerts a
                  WHERE a.kind = 'model' AND a.satellite_id = m.satellite_id AND a.subsystem = m.subsystem
                    AND a.start_time <= m.end_time AND a.end_time >= m.start_time);

GRANT SELECT ON missed_anomalies, v_missed_anomalies TO satmon_writer, satmon_ops, satmon_scheduler,
    satmon_worker, satmon_router;
GRANT INSERT ON missed_anomalies TO satmon_ops;
GRANT USAGE ON SEQUENCE missed_anomalies_missed_id_seq TO satmon_ops;
