"""Generates Python and TypeScript code from proto/ (the Envoy descriptor set is built by `buf build`).

One command (`satmon gen`) writes everything; the contract tests regenerate
into a scratch directory and fail when the committed tree differs.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from grpc_tools import protoc  # dev dependency: generation is a developer task

from satmon_core.paths import repo_root

__all__ = ["generate_all", "generate_python", "generate_typescript", "proto_files"]

_WKT_INCLUDE = Path(protoc.__file__).parent / "_proto"


def _includes() -> list[str]:
    root = repo_root()
    return [f"-I{root / 'proto'}", f"-I{root / 'third_party' / 'googleapis'}", f"-I{_WKT_INCLUDE}"]


def proto_files(include_third_party: bool = False) -> list[str]:
    """Proto paths relative to their include root, sorted for stable output."""
    root = repo_root()
    files = sorted(str(p.relative_to(root / "proto")) for p in (root / "proto").rglob("*.proto"))
    if include_third_party:
        tp = root / "third_party" / "googleapis"
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
    _run_protoc([f"--python_out={out_dir}", f"--pyi_out={out_dir}", f"--grpc_python_out={out_dir}", *proto_files()])
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


def generate_all(python_out: Path | None = None, ts_out: Path | None = None) -> None:
    root = repo_root()
    generate_python(python_out or root / "gen" / "python")
    generate_typescript(ts_out or root / "web" / "src" / "gen")


if __name__ == "__main__":  # pragma: no cover - convenience for `python -m`
    generate_all()
    sys.exit(0)
