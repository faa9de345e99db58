"""Scenario faults seen through the real clients: HTTP errors, retries, outages, failed operations."""

from __future__ import annotations

import uuid

import pytest
from sim_clients import PROJECT, Clients, start_sim

Z = "europe-west1-b"


@pytest.fixture
def faulty(google, calm):
    """A calm world with a fault list given by the test (call the returned function)."""
    servers = []

    def make(faults: list[dict]) -> tuple:
        server = start_sim(calm, faults=faults)
        servers.append(server)
        return server, Clients(google, server.endpoint)

    yield make
    for server in servers:
        server.stop()


def test_too_many_requests_then_success(faulty) -> None:
    sim, gc = faulty([{"call": "compute.instances.get", "http_status": 429, "times": 2}])
    for _ in range(2):
        with pytest.raises(gc.g.exc.TooManyRequests) as err:
            gc.instances.get(project=PROJECT, zone=Z, instance="web-1")
        assert err.value.errors[0]["reason"] == "rateLimitExceeded"
        assert err.value.reason is None  # real error bodies have no details[]
    assert gc.instances.get(project=PROJECT, zone=Z, instance="web-1").name == "web-1"
    assert sim.snapshot()["faultHits"] == {"0": 2}


def test_service_unavailable_once_then_retry_with_same_request_id(faulty) -> None:
    sim, gc = faulty([{"call": "sql.instances.promoteReplica", "http_status": 503},
                      {"call": "compute.instances.stop", "http_status": 503}])
    s = gc.g.sql
    req = s.SqlInstancesPromoteReplicaRequest(project=PROJECT, instance="orders-db-replica-ew4")
    with pytest.raises(gc.g.exc.ServiceUnavailable):
        gc.sql.promote_replica(request=req, timeout=5)
    gc.wait_sql(gc.sql.promote_replica(request=req, timeout=5))
    rid = str(uuid.uuid4())
    stop = gc.g.compute.StopInstanceRequest(project=PROJECT, zone=Z, instance="web-1", request_id=rid)
    with pytest.raises(gc.g.exc.ServiceUnavailable):
        gc.instances.stop_unary(request=stop)
    gc.wait_compute(gc.instances.stop_unary(request=stop))
    state = sim.snapshot()
    assert len(state["mutations"]["zones/europe-west1-b/instances/web-1"]) == 1
    assert state["calls"][f"compute.instances.stop web-1 {rid}"] == 2


def test_read_retry_recovers_from_503(faulty) -> None:
    from google.api_core import retry as retries

    _, gc = faulty([{"call": "sql.instances.get", "http_status": 503, "times": 2}])
    retry = retries.Retry(predicate=retries.if_exception_type(gc.g.exc.ServiceUnavailable),
                          initial=0.01, maximum=0.02, timeout=5)
    got = gc.sql.get(request=gc.g.sql.SqlInstancesGetRequest(project=PROJECT, instance="orders-db"),
                     retry=retry, timeout=5)
    assert got.name == "orders-db"


def test_zone_down_fails_resources_and_calls(faulty) -> None:
    _, gc = faulty([{"at": "0s", "zone_down": Z}])
    s = gc.g.sql
    assert gc.instances.get(project=PROJECT, zone=Z, instance="web-1").status == "REPAIRING"
    assert gc.instances.get(project=PROJECT, zone="europe-west1-c", instance="web-3").status == "RUNNING"
    with pytest.raises(gc.g.exc.ServiceUnavailable):
        gc.instances.start_unary(project=PROJECT, zone=Z, instance="web-1")
    assert gc.sql_get("orders-db").state == s.DatabaseInstance.SqlInstanceState.FAILED
    with pytest.raises(gc.g.exc.ServiceUnavailable):
        gc.sql.restart(request=s.SqlInstancesRestartRequest(project=PROJECT, instance="orders-db"),
                       timeout=5)
    # The HA standby's zone is up: a manual failover brings the primary back.
    gc.wait_sql(gc.sql.failover(request=s.SqlInstancesFailoverRequest(
        project=PROJECT, instance="orders-db", body=s.InstancesFailoverRequest()), timeout=5))
    db = gc.sql_get("orders-db")
    assert db.state == s.DatabaseInstance.SqlInstanceState.RUNNABLE and db.gce_zone == "europe-west1-c"
    # The regional group places new instances only in zones that are up.
    gc.wait_compute(gc.rigm.resize_unary(project=PROJECT, region="europe-west1",
                                         instance_group_manager="web-mig-ew1", size=6))
    new_in_b = [i.name for i in gc.instances.list(project=PROJECT, zone=Z)
                if i.name.startswith("web-mig-ew1-")]
    assert len(new_in_b) == 1  # only the member that was there before the outage


