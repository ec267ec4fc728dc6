-- Notifications of new and escalated alerts to operators' contact points (issue 25; the notifier
-- service, services/notifier). A transactional outbox: the writer's own transaction that raises an
-- alert, or escalates it from warning to critical, adds the event here through a trigger, so an event
-- exists exactly when its alert change committed and none is lost while the notifier is down. The
-- notifier routes each event once (deliveries, one per route and contact point) and sends the
-- deliveries, retrying a contact point that fails; every message sent is kept.

CREATE TABLE notification_events (
    event_id   bigserial   PRIMARY KEY,
    alert_id   bigint      NOT NULL REFERENCES detector_alerts (alert_id) ON DELETE CASCADE,
    reason     text        NOT NULL CHECK (reason IN ('raised', 'escalated')),
    severity   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Events the notifier has routed (made its deliveries for, none if no route matched): its own table,
-- so each table keeps one writer (0006).
CREATE TABLE notification_routings (
    event_id  bigint      PRIMARY KEY REFERENCES notification_events (event_id) ON DELETE CASCADE,
    routed_at timestamptz NOT NULL DEFAULT now()
);

-- Every message sent to a contact point: what the rate limit counts, and the record of delivery.
CREATE TABLE notification_messages (
    message_id    bigserial   PRIMARY KEY,
    route         text        NOT NULL,
    contact_point text        NOT NULL,
    title         text        NOT NULL,
    alert_count   integer     NOT NULL,
    sent_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_messages_route_idx ON notification_messages (route, contact_point, sent_at);

-- One event to one contact point by one route. `pending` until sent (a message carries it),
-- `silenced` when a silence matched at routing time (kept, never sent).
CREATE TABLE notification_deliveries (
    delivery_id   bigserial   PRIMARY KEY,
    event_id      bigint      NOT NULL REFERENCES notification_events (event_id) ON DELETE CASCADE,
    alert_id      bigint      NOT NULL,
    route         text        NOT NULL,
    contact_point text        NOT NULL,
    group_key     text        NOT NULL,  -- deliveries of one route, contact point and key go in one message
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'silenced')),
    silence       text        NOT NULL DEFAULT '',
    due_at        timestamptz NOT NULL,  -- not before: the group's wait, the rate limit, or a retry's backoff
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    message_id    bigint      REFERENCES notification_messages (message_id),
    UNIQUE (event_id, route, contact_point)
);
CREATE INDEX notification_deliveries_pending_idx ON notification_deliveries (due_at) WHERE status = 'pending';

CREATE FUNCTION queue_alert_notification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO notification_events (alert_id, reason, severity) VALUES (NEW.alert_id, 'raised', NEW.severity);
    ELSIF NEW.severity = 'critical' AND OLD.severity <> 'critical' THEN
        INSERT INTO notification_events (alert_id, reason, severity) VALUES (NEW.alert_id, 'escalated', NEW.severity);
    ELSE
        RETURN NULL;
    END IF;
    PERFORM pg_notify('satmon_notification_events', NEW.alert_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER detector_alerts_queue_notification AFTER INSERT OR UPDATE OF severity ON detector_alerts
    FOR EACH ROW EXECUTE FUNCTION queue_alert_notification();

-- The notifier's own role owns the routings, deliveries and messages; the writer owns the events
-- (added through the trigger, in its transactions). The role is created with the others
-- (satmon_core.postgres.ServiceRole).
GRANT USAGE ON SCHEMA public TO satmon_notifier;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO satmon_notifier;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO satmon_notifier;
GRANT SELECT ON notification_events, notification_routings, notification_messages, notification_deliveries
    TO satmon_writer, satmon_ops, satmon_scheduler, satmon_worker, satmon_router;
GRANT INSERT ON notification_events TO satmon_writer;
GRANT USAGE ON SEQUENCE notification_events_event_id_seq TO satmon_writer;
GRANT INSERT ON notification_routings TO satmon_notifier;
GRANT INSERT, UPDATE ON notification_deliveries, notification_messages TO satmon_notifier;
GRANT USAGE ON SEQUENCE notification_deliveries_delivery_id_seq, notification_messages_message_id_seq
    TO satmon_notifier;
