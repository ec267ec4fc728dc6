"""Every Prometheus instrument satmon exposes, created in one place."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

__all__ = ["serve_metrics", "MESSAGES_CONSUMED", "MESSAGES_PRODUCED", "DEAD_LETTERS", "RETRIES",
           "WINDOWS_SCHEDULED", "INVALID_SKIPPED", "RULE_TRIGGERS", "INFERENCE_SECONDS", "SINK_WRITES", "BATCH_SECONDS",
           "OPEN_WINDOWS", "LOOP_HEALTHY", "LOOP_PARTITIONS", "LOOP_SECONDS_SINCE_BEAT", "LOOP_LAG", "LOOP_REPAIRS"]

MESSAGES_CONSUMED = Counter("satmon_messages_consumed_total", "Kafka messages consumed", ["service", "topic"])
MESSAGES_PRODUCED = Counter("satmon_messages_produced_total", "Kafka messages produced", ["service", "topic"])
DEAD_LETTERS = Counter("satmon_dead_letters_total", "Records sent to the dead-letter topic", ["service", "reason"])
INVALID_SKIPPED = Counter("satmon_invalid_skipped_total",
                          "Invalid records skipped because another service dead-letters them", ["service", "reason"])
RETRIES = Counter("satmon_transient_retries_total", "Transient failures retried", ["service", "operation"])
PARTITION_REVOCATIONS = Counter("satmon_partition_revocations_total",
                                "Times Kafka partitions left this process (a rebalance)", ["service"])
WINDOWS_SCHEDULED = Counter("satmon_windows_scheduled_total", "Sliding windows sent for inference", ["subsystem"])
RULE_TRIGGERS = Counter("satmon_rule_triggers_total", "Housekeeping rules that fired", ["rule"])
INFERENCE_SECONDS = Histogram("satmon_inference_seconds", "Inference server round trip per request", ["model"],
                              buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
SINK_WRITES = Counter("satmon_sink_writes_total", "Rows or samples written", ["sink"])
BATCH_SECONDS = Histogram("satmon_batch_seconds", "Time to process one consumed batch", ["service"])
OPEN_WINDOWS = Gauge("satmon_open_windows", "Sliding windows held by the scheduler")
# Liveness of each consume loop (satmon_core.liveness), labelled by its consumer group (the worker's
# Celery consumer: by its queue).
LOOP_HEALTHY = Gauge("satmon_consumer_loop_healthy", "1 while the consume loop is judged live, else 0",
                     ["service", "group"])
LOOP_PARTITIONS = Gauge("satmon_consumer_loop_partitions",
                        "Kafka partitions the loop holds (for the worker's Celery consumer: queues it consumes)",
                        ["service", "group"])
LOOP_SECONDS_SINCE_BEAT = Gauge("satmon_consumer_loop_seconds_since_poll",
                                "Seconds since the loop's poll last returned (or its batch was last retried)",
                                ["service", "group"])
LOOP_LAG = Gauge("satmon_consumer_loop_lag",
                 "Messages behind on the partitions the loop holds (the worker: ready messages in its queue)",
                 ["service", "group"])
LOOP_REPAIRS = Counter("satmon_consumer_loop_repairs_total", "Times the loop recreated its consumer",
                       ["service", "group"])

# Notifications (services/notifier): messages sent and attempts failed per route and contact point,
# deliveries waiting, and whether the configuration file in force is the file on disk.
NOTIFICATIONS_SENT = Counter("satmon_notifications_sent_total", "Messages a contact point accepted",
                             ["route", "contact_point"])
NOTIFICATION_FAILURES = Counter("satmon_notification_failures_total", "Attempts a contact point did not accept",
                                ["route", "contact_point"])
NOTIFICATIONS_PENDING = Gauge("satmon_notifications_pending", "Deliveries waiting (group wait, rate limit or retry)")
NOTIFICATION_ROUTES = Gauge("satmon_notification_routes", "Routes in the notification configuration in force")
NOTIFICATION_CONFIG_VALID = Gauge("satmon_notification_config_valid",
                                  "1 while the notification file on disk is the one in force, 0 after a bad edit")


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    if port:
        start_http_server(port, addr=host)