def test_region_down_and_outage_window(faulty) -> None:
    _, gc = faulty([{"at": "0s", "until": "1h", "region_down": "europe-west4"},
                    {"at": "2h", "zone_down": "europe-west1-c"}])
    with pytest.raises(gc.g.exc.ServiceUnavailable):
        gc.rigm.resize_unary(project=PROJECT, region="europe-west4",
                             instance_group_manager="web-mig-ew4", size=2)
    assert gc.sql_get("orders-db-replica-ew4").state == gc.g.sql.DatabaseInstance.SqlInstanceState.FAILED
    assert gc.instances.get(project=PROJECT, zone="europe-west1-c", instance="web-3").status == "RUNNING"


def test_compute_operation_error_and_no_effect(faulty) -> None:
    sim, gc = faulty([{"call": "compute.instances.insert",
                       "operation_error": "ZONE_RESOURCE_POOL_EXHAUSTED"}])
    c = gc.g.compute
    body = c.Instance(name="web-4", machine_type="e2-standard-4")
    req = c.InsertInstanceRequest(project=PROJECT, zone="europe-west1-c", instance_resource=body,
                                  source_machine_image="global/machineImages/web-golden-2026-11",
                                  request_id=str(uuid.uuid4()))
    done = gc.wait_compute(gc.instances.insert_unary(request=req))
    assert done.error.errors[0].code == "ZONE_RESOURCE_POOL_EXHAUSTED"
    assert done.http_error_status_code == 503
    with pytest.raises(gc.g.exc.NotFound):
        gc.instances.get(project=PROJECT, zone="europe-west1-c", instance="web-4")
    req.request_id = str(uuid.uuid4())
    assert not gc.wait_compute(gc.instances.insert_unary(request=req)).error.errors
    assert gc.instances.get(project=PROJECT, zone="europe-west1-c", instance="web-4").status == "RUNNING"
    assert [m["method"] for m in sim.snapshot()["mutations"]["zones/europe-west1-c/instances/web-4"]] \
        == ["compute.instances.insert"]


def test_extra_latency_lengthens_the_operation(faulty) -> None:
    sim, gc = faulty([{"call": "compute.instances.reset", "extra_latency": "100s"}])
    op = gc.instances.reset_unary(project=PROJECT, zone=Z, instance="web-1")
    record = sim.world.data["operations"][op.name]
    assert record["latency"] == pytest.approx((20 + 100) / 1000)
    gc.wait_compute(op)


def test_wait_returns_early_when_done(gc: Clients) -> None:
    op = gc.instances.reset_unary(project=PROJECT, zone=Z, instance="web-1")
    done = gc.zone_ops.wait(project=PROJECT, zone=Z, operation=op.name)
    assert done.status == gc.g.compute.Operation.Status.DONE


def test_parallel_resends_of_one_request_id_apply_once(slow) -> None:
    from concurrent.futures import ThreadPoolExecutor

    sim, gc = slow
    c = gc.g.compute
    req = c.StopInstanceRequest(project=PROJECT, zone=Z, instance="web-2", request_id=str(uuid.uuid4()))
    with ThreadPoolExecutor(max_workers=8) as pool:
        names = set(pool.map(lambda _: gc.instances.stop_unary(request=req).name, range(16)))
    assert len(names) == 1
    gc.wait_compute(gc.zone_ops.get(project=PROJECT, zone=Z, operation=names.pop()))
    state = sim.snapshot()
    assert len(state["mutations"]["zones/europe-west1-b/instances/web-2"]) == 1
    assert state["calls"][f"compute.instances.stop web-2 {req.request_id}"] == 16
