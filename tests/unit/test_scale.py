"""`satmon up --scale`: what it accepts, the processes it adds and where they listen."""

from __future__ import annotations

import pytest

from satmon_cli.stack.layout import port, read_scale, write_scale
from satmon_cli.stack.supervisor import StackError, parse_scale


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SATMON_HOME", str(tmp_path))
    for name in ("SCHEDULER", "WRITER"):
        monkeypatch.delenv(f"SATMON_PORT_{name}", raising=False)
    return tmp_path


def test_scale_names_scalable_services_with_counts():
    assert parse_scale("worker=2, scheduler=3") == {"worker": 2, "scheduler": 3}
    assert parse_scale("") == {}


@pytest.mark.parametrize("text,named", [("kafka=2", "'kafka' cannot be scaled"), ("writer=0", "'writer=0'"),
                                        ("writer=ten", "'writer=ten'"), ("router=10", "'router=10'")])
def test_a_bad_scale_is_one_line_naming_it(text, named):
    with pytest.raises(StackError, match=named):
        parse_scale(text)


def test_further_processes_follow_their_service_on_their_own_ports(home, monkeypatch):
    from satmon_cli.stack.components import components

    write_scale({"scheduler": 2, "writer": 3})
    assert read_scale()["scheduler"] == 2 and read_scale()["router"] == 1
    names = [c.name for c in components()]
    assert names[names.index("writer"):names.index("writer") + 3] == ["writer", "writer-2", "writer-3"]
    assert names[names.index("scheduler") + 1] == "scheduler-2"
    assert (port("scheduler"), port("scheduler-2"), port("writer-3")) == (7052, 7062, 7074)
    monkeypatch.setenv("SATMON_PORT_SCHEDULER", "9052")  # a shifted stack shifts its replicas too
    assert port("scheduler-2") == 9062
    with pytest.raises(KeyError):
        port("kafka-2")
