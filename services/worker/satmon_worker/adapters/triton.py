"""The Scorer port over tritonclient[grpc]: Triton in production, satmon-inference locally."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import tritonclient.grpc as triton
from tritonclient.utils import InferenceServerException

from satmon_core import metrics
from satmon_core.errors import TransientError
from satmon_detection import model_repository as repo
from satmon_detection.windows import fit_rows
from satmon_worker.domain.scoring import ModelScores
from satmon_worker.errors import BadWindow, ModelUnavailable, WorkerError

__all__ = ["TritonScorer"]

UNAVAILABLE = "INFERENCE_SERVER_UNAVAILABLE"

DEADLINE_S = 10.0


def _status(exc: InferenceServerException) -> str:
    return str(exc.status() or "")


class TritonScorer:
    def __init__(self, url: str, parallel_requests: int = 16) -> None:
        self.client = triton.InferenceServerClient(url)
        # One request per model in flight at once: a grouped task spans dozens of models, and
        # sequential round trips (each with the server's batching delay) would dominate latency.
        self.pool = ThreadPoolExecutor(parallel_requests, thread_name_prefix="triton")
        self.models: dict[str, tuple[float, str, int, int]] = {}  # threshold, version, batch, input rows
        self.lock = threading.Lock()

    def _model(self, name: str) -> tuple[float, str, int, int]:
        cached = self.models.get(name)
        if cached:
            return cached
        try:
            config = self.client.get_model_config(name, as_json=False, client_timeout=DEADLINE_S).config
            metadata = self.client.get_model_metadata(name, client_timeout=DEADLINE_S)
        except InferenceServerException as exc:
            if "NOT_FOUND" in _status(exc) or "unknown model" in str(exc):
                raise self._not_served(name, exc) from exc
            raise TransientError(f"inference server: {exc}", reason=UNAVAILABLE) from exc
        entry = (repo.threshold_from_config(config), metadata.versions[-1], max(config.max_batch_size, 1),
                 int(config.input[0].dims[0]))
        with self.lock:
            self.models[name] = entry
        return entry

    def _not_served(self, name: str, exc: InferenceServerException) -> Exception:
        """A model the server does not know fails its jobs only if the server is ready: while it starts
        or shuts down (a graceful stop unloads every model first) the same answer is transient."""
        try:
            ready = self.client.is_server_ready(client_timeout=2)
        except InferenceServerException:
            ready = False
        if ready:
            return ModelUnavailable(f"model {name} is not served: {exc.message()}")
        with self.lock:
            self.models.pop(name, None)
        return TransientError(f"inference server not ready, model {name} unavailable: {exc.message()}",
                              reason=UNAVAILABLE)

    def score_many(self, batches: dict[str, list[np.ndarray]]) -> dict[str, ModelScores | WorkerError]:
        futures = {model: self.pool.submit(self.score, model, windows) for model, windows in batches.items()}
        out: dict[str, ModelScores | WorkerError] = {}
        for model, future in futures.items():
            try:
                out[model] = future.result()
            except WorkerError as exc:
                out[model] = exc
        return out

    def score(self, model_name: str, windows: list[np.ndarray]) -> ModelScores:
        threshold, version, max_batch, rows = self._model(model_name)
        windows = fit_rows(windows, rows)  # the rows the model's config asks for
        recon, scores = [], []
        start = time.perf_counter()
        for i in range(0, len(windows), max_batch):
            chunk = np.ascontiguousarray(windows[i:i + max_batch], dtype=np.float32)
            infer_input = triton.InferInput(repo.INPUT_NAME, list(chunk.shape), "FP32")
            infer_input.set_data_from_numpy(chunk)
            outputs = [triton.InferRequestedOutput(repo.RECONSTRUCTION_NAME), triton.InferRequestedOutput(repo.SCORE_NAME)]
            t0 = time.perf_counter()
            try:
                response = self.client.infer(model_name, [infer_input], outputs=outputs, client_timeout=DEADLINE_S)
            except InferenceServerException as exc:
                status = _status(exc)
                if "INVALID_ARGUMENT" in status:
                    raise BadWindow(exc.message()) from exc
                if "NOT_FOUND" in status:
                    raise self._not_served(model_name, exc) from exc
                raise TransientError(f"inference server: {exc}", reason=UNAVAILABLE) from exc
            metrics.INFERENCE_SECONDS.labels(model_name).observe(time.perf_counter() - t0)
            recon.append(response.as_numpy(repo.RECONSTRUCTION_NAME))
            scores.append(response.as_numpy(repo.SCORE_NAME))
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        return ModelScores(np.concatenate(recon), np.concatenate(scores), threshold, version, elapsed_ms)
