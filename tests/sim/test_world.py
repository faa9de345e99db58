"""The simulator's pieces without HTTP: list filters, scenario rules, error bodies, clock."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from drp_console.sim.compute_api import apply_filter
from drp_console.sim.errors import ApiError
from drp_console.sim.operations import status
from drp_console.sim.scenario import Fault, InstanceGroupManager
from drp_console.sim.world import daily_times, parse_time, rfc3339

ITEMS = [
    {"name": "web-1", "status": "RUNNING", "zone": "https://x/zones/europe-west1-b"},
    {"name": "web-2", "status": "TERMINATED", "zone": "https://x/zones/europe-west1-b"},
    {"name": "db-1", "status": "RUNNING", "zone": "https://x/zones/europe-west1-c"},
]


@pytest.mark.parametrize("expr, names", [
    ("name = web-*", ["web-1", "web-2"]),
    ("status != RUNNING", ["web-2"]),
    ("name eq web-[0-9]", ["web-1", "web-2"]),
    ("name ne web-.*", ["db-1"]),
    ('(status = "RUNNING") (name = web-*)', ["web-1"]),
    ("status = RUNNING AND zone = europe-west1-c", ["db-1"]),
    ("", ["web-1", "web-2", "db-1"]),
])
def test_list_filters(expr: str, names: list[str]) -> None:
    assert [i["name"] for i in apply_filter(ITEMS, expr)] == names


def test_a_filter_that_cannot_be_read_is_a_400() -> None:
    with pytest.raises(ApiError) as err:
        apply_filter(ITEMS, "name ~~ web")
    assert err.value.code == 400 and err.value.reason == "invalidFilter"


@pytest.mark.parametrize("fault, message", [
    ({"zone_down": "europe-west1-b", "http_status": 503, "call": "sql.instances.get"}, "exactly one"),
    ({"http_status": 503}, "needs `call:`"),
    ({"call": "compute.instances.frobnicate", "http_status": 503}, "unknown call"),
    ({"call": "sql.instances.get", "extra_latency": "5s"}, "read-only"),
    ({"zone_down": "europe-west1-b", "ago": "5m"}, "only with corrupt_data"),
    ({"call": "sql.instances.restart", "http_status": 200}, "greater than or equal to 400"),
])
def test_fault_rules(fault: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Fault.model_validate(fault)


def test_fault_durations_become_seconds() -> None:
    fault = Fault.model_validate({"at": "1h30m", "until": 7200, "zone_down": "europe-west1-b"})
    assert (fault.at, fault.until, fault.kind) == (5400.0, 7200.0, "zone_down")


def test_group_needs_exactly_one_location() -> None:
    with pytest.raises(ValidationError, match="exactly one of zone"):
        InstanceGroupManager.model_validate({"name": "g", "zone": "a-b1-c", "region": "a-b1"})


def test_error_body_has_only_the_fields_real_ones_carry() -> None:
    body = ApiError(429, "slow down").body("sql")
    assert body == {"error": {"code": 429, "message": "slow down", "errors": [
        {"message": "slow down", "domain": "global", "reason": "rateLimitExceeded"}]}}


def test_times_and_daily_schedule() -> None:
    start = parse_time("2026-11-27T22:40:00Z")
    assert rfc3339(start) == "2026-11-27T22:40:00.000Z"
    days = daily_times(start, "02:00", 3)
    assert [rfc3339(t) for t in days] == ["2026-11-27T02:00:00.000Z", "2026-11-26T02:00:00.000Z",
                                          "2026-11-25T02:00:00.000Z"]
    assert rfc3339(daily_times(parse_time("2026-11-27T01:00:00Z"), "02:00", 1)[0]).startswith("2026-11-26")


def test_operation_status_follows_the_clock() -> None:
    op = {"finished": False, "insertTime": 100.0, "latency": 10.0, "service": "sql"}
    assert [status(op, t) for t in (100.0, 100.9, 101.0, 109.9, 110.0)] == [
        "PENDING", "PENDING", "RUNNING", "RUNNING", "DONE"]
    compute = {**op, "service": "compute"}  # real Compute operations come back RUNNING
    assert [status(compute, t) for t in (100.0, 100.9, 109.9, 110.0)] == [
        "RUNNING", "RUNNING", "RUNNING", "DONE"]
