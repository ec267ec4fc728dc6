"""Writing and reading triton-repository/SMAP_<chan>/: config.pbtxt and 1/model.onnx.

The per-channel threshold lives in the config's `parameters` map, so the
worker reads it through the inference server's ModelConfig RPC and Triton
serves the same file unchanged.
"""

from __future__ import annotations

from satmon_detection.windows import WINDOW_SIZE

__all__ = ["model_name", "render_config", "INPUT_NAME", "RECONSTRUCTION_NAME", "SCORE_NAME",
           "MAX_BATCH_SIZE", "threshold_from_config", "context_from_config"]

INPUT_NAME = "window"
RECONSTRUCTION_NAME = "reconstruction"
SCORE_NAME = "score"
MAX_BATCH_SIZE = 64
PREFERRED_BATCH_SIZES = (8, 32, 64)
QUEUE_DELAY_US = 2000


def model_name(channel: str) -> str:
    return f"SMAP_{channel}"


def render_config(name: str, window: int, features: int, threshold: float, extra: dict[str, str],
                  context: int = 0) -> str:
    """A model's config: it reads `context` rows before each window and the window's rows, and scores
    the window's rows."""
    params = {"threshold": f"{threshold:.9g}", **extra}
    param_text = "".join(f'parameters {{\n  key: "{k}"\n  value {{ string_value: "{v}" }}\n}}\n'
                         for k, v in params.items())
    return f'''name: "{name}"
platform: "onnxruntime_onnx"
max_batch_size: {MAX_BATCH_SIZE}
input [
  {{
    name: "{INPUT_NAME}"
    data_type: TYPE_FP32
    dims: [ {context + window}, {features} ]
  }}
]
output [
  {{
    name: "{RECONSTRUCTION_NAME}"
    data_type: TYPE_FP32
    dims: [ {window}, {features} ]
  }},
  {{
    name: "{SCORE_NAME}"
    data_type: TYPE_FP32
    dims: [ {window} ]
  }}
]
dynamic_batching {{
  preferred_batch_size: [ {", ".join(str(s) for s in PREFERRED_BATCH_SIZES)} ]
  max_queue_delay_microseconds: {QUEUE_DELAY_US}
}}
instance_group [
  {{
    count: 1
    kind: KIND_AUTO
  }}
]
version_policy: {{ latest: {{ num_versions: 1 }} }}
{param_text}'''


def context_from_config(config) -> int:
    """Rows before each window the model reads (ModelConfig message): its input's rows beyond a window."""
    return int(config.input[0].dims[0]) - WINDOW_SIZE


def threshold_from_config(config) -> float:
    """The threshold from a ModelConfig message (tritonclient's model_config_pb2)."""
    return float(config.parameters["threshold"].string_value)

