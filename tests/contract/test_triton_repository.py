"""Every committed model has a valid Triton configuration and an ONNX file with the declared I/O."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from satmon_detection import model_repository as repo

REPOSITORY = Path(__file__).resolve().parents[2] / "triton-repository"
MODELS = sorted(p.parent for p in REPOSITORY.glob("*/config.pbtxt"))


def _smap_context() -> int:
    from satmon_mdb import load_mission_database

    (context,) = {view.window.context for view in load_mission_database().subsystems("smap")}
    return context


SMAP_CONTEXT = _smap_context()


def test_one_model_per_smap_channel():
    from satmon_detection.smap import channels

    assert {p.name for p in MODELS} == {repo.model_name(c) for c in channels()}


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: p.name)
def test_config_is_valid_triton_configuration(model_dir: Path):
    config = model_config_pb2.ModelConfig()
    text_format.Parse((model_dir / "config.pbtxt").read_text(), config)
    assert config.name == model_dir.name
    assert config.platform == "onnxruntime_onnx"
    assert config.max_batch_size == repo.MAX_BATCH_SIZE
    # The rows the model reads are the ones the scheduler sends: the mission database's context, then the window.
    assert [(i.name, list(i.dims), i.data_type) for i in config.input] == [
        (repo.INPUT_NAME, [SMAP_CONTEXT + 30, 25], model_config_pb2.TYPE_FP32)]
    assert [(o.name, list(o.dims)) for o in config.output] == [(repo.RECONSTRUCTION_NAME, [30, 25]),
                                                              (repo.SCORE_NAME, [30])]
    assert list(config.dynamic_batching.preferred_batch_size) and config.dynamic_batching.max_queue_delay_microseconds > 0
    assert repo.threshold_from_config(config) > 0
    model = onnx.load(str(model_dir / "1" / "model.onnx"))
    assert [i.name for i in model.graph.input] == [repo.INPUT_NAME]
    assert [o.name for o in model.graph.output] == [repo.RECONSTRUCTION_NAME, repo.SCORE_NAME]


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: p.name)
def test_the_local_rendering_serves_the_same_model(model_dir: Path, tmp_path: Path):
    """The repository `satmon up` renders for the local CPU tritonserver differs from production only in
    the backend (Python running the same model.onnx) and CPU instances."""
    from satmon_cli.stack.triton import render_repository

    rendered = render_repository(REPOSITORY, tmp_path / "local") / model_dir.name
    production, local = model_config_pb2.ModelConfig(), model_config_pb2.ModelConfig()
    text_format.Parse((model_dir / "config.pbtxt").read_text(), production)
    text_format.Parse((rendered / "config.pbtxt").read_text(), local)
    assert (local.backend, local.platform) == ("python", "")
    assert [g.kind for g in local.instance_group] == [model_config_pb2.ModelInstanceGroup.KIND_CPU]
    for field in ("name", "max_batch_size", "input", "output", "dynamic_batching", "parameters", "version_policy"):
        assert getattr(local, field) == getattr(production, field), field
    assert (rendered / "1" / "model.onnx").resolve() == (model_dir / "1" / "model.onnx").resolve()
    assert (rendered / "1" / "model.py").is_file()


@pytest.mark.parametrize("model_dir", MODELS[:3], ids=lambda p: p.name)
def test_a_model_reads_only_the_context_columns_the_scheduler_sends(model_dir: Path):
    """The scheduler sends the rows before a window as their telemetry columns only (the worker fills
    the rest with 0), while `satmon eval` cuts whole rows: the scores must not differ, or eval would
    not equal live."""
    import numpy as np
    import onnxruntime as ort

    from satmon_detection.smap import load_channel
    from satmon_detection.windows import window_starts, with_context
    from satmon_mdb import load_mission_database

    (carried,) = {view.telemetry_indices for view in load_mission_database().subsystems("smap")}
    _, test = load_channel(model_dir.name.removeprefix("SMAP_"))
    rows = with_context(test, window_starts(len(test))[25:33], 30, SMAP_CONTEXT).astype(np.float32)
    sent = np.zeros_like(rows)
    sent[:, SMAP_CONTEXT:] = rows[:, SMAP_CONTEXT:]
    sent[:, :SMAP_CONTEXT, list(carried)] = rows[:, :SMAP_CONTEXT, list(carried)]
    assert (sent != rows).any(), "the context rows' command flags should have had something to drop"
    session = ort.InferenceSession(str(model_dir / "1" / "model.onnx"), providers=["CPUExecutionProvider"])
    whole, as_sent = (session.run(None, {repo.INPUT_NAME: x}) for x in (rows, sent))
    for a, b in zip(whole, as_sent):
        np.testing.assert_array_equal(a, b)
