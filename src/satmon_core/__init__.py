"""Shared plumbing for every satmon service: config, paths, tracing, Kafka, gRPC serving."""
