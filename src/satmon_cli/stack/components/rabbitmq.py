"""RabbitMQ (Celery's broker) and the epmd it registers with."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from satmon_cli.stack.components.base import Component, owned_dir, server_dir, tcp_open, which
from satmon_cli.stack.layout import HOST, Credentials, load_or_create_credentials, port

__all__ = ["EPMD", "RABBITMQ", "RABBIT_NODE", "rabbitmqctl"]

RABBIT_NODE = "satmon@localhost"
_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


def _user() -> str | None:
    return "rabbitmq" if os.geteuid() == 0 else None


def _dir() -> Path:
    return server_dir("rabbitmq", _user())


def _env() -> dict[str, str]:
    base = _dir()
    env = dict(os.environ)
    env.update({
        "HOME": str(base / "home"),
        "RABBITMQ_NODENAME": RABBIT_NODE,
        "RABBITMQ_NODE_IP_ADDRESS": HOST,
        "RABBITMQ_NODE_PORT": str(port("rabbitmq")),
        "RABBITMQ_DIST_PORT": str(port("rabbitmq-dist")),
        # Erlang distribution (the server's and rabbitmqctl's own) on loopback like every other listener.
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        "RABBITMQ_CTL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        "ERL_EPMD_ADDRESS": HOST,
        "ERL_EPMD_PORT": str(port("epmd")),
        "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
        "RABBITMQ_LOG_BASE": str(base / "log"),
        "RABBITMQ_LOGS": "-",
        "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
        "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
        "RABBITMQ_PID_FILE": str(base / "rabbitmq.pid"),
    })
    return env


def _prepare() -> None:
    base = owned_dir(_dir(), _user())
    for sub in ("home", "mnesia", "log"):
        owned_dir(base / sub, _user())
    (base / "enabled_plugins").write_text("[rabbitmq_management].\n")
    (base / "rabbitmq-env.conf").write_text("# satmon sets everything through the environment\n")
    (base / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = {HOST}:{port('rabbitmq')}\n"
        # The management UI and API, on loopback like everything else, behind the satmon user.
        f"management.tcp.ip = {HOST}\n"
        f"management.tcp.port = {port('rabbitmq-management')}\n"
        "loopback_users.guest = true\n"
        # Replays push bursts; keep the disk alarm from blocking publishers on small dev disks.
        "disk_free_limit.absolute = 200MB\n"
    )
    for f in ("enabled_plugins", "rabbitmq-env.conf", "rabbitmq.conf"):
        if _user():
            shutil.chown(base / f, _user(), _user())


def rabbitmqctl(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """rabbitmqctl against the stack's node, as the server's user."""
    argv = ["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", RABBIT_NODE, *args]
    if _user():
        argv = ["setpriv", f"--reuid={_user()}", f"--regid={_user()}", "--init-groups", *argv]
    return subprocess.run(argv, env=_env(), capture_output=True, text=True, timeout=timeout, cwd=_dir())


def _ready() -> bool:
    # The retry loop around await_startup lives in procs.wait_until.
    return rabbitmqctl("await_startup", "--timeout", "5", timeout=15).returncode == 0


def _configure() -> None:
    creds = load_or_create_credentials()
    user, vhost = Credentials.RABBITMQ_USER, Credentials.RABBITMQ_VHOST
    if rabbitmqctl("add_user", user, creds.rabbitmq_password).returncode != 0:
        rabbitmqctl("change_password", user, creds.rabbitmq_password).check_returncode()
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*").check_returncode()
    rabbitmqctl("set_user_tags", user, "management").check_returncode()  # may use the management UI
    rabbitmqctl("delete_user", "guest")  # absent after the first run; that is fine


EPMD = Component(
    name="epmd",
    ports=("epmd",),
    executables=lambda: [("epmd (erlang-base, with rabbitmq-server)", which("epmd"))],
    argv=lambda: [which("epmd"), "-port", str(port("epmd")), "-address", HOST],
    env=lambda: {**os.environ, "ERL_EPMD_ADDRESS": HOST},
    ready=lambda: tcp_open(port("epmd")),
    endpoint=lambda: f"{HOST}:{port('epmd')}",
)

RABBITMQ = Component(
    name="rabbitmq",
    ports=("rabbitmq", "rabbitmq-dist", "rabbitmq-management"),
    executables=lambda: [("rabbitmq-server", _SERVER if os.path.exists(_SERVER) else None)],
    prepare=_prepare,
    argv=lambda: [_SERVER],
    env=_env,
    ready=_ready,
    configure=_configure,
    user=_user(),
    start_timeout=120,
    endpoint=lambda: (f"amqp://{HOST}:{port('rabbitmq')}/{Credentials.RABBITMQ_VHOST} (management UI "
                      f"http://{HOST}:{port('rabbitmq-management')}/, user {Credentials.RABBITMQ_USER}, "
                      "password RABBITMQ_PASSWORD in credentials.env)"),
)
