"""End-to-end fixtures shared by modules: leo_demo onboarded once per session (its history imported,
its models trained and served), for the onboarding tests and the notification tests."""

from __future__ import annotations

import time

import pytest

from tests.support.onboarding import CLASS, satmon, write_archive

ONBOARDED_SATELLITES = ("LEO-501", "LEO-502")


@pytest.fixture(scope="session")
def onboarded(stack, tmp_path_factory):
    """leo_demo's history imported and its models trained and loaded, as the README walks it."""
    root = tmp_path_factory.mktemp("onboarding")
    history_start = (int(time.time()) - 3 * 3600) * 1_000_000_000
    write_archive(root / "history", ONBOARDED_SATELLITES, 2 * 3600, history_start)
    result = satmon("register", "--class", CLASS, *ONBOARDED_SATELLITES)
    assert result.returncode == 0, result.stderr
    result = satmon("import", str(root / "history"), "--class", CLASS)
    assert result.returncode == 0, result.stderr
    result = satmon("train", "--class", CLASS, "--out", str(root / "models"))
    assert result.returncode == 0, result.stdout + result.stderr
    return root
