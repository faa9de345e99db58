"""Failures from the Google clients become CloudErrors classified transient or permanent."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from google.api_core import exceptions as gx

from drp_console.actions import CloudError, invoke
from drp_console.gcp.clients import Cloud
from drp_console.gcp.errors import from_exception, from_operation_error


def _api(cls: type, reason: str, text: str) -> gx.GoogleAPICallError:
    return cls(f"GET http://x/y: {text}", errors=[{"reason": reason, "message": text}])


@pytest.mark.parametrize(
    ("cls", "status", "transient"),
    [
        (gx.BadRequest, 400, False),
        (gx.Unauthorized, 401, False),
        (gx.Forbidden, 403, False),
        (gx.NotFound, 404, False),
        (gx.Conflict, 409, False),
        (gx.PreconditionFailed, 412, False),
        (gx.TooManyRequests, 429, True),
        (gx.InternalServerError, 500, True),
        (gx.BadGateway, 502, True),
        (gx.ServiceUnavailable, 503, True),
        (gx.GatewayTimeout, 504, True),
    ],
)
def test_http_errors_are_classified_by_status(cls: type, status: int, transient: bool) -> None:
    error = from_exception(_api(cls, "someReason", "it went wrong"), call="compute.instances.get")
    assert error.http_status == status
    assert error.transient is transient
    assert error.code == "someReason"
    assert error.message == "it went wrong"
    assert error.hint


def test_not_found_hint_names_the_listing_call() -> None:
    error = from_exception(_api(gx.NotFound, "notFound", "no such instance"),
                           call="sql.instances.get")
    assert error.code == "notFound"
    assert "sql.instances.list" in error.hint
    compute = from_exception(_api(gx.NotFound, "notFound", "nope"), call="compute.instances.stop")
    assert "compute.instances.list" in compute.hint


def test_conflict_hint_says_wait_for_the_running_operation() -> None:
    error = from_exception(_api(gx.Conflict, "operationInProgress", "busy"))
    assert "wait" in error.hint and "operation" in error.hint
    exists = from_exception(_api(gx.Conflict, "alreadyExists", "exists"))
    assert "already exists" in exists.hint


def test_stale_settings_version_hint_says_read_again() -> None:
    error = from_exception(_api(gx.PreconditionFailed, "staleData", "settings version stale"))
    assert error.transient is False
    assert "read it again" in error.hint


def test_error_without_details_falls_back_to_its_message_and_class() -> None:
    error = from_exception(gx.ServiceUnavailable("backend down"))
    assert error.transient is True
    assert error.code == "ServiceUnavailable"
    assert "backend down" in error.message


@pytest.mark.parametrize(
    ("exc", "code", "transient"),
    [
        (requests.exceptions.ConnectionError("refused"), "connectionError", True),
        (requests.exceptions.ReadTimeout("slow"), "timeout", True),
        (requests.exceptions.ConnectTimeout("slow"), "timeout", True),
        (requests.exceptions.SSLError("wrong version number"), "sslError", False),
        (requests.exceptions.ChunkedEncodingError("cut"), "brokenResponse", True),
        (requests.exceptions.InvalidURL("bad"), "requestError", False),
    ],
)
def test_network_errors_are_classified(exc: Exception, code: str, transient: bool) -> None:
    error = from_exception(exc, endpoint="the simulator at http://127.0.0.1:1")
    assert error.code == code
    assert error.transient is transient
    assert error.hint


def test_auth_errors_say_how_to_log_in() -> None:
    import google.auth.exceptions as ga

    error = from_exception(ga.DefaultCredentialsError("no ADC"))
    assert error.transient is False
    assert "application-default login" in error.hint
    assert from_exception(ga.TransportError("dns")).transient is True
    assert from_exception(ga.RefreshError("expired")).transient is False


def test_retry_error_is_classified_by_its_cause() -> None:
    cause = gx.ServiceUnavailable("down")
    error = from_exception(gx.RetryError("gave up", cause))
    assert error.transient is True and error.http_status == 503


def test_unexpected_exception_is_permanent_with_a_hint() -> None:
    error = from_exception(ValueError("boom"))
    assert error.transient is False
    assert error.code == "ValueError"
    assert "boom" in error.message and error.hint


@pytest.mark.parametrize(
    ("code", "status", "transient"),
    [
        ("ZONE_RESOURCE_POOL_EXHAUSTED", 503, True),
        ("ZONE_RESOURCE_POOL_EXHAUSTED", None, True),
        ("RESOURCE_EXHAUSTED", None, True),
        ("INTERNAL_ERROR", None, True),
        ("QUOTA_EXCEEDED", 403, False),
        ("RESOURCE_NOT_FOUND", 404, False),
        ("CONFLICT", 409, False),
        ("SOMETHING_NEW", 503, True),
        ("SOMETHING_NEW", None, False),
    ],
)
def test_operation_errors_are_classified(code: str, status: int | None, transient: bool) -> None:
    error = from_operation_error([{"code": code, "message": f"{code} happened"}],
                                 http_status=status)
    assert error.code == code
    assert error.transient is transient
    assert error.message == f"{code} happened"
    assert error.hint


def test_operation_error_hint_for_capacity_suggests_another_zone() -> None:
    error = from_operation_error([{"code": "ZONE_RESOURCE_POOL_EXHAUSTED", "message": "m"}])
    assert "another zone" in error.hint


def test_cloud_error_round_trips_through_the_journal_shape() -> None:
    error = CloudError("m", code="notFound", http_status=404, transient=False, hint="h")
    again = CloudError.from_dict(error.to_dict())
    assert again.to_dict() == error.to_dict()
    assert str(again) == "m (h)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_is_a_transient_connection_error(google_clients: None) -> None:
    cloud = Cloud(f"http://127.0.0.1:{_free_port()}", "acme-prod", timeout=5)
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.get", {"project": "acme-prod", "instance": "orders-db"})
    assert caught.value.code == "connectionError"
    assert caught.value.transient is True
    assert "127.0.0.1" in caught.value.message


def test_silent_endpoint_is_a_transient_timeout(google_clients: None) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    cloud = Cloud(f"http://127.0.0.1:{listener.getsockname()[1]}", "acme-prod", timeout=0.3)
    try:
        with pytest.raises(CloudError) as caught:
            invoke(cloud, "compute.instances.get",
                   {"project": "acme-prod", "zone": "europe-west1-b", "instance": "web-1"})
    finally:
        thread.join(2)
        for sock in accepted:
            sock.close()
        listener.close()
    assert caught.value.code == "timeout"
    assert caught.value.transient is True
