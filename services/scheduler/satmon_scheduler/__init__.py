"""Scheduler: sliding windows per (satellite, subsystem), rule triggers, and manual jobs, sent through Celery."""
