"""NVIDIA Triton for the local stack: the real `tritonserver`, CPU-only, over a rendered repository.

The `nvidia-pytriton` wheel ships NVIDIA's `tritonserver` (Triton 2.51) with its Python backend but
no ONNX Runtime backend. `satmon up` therefore renders triton-repository/ (what production Triton
serves with the ONNX Runtime backend on a GPU, left unchanged) into the state directory: each
model's config.pbtxt with `platform: "onnxruntime_onnx"` replaced by `backend: "python"` and CPU
instances, the same model.onnx (linked), and one shared model.py (deploy/triton/model.py) that runs
it with ONNX Runtime. Inputs, outputs, batching and parameters are untouched, and a contract test
holds the two repositories to that.

Triton and the Python stub's packages (numpy < 2, ONNX Runtime 1.20) live in their own environment,
`.venv-triton/` (scripts/install.sh, pinned in deploy/triton/requirements.txt).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from satmon_core.paths import repo_root, state_dir

__all__ = ["TRITON_ENV", "render_repository", "trained_models_dir", "render_model", "render_config", "tritonserver", "backends_dir",
           "stub_env_bin", "load_models"]

TRITON_ENV = repo_root() / ".venv-triton"
MODEL_PY = repo_root() / "deploy" / "triton" / "model.py"


def _dist() -> Path:
    return next(iter((TRITON_ENV / "lib").glob("python3*/site-packages/pytriton/tritonserver")),
                TRITON_ENV / "missing")


def tritonserver() -> str | None:
    binary = _dist() / "bin" / "tritonserver"
    return str(binary) if binary.exists() else None


def backends_dir() -> Path:
    return _dist() / "backends"


def stub_env_bin() -> Path:
    """First on tritonserver's PATH: the Python stub takes its packages from the python3 found there."""
    return TRITON_ENV / "bin"


def render_config(production: str) -> str:
    """The local configuration of one model: the production one with the Python backend on CPU."""
    if 'platform: "onnxruntime_onnx"' not in production:
        raise ValueError("expected an ONNX Runtime model configuration")
    return production.replace('platform: "onnxruntime_onnx"', 'backend: "python"').replace(
        "kind: KIND_AUTO", "kind: KIND_CPU")


def trained_models_dir() -> Path:
    """Models a class's training wrote for this local stack only (`satmon train --class --out` there, as
    the demo does): rendered beside the committed repository's, so a restart still serves them."""
    return state_dir() / "trained-models"


def render_repository(source: Path | None = None, target: Path | None = None) -> Path:
    """Renders every model of the committed repository (and of trained_models_dir()) into the state
    directory; returns it."""
    sources = [source] if source else [repo_root() / "triton-repository", trained_models_dir()]
    target = target or state_dir() / "triton-repository"
    if target.exists():
        shutil.rmtree(target)
    for folder in sources:
        for config in sorted(folder.glob("*/config.pbtxt")):
            render_model(config.parent, target)
    return target


def render_model(source: Path, target: Path | None = None) -> Path:
    """Renders one model folder (config.pbtxt, 1/model.onnx) into the rendered repository."""
    model = (target or state_dir() / "triton-repository") / source.name
    if model.exists():
        shutil.rmtree(model)
    (model / "1").mkdir(parents=True)
    (model / "config.pbtxt").write_text(render_config((source / "config.pbtxt").read_text()))
    (model / "1" / "model.onnx").symlink_to((source / "1" / "model.onnx").resolve())
    (model / "1" / "model.py").symlink_to(MODEL_PY)
    return model


def load_models(url: str, names: list[str], timeout_s: float = 120.0) -> None:
    """Asks the running Triton to (re)load these models from its repository and waits until each
    is ready; raises RuntimeError naming a model that did not load."""
    import tritonclient.grpc as grpcclient
    from tritonclient.utils import InferenceServerException

    client = grpcclient.InferenceServerClient(url)
    for name in names:
        try:
            client.load_model(name, client_timeout=timeout_s)
        except InferenceServerException as exc:
            raise RuntimeError(f"Triton did not load {name}: {exc.message()}") from None
        if not client.is_model_ready(name):
            raise RuntimeError(f"Triton loaded {name} but it is not ready")
