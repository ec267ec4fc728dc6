"""Generates Python and TypeScript code from proto/ (the Envoy descriptor set is built by `buf build`).

One command (`satmon gen`) writes everything; the contract tests regenerate
into a scratch directory and fail when the committed tree differs.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2
from grpc_tools import protoc  # dev dependency: generation is a developer task

from satmon_cli.openapi_rules import declare_rules
from satmon_core.paths import repo_root

__all__ = ["generate_all", "generate_python", "generate_typescript", "generate_openapi", "proto_files", "OPENAPI_FILE"]

# The REST reference: one OpenAPI (Swagger 2.0) document for every google.api.http rule, served by
# Envoy at /api/v1/openapi.json.
OPENAPI_FILE = Path("gen") / "openapi" / "satmon.openapi.json"

_WKT_INCLUDE = Path(protoc.__file__).parent / "_proto"


# Vendored protos we import: googleapis (HTTP rules, field behaviour, rpc status) and protovalidate
# (buf.validate request rules, v1.2.2 from the Go module proxy, Apache-2.0).
_THIRD_PARTY = ("googleapis", "protovalidate")
# Third-party protos generated into gen/python because no PyPI package ships their code.
_PYTHON_THIRD_PARTY = ["buf/validate/validate.proto"]


def _includes() -> list[str]:
    root = repo_root()
    return [f"-I{root / 'proto'}", *(f"-I{root / 'third_party' / name}" for name in _THIRD_PARTY), f"-I{_WKT_INCLUDE}"]


def proto_files(include_third_party: bool = False) -> list[str]:
    """Proto paths relative to their include root, sorted for stable output."""
    root = repo_root()
    files = sorted(str(p.relative_to(root / "proto")) for p in (root / "proto").rglob("*.proto"))
    if include_third_party:
        for name in _THIRD_PARTY:
            tp = root / "third_party" / name
            files += sorted(str(p.relative_to(tp)) for p in tp.rglob("*.proto"))
    return files


def _run_protoc(args: list[str]) -> None:
    code = protoc.main(["grpc_tools.protoc", *_includes(), *args])
    if code != 0:
        raise RuntimeError(f"protoc failed with exit code {code}: {' '.join(args[:3])} ...")


def generate_python(out_dir: Path) -> None:
    """Messages, .pyi stubs and gRPC stubs for proto/ into out_dir."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    _run_protoc([f"--python_out={out_dir}", f"--pyi_out={out_dir}", f"--grpc_python_out={out_dir}", *proto_files(),
                 *_PYTHON_THIRD_PARTY])
    for package in sorted({p.parent for p in out_dir.rglob("*.py")} | {out_dir / "satmon"}):
        while package != out_dir:
            (package / "__init__.py").touch()
            package = package.parent


def generate_typescript(out_dir: Path) -> None:
    """protoc-gen-es TypeScript (messages and service descriptors) into out_dir."""
    plugin = repo_root() / "web" / "node_modules" / ".bin" / "protoc-gen-es"
    if not plugin.exists():
        raise RuntimeError(f"{plugin} is missing: run `npm ci` in web/ first")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    _run_protoc([f"--plugin=protoc-gen-es={plugin}", f"--es_out={out_dir}", "--es_opt=target=ts",
                 *proto_files(include_third_party=True)])


def generate_openapi(out_file: Path) -> None:
    """protoc-gen-openapiv2 (grpc-gateway; scripts/install.sh builds it) merged into one document.
    Field names are the JSON names REST takes (`start`, `satelliteId`); enums list every accepted value."""
    plugins = sorted((repo_root() / ".cache" / "bin").glob("protoc-gen-openapiv2-*"))
    if not plugins:
        raise RuntimeError("protoc-gen-openapiv2 is missing: run ./scripts/install.sh first")
    with tempfile.TemporaryDirectory() as scratch:
        # The plugin wants a Go package per file; these protos have none (nothing here is Go).
        go_packages = ",".join(f"M{f}=satmon/{Path(f).parent}" for f in proto_files())
        _run_protoc([f"--plugin=protoc-gen-openapiv2={plugins[-1]}", f"--openapiv2_out={scratch}",
                     "--openapiv2_opt=allow_merge=true,merge_file_name=satmon,json_names_for_fields=true,"
                     f"omit_enum_default_value=true,{go_packages}", *proto_files()])
        document = json.loads((Path(scratch) / "satmon.swagger.json").read_text())
        # The same descriptors, for the request rules the plugin does not declare.
        _run_protoc([f"--descriptor_set_out={scratch}/set.pb", "--include_imports", *proto_files()])
        descriptors = descriptor_pb2.FileDescriptorSet.FromString((Path(scratch) / "set.pb").read_bytes())
    declare_rules(document, descriptors.file)
    document["info"] = {"title": "satmon REST API", "version": "v1",
                        "description": "Generated from proto/ by protoc-gen-openapiv2 (`satmon gen`). Every "
                                       "path needs `Authorization: Bearer <token>` except /health."}
    document["securityDefinitions"] = {"bearer": {"type": "apiKey", "name": "Authorization", "in": "header",
                                                  "description": "`Bearer <token>` (satmon token create)"}}
    document["security"] = [{"bearer": []}]
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def generate_all(python_out: Path | None = None, ts_out: Path | None = None, openapi_out: Path | None = None) -> None:
    root = repo_root()
    generate_python(python_out or root / "gen" / "python")
    generate_typescript(ts_out or root / "web" / "src" / "gen")
    generate_openapi(openapi_out or root / OPENAPI_FILE)


if __name__ == "__main__":  # pragma: no cover - convenience for `python -m`
    generate_all()
    sys.exit(0)
