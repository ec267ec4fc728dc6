"""Wires the ops API."""

from __future__ import annotations

from satmon.detection.v1 import inference_service_pb2, scheduling_service_pb2
from satmon.ops.v1 import ops_service_pb2, ops_service_pb2_grpc
from satmon.telemetry.v1 import routing_service_pb2
from satmon_core.config import Settings
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.grpc_server import Registration, ServiceProcess
from satmon_core.job_queries import JobQueries
from satmon_core.postgres import ServiceRole, dsn_as
from satmon_core.victoria import VictoriaMetrics
from satmon_ops.adapters.events import EventHub
from satmon_ops.adapters.ops_store import OpsStore
from satmon_ops.entrypoints.grpc_api import OpsServicer

__all__ = ["build"]


def build(settings: Settings) -> ServiceProcess:
    dsn = dsn_as(settings.pg_dsn, ServiceRole.OPS)
    store = OpsStore(dsn)
    jobs = JobQueries(dsn)
    hub = EventHub(settings.kafka_bootstrap, settings.results_topic, store, dsn)
    servicer = OpsServicer(VictoriaMetrics(settings.vm_url), store, jobs, hub, FleetRegistry(dsn))
    name = ops_service_pb2.DESCRIPTOR.services_by_name["OpsService"].full_name
    return ServiceProcess(
        name="ops-api", settings=settings,
        registrations=[Registration(ops_service_pb2_grpc.add_OpsServiceServicer_to_server, servicer, name)],
        loops=[hub.run_results, hub.run_alerts], liveness=[hub.results_liveness],
        on_stop=[store.close, jobs.close], max_workers=64,
        # Envoy routes reflection here, so grpcurl through Envoy sees every satmon service.
        also_reflect=[scheduling_service_pb2.DESCRIPTOR.services_by_name["SchedulingService"].full_name,
                      inference_service_pb2.DESCRIPTOR.services_by_name["InferenceService"].full_name,
                      routing_service_pb2.DESCRIPTOR.services_by_name["RoutingService"].full_name])
