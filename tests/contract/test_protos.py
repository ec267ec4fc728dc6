"""The contracts: buf lint, and generated code that matches proto/."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

from satmon_cli.codegen import OPENAPI_FILE, generate_openapi, generate_python, generate_typescript

REPO = Path(__file__).resolve().parents[2]


def _buf() -> str:
    return shutil.which("buf") or str(Path(sys.executable).parent / "buf")


def test_buf_lint_passes():
    result = subprocess.run([_buf(), "lint"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_build_includes_error_details_for_envoy(tmp_path):
    from google.protobuf import descriptor_pb2

    out = tmp_path / "image.binpb"
    subprocess.run([_buf(), "build", "-o", str(out), "--as-file-descriptor-set"], cwd=REPO, check=True)
    names = {f.name for f in descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file}
    assert {"google/rpc/error_details.proto", "satmon/ops/v1/ops_service.proto"} <= names


def _diff(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    problems = [f"only in {a}: {n}" for n in cmp.left_only] + [f"only in {b}: {n}" for n in cmp.right_only]
    problems += [f"differs: {a / n}" for n in cmp.diff_files]
    for sub in cmp.common_dirs:
        problems += _diff(a / sub, b / sub)
    return problems


def test_generated_python_is_current(tmp_path):
    generate_python(tmp_path / "python")
    assert not _diff(REPO / "gen" / "python", tmp_path / "python"), "run `satmon gen` and commit the result"


def test_generated_typescript_is_current(tmp_path):
    generate_typescript(tmp_path / "ts")
    assert not _diff(REPO / "web" / "src" / "gen", tmp_path / "ts"), "run `satmon gen` and commit the result"


def test_generated_openapi_is_current(tmp_path):
    generate_openapi(tmp_path / "satmon.openapi.json")
    committed = (REPO / OPENAPI_FILE).read_text()
    assert committed == (tmp_path / "satmon.openapi.json").read_text(), "run `satmon gen` and commit the result"


def test_openapi_lists_every_rest_path_with_flat_parameters_and_short_enum_names():
    import json

    document = json.loads((REPO / OPENAPI_FILE).read_text())
    assert {"/api/v1/alerts", "/api/v1/alerts/{alertId}/acknowledge", "/api/v1/alerts/{alertId}/resolve",
            "/api/v1/trends/raw", "/api/v1/inference/submit", "/api/v1/query/jobs"} <= set(document["paths"])
    trend = {p["name"]: p for p in document["paths"]["/api/v1/trends/raw"]["get"]["parameters"]}
    assert {"satelliteId", "subsystem", "start", "end", "step"} <= set(trend)
    assert trend["subsystem"]["type"] == "string" and "enum" not in trend["subsystem"]  # names of the mission database


def test_every_rpc_has_its_own_messages_and_an_http_rule():
    from google.api import annotations_pb2

    from satmon.detection.v1 import inference_service_pb2, scheduling_service_pb2
    from satmon.ops.v1 import ops_service_pb2
    from satmon.telemetry.v1 import routing_service_pb2

    seen = set()
    for module in (routing_service_pb2, scheduling_service_pb2, inference_service_pb2, ops_service_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                assert method.input_type.name == f"{method.name}Request"
                # A download (CSV export) answers REST with google.api.HttpBody, the one exception.
                assert method.output_type.name == f"{method.name}Response" or (
                    method.output_type.full_name == "google.api.HttpBody" and method.name.startswith("Export"))
                assert method.input_type.full_name not in seen
                seen.add(method.input_type.full_name)
                rule = method.GetOptions().Extensions[annotations_pb2.http]
                assert rule.WhichOneof("pattern"), f"{service.name}.{method.name} has no google.api.http rule"
