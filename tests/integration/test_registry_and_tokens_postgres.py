"""The fleet registry (satellites) and the bearer-token store (api_tokens) in PostgreSQL."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from satmon_core.auth import POSITIVE_TTL_S, TokenVerifier, issue_token
from satmon_core.errors import TransientError
from satmon_core.fleet_registry import FleetRegistry, SatelliteEntry, register_satellites
from satmon_core.postgres import ServiceRole
from tests.support.clock import FakeClock

pytestmark = pytest.mark.middle


def _register(db, models, spacecraft_class="smap") -> None:
    with psycopg.connect(db.dsn) as conn:  # as the administrator's CLI does (`satmon simulate`, `register`)
        register_satellites(conn, models, spacecraft_class)


def test_a_registered_satellite_is_known_with_its_class_and_models(db):
    _register(db, {"SAT-001": {"acs": "SMAP_A-1"}, "SAT-002": {}})
    fleet = FleetRegistry(db.as_role(ServiceRole.ROUTER))
    assert fleet.entry("SAT-001") == SatelliteEntry("SAT-001", "smap", {"acs": "SMAP_A-1"})
    assert fleet.is_known("SAT-002") and not fleet.is_known("SAT-404")
    assert {view.spacecraft_class for view in fleet.subsystems_of("SAT-001")} == {"smap"}


def test_registering_again_moves_the_satellite_to_its_new_class_and_models(db):
    _register(db, {"SAT-001": {"acs": "SMAP_A-1"}})
    _register(db, {"SAT-001": {}}, spacecraft_class="leo_demo")
    assert FleetRegistry(db.as_role(ServiceRole.ROUTER)).entry("SAT-001") == SatelliteEntry("SAT-001", "leo_demo", {})
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM satellites").fetchone()[0] == 1


def test_a_satellite_registered_after_the_registry_loaded_is_found_on_a_later_miss(db):
    fleet = FleetRegistry(db.as_role(ServiceRole.ROUTER))
    assert fleet.entry("SAT-001") is None
    _register(db, {"SAT-001": {}})
    fleet.loaded_at -= 2  # a miss reloads at most once a second
    assert fleet.is_known("SAT-001")


def test_without_postgresql_a_known_satellite_stays_known_and_an_unknown_one_is_transient(db):
    _register(db, {"SAT-001": {}})
    fleet = FleetRegistry(db.as_role(ServiceRole.ROUTER))
    assert fleet.is_known("SAT-001")
    fleet.dsn = make_conninfo(fleet.dsn, port=1)  # PostgreSQL away: nothing listens on port 1
    fleet.loaded_at -= 60
    assert fleet.is_known("SAT-001")
    with pytest.raises(TransientError):
        fleet.entry("SAT-404")


# --- bearer tokens ------------------------------------------------------------------------------------

def _issue(db, name: str, role: str) -> str:
    with psycopg.connect(db.dsn) as conn:
        return issue_token(conn, name, role)


def test_an_issued_token_names_its_holder_and_role_and_is_stored_only_as_a_hash(db):
    token = _issue(db, "ana", "operator")
    verifier = TokenVerifier(db.as_role(ServiceRole.OPS))
    assert verifier.identity(token) == ("ana", "operator") and verifier.role(token) == "operator"
    assert verifier.identity(token + "x") is None
    with psycopg.connect(db.dsn) as conn:
        assert token not in {row[0] for row in conn.execute("SELECT token_sha256 FROM api_tokens")}


def test_a_revoked_token_stops_working_once_its_cached_answer_expires(db):
    token, clock = _issue(db, "ben", "viewer"), FakeClock(0.0)
    verifier = TokenVerifier(db.as_role(ServiceRole.OPS), clock=clock)
    assert verifier.role(token) == "viewer"
    with psycopg.connect(db.dsn) as conn:  # `satmon token revoke --name ben`
        conn.execute("UPDATE api_tokens SET revoked_at = now() WHERE name = 'ben'")
    assert verifier.role(token) == "viewer", "cached"
    clock.now += POSITIVE_TTL_S + 1
    assert verifier.role(token) is None


def test_a_token_needs_a_known_role(db):
    with psycopg.connect(db.dsn) as conn, pytest.raises(ValueError):
        issue_token(conn, "carla", "admin")
