"""Arguments are checked, converted to the catalog's types, and short names expanded."""

from __future__ import annotations

import pytest

from drp_console.actions import CloudError, OperationRef, ResourceRef, request_id_for
from drp_console.actions.arguments import prepare
from drp_console.actions.invocation import effects
from drp_console.gcp.clients import Cloud
from drp_console.runbook.catalog import CATALOG

CLOUD = Cloud("http://127.0.0.1:9", "acme-prod")


def _prepare(call: str, **args: object) -> dict:
    return prepare(CATALOG[call], args, CLOUD)


def test_templated_integer_becomes_an_integer() -> None:
    out = _prepare("compute.regionInstanceGroupManagers.resize", project="acme-prod",
                   region="europe-west4", instanceGroupManager="web-mig-ew4", size=" 3 ")
    assert out["size"] == 3 and isinstance(out["size"], int)


@pytest.mark.parametrize("bad", ["three", "3.5", True, [3]])
def test_non_integer_is_a_permanent_error_naming_the_argument(bad: object) -> None:
    with pytest.raises(CloudError) as caught:
        _prepare("compute.instanceGroupManagers.resize", project="p", zone="z",
                 instanceGroupManager="g", size=bad)
    assert caught.value.transient is False
    assert "size" in caught.value.message and caught.value.code == "invalidArgument"


@pytest.mark.parametrize(("given", "expected"), [("true", True), ("False", False),
                                                 ("yes", True), (True, True), (0, False)])
def test_templated_boolean_becomes_a_boolean(given: object, expected: bool) -> None:
    out = _prepare("sql.instances.promoteReplica", project="p", instance="r", failover=given)
    assert out["failover"] is expected


def test_backup_run_id_text_becomes_an_integer() -> None:
    out = _prepare("sql.instances.restoreBackup", project="p", instance="i",
                   backupRunId="1764122400000")
    assert out["backupRunId"] == 1764122400000


def test_object_argument_accepts_a_mapping_or_json_text() -> None:
    settings = {"tier": "db-custom-4-15360"}
    assert _prepare("sql.instances.patch", project="p", instance="i",
                    settings=settings)["settings"] == settings
    assert _prepare("sql.instances.patch", project="p", instance="i",
                    settings='{"tier": "db-custom-4-15360"}')["settings"] == settings
    with pytest.raises(CloudError):
        _prepare("sql.instances.patch", project="p", instance="i", settings="tier: x")


def test_short_names_expand_to_partial_urls() -> None:
    out = _prepare("compute.instances.insert", project="p", zone="europe-west4-a", name="web-9",
                   machineType="e2-standard-4", sourceSnapshot="web-1-boot-20261126")
    assert out["machineType"] == "zones/europe-west4-a/machineTypes/e2-standard-4"
    assert out["sourceSnapshot"] == "global/snapshots/web-1-boot-20261126"
    image = _prepare("compute.instances.insert", project="p", zone="z", name="n",
                     machineType="e2-small", sourceMachineImage="web-golden-2026-11")
    assert image["sourceMachineImage"] == "global/machineImages/web-golden-2026-11"
    disk = _prepare("compute.instances.attachDisk", project="p", zone="europe-west1-c",
                    instance="web-3", source="web-1")
    assert disk["source"] == "zones/europe-west1-c/disks/web-1"


def test_urls_are_left_alone() -> None:
    url = "projects/acme-prod/regions/europe-west1/disks/data"
    out = _prepare("compute.instances.attachDisk", project="p", zone="z", instance="i",
                   source=url)
    assert out["source"] == url


def test_missing_project_comes_from_the_cloud() -> None:
    out = _prepare("sql.instances.get", instance="orders-db")
    assert out["project"] == "acme-prod"
    empty = _prepare("sql.instances.get", project="", instance="orders-db")
    assert empty["project"] == "acme-prod"


def test_missing_required_and_unknown_arguments_are_refused() -> None:
    with pytest.raises(CloudError) as missing:
        _prepare("sql.instances.get", project="p")
    assert "instance" in missing.value.message
    with pytest.raises(CloudError) as unknown:
        _prepare("sql.instances.get", project="p", instance="i", zone="z")
    assert "zone" in unknown.value.message and "it takes" in unknown.value.hint


def test_optional_empty_arguments_are_dropped() -> None:
    out = _prepare("compute.instances.list", project="p", zone="z", filter="")
    assert "filter" not in out


def test_effects_follow_the_catalog() -> None:
    insert = _prepare("compute.instances.insert", project="p", zone="europe-west4-a",
                      name="web-9", machineType="e2-small", sourceSnapshot="s")
    assert effects(CATALOG["compute.instances.insert"], insert) == (
        [ResourceRef("compute.instance", "web-9", "europe-west4-a")], [])
    snap = _prepare("compute.disks.createSnapshot", project="p", zone="z", disk="web-1",
                    snapshot="web-1-drill")
    assert effects(CATALOG["compute.disks.createSnapshot"], snap)[0] == [
        ResourceRef("compute.snapshot", "web-1-drill", "global")]
    clone = _prepare("sql.instances.clone", project="p", instance="orders-db",
                     destinationInstanceName="orders-db-pitr")
    assert effects(CATALOG["sql.instances.clone"], clone)[0] == [
        ResourceRef("sql.instance", "orders-db-pitr", None)]
    delete = _prepare("compute.instances.delete", project="p", zone="z", instance="web-9")
    assert effects(CATALOG["compute.instances.delete"], delete) == (
        [], [ResourceRef("compute.instance", "web-9", "z")])


def test_request_ids_are_stable_uuids_per_attempt() -> None:
    import uuid

    first = request_id_for("run-1", "start-web", 1)
    assert uuid.UUID(first).version == 5
    assert request_id_for("run-1", "start-web", 1) == first
    assert request_id_for("run-1", "start-web", 2) != first
    assert request_id_for("run-2", "start-web", 1) != first


def test_operation_ref_round_trips_as_json() -> None:
    import json

    ref = OperationRef("operation-123", "compute", "zone", "europe-west1-b", "acme-prod")
    assert OperationRef.from_dict(json.loads(json.dumps(ref.to_dict()))) == ref
