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
