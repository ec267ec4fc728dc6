"""Triton Python-backend model that runs a committed `model.onnx` with ONNX Runtime on the CPU.

The local stack has NVIDIA's real `tritonserver` (from the nvidia-pytriton wheel) but no ONNX Runtime
backend, so `satmon up` renders each model of triton-repository/ with `backend: "python"` and this
file beside the unchanged `model.onnx`. Inputs, outputs, batching and parameters stay those of the
production configuration; Triton's dynamic batcher hands several requests to one `execute` call,
which runs them as one ONNX Runtime batch.

The stub (NVIDIA's triton_python_backend_stub, an embedded Python 3.11) ignores PYTHONPATH; it takes
its packages from the `python3` first on PATH, so `satmon up` puts the small environment that holds
numpy < 2 and ONNX Runtime 1.20 (.venv-triton) first on tritonserver's PATH.
"""

import json
import os

import numpy as np
import onnxruntime as ort
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        path = os.path.join(args["model_repository"], args["model_version"], "model.onnx")
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.input_name = config["input"][0]["name"]
        self.output_names = [o["name"] for o in config["output"]]

    def execute(self, requests):
        inputs = [pb_utils.get_input_tensor_by_name(r, self.input_name).as_numpy() for r in requests]
        sizes = [len(x) for x in inputs]
        outputs = self.session.run(self.output_names, {self.input_name: np.concatenate(inputs)})
        responses, start = [], 0
        for size in sizes:
            tensors = [pb_utils.Tensor(name, np.ascontiguousarray(out[start:start + size]))
                       for name, out in zip(self.output_names, outputs)]
            responses.append(pb_utils.InferenceResponse(output_tensors=tensors))
            start += size
        return responses
