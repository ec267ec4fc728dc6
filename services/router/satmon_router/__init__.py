"""Router: raw telemetry topic -> one topic per subsystem, keyed by satellite id."""
