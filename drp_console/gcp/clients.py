"""The Google Cloud client factory: live (Application Default Credentials) or the simulator.

Importing `google.cloud.compute_v1` costs ~1.6 s and ~115 MiB, so nothing here imports a Google
client module before a client is first asked for (or `warm_up()` runs in a background thread).
Clients are built once per kind and shared: the engine calls them from several worker threads,
and the REST clients are safe to share (one `requests` session each).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from typing import Any

from drp_console.gcp.errors import CloudError, from_exception

DEFAULT_TIMEOUT = 30.0
"""Seconds any single API request may take; Cloud SQL's client has no default of its own."""

CLIENT_KINDS: dict[str, tuple[str, str]] = {
    "instances": ("google.cloud.compute_v1", "InstancesClient"),
    "disks": ("google.cloud.compute_v1", "DisksClient"),
    "snapshots": ("google.cloud.compute_v1", "SnapshotsClient"),
    "instance_templates": ("google.cloud.compute_v1", "InstanceTemplatesClient"),
    "instance_group_managers": ("google.cloud.compute_v1", "InstanceGroupManagersClient"),
    "region_instance_group_managers": ("google.cloud.compute_v1",
                                       "RegionInstanceGroupManagersClient"),
    "zone_operations": ("google.cloud.compute_v1", "ZoneOperationsClient"),
    "region_operations": ("google.cloud.compute_v1", "RegionOperationsClient"),
    "global_operations": ("google.cloud.compute_v1", "GlobalOperationsClient"),
    "sql_instances": ("google.cloud.sqladmin_v1beta4", "SqlInstancesServiceClient"),
    "sql_backup_runs": ("google.cloud.sqladmin_v1beta4", "SqlBackupRunsServiceClient"),
    "sql_operations": ("google.cloud.sqladmin_v1beta4", "SqlOperationsServiceClient"),
}
"""Every client the action catalog needs: kind -> (module, class)."""

SERVICE_MODULES: dict[str, str] = {
    "compute": "google.cloud.compute_v1",
    "sql": "google.cloud.sqladmin_v1beta4",
    "monitoring": "google.cloud.monitoring_v3",
}
"""The client module each catalog service (`Call.service`) needs."""


def kinds_for(services: Iterable[str]) -> list[str]:
    """The client kinds the given catalog services call (monitoring has none: raw REST)."""
    modules = {SERVICE_MODULES[s] for s in services if s in SERVICE_MODULES}
    return [kind for kind, (module, _) in CLIENT_KINDS.items() if module in modules]

_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


class Cloud:
    """Where and as whom the console calls Google Cloud; builds and caches its clients."""

    def __init__(self, endpoint: str | None, project: str | None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        if endpoint is not None and not endpoint.startswith(("http://", "https://")):
            endpoint = "http://" + endpoint
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        """None for live Google Cloud; else the simulator's `http://127.0.0.1:PORT`."""
        self.project = project
        """The project calls default to; live mode takes the ADC project when None."""
        self.timeout = timeout
        """Seconds each request may take (passed as `timeout=` on every call)."""
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._credentials: Any = None

    @property
    def live(self) -> bool:
        """True when calls go to the real Google Cloud."""
        return self.endpoint is None

    def describe(self) -> str:
        """A short line for logs and error messages: where calls go."""
        return "Google Cloud (live)" if self.live else f"the simulator at {self.endpoint}"

    def _resolve_credentials(self) -> Any:
        if self._credentials is not None:
            return self._credentials
        if self.live:
            import google.auth

            try:
                credentials, adc_project = google.auth.default(scopes=list(_SCOPES))
            except Exception as exc:  # noqa: BLE001 - mapped to an actionable CloudError
                raise from_exception(exc, endpoint=self.describe()) from exc
            if self.project is None:
                self.project = adc_project
        else:
            from google.auth.credentials import AnonymousCredentials

            credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
        self._credentials = credentials
        return credentials

    def client(self, kind: str) -> Any:
        """The shared client of one kind (see `CLIENT_KINDS`), built on first use."""
        existing = self._clients.get(kind)
        if existing is not None:
            return existing
        if kind not in CLIENT_KINDS:
            raise KeyError(f"unknown client kind {kind!r}; known: {', '.join(CLIENT_KINDS)}")
        with self._lock:
            existing = self._clients.get(kind)
            if existing is not None:
                return existing
            module_name, class_name = CLIENT_KINDS[kind]
            cls = getattr(importlib.import_module(module_name), class_name)
            options = {"api_endpoint": self.endpoint} if self.endpoint else None
            built = cls(credentials=self._resolve_credentials(), transport="rest",
                        client_options=options)
            self._clients[kind] = built
            return built

    def session(self) -> Any:
        """An authorised `requests` session with the cloud's credentials (for raw REST calls)."""
        existing = self._clients.get("_session")
        if existing is not None:
            return existing
        with self._lock:
            if "_session" not in self._clients:
                from google.auth.transport.requests import AuthorizedSession

                self._clients["_session"] = AuthorizedSession(  # type: ignore[no-untyped-call]
                    self._resolve_credentials())
            return self._clients["_session"]

    def require_project(self, project: str | None) -> str:
        """The project for a call: its own argument, else the cloud's; an error when neither."""
        if project:
            return project
        if self.project is None and self.live:
            self._resolve_credentials()
        if self.project:
            return self.project
        raise CloudError(
            "no project given for the call", code="invalidArgument",
            hint="set `project:` in the step's `with:` or start the run with --project.")

    def warm_up(self, services: Iterable[str] | None = None) -> None:
        """Import the client modules of the given catalog services (every one when None) and
        build their clients; run it in a thread at start-up.

        Failures (no credentials, say) are left for the first real call to report.
        """
        wanted = list(SERVICE_MODULES) if services is None else list(services)
        for service in wanted:
            if service == "monitoring":  # raw REST; the module parses the answers
                importlib.import_module(SERVICE_MODULES[service])
        try:
            if "monitoring" in wanted:
                self.session()
            for kind in kinds_for(wanted):
                self.client(kind)
        except CloudError:
            return
