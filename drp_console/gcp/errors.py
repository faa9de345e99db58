"""Google Cloud failures as one `CloudError`: transient or permanent, with a hint to act on.

Errors arrive three ways: `google.api_core.exceptions.*` for HTTP error answers, raw
`requests.exceptions.*` (and `google.auth.exceptions.*`) for network and credential failures, and
the `error` of an operation that finished badly. The engine retries only what is transient, so the
classification lives here, in one place, and never in an adapter.
"""

from __future__ import annotations

from typing import Any

TRANSIENT_HTTP = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses worth retrying: rate limits and server-side trouble."""

TRANSIENT_OPERATION_CODES = frozenset({
    "ZONE_RESOURCE_POOL_EXHAUSTED",
    "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS",
    "RESOURCE_EXHAUSTED",
    "RESOURCE_NOT_READY",
    "RESOURCE_OPERATION_RATE_EXCEEDED",
    "RATE_LIMIT_EXCEEDED",
    "INTERNAL_ERROR",
    "INTERNAL",
    "SERVICE_UNAVAILABLE",
    "UNAVAILABLE",
    "BACKEND_ERROR",
    "DEADLINE_EXCEEDED",
    "TIMEOUT",
    "OPERATION_TIMED_OUT",
    "ABORTED",
})
"""Operation error codes (Compute and Cloud SQL) that a later attempt may not meet."""

_HINTS_BY_STATUS = {
    400: "Google rejected the request as invalid: check the step's `with:` arguments "
         "against the action catalog.",
    401: "the credentials were refused: run `gcloud auth application-default login` "
         "(or check the service account key) and try again.",
    403: "permission denied: check the project id and that the account has the IAM role "
         "this call needs (e.g. roles/cloudsql.admin or roles/compute.instanceAdmin.v1).",
    404: "not found: check the name, zone or region and the project; list what exists "
         "with {listing}.",
    409: "the resource has another operation running or already exists: wait for that "
         "operation to finish, then retry the step.",
    412: "the resource changed since it was read (stale settings version or fingerprint): "
         "read it again and retry the step.",
    429: "rate limit or quota reached: the step is retried if it has `retry:`; otherwise "
         "wait a minute and retry it.",
}
_SERVER_HINT = ("Google Cloud answered with a server error; it usually passes: the step is "
                "retried if it has `retry:`, otherwise retry it in a moment.")
_OPERATION_HINTS = {
    "ZONE_RESOURCE_POOL_EXHAUSTED": "the zone has no capacity for this machine type right now: "
                                    "retry, or use another zone or machine type.",
    "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS": "the zone has no capacity for this machine type "
                                                 "right now: retry, or use another zone.",
    "QUOTA_EXCEEDED": "a quota is used up: free capacity or request more quota for the project "
                      "(IAM & Admin > Quotas), then retry.",
    "RESOURCE_NOT_READY": "the resource is not ready for this operation yet: wait and retry.",
}


class CloudError(Exception):
    """A failed cloud call or operation, classified for the engine and explained for a person."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        transient: bool = False,
        hint: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        """What went wrong, in Google's words where it gave some."""
        self.code = code
        """A short machine code: `notFound`, `ZONE_RESOURCE_POOL_EXHAUSTED`, `connectionError`."""
        self.http_status = http_status
        """The HTTP status behind it, when there was one."""
        self.transient = transient
        """True when a later attempt may succeed (429, 5xx, network, capacity)."""
        self.hint = hint
        """What the operator can do about it."""

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def to_dict(self) -> dict[str, Any]:
        """The journal's `error` shape: message, code, http_status, transient, hint."""
        return {
            "message": self.message,
            "code": self.code,
            "http_status": self.http_status,
            "transient": self.transient,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CloudError:
        """Rebuild an error read back from the journal."""
        return cls(
            data.get("message", ""),
            code=data.get("code"),
            http_status=data.get("http_status"),
            transient=bool(data.get("transient")),
            hint=data.get("hint") or "",
        )


def invalid_argument(message: str, hint: str) -> CloudError:
    """A call the console refuses before sending it: a permanent error."""
    return CloudError(message, code="invalidArgument", transient=False, hint=hint)


def _listing_for(call: str | None) -> str:
    if call and call.startswith("sql.backupRuns"):
        return "sql.backupRuns.list"
    if call and call.startswith("sql."):
        return "sql.instances.list"
    if call and ".snapshots." in call:
        return "compute.snapshots.list"
    return "compute.instances.list (or `gcloud compute instances list`)"


def _hint_for_status(status: int | None, call: str | None) -> str:
    if status is None:
        return ""
    if status >= 500:
        return _SERVER_HINT
    return _HINTS_BY_STATUS.get(status, "").format(listing=_listing_for(call))


def _api_error(exc: Any, call: str | None) -> CloudError:
    status = exc.code if isinstance(exc.code, int) else None
    details = [e for e in (exc.errors or []) if isinstance(e, dict)]
    code = next((d["reason"] for d in details if d.get("reason")), None) or exc.reason
    if not code:
        code = type(exc).__name__
    text = next((d["message"] for d in details if d.get("message")), None) or exc.message
    transient = status in TRANSIENT_HTTP or (status is not None and status >= 500)
    hint = _hint_for_status(status, call)
    if code in ("alreadyExists", "ALREADY_EXISTS", "AlreadyExists"):
        hint = ("a resource with that name already exists: pick another name, or delete the "
                "old one first if it is left over from an earlier drill.")
    return CloudError(str(text), code=code, http_status=status, transient=transient, hint=hint)


def _network_error(exc: Any, endpoint: str | None) -> CloudError | None:
    import requests.exceptions as rq

    where = endpoint or "the Google Cloud API"
    if isinstance(exc, rq.SSLError):
        return CloudError(
            f"TLS failed talking to {where}: {exc}", code="sslError", transient=False,
            hint="a simulator endpoint must start with http://; for live mode check the "
                 "proxy or CA settings (REQUESTS_CA_BUNDLE).")
    if isinstance(exc, rq.Timeout):
        return CloudError(
            f"{where} did not answer in time: {exc}", code="timeout", transient=True,
            hint="the network or the API is slow, and a change may still have reached Google "
                 "Cloud: look at the resource before running the step again by hand.")
    if isinstance(exc, rq.ConnectionError):
        return CloudError(
            f"cannot reach {where}: {exc}", code="connectionError", transient=True,
            hint="check the network connection (and that the simulator is running, for a "
                 "simulated run); the step is retried if it has `retry:`.")
    if isinstance(exc, (rq.ChunkedEncodingError, rq.ContentDecodingError)):
        return CloudError(f"the answer from {where} was cut off: {exc}", code="brokenResponse",
                          transient=True, hint="retry the step.")
    if isinstance(exc, rq.RequestException):
        return CloudError(f"the request to {where} failed: {exc}", code="requestError",
                          transient=False, hint="check the endpoint and the network settings.")
    return None


def _auth_error(exc: Any) -> CloudError | None:
    import google.auth.exceptions as ga

    login = "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS"
    if isinstance(exc, ga.DefaultCredentialsError):
        return CloudError(f"no Google credentials found: {exc}", code="noCredentials",
                          transient=False, hint=login + ", then start the run again.")
    if isinstance(exc, ga.TransportError):
        return CloudError(f"cannot reach the Google sign-in service: {exc}",
                          code="authTransportError", transient=True,
                          hint="check the network connection; the step is retried if it has "
                               "`retry:`.")
    if isinstance(exc, ga.RefreshError):
        return CloudError(f"the Google credentials could not be refreshed: {exc}",
                          code="credentialsExpired", transient=False, hint=login + ".")
    if isinstance(exc, ga.GoogleAuthError):
        return CloudError(f"Google authentication failed: {exc}", code="authError",
                          transient=False, hint=login + ".")
    return None


def from_exception(exc: BaseException, *, call: str | None = None,
                   endpoint: str | None = None) -> CloudError:
    """The `CloudError` for anything a client call raised; unknown exceptions are permanent."""
    if isinstance(exc, CloudError):
        return exc
    from google.api_core import exceptions as gx

    if isinstance(exc, gx.GoogleAPICallError):
        return _api_error(exc, call)
    if isinstance(exc, gx.RetryError):
        cause = exc.cause
        if cause is not None and cause is not exc:
            return from_exception(cause, call=call, endpoint=endpoint)
        return CloudError(str(exc), code="retryError", transient=True, hint=_SERVER_HINT)
    mapped = _network_error(exc, endpoint) or _auth_error(exc)
    if mapped is not None:
        return mapped
    return CloudError(
        f"{type(exc).__name__}: {exc}", code=type(exc).__name__, transient=False,
        hint="an unexpected failure in the console's cloud client: check the step's "
             "arguments; report it with the run's journal if it persists.")


def from_operation_error(errors: list[dict[str, Any]], *, http_status: int | None = None,
                         message: str | None = None) -> CloudError:
    """The `CloudError` for an operation that finished with `error.errors[]` (REST shape)."""
    first = errors[0] if errors else {}
    code = first.get("code") or "OPERATION_FAILED"
    text = first.get("message") or message or code
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more error(s))"
    transient = code in TRANSIENT_OPERATION_CODES or (
        http_status is not None and (http_status in TRANSIENT_HTTP or http_status >= 500))
    hint = _OPERATION_HINTS.get(code) or _hint_for_status(http_status, None) or (
        "the operation failed: the step is retried if it has `retry:`." if transient
        else "the operation failed: read the message, fix the cause, then retry the step.")
    return CloudError(text, code=code, http_status=http_status, transient=transient, hint=hint)
