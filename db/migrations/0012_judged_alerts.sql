-- Live detection quality where no replay labels exist: operators' dispositions are the labels a
-- real mission has. A model alert on a stream without replay labels, resolved with a disposition,
-- is judged: true anomaly or known event (the detector saw something real) or false alarm. Alerts
-- on labelled streams are scored against the labels instead (v_labelled_sequences_reached,
-- v_false_alerts), so no alert is counted twice.
CREATE VIEW v_judged_alerts AS
SELECT a.*
FROM alerts a
WHERE a.kind = 'model' AND a.disposition IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ground_truth_streams s
                  WHERE s.satellite_id = a.satellite_id AND s.subsystem = a.subsystem
                    AND s.stream_start = a.stream_start);

GRANT SELECT ON v_judged_alerts TO satmon_writer, satmon_ops, satmon_scheduler, satmon_worker, satmon_router;
