"""The action catalog made real: `invoke` a call, `poll` its operation, `CloudError` on failure."""

from drp_console.actions.invocation import ADAPTERS, invoke, request_id_for
from drp_console.actions.outcome import CallOutcome, OperationRef, OperationStatus, ResourceRef
from drp_console.actions.polling import poll
from drp_console.gcp.errors import CloudError

__all__ = [
    "ADAPTERS",
    "CallOutcome",
    "CloudError",
    "OperationRef",
    "OperationStatus",
    "ResourceRef",
    "invoke",
    "poll",
    "request_id_for",
]
