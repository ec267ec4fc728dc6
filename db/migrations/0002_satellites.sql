-- The fleet registry: records from satellites not listed here are dead-lettered.
CREATE TABLE satellites (
    satellite_id  text PRIMARY KEY,
    display_name  text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
