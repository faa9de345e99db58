"""Client messages as REST JSON: camelCase field names and enum names, as runbooks see them.

Fields without presence (lists, maps, proto3 scalars) are always written, so `result.replicaNames`
is `[]` rather than undefined when a Cloud SQL instance has no replicas.
"""

from __future__ import annotations

from typing import Any, Literal

OperationStatusName = Literal["PENDING", "RUNNING", "DONE"]
OPERATION_STATUSES = ("PENDING", "RUNNING", "DONE")
"""The statuses the engine knows; anything else reads as PENDING."""


def to_rest(message: Any) -> dict[str, Any]:
    """A proto-plus message as the dict its REST JSON would parse into."""
    rest: dict[str, Any] = type(message).to_dict(message, use_integers_for_enums=False,
                                                 preserving_proto_field_name=False)
    return rest


def status_name(value: Any) -> OperationStatusName:
    """An operation status (enum, int or name) as PENDING, RUNNING or DONE."""
    name = getattr(value, "name", value)
    if isinstance(name, int):
        from google.cloud import compute_v1

        try:
            name = compute_v1.Operation.Status(name).name
        except ValueError:
            name = "PENDING"
    if name in ("DONE", "RUNNING"):
        return "DONE" if name == "DONE" else "RUNNING"
    return "PENDING"


def last_segment(url: str | None) -> str | None:
    """`.../zones/europe-west1-b` -> `europe-west1-b`; None stays None."""
    if not url:
        return None
    return url.rstrip("/").rsplit("/", 1)[-1]


MAX_LIST_ITEMS = 5000
"""List calls stop collecting pages after this many items."""


def list_result(pager: Any) -> dict[str, Any]:
    """Every page of a list call as one REST list: `items` joined, no `nextPageToken`."""
    first: dict[str, Any] | None = None
    items: list[dict[str, Any]] = []
    for page in pager.pages:
        data = to_rest(page)
        first = first or data
        items.extend(data.get("items", []))
        if len(items) >= MAX_LIST_ITEMS:
            break
    result = dict(first or {})
    result.pop("nextPageToken", None)
    result["items"] = items[:MAX_LIST_ITEMS]
    return result
