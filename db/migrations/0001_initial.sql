-- Jobs, per-subsystem results, alerts, and the views operators query with psql.

CREATE TABLE inference_jobs (
    job_id          text PRIMARY KEY,
    satellite_id    text        NOT NULL,
    source          text        NOT NULL CHECK (source IN ('stream', 'rule', 'manual')),
    trigger_reason  text,
    status          text        NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    error_message   text,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX inference_jobs_created_idx ON inference_jobs (created_at DESC);
CREATE INDEX inference_jobs_satellite_idx ON inference_jobs (satellite_id, created_at DESC);
CREATE INDEX inference_jobs_status_idx ON inference_jobs (status, completed_at);

CREATE TABLE subsystem_inferences (
    id                 bigserial PRIMARY KEY,
    job_id             text        NOT NULL REFERENCES inference_jobs (job_id) ON DELETE CASCADE,
    subsystem          text        NOT NULL,
    model_name         text        NOT NULL,
    model_version      text,
    status             text        NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    anomaly_detected   boolean     NOT NULL DEFAULT false,
    anomaly_score      double precision,
    max_score          double precision,
    threshold          double precision,
    inference_time_ms  double precision,
    window_start_time  timestamptz,
    window_end_time    timestamptz,
    start_sequence     bigint,
    created_at         timestamptz NOT NULL DEFAULT now(),
    -- A redelivered task or result must not create a second row.
    CONSTRAINT subsystem_inferences_job_subsystem_key UNIQUE (job_id, subsystem)
);
CREATE INDEX subsystem_inferences_created_idx ON subsystem_inferences (created_at DESC);
CREATE INDEX subsystem_inferences_anomaly_idx ON subsystem_inferences (anomaly_detected, created_at DESC);

-- An alert is a run of anomalous windows on one satellite and subsystem.
CREATE TABLE alerts (
    alert_id         bigserial PRIMARY KEY,
    satellite_id     text        NOT NULL,
    subsystem        text        NOT NULL,
    model_name       text        NOT NULL,
    start_time       timestamptz NOT NULL,
    end_time         timestamptz NOT NULL,
    peak_score       double precision NOT NULL,
    window_count     integer     NOT NULL DEFAULT 1,
    state            text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
    acknowledged_by  text,
    comment          text,
    acknowledged_at  timestamptz,
    resolved_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_active_idx ON alerts (satellite_id, subsystem, end_time DESC) WHERE state <> 'resolved';
CREATE INDEX alerts_created_idx ON alerts (created_at DESC);

-- Which scored window extended which alert; makes alert updates idempotent.
CREATE TABLE alert_windows (
    alert_id   bigint NOT NULL REFERENCES alerts (alert_id) ON DELETE CASCADE,
    job_id     text   NOT NULL,
    subsystem  text   NOT NULL,
    PRIMARY KEY (job_id, subsystem)
);

CREATE VIEW v_anomaly_alerts AS
SELECT si.job_id,
       j.satellite_id,
       si.subsystem,
       si.model_name,
       si.anomaly_score,
       si.max_score,
       si.threshold,
       si.window_start_time,
       si.window_end_time,
       j.source,
       j.trigger_reason,
       si.created_at
FROM subsystem_inferences si
JOIN inference_jobs j USING (job_id)
WHERE si.anomaly_detected;

CREATE VIEW v_inference_job_summary AS
SELECT j.job_id,
       j.satellite_id,
       j.source,
       j.trigger_reason,
       j.status                                                     AS job_status,
       j.created_at,
       j.completed_at,
       count(si.id)                                                 AS total_subsystems,
       count(si.id) FILTER (WHERE si.status = 'completed')          AS completed_subsystems,
       extract(epoch FROM (j.completed_at - j.created_at))          AS total_time_seconds,
       count(si.id) FILTER (WHERE si.inference_time_ms IS NOT NULL) AS inference_count,
       count(si.id) FILTER (WHERE si.anomaly_detected)              AS anomalies_detected,
       avg(si.inference_time_ms)                                    AS avg_inference_time_ms,
       coalesce(jsonb_agg(jsonb_build_object(
           'subsystem', si.subsystem,
           'model_name', si.model_name,
           'status', si.status,
           'anomaly_detected', si.anomaly_detected,
           'anomaly_score', si.anomaly_score,
           'inference_time_ms', si.inference_time_ms) ORDER BY si.subsystem)
           FILTER (WHERE si.id IS NOT NULL), '[]'::jsonb)           AS subsystem_results
FROM inference_jobs j
LEFT JOIN subsystem_inferences si USING (job_id)
GROUP BY j.job_id;
