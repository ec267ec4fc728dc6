"""An InferenceResult's reconstruction, in either of its two forms.

The worker publishes `packed_reconstruction` (float32 bytes) on the results topic; API answers carry
the listed `reconstruction`. Readers go through `reconstruction_of`, and the APIs that pass a
published result on to a caller through `with_listed_reconstruction`.
"""

from __future__ import annotations

import numpy as np

from satmon.detection.v1 import events_pb2
from satmon_core import packed_floats

__all__ = ["reconstruction_of", "with_listed_reconstruction"]


def reconstruction_of(result: events_pb2.InferenceResult) -> np.ndarray:
    """(rows, feature_count) float32. ValueError when both forms are set, or when the values are
    not sample_times rows of feature_count."""
    if result.packed_reconstruction and result.reconstruction:
        raise ValueError("result carries both reconstruction and packed_reconstruction")
    if result.packed_reconstruction:
        values = packed_floats.unpack(result.packed_reconstruction)  # ValueError: not whole floats
    else:
        values = np.asarray(result.reconstruction, dtype=np.float32)
    rows = len(result.sample_times)
    if values.size != rows * result.feature_count:
        raise ValueError(f"reconstruction has {values.size} values for {rows} rows x {result.feature_count} features")
    return values.reshape(rows, result.feature_count)


def with_listed_reconstruction(result: events_pb2.InferenceResult) -> events_pb2.InferenceResult:
    """The result as the APIs answer it: the reconstruction listed, not packed (changed in place)."""
    if result.packed_reconstruction:
        result.reconstruction[:] = packed_floats.unpack(result.packed_reconstruction).tolist()
        result.ClearField("packed_reconstruction")
    return result
