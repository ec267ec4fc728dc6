-- Every window a manual job scored: a job over a time range or an inline series scores one
-- window per stride, and its result lists each one (subsystem_inferences keeps the per-subsystem
-- summary). Stream and rule jobs score one window per subsystem, so their summary row is the window.
CREATE TABLE job_window_scores (
    job_id            text             NOT NULL REFERENCES inference_jobs (job_id) ON DELETE CASCADE,
    subsystem         text             NOT NULL,
    start_sequence    bigint           NOT NULL,
    model_name        text             NOT NULL,
    window_start_time timestamptz      NOT NULL,
    window_end_time   timestamptz      NOT NULL,
    anomaly_score     double precision NOT NULL,
    max_score         double precision NOT NULL,
    threshold         double precision NOT NULL,
    anomaly_detected  boolean          NOT NULL,
    -- A redelivered task must not create a second row.
    PRIMARY KEY (job_id, subsystem, start_sequence)
);
