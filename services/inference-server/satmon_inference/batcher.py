"""Dynamic batching per model, as Triton's dynamic_batching does it.

Requests queue per model; a worker thread takes the oldest, then waits up to
max_queue_delay_microseconds for more until the batch reaches a preferred
size (or max_batch_size), runs one ONNX Runtime call over the concatenation,
and splits the outputs back to each request.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from satmon_inference.repository import LoadedModel

__all__ = ["DynamicBatcher", "BatchedRequest"]


@dataclass
class BatchedRequest:
    inputs: dict[str, np.ndarray]
    rows: int
    enqueued_ns: int
    future: Future


class DynamicBatcher:
    def __init__(self, model: LoadedModel) -> None:
        self.model = model
        config = model.config
        self.max_batch = max(config.max_batch_size, 1)
        batching = config.dynamic_batching if config.HasField("dynamic_batching") else None
        self.preferred = sorted(s for s in (batching.preferred_batch_size if batching else []) if s <= self.max_batch)
        self.delay_s = (batching.max_queue_delay_microseconds / 1e6) if batching else 0.0
        self.queue: queue.Queue[BatchedRequest | None] = queue.Queue()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, name=f"batcher-{model.name}", daemon=True)
        self.thread.start()

    def submit(self, inputs: dict[str, np.ndarray]) -> Future:
        rows = next(iter(inputs.values())).shape[0] if self.model.config.max_batch_size > 0 else 1
        request = BatchedRequest(inputs, rows, time.monotonic_ns(), Future())
        self.queue.put(request)
        return request.future

    def close(self) -> None:
        self.queue.put(None)

    def _target_size(self, rows: int) -> int:
        for size in self.preferred:
            if size >= rows:
                return size
        return self.max_batch

    def _loop(self) -> None:
        while True:
            first = self.queue.get()
            if first is None:
                return
            batch, rows = [first], first.rows
            deadline = time.monotonic() + self.delay_s
            target = self._target_size(rows)
            while rows < target and self.model.config.max_batch_size > 0:
                remaining = deadline - time.monotonic()
                try:
                    nxt = self.queue.get(timeout=max(remaining, 0)) if remaining > 0 else self.queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self.queue.put(None)
                    break
                if rows + nxt.rows > self.max_batch:
                    self._run([nxt])  # too big to join this batch; run it on its own after
                    continue
                batch.append(nxt)
                rows += nxt.rows
                target = self._target_size(rows)
            self._run(batch)

    def _run(self, batch: list[BatchedRequest]) -> None:
        stats = self.model.stats
        start = time.monotonic_ns()
        try:
            if len(batch) == 1:
                merged = batch[0].inputs
            else:
                merged = {name: np.concatenate([r.inputs[name] for r in batch]) for name in batch[0].inputs}
            outputs = self.model.run(merged)
        except Exception as exc:  # noqa: BLE001 - every waiter must hear about it
            end = time.monotonic_ns()
            with self.lock:
                stats["fail_count"] += len(batch)
                stats["fail_ns"] += end - start
            for request in batch:
                request.future.set_exception(exc)
            return
        end = time.monotonic_ns()
        offset = 0
        for request in batch:
            part = {k: v[offset:offset + request.rows] for k, v in outputs.items()} if len(batch) > 1 else outputs
            offset += request.rows
            request.future.set_result(part)
        with self.lock:
            stats["execution_count"] += 1
            stats["inference_count"] += sum(r.rows for r in batch)
            stats["success_count"] += len(batch)
            stats["compute_ns"] += end - start
            stats["queue_ns"] += sum(start - r.enqueued_ns for r in batch)
            stats["success_ns"] += sum(end - r.enqueued_ns for r in batch)
            stats["last_inference_ms"] = int(time.time() * 1000)
