"""The middle layer's fixtures: one PostgreSQL of its own for the session (nothing else of the
stack), emptied before each test that uses it."""

from __future__ import annotations

import pytest

from tests.support.postgres_server import PostgresServer, throwaway_postgres


@pytest.fixture(scope="session")
def postgres(tmp_path_factory) -> PostgresServer:
    with throwaway_postgres(tmp_path_factory.mktemp("postgres-home")) as server:
        yield server


@pytest.fixture
def db(postgres) -> PostgresServer:
    """The session's PostgreSQL with empty tables."""
    postgres.empty_tables()
    return postgres
