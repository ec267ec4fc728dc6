"""Where the repository and the local stack's state live."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["repo_root", "state_dir", "data_dir"]


def repo_root() -> Path:
    """The checkout satmon runs from (editable install), or SATMON_REPO."""
    if env := os.environ.get("SATMON_REPO"):
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def state_dir() -> Path:
    """Data, logs and PID files of the local stack; kept across `satmon down`."""
    return Path(os.environ.get("SATMON_HOME", repo_root() / ".satmon")).resolve()


def data_dir() -> Path:
    """The SMAP dataset, never copied into the repository."""
    env = os.environ.get("SATMON_DATA_DIR")
    path = Path(env) if env else repo_root().parent / "shared" / "data" / "smap"
    return path.resolve()
