"""Raw REST requests for the one thing the generated clients cannot say: PATCH with empty lists.

proto3 JSON drops empty repeated fields, so `sqladmin_v1beta4` sends
`settings.ipConfiguration.authorizedNetworks: []` as `ipConfiguration: {}` and the PATCH leaves
every authorised network in place: an access-revocation runbook would silently not revoke. A PATCH
of a runbook's `settings` therefore goes out as the author wrote it, through an authorised
session with the cloud's own credentials and endpoint; errors are the clients' own exception
classes (`google.api_core.exceptions.from_http_response`), so they map the same way.
"""

from __future__ import annotations

from typing import Any

from drp_console.gcp.clients import Cloud

LIVE_HOSTS = {"sql": "https://sqladmin.googleapis.com", "compute": "https://compute.googleapis.com",
              "monitoring": "https://monitoring.googleapis.com"}
"""Where live requests go, per service."""


def request_json(cloud: Cloud, service: str, method: str, path: str,
                 body: dict[str, Any] | None = None,
                 params: dict[str, str] | None = None) -> str:
    """Send one JSON request (path from `/sql/v1beta4/...`); the answer's text, or raise."""
    from google.api_core import exceptions

    session = cloud.session()
    url = (cloud.endpoint or LIVE_HOSTS[service]) + path
    response = session.request(method, url, json=body, params=params, timeout=cloud.timeout,
                               headers={"x-goog-api-client": "drp-console"})
    if response.status_code >= 400:
        raise exceptions.from_http_response(response)  # type: ignore[no-untyped-call]
    return str(response.text)
