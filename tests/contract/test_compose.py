"""compose.yaml validates against the Compose specification and names only what exists here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    import yaml

    return yaml.safe_load((REPO / "compose.yaml").read_text())


def test_compose_validates_against_the_compose_spec_schema():
    # check-jsonschema ships the compose-spec JSON schema (vendor.compose-spec).
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
                             str(REPO / "compose.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_built_service_exists_in_the_repository():
    services = _compose()["services"]
    for name, service in services.items():
        build = service.get("build")
        if build is None:
            continue
        context = REPO / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = context / (build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
        assert dockerfile.exists(), f"{name}: {dockerfile} missing"
    ours = {"router", "scheduler", "worker", "writer", "ops-api", "envoy", "web", "triton"}
    assert ours <= set(services), ours - set(services)
    for path in ("services/router", "services/scheduler", "services/worker", "services/writer", "services/ops-api",
                 "envoy", "web", "triton-repository"):
        assert (REPO / path).is_dir(), path


def test_the_services_image_builds_and_installs_satmon_native():
    """The services import satmon_native (the compiled hot paths): the image must build the crate
    the install builds, from its lock file."""
    dockerfile = (REPO / "services" / "Dockerfile").read_text()
    assert "COPY native /native" in dockerfile and "--locked" in dockerfile
    assert "pip install --no-cache-dir /wheels/*.whl" in dockerfile
    assert (REPO / "native" / "Cargo.lock").is_file() and (REPO / "native" / "pyproject.toml").is_file()


def test_every_satmon_service_runs_as_several_replicas():
    services = _compose()["services"]
    for name in ("router", "scheduler", "worker", "writer", "ops-api"):
        assert services[name]["deploy"]["replicas"] >= 2, name


def test_compose_has_health_checks_gpu_and_no_default_passwords():
    compose = _compose()
    for name, service in compose["services"].items():
        build = service.get("build") or {}
        dockerfile = REPO / build.get("dockerfile", "Dockerfile") if build else None
        in_image = dockerfile is not None and "HEALTHCHECK" in dockerfile.read_text()
        if name not in ("otel-collector", "web"):
            assert "healthcheck" in service or in_image, f"{name} has no healthcheck"
        for dep, condition in (service.get("depends_on") or {}).items():
            if dep == "otel-collector":  # distroless image without a shell: no health check to wait on
                continue
            assert condition["condition"] in ("service_healthy", "service_completed_successfully"), (name, dep)
    devices = compose["services"]["triton"]["deploy"]["resources"]["reservations"]["devices"]
    assert any("gpu" in d.get("capabilities", []) for d in devices)
    text = (REPO / "compose.yaml").read_text()
    assert "guest" not in text and "password:" not in text.lower().replace("_password:", "")
    example = (REPO / ".env.example").read_text()
    assert "POSTGRES_PASSWORD=" in example and "RABBITMQ_PASSWORD=" in example
    assert json.dumps(compose["volumes"])  # named volumes declared


def test_compose_keeps_the_backend_private_and_the_edge_encrypted():
    compose = _compose()
    services = compose["services"]
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("kafka", "rabbitmq", "postgres", "victoria-metrics", "triton", "router", "scheduler", "worker",
                 "writer", "ops-api"):
        assert services[name]["networks"] == ["backend"], name
        assert "ports" not in services[name], f"{name} publishes a port"
    # The notifier reaches contact points outside through a network of its own, and publishes nothing.
    assert services["notifier"]["networks"] == ["backend", "notify"] and "ports" not in services["notifier"]
    assert compose["networks"]["notify"].get("internal") is not True
    # Envoy: TLS certificate and key required from .env; the admin port not published.
    envoy = services["envoy"]
    assert envoy["ports"] == ["8080:8080"]
    assert any("ENVOY_TLS_CERT:?" in v for v in envoy["volumes"]) and any("ENVOY_TLS_KEY:?" in v for v in envoy["volumes"])
    dockerfile = (REPO / "envoy" / "Dockerfile").read_text()
    assert "--admin-bind 127.0.0.1" in dockerfile and "SATMON_ENVOY_TLS_CERT=" in dockerfile
    assert services["jaeger"]["ports"] == ["127.0.0.1:16686:16686"]
    # The services connect as the rows-only role; only the migrations job uses the schema owner.
    assert services["router"]["environment"]["SATMON_PG_DSN"].startswith("postgresql://satmon:")
    assert services["init"]["environment"]["SATMON_PG_DSN"].startswith("postgresql://satmon_admin:")
    assert "ENVOY_TLS_CERT=" in (REPO / ".env.example").read_text()


def test_the_envoy_admin_interface_is_rendered_on_loopback_even_when_the_listener_is_public(tmp_path):
    import yaml

    from satmon_cli.envoy_config import render_envoy_config

    config = yaml.safe_load(render_envoy_config(tmp_path, bind="0.0.0.0").read_text())
    assert config["admin"]["address"]["socket_address"]["address"] == "127.0.0.1"
    listener = config["static_resources"]["listeners"][0]["address"]["socket_address"]["address"]
    assert listener == "0.0.0.0"
