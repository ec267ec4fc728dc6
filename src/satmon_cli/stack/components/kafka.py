"""Apache Kafka: one KRaft node (broker and controller), its jars resolved by Maven from the pinned pom."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from satmon_cli.stack.components.base import Component, tcp_open
from satmon_cli.stack.layout import HOST, port
from satmon_cli.stack.server_flags import KAFKA_PROPERTIES
from satmon_core.paths import repo_root, state_dir

__all__ = ["KAFKA", "KAFKA_POM", "kafka_lib_dir", "resolve_kafka_jars"]

KAFKA_POM = repo_root() / "deploy" / "kafka" / "pom.xml"
KAFKA_HEAP = "512m"


def _version() -> str:
    import xml.etree.ElementTree as ET

    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    return ET.parse(KAFKA_POM).getroot().findtext("m:properties/m:kafka.version", namespaces=ns)


def kafka_lib_dir() -> Path:
    """The broker's jars, resolved once per version into a cache (the checkout's .cache/, or
    SATMON_CACHE_DIR; not the state directory, which tests and users delete), so no network is
    needed after the first time."""
    cache = Path(os.environ.get("SATMON_CACHE_DIR", repo_root() / ".cache"))
    return cache / f"kafka-{_version()}" / "lib"


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
        raise RuntimeError(f"Maven could not resolve Apache Kafka {_version()} jars: {last[0][:300]}")
    done.touch()
    return lib


def _dir() -> Path:
    return state_dir() / "kafka"


def _properties() -> str:
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
        f"log.dirs={_dir() / 'data'}",
        *(f"{name}={value}" for name, value in KAFKA_PROPERTIES.items()),
        "",
    ])


def _prepare() -> None:
    lib = resolve_kafka_jars()
    base = _dir()
    base.mkdir(parents=True, exist_ok=True)
    (base / "server.properties").write_text(_properties())
    if (base / "data" / "meta.properties").exists():
        return
    java = ["java", "-cp", f"{lib}/*", "kafka.tools.StorageTool"]
    cluster = subprocess.run([*java, "random-uuid"], capture_output=True, text=True, timeout=60).stdout.strip()
    result = subprocess.run([*java, "format", "-t", cluster.splitlines()[-1], "-c", str(base / "server.properties")],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"kafka storage format failed: {(result.stderr or result.stdout).strip()[-300:]}")


def _argv() -> list[str]:
    return ["java", f"-Xms{KAFKA_HEAP}", f"-Xmx{KAFKA_HEAP}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={repo_root() / 'deploy' / 'kafka' / 'log4j2.properties'}",
            "-cp", f"{kafka_lib_dir()}/*", "kafka.Kafka", str(_dir() / "server.properties")]


def _ready() -> bool:
    from confluent_kafka.admin import AdminClient

    tcp_open(port("kafka"))  # raises until the listener is up, before librdkafka would log refusals
    metadata = AdminClient({"bootstrap.servers": f"{HOST}:{port('kafka')}"}).list_topics(timeout=3)
    return bool(metadata.brokers)


def _configure() -> None:
    from satmon_core.kafka import ensure_topics
    from satmon_core.topics import all_topics

    ensure_topics(f"{HOST}:{port('kafka')}", all_topics())


KAFKA = Component(
    name="kafka",
    ports=("kafka", "kafka-controller"),
    executables=lambda: [("a Java 17+ runtime (java)", shutil.which("java"))],
    prepare=_prepare,
    argv=_argv,
    ready=_ready,
    configure=_configure,
    start_timeout=90,
    endpoint=lambda: f"{HOST}:{port('kafka')} (Apache Kafka {_version()}, KRaft)",
)
