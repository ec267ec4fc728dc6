-- Alert changes are announced as their transactions commit: NOTIFY satmon_alert_changes with the
-- alert id as payload, from every table the alerts view is made of. ops-api LISTENs and streams
-- them to the dashboard as events instead of polling the view every second. PostgreSQL folds
-- identical notifications of one transaction into one, so a batch that extends an alert many times
-- announces it once.
CREATE FUNCTION notify_alert_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('satmon_alert_changes', NEW.alert_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER detector_alerts_announce AFTER INSERT OR UPDATE ON detector_alerts
    FOR EACH ROW EXECUTE FUNCTION notify_alert_change();
CREATE TRIGGER alert_acknowledgements_announce AFTER INSERT OR UPDATE ON alert_acknowledgements
    FOR EACH ROW EXECUTE FUNCTION notify_alert_change();
CREATE TRIGGER alert_resolutions_announce AFTER INSERT OR UPDATE ON alert_resolutions
    FOR EACH ROW EXECUTE FUNCTION notify_alert_change();
CREATE TRIGGER alert_lifecycle_announce AFTER INSERT OR UPDATE ON alert_lifecycle
    FOR EACH ROW EXECUTE FUNCTION notify_alert_change();
