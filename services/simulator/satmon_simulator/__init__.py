"""Replays real SMAP telemetry as a fleet of satellites, with a physical housekeeping model."""
