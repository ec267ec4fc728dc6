"""inference.GRPCInferenceService over a ModelRepository, with tritonclient's own stubs."""

from __future__ import annotations

import logging

import grpc
import numpy as np
from tritonclient.grpc import service_pb2, service_pb2_grpc

from satmon_inference.batcher import DynamicBatcher
from satmon_inference.errors import InferenceError, InvalidInput
from satmon_inference.repository import DTYPES, LoadedModel, ModelRepository, config_dtype_name

__all__ = ["TritonServicer", "SERVER_NAME", "SERVER_VERSION"]

log = logging.getLogger(__name__)

SERVER_NAME = "satmon-inference"
SERVER_VERSION = "2.50.0"  # the Triton protocol revision whose behaviour this mirrors
REQUEST_TIMEOUT_S = 30


class TritonServicer(service_pb2_grpc.GRPCInferenceServiceServicer):
    def __init__(self, repository: ModelRepository) -> None:
        self.repository = repository
        self.batchers = {name: DynamicBatcher(model) for name, model in repository.models.items()}

    # --- health and metadata ----------------------------------------------------------------------

    def ServerLive(self, request, context):
        return service_pb2.ServerLiveResponse(live=True)

    def ServerReady(self, request, context):
        return service_pb2.ServerReadyResponse(ready=True)

    def ModelReady(self, request, context):
        try:
            self.repository.get(request.name, request.version)
        except InferenceError:
            return service_pb2.ModelReadyResponse(ready=False)
        return service_pb2.ModelReadyResponse(ready=True)

    def ServerMetadata(self, request, context):
        return service_pb2.ServerMetadataResponse(name=SERVER_NAME, version=SERVER_VERSION,
                                                  extensions=["model_configuration", "statistics"])

    def ModelMetadata(self, request, context):
        model = self._model(request.name, request.version, context)
        batch_dim = [-1] if model.config.max_batch_size > 0 else []

        def tensors(items):
            return [service_pb2.ModelMetadataResponse.TensorMetadata(
                name=t.name, datatype=config_dtype_name(t.data_type), shape=batch_dim + list(t.dims)) for t in items]

        return service_pb2.ModelMetadataResponse(name=model.name, versions=[model.version],
                                                 platform=model.config.platform,
                                                 inputs=tensors(model.config.input),
                                                 outputs=tensors(model.config.output))

    def ModelConfig(self, request, context):
        model = self._model(request.name, request.version, context)
        return service_pb2.ModelConfigResponse(config=model.config)

    def RepositoryIndex(self, request, context):
        return service_pb2.RepositoryIndexResponse(models=[
            service_pb2.RepositoryIndexResponse.ModelIndex(name=m.name, version=m.version, state="READY")
            for m in sorted(self.repository.models.values(), key=lambda m: m.name)])

    def ModelStatistics(self, request, context):
        if request.name:
            models = [self._model(request.name, request.version, context)]
        else:
            models = sorted(self.repository.models.values(), key=lambda m: m.name)
        return service_pb2.ModelStatisticsResponse(model_stats=[self._stats(m) for m in models])

    # --- inference -----------------------------------------------------------------------------

    def ModelInfer(self, request, context):
        model = self._model(request.model_name, request.model_version, context)
        try:
            inputs = self._decode_inputs(model, request)
            outputs = self.batchers[model.name].submit(inputs).result(timeout=REQUEST_TIMEOUT_S)
        except InferenceError as exc:
            context.abort(exc.code, str(exc))
        except Exception as exc:  # noqa: BLE001 - the server must keep serving
            log.exception("inference failed for %s", model.name)
            context.abort(grpc.StatusCode.INTERNAL, f"inference failed for model '{model.name}': {exc}")
        requested = [o.name for o in request.outputs] or [o.name for o in model.config.output]
        response = service_pb2.ModelInferResponse(model_name=model.name, model_version=model.version, id=request.id)
        for name in requested:
            if name not in outputs:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                              f"unexpected inference output '{name}' for model '{model.name}'")
            array = np.ascontiguousarray(outputs[name].astype(np.float32, copy=False))
            response.outputs.add(name=name, datatype="FP32", shape=list(array.shape))
            response.raw_output_contents.append(array.tobytes())
        return response

    # --- helpers ---------------------------------------------------------------------------------

    def _model(self, name: str, version: str, context) -> LoadedModel:
        try:
            return self.repository.get(name, version)
        except InferenceError as exc:
            context.abort(exc.code, str(exc))
            raise  # unreachable: abort raises

    @staticmethod
    def _decode_inputs(model: LoadedModel, request) -> dict[str, np.ndarray]:
        expected = {t.name: t for t in model.config.input}
        given = {t.name for t in request.inputs}
        if missing := sorted(set(expected) - given):
            raise InvalidInput(f"expected {len(expected)} inputs but got {len(given)} inputs for model "
                               f"'{model.name}'. Got input(s) {sorted(given)}, but missing required input(s) {missing}")
        if request.raw_input_contents and len(request.raw_input_contents) != len(request.inputs):
            raise InvalidInput("raw_input_contents must hold one entry per input")
        arrays: dict[str, np.ndarray] = {}
        for index, tensor in enumerate(request.inputs):
            spec = expected.get(tensor.name)
            if spec is None:
                raise InvalidInput(f"unexpected inference input '{tensor.name}' for model '{model.name}'")
            want_type = config_dtype_name(spec.data_type)
            if tensor.datatype != want_type:
                raise InvalidInput(f"inference input '{tensor.name}' data-type is '{tensor.datatype}', but model "
                                   f"'{model.name}' expects '{want_type}'")
            shape = list(tensor.shape)
            want_shape = ([-1] if model.config.max_batch_size > 0 else []) + list(spec.dims)
            if len(shape) != len(want_shape) or any(w != -1 and w != s for w, s in zip(want_shape, shape)):
                raise InvalidInput(f"unexpected shape for input '{tensor.name}' for model '{model.name}'. "
                                   f"Expected {want_shape}, got {shape}")
            if model.config.max_batch_size > 0 and not 0 < shape[0] <= model.config.max_batch_size:
                raise InvalidInput(f"inference request batch-size must be <= {model.config.max_batch_size} "
                                   f"for '{model.name}'")
            dtype = DTYPES[want_type]
            if request.raw_input_contents:
                raw = request.raw_input_contents[index]
                if len(raw) != int(np.prod(shape)) * dtype.itemsize:
                    raise InvalidInput(f"unexpected total byte size {len(raw)} for input '{tensor.name}', "
                                       f"expecting {int(np.prod(shape)) * dtype.itemsize}")
                array = np.frombuffer(raw, dtype=dtype).reshape(shape)
            else:
                contents = tensor.contents
                values = {"FP32": contents.fp32_contents, "FP64": contents.fp64_contents,
                          "INT64": contents.int64_contents, "INT32": contents.int_contents}.get(want_type, [])
                if len(values) != int(np.prod(shape)):
                    raise InvalidInput(f"unexpected number of values for input '{tensor.name}'")
                array = np.asarray(values, dtype=dtype).reshape(shape)
            if array.dtype.kind == "f" and not np.isfinite(array).all():
                raise InvalidInput(f"input '{tensor.name}' for model '{model.name}' contains NaN or infinite values")
            arrays[tensor.name] = array
        return arrays

    @staticmethod
    def _stats(model: LoadedModel):
        s = model.stats
        duration = service_pb2.StatisticDuration
        return service_pb2.ModelStatistics(
            name=model.name, version=model.version, last_inference=s["last_inference_ms"],
            inference_count=s["inference_count"], execution_count=s["execution_count"],
            inference_stats=service_pb2.InferStatistics(
                success=duration(count=s["success_count"], ns=s["success_ns"]),
                fail=duration(count=s["fail_count"], ns=s["fail_ns"]),
                queue=duration(count=s["success_count"], ns=s["queue_ns"]),
                compute_infer=duration(count=s["execution_count"], ns=s["compute_ns"])))
