"""Ops API: operators' queries over VictoriaMetrics and PostgreSQL, and a live event stream."""
