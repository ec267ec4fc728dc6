-- One truth: a window is anomalous when a detector alert (kind 'model') of the same satellite and
-- subsystem covers one of its fresh rows (the rows it scores first: its newest stride, or all rows
-- of a stream's first window). The writer keeps subsystem_inferences.anomaly_detected (and
-- job_window_scores') to that rule: at insert, and when an alert opens or grows over windows
-- already stored, in the alert's own transaction. Before this, anomaly_detected was the worker's
-- comparison of one window's score with the model's normal error level, which flagged 42-89 % of
-- windows on a replay that raised 7 alerts.
ALTER TABLE subsystem_inferences ADD COLUMN fresh_start_time timestamptz;
CREATE INDEX subsystem_inferences_span_idx ON subsystem_inferences (subsystem, window_end_time);

-- Rows stored before this migration: their fresh rows are taken as the whole window.
UPDATE subsystem_inferences si
SET anomaly_detected = EXISTS (
        SELECT 1 FROM detector_alerts a JOIN inference_jobs j ON j.job_id = si.job_id
        WHERE a.kind = 'model' AND a.satellite_id = j.satellite_id AND a.subsystem = si.subsystem
          AND a.start_time <= si.window_end_time AND a.end_time >= si.window_start_time)
WHERE si.window_end_time IS NOT NULL;
UPDATE job_window_scores w
SET anomaly_detected = EXISTS (
        SELECT 1 FROM detector_alerts a JOIN inference_jobs j ON j.job_id = w.job_id
        WHERE a.kind = 'model' AND a.satellite_id = j.satellite_id AND a.subsystem = w.subsystem
          AND a.start_time <= w.window_end_time AND a.end_time >= w.window_start_time);
