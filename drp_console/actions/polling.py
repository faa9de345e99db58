"""`poll`: one status read of a Compute or Cloud SQL operation; the engine owns the loop."""

from __future__ import annotations

from typing import Any

from drp_console.actions.outcome import OperationRef, OperationStatus
from drp_console.gcp.clients import Cloud
from drp_console.gcp.errors import CloudError, from_exception, from_operation_error
from drp_console.gcp.messages import status_name, to_rest


def _read(cloud: Cloud, op: OperationRef) -> Any:
    opts = {"timeout": cloud.timeout, "retry": None}
    if op.service == "sql":
        from google.cloud import sqladmin_v1beta4 as s

        req = s.SqlOperationsGetRequest(project=op.project, operation=op.name)
        return cloud.client("sql_operations").get(request=req, **opts)
    from google.cloud import compute_v1 as c

    if op.scope == "zone":
        req = c.GetZoneOperationRequest(project=op.project, zone=op.location, operation=op.name)
        return cloud.client("zone_operations").get(request=req, **opts)
    if op.scope == "region":
        req = c.GetRegionOperationRequest(project=op.project, region=op.location,
                                          operation=op.name)
        return cloud.client("region_operations").get(request=req, **opts)
    req = c.GetGlobalOperationRequest(project=op.project, operation=op.name)
    return cloud.client("global_operations").get(request=req, **opts)


def poll(cloud: Cloud, op: OperationRef) -> OperationStatus:
    """Read an operation once. A failed read raises `CloudError`; a failed operation is `error`."""
    try:
        data = to_rest(_read(cloud, op))
    except CloudError:
        raise
    except Exception as exc:  # noqa: BLE001 - every client failure becomes a CloudError
        raise from_exception(exc, call=f"{op.service}.operations.get",
                             endpoint=cloud.describe()) from exc
    status = status_name(data.get("status"))
    error = None
    errors = (data.get("error") or {}).get("errors") or []
    if status == "DONE" and errors:
        error = from_operation_error(errors, http_status=data.get("httpErrorStatusCode"),
                                     message=data.get("httpErrorMessage"))
    progress = data.get("progress") if op.service == "compute" else None
    return OperationStatus(status=status, progress=progress, error=error, result=data)
