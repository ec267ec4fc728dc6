"""Writer: raw telemetry and inference results into VictoriaMetrics and PostgreSQL."""
