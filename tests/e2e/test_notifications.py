"""Notifications on the real stack: leo_demo telemetry with faults replayed for satellites of their
own, the writer raises limit alerts (and the detector model alerts), and the notifier delivers every
new and escalated alert to a real SMTP server and an HTTP webhook, once each, with its trend link.
Then the webhook is taken away during a replay: the pipeline's counts stay exact, deliveries wait with
their error, and once the receiver is back every alert arrives, once."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from satmon_cli.stack.layout import HOST, METRICS_OFFSET, port
from satmon_core.config import notifications_file
from satmon_detection.windows import WINDOW_SIZE, stream_phase, window_starts
from satmon_mdb import load_mission_database
from satmon_simulator.domain.bus_archive import Fault
from tests.support.contact_points import SmtpInbox, WebhookInbox, alert_events
from tests.support.onboarding import CLASS, satmon, write_archive
from tests.support.pipeline import rows, scalar, wait_for

pytestmark = pytest.mark.stack

LIVE_ROWS = 300
FAULTS = [Fault("low_battery", 60), Fault("cold_obc", 200)]  # yellow battery limits, then a red OBC one


@pytest.fixture
def inboxes():
    smtp, hook = SmtpInbox().start(), WebhookInbox().start()
    yield smtp, hook
    notifications_file().write_text("routes: []\n")  # later tests' alerts go nowhere
    _wait_for_routes(0)
    smtp.stop()
    hook.stop()


def _notifier_metric(name: str) -> float | None:
    with urllib.request.urlopen(f"http://{HOST}:{port('notifier') + METRICS_OFFSET}/metrics", timeout=3) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    return None


def _wait_for_routes(count: int) -> None:
    assert wait_for(lambda: _notifier_metric("satmon_notification_routes") == count, 30), \
        "the notifier did not take up the new configuration"


def _configure(smtp: SmtpInbox, hook: WebhookInbox, satellites: str, contact_points: str) -> None:
    notifications_file().write_text(f"""
dashboard_url: http://{HOST}:{port('envoy')}/
contact_points:
  mail: {{urls: ["{smtp.url}"]}}
  hook: {{urls: ["{hook.url}"]}}
routes:
  - name: test-fleet
    match: {{satellites: ["{satellites}"]}}
    contact_points: {contact_points}
    group_by: [satellite]
    group_wait_s: 2
