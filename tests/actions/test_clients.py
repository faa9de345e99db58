"""The client factory: lazy, cached, thread-safe, live credentials errors made actionable."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from drp_console.actions import CloudError, invoke
from drp_console.gcp.clients import CLIENT_KINDS, Cloud


def test_importing_the_packages_loads_no_google_client() -> None:
    code = ("import sys, drp_console.actions, drp_console.gcp.clients\n"
            "from drp_console.gcp.clients import Cloud\n"
            "Cloud('http://127.0.0.1:9', 'p')\n"
            "print([m for m in sys.modules if m.startswith('google.cloud')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_clients_are_built_once_and_shared_across_threads(google_clients: None) -> None:
    cloud = Cloud("127.0.0.1:9", "acme-prod")
    assert cloud.endpoint == "http://127.0.0.1:9"
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(cloud.client("sql_instances")))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 1
    cloud.warm_up()
    assert all(cloud.client(kind) is not None for kind in CLIENT_KINDS)
    with pytest.raises(KeyError):
        cloud.client("storage")


def test_live_mode_without_credentials_says_how_to_log_in(
        google_clients: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    cloud = Cloud(None, "acme-prod")
    assert cloud.live and "live" in cloud.describe()
    cloud.warm_up()  # never raises: the first call reports the problem
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.get", {"instance": "orders-db"})
    assert caught.value.code == "noCredentials"
    assert caught.value.transient is False
    assert "application-default login" in caught.value.hint


def test_missing_project_everywhere_is_an_actionable_error() -> None:
    cloud = Cloud("http://127.0.0.1:9", None)
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.get", {"instance": "orders-db"})
    assert "--project" in caught.value.hint


def test_unknown_call_is_refused() -> None:
    with pytest.raises(CloudError) as caught:
        invoke(Cloud("http://127.0.0.1:9", "p"), "compute.instances.explode", {})
    assert caught.value.code == "invalidArgument" and caught.value.transient is False
