"""Server state kept outside a checkout (PostgreSQL's and RabbitMQ's when satmon runs as root) is
deleted once the checkout's state directory is gone, and never while it exists."""

from __future__ import annotations

from pathlib import Path

from satmon_cli.stack.components import base


def _stack_folder(root: Path, name: str, state: Path | None) -> Path:
    folder = root / name
    (folder / "postgres").mkdir(parents=True)
    (folder / "postgres" / "PG_VERSION").write_text("15\n")
    if state is not None:
        (folder / "state-dir").write_text(str(state))
    return folder


def test_a_folder_whose_state_directory_was_deleted_is_swept(tmp_path):
    root = tmp_path / "var-lib-satmon"
    live_state = tmp_path / "checkout" / ".satmon"
    live_state.mkdir(parents=True)
    live = _stack_folder(root, "live", live_state)
    orphan = _stack_folder(root, "orphan", tmp_path / "deleted-clone" / ".satmon")
    unnamed = _stack_folder(root, "unnamed", None)

    assert base.sweep_orphaned_server_dirs(root) == [orphan]

    assert live.is_dir() and unnamed.is_dir() and not orphan.exists()


def test_a_missing_root_sweeps_nothing(tmp_path):
    assert base.sweep_orphaned_server_dirs(tmp_path / "absent") == []


def test_a_server_dir_outside_names_its_state_directory_and_deleting_the_state_removes_it(monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("SATMON_HOME", str(home))
    monkeypatch.setattr(base, "SERVER_ROOT", tmp_path / "var-lib-satmon")
    monkeypatch.setattr(base.os, "geteuid", lambda: 0)
    monkeypatch.setattr(base.shutil, "chown", lambda *args: None)
    orphan = _stack_folder(tmp_path / "var-lib-satmon", "orphan", tmp_path / "gone" / ".satmon")

    outside = base.server_dir("postgres", "postgres")

    assert outside.parent.parent == tmp_path / "var-lib-satmon"
    assert (home / "postgres").resolve() == outside
    assert Path((outside.parent / "state-dir").read_text()) == home
    assert not orphan.exists()  # a new stack's first start sweeps what deleted checkouts left
    assert base.server_dir("postgres", "postgres") == outside  # later calls follow the link

    base.delete_state(home)

    assert not home.exists() and not outside.parent.exists()