""")
    _wait_for_routes(1)


def _replay(tmp_path: Path, satellites: tuple[str, ...], first_index: int) -> int:
    """Registers the satellites, replays LIVE_ROWS of faulty telemetry for them and waits until every
    window is scored exactly once; returns how many windows that is."""
    assert satmon("register", "--class", CLASS, *satellites).returncode == 0
    write_archive(tmp_path / "live", satellites, LIVE_ROWS, time.time_ns(), FAULTS, seed=3, first_index=first_index)
    result = satmon("simulate", "--class", CLASS, "--archive", str(tmp_path / "live"), "--speedup", "50")
    assert result.returncode == 0, result.stderr
    starts = {(sat, view.name): window_starts(LIVE_ROWS, phase=stream_phase(sat, view.name))
              for sat in satellites for view in load_mission_database().subsystems(CLASS)}
    expected = sum(map(len, starts.values()))

    def scored() -> int:
        return scalar("SELECT count(*) FROM subsystem_inferences si JOIN inference_jobs j USING (job_id) "
                      "WHERE j.source = 'stream' AND j.status = 'completed' AND j.satellite_id = ANY(%s)",
                      (list(satellites),))

    def decided() -> dict[tuple[str, str], int]:
        return {(sat, subsystem): position for sat, subsystem, position in rows(
            "SELECT satellite_id, subsystem, max(next_sequence) FROM detector_states WHERE satellite_id = ANY(%s) "
            "GROUP BY 1, 2", (list(satellites),))}

    # The jobs loop stores the scores (`scored`); the results loop, which raises and escalates the alerts
    # and so queues their notification events, runs beside it and may lag: wait until every stream's
    # detector has decided every record up to its last window's end.
    assert wait_for(lambda: scored() >= expected, 180), f"{scored()} of {expected} windows scored"
    last_ends = {stream: int(s[-1]) + WINDOW_SIZE for stream, s in starts.items()}
    assert wait_for(lambda: all(decided().get(stream, 0) >= end for stream, end in last_ends.items()), 60), \
        (decided(), last_ends)
    time.sleep(5)  # anything beyond the expected count would be a double
    assert scored() == expected
    return expected


def _events(satellites: tuple[str, ...]) -> list[tuple[int, str]]:
    """Every raised or escalated alert of these satellites, as the outbox queued them."""
    return sorted(rows("SELECT e.alert_id, e.reason FROM notification_events e JOIN detector_alerts d USING (alert_id) "
                       "WHERE d.satellite_id = ANY(%s)", (list(satellites),)))


def _limit_alerts_closed(satellites: tuple[str, ...]) -> bool:
    alerts = rows("SELECT state FROM alerts WHERE kind = 'limit' AND satellite_id = ANY(%s)", (list(satellites),))
    return len(alerts) == 3 * len(satellites) and all(state == "closed" for (state,) in alerts)


def _all_sent(satellites: tuple[str, ...]) -> bool:
    return scalar("SELECT count(*) FROM notification_deliveries WHERE status <> 'sent' AND alert_id IN "
                  "(SELECT alert_id FROM detector_alerts WHERE satellite_id = ANY(%s))", (list(satellites),)) == 0 and \
        scalar("SELECT count(*) FROM notification_events e JOIN detector_alerts d USING (alert_id) "
               "WHERE d.satellite_id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM notification_routings r WHERE r.event_id = e.event_id)", (list(satellites),)) == 0


def test_every_new_alert_reaches_email_and_webhook_once_with_its_trend_link(onboarded, inboxes, tmp_path):
    smtp, hook = inboxes
    satellites = ("NTF-101", "NTF-102")
    _configure(smtp, hook, "NTF-1*", "[mail, hook]")
    _replay(tmp_path, satellites, first_index=700)
    assert wait_for(lambda: _limit_alerts_closed(satellites), 60)
    events = _events(satellites)
    assert len(events) >= 6  # three limit alerts per satellite, and any model alerts the faults raised
    assert wait_for(lambda: _all_sent(satellites), 60), rows("SELECT * FROM notification_deliveries")

    mailed = sorted(event for _, body in smtp.messages for event in alert_events(body))
    posted = sorted(event for post in hook.posts for event in alert_events(post["message"]))
    assert mailed == events and posted == events  # every event, once, at each contact point
    # Grouped by satellite: a message never mixes satellites, and the replay's alerts did not need one each.
    assert all(" on NTF-10" in subject for subject, _ in smtp.messages)
    assert any(len(alert_events(body)) > 1 for _, body in smtp.messages)  # battery voltage and charge together
    for subject, body in smtp.messages:
        satellite = subject.rsplit(" on ", 1)[1]
        assert f"http://{HOST}:{port('envoy')}/#/trends?satellite={satellite}&subsystem=" in body
    critical = [subject for subject, body in smtp.messages if "obc_temperature" in body]
    assert critical and all(subject.startswith("[satmon CRITICAL]") for subject in critical)
    assert {post["type"] for post in hook.posts} <= {"failure", "warning"}

    listed = satmon("notify", "list")
    assert listed.returncode == 0 and "test-fleet" in listed.stdout and "pending 0" in listed.stdout, listed.stdout


def test_a_webhook_that_is_away_loses_nothing_and_the_pipeline_is_not_held_up(onboarded, inboxes, tmp_path):
    smtp, hook = inboxes
    satellites = ("NTF-201", "NTF-202")
    _configure(smtp, hook, "NTF-2*", "[hook]")
    hook.stop()  # the receiving end is down for the whole replay

    _replay(tmp_path, satellites, first_index=720)  # every window scored once while deliveries fail
    assert wait_for(lambda: _limit_alerts_closed(satellites), 60)
    events = _events(satellites)
    assert len(events) >= 6

    def failing() -> list[tuple]:
        return rows("SELECT attempts, last_error FROM notification_deliveries WHERE status = 'pending' AND "
                    "alert_id IN (SELECT alert_id FROM detector_alerts WHERE satellite_id = ANY(%s))",
                    (list(satellites),))

    assert wait_for(lambda: len(failing()) == len(events) and all(a >= 1 and e for a, e in failing()), 60), failing()
    listed = satmon("notify", "list")
    assert "waiting after" in listed.stdout and "Connection" in listed.stdout, listed.stdout
    assert hook.posts == []

    hook.start()  # back on the same port: the retries find it
    assert wait_for(lambda: _all_sent(satellites), 180), failing()
    posted = sorted(event for post in hook.posts for event in alert_events(post["message"]))
    assert posted == events
    assert smtp.messages == []  # this route sends to the webhook only
