"""Wires the router: settings, Kafka clients, fleet registry, consume loop and gRPC API."""

from __future__ import annotations

from satmon.telemetry.v1 import routing_service_pb2, routing_service_pb2_grpc
from satmon_core.config import Settings
from satmon_core.fleet_registry import FleetRegistry
from satmon_core.grpc_server import Registration, ServiceProcess
from satmon_core.kafka import BatchLoop, loop_liveness, make_consumer, make_producer
from satmon_core.postgres import ServiceRole, dsn_as
from satmon_router.entrypoints.grpc_api import RoutingServicer
from satmon_router.entrypoints.kafka_loop import RouterCounters, RouterHandler

__all__ = ["build"]

GROUP = "satmon-router"


def build(settings: Settings) -> ServiceProcess:
    counters = RouterCounters()
    producer = make_producer(settings.kafka_bootstrap)
    registry = FleetRegistry(dsn_as(settings.pg_dsn, ServiceRole.ROUTER))
    handler = RouterHandler(settings, producer, registry, counters)

    liveness = loop_liveness("router", settings.kafka_bootstrap, GROUP, [settings.raw_topic])

    def consume(stopping) -> None:
        loop = BatchLoop("router", make_consumer(settings.kafka_bootstrap, GROUP), handler, producer,
                         settings.dead_letter_topic, topics=[settings.raw_topic], liveness=liveness,
                         reconnect=lambda: make_consumer(settings.kafka_bootstrap, GROUP))
        loop.stopping = stopping
        loop.run()

    servicer = RoutingServicer(make_producer(settings.kafka_bootstrap), settings.raw_topic, counters, registry)
    return ServiceProcess(
        name="router", settings=settings,
        registrations=[Registration(routing_service_pb2_grpc.add_RoutingServiceServicer_to_server, servicer,
                                    routing_service_pb2.DESCRIPTOR.services_by_name["RoutingService"].full_name)],
        loops=[consume], liveness=[liveness], on_stop=[lambda: producer.flush(10)])
