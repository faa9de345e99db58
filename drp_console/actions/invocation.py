"""`invoke`: one catalog call, dispatched by table to its adapter, with its effects named."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from drp_console.actions.arguments import prepare
from drp_console.actions.compute_calls import COMPUTE_ADAPTERS
from drp_console.actions.monitoring_calls import MONITORING_ADAPTERS
from drp_console.actions.outcome import CallOutcome, ResourceRef
from drp_console.actions.sql_calls import SQL_ADAPTERS
from drp_console.gcp.clients import Cloud
from drp_console.gcp.errors import CloudError, from_exception, invalid_argument
from drp_console.runbook.catalog import CATALOG, Call

ADAPTERS = {**COMPUTE_ADAPTERS, **SQL_ADAPTERS, **MONITORING_ADAPTERS}
"""Every catalog call name -> the function that makes it."""

_REQUEST_ID_NAMESPACE = uuid.UUID("6f1c2d4e-9b7a-5c3e-8d21-0a4b6c8e2f13")


def request_id_for(run_id: str, step: str, attempt: int) -> str:
    """The requestId of one attempt: a UUID derived from (run, step, attempt), stable on resume."""
    return str(uuid.uuid5(_REQUEST_ID_NAMESPACE, f"{run_id}/{step}/{attempt}"))


def _resource(call: Call, arg: str, args: dict[str, Any]) -> ResourceRef:
    collection = call.name.split(".")[1]
    if arg == "snapshot":
        return ResourceRef("compute.snapshot", args[arg], "global")
    kind = f"{call.service}.{collection.rstrip('s')}"
    return ResourceRef(kind, args[arg], args.get("zone") or args.get("region"))


def effects(call: Call, args: dict[str, Any]) -> tuple[list[ResourceRef], list[ResourceRef]]:
    """The resources a call creates and deletes, from the catalog's `creates`/`deletes`."""
    created = [_resource(call, call.creates, args)] if call.creates in args else []
    deleted = [_resource(call, call.deletes, args)] if call.deletes in args else []
    return created, deleted


def invoke(cloud: Cloud, call: str, args: dict[str, Any],
           request_id: str | None = None) -> CallOutcome:
    """Make one catalog call (blocking); every failure is raised as a `CloudError`.

    A mutating call returns at once with the operation it started; poll it with `poll`.
    """
    entry = CATALOG.get(call)
    adapter = ADAPTERS.get(call)
    if entry is None or adapter is None:
        raise invalid_argument(f"{call!r} is not in the action catalog",
                               "run `drp validate` on the runbook to see the calls it may use.")
    prepared = prepare(entry, args, cloud)
    try:
        outcome = adapter(cloud, prepared, request_id if entry.request_id else None)
    except CloudError:
        raise
    except Exception as exc:  # noqa: BLE001 - every client failure becomes a CloudError
        raise from_exception(exc, call=call, endpoint=cloud.describe()) from exc
    created, deleted = effects(entry, prepared)
    return replace(outcome, created=created, deleted=deleted)
