"""tritonclient, unchanged, against NVIDIA's tritonserver as the local stack runs it: every RPC the
worker and operators use, Triton's own answers to bad input, batching, and its metrics port."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import numpy as np
import pytest
import tritonclient.grpc as triton
from tritonclient.utils import InferenceServerException

from satmon_cli.stack.layout import port

REPO = Path(__file__).resolve().parents[2]
MODEL = "SMAP_A-1"
CONTEXT = 230  # rows before each window SMAP's models read (mission-db/smap.yaml)
pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def client(stack):
    return triton.InferenceServerClient(stack["SATMON_TRITON_URL"])


def _window(batch: int = 2) -> np.ndarray:
    """A-1's windows as the model reads them: 230 rows of context, then the window's 30."""
    from satmon_detection.smap import load_channel
    from satmon_detection.windows import window_starts, with_context

    _, test = load_channel("A-1")
    starts = window_starts(len(test))[30:30 + batch]
    return with_context(test, starts, 30, CONTEXT).astype(np.float32)


def _infer(client, data: np.ndarray, dtype: str = "FP32", model: str = MODEL):
    inp = triton.InferInput("window", list(data.shape), dtype)
    inp.set_data_from_numpy(data)
    return client.infer(model, [inp], client_timeout=10)


def test_health_and_metadata(client):
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready(MODEL)
    assert not client.is_model_ready("SMAP_NOPE")
    meta = client.get_server_metadata()
    assert meta.name == "triton" and meta.version  # NVIDIA's server, not an imitation
    model = client.get_model_metadata(MODEL)
    assert model.platform == "python"  # locally; production serves the same model with onnxruntime_onnx
    assert [(i.name, list(i.shape), i.datatype) for i in model.inputs] == [("window", [-1, CONTEXT + 30, 25], "FP32")]
    assert [o.name for o in model.outputs] == ["reconstruction", "score"]


def test_model_config_and_repository_index(client):
    config = client.get_model_config(MODEL).config
    assert config.max_batch_size == 64 and config.dynamic_batching.max_queue_delay_microseconds > 0
    assert float(config.parameters["threshold"].string_value) > 0
    index = client.get_model_repository_index()
    assert len(index.models) == 54 and all(m.state == "READY" for m in index.models)


def test_infer_matches_onnxruntime_and_counts_statistics(client):
    import onnxruntime as ort

    data = _window(4)
    response = _infer(client, data)
    session = ort.InferenceSession(str(REPO / "triton-repository" / MODEL / "1" / "model.onnx"))
    recon, score = session.run(["reconstruction", "score"], {"window": data})
    np.testing.assert_allclose(response.as_numpy("reconstruction"), recon, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(response.as_numpy("score"), score, rtol=1e-5, atol=1e-6)
    stats = client.get_inference_statistics(MODEL).model_stats[0]
    assert stats.inference_count >= 4 and stats.inference_stats.success.count >= 1


def _error(call) -> InferenceServerException:
    with pytest.raises(InferenceServerException) as info:
        call()
    return info.value


def test_bad_input_gets_triton_status_codes_and_the_server_keeps_serving(client):
    unknown = _error(lambda: _infer(client, _window(1), model="SMAP_NOPE"))
    assert unknown.status() == "StatusCode.NOT_FOUND" and "unknown model" in unknown.message()
    shape = _error(lambda: _infer(client, _window(1)[:, :, :24].copy()))
    assert shape.status() == "StatusCode.INVALID_ARGUMENT" and "unexpected shape" in shape.message()
    dtype = _error(lambda: _infer(client, _window(1).astype(np.float64), dtype="FP64"))
    assert dtype.status() == "StatusCode.INVALID_ARGUMENT" and "data-type" in dtype.message()
    too_big = _error(lambda: _infer(client, np.zeros((65, CONTEXT + 30, 25), dtype=np.float32)))
    assert too_big.status() == "StatusCode.INVALID_ARGUMENT"
    assert client.is_server_live() and _infer(client, _window(1)).as_numpy("score").shape == (1, 30)


def test_concurrent_requests_are_batched(client):
    from concurrent.futures import ThreadPoolExecutor

    # A model no stream of the suite uses (the fleet's SMAP subsystems replay families A, D, E, F, P, S
    # and T): windows a replay of an earlier module still has in flight would count in A-1's figures.
    quiet = "SMAP_B-1"
    before = client.get_inference_statistics(quiet).model_stats[0]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: _infer(client, _window(1), model=quiet), range(64)))
    after = client.get_inference_statistics(quiet).model_stats[0]
    requests = after.inference_count - before.inference_count
    executions = after.execution_count - before.execution_count
    assert requests == 64 and executions < requests, (requests, executions)


def test_operators_curl_paths_and_metrics_answer(client):
    """The user manual's habits: health over HTTP, the repository index, nv_inference_* metrics."""
    http = f"http://127.0.0.1:{port('inference-server-http')}"
    with urllib.request.urlopen(f"{http}/v2/health/ready", timeout=5) as r:
        assert r.status == 200
    request = urllib.request.Request(f"{http}/v2/repository/index", data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=5) as r:
        assert b"SMAP_A-1" in r.read()
    _infer(client, _window(2))
    with urllib.request.urlopen(f"http://127.0.0.1:{port('inference-server-metrics')}/metrics", timeout=5) as r:
        metrics = r.read().decode()
    assert 'nv_inference_count{model="SMAP_A-1",version="1"}' in metrics
    assert "nv_inference_queue_duration_us" in metrics and "nv_inference_compute_infer_duration_us" in metrics
