"""Call faults from the scenario: HTTP errors, failing operations and extra latency."""

from __future__ import annotations

from dataclasses import dataclass

from drp_console.sim.errors import ApiError
from drp_console.sim.world import World

_MESSAGES = {
    429: "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'. "
         "Retry after a short wait.",
    500: "Internal error. Please try again.",
    503: "The service is currently unavailable. Retry the request.",
}


@dataclass
class CallFaults:
    """What the scenario's faults do to one mutating call."""

    operation_error: str | None = None
    """The operation ends DONE with this error code."""
    extra_latency: float = 0.0
    """Seconds at speed 1 added to the operation."""


def _active(world: World, index: int, fault: dict, call: str, resource: str, now: float) -> bool:
    if fault["call"] != call:
        return False
    if fault["resource"] is not None and fault["resource"] != resource:
        return False
    offset = now - world.started_at
    if fault["at"] > offset or (fault["until"] is not None and fault["until"] <= offset):
        return False
    default_times = None if fault["extra_latency"] is not None else 1
    times = fault["times"] if fault["times"] is not None else default_times
    return times is None or world.data["fault_hits"].get(str(index), 0) < times


def _hit(world: World, index: int) -> None:
    key = str(index)
    world.data["fault_hits"][key] = world.data["fault_hits"].get(key, 0) + 1
    world.dirty = True


def http_fault(world: World, call: str, resource: str, now: float) -> None:
    """Raise the HTTP error a fault puts on this call, counting the hit."""
    for index, fault in enumerate(world.data["scenario"]["faults"]):
        if fault["http_status"] is not None and _active(world, index, fault, call, resource, now):
            _hit(world, index)
            code = fault["http_status"]
            raise ApiError(code, _MESSAGES.get(code, f"Simulated failure (HTTP {code})."))


def operation_faults(world: World, call: str, resource: str, now: float) -> CallFaults:
    """The operation error and extra latency faults put on this call, counting the hits."""
    out = CallFaults()
    for index, fault in enumerate(world.data["scenario"]["faults"]):
        if fault["operation_error"] and out.operation_error is None \
                and _active(world, index, fault, call, resource, now):
            _hit(world, index)
            out.operation_error = fault["operation_error"]
        elif fault["extra_latency"] is not None and _active(world, index, fault, call, resource, now):
            _hit(world, index)
            out.extra_latency += fault["extra_latency"]
    return out
