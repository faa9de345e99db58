"""API errors in the JSON error shape Compute v1 and Cloud SQL v1beta4 answer with."""

from __future__ import annotations

REASON = {
    400: "invalid", 403: "forbidden", 404: "notFound", 409: "alreadyExists",
    412: "conditionNotMet", 429: "rateLimitExceeded", 500: "backendError",
    503: "backendError", 504: "deadlineExceeded",
}


class ApiError(Exception):
    """An error the simulator answers with: HTTP status, reason and a readable message."""

    def __init__(self, code: int, message: str, reason: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or REASON.get(code, "error")

    def body(self, service: str = "compute") -> dict:
        """The JSON error body Compute and Cloud SQL send: `code`, `message`, `errors[]`.

        Real v1 / v1beta4 answers carry no `status` and no `details` (recorded traffic), so
        neither does the simulator: a client must not lean on them."""
        return {"error": {
            "code": self.code,
            "message": self.message,
            "errors": [{"message": self.message, "domain": "global", "reason": self.reason}],
        }}


def not_found(kind: str, name: str) -> ApiError:
    """404 for an unknown resource, worded like Google's."""
    return ApiError(404, f"The resource '{name}' was not found", "notFound") if kind == "compute" \
        else ApiError(404, f"The Cloud SQL instance does not exist: {name}", "instanceDoesNotExist")


def busy(name: str) -> ApiError:
    """409 when another operation is running on the resource."""
    return ApiError(409, f"Operation failed because another operation was already in progress "
                         f"on '{name}'. Try again after it finishes.", "operationInProgress")


def bad_request(message: str, reason: str = "invalid") -> ApiError:
    """400 for an argument the API rejects."""
    return ApiError(400, message, reason)


def zone_unavailable(where: str) -> ApiError:
    """503 for a call that needs a zone or region that is down."""
    return ApiError(503, f"The zone or region '{where}' is currently unavailable. "
                         "Try another location.", "backendError")


# HTTP status a failed Compute operation reports, by error code.
OPERATION_HTTP = {
    "ZONE_RESOURCE_POOL_EXHAUSTED": 503, "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS": 503,
    "QUOTA_EXCEEDED": 403, "RESOURCE_NOT_FOUND": 404, "RESOURCE_NOT_READY": 400,
    "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE": 400, "INTERNAL_ERROR": 500, "CONFLICT": 409,
}
