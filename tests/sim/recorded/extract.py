"""Re-create the recorded shapes from a local clone of Google's Config Connector repository.

    python tests/sim/recorded/extract.py /path/to/k8s-config-connector

Each `SOURCES` entry names a normalised HTTP log (`_http.log`) at a fixed commit; the JSON
response bodies are kept with the request line that produced them, in `<label>.json`, with the
repository, path and commit beside them. The logs are facts recorded from Google Cloud by the
Config Connector end-to-end tests; nothing else of that repository is used.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = "GoogleCloudPlatform/k8s-config-connector"
_B = "pkg/test/resourcefixture/testdata/basic"
SOURCES = {
    # label: (path, commit, why it is taken as recorded against real Google Cloud)
    "sql-switchover": ("mockgcp/mocksql/testdata/instance/switchover/_http.log", "23e1a7b6c3",
                       ("the commit adds only the log and its gcloud script (no mock code): "
                        "a recording made against real Google Cloud")),
    "sql-crud": ("mockgcp/mocksql/testdata/instance/crud/_http.log", "a2de528115",
                 ("the commit adds only the log and its gcloud script (no mock code)")),
    "compute-instancegroup": (f"{_B}/compute/v1beta1/computeinstancegroup/_http.log",
                              "2d7d1b823c", ("commit: 'Record real GCP golden logs for "
                                             "ComputeInstanceGroup' (the initial baseline)")),
    "compute-autoscaler": ((f"{_B}/compute/v1alpha1/computeautoscaler/computeautoscalerbasic/"
                            "_http.log"), "81d5691b4e", ("commit: 'Recorded the golden _http.log "
                                                        "baseline against real GCP' (group, "
                                                        "template, operations)")),
    "compute-disk": ((f"{_B}/compute/v1beta1/computedisk/computediskfromsourcedisk/"
                      "_http_migration_phase1_legacy_create.log"), "f3ec02bacd",
                     "commit: 'Capture baseline E2E migration diffs for ComputeDisk on real GCP'"),
}


def entries(text: str) -> list[dict]:
    """Request line, status and JSON body of every response in a normalised log."""
    out = []
    for block in text.split("\n---\n"):
        lines = block.strip("\n").split("\n")
        if not lines or " " not in lines[0]:
            continue
        request = lines[0]
        for i, line in enumerate(lines):
            if i and line[:3].isdigit() and line[3:4] == " ":
                rest = "\n".join(lines[i + 1:])
                start = rest.find("\n{")
                if start < 0:
                    break
                try:
                    body = json.loads(rest[start:])
                except json.JSONDecodeError:
                    break
                out.append({"request": request, "status": int(line[:3]), "body": body})
                break
    return out


def main(clone: str) -> None:
    here = Path(__file__).parent
    for label, (path, commit, why) in SOURCES.items():
        full = subprocess.run(["git", "-C", clone, "rev-parse", commit], check=True,
                              capture_output=True, text=True).stdout.strip()
        text = subprocess.run(["git", "-C", clone, "show", f"{commit}:{path}"], check=True,
                              capture_output=True, text=True).stdout
        data = {"source": {"repo": REPO, "path": path, "commit": full, "why_real": why},
                "responses": entries(text)}
        (here / f"{label}.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(label, len(data["responses"]))


if __name__ == "__main__":
    main(sys.argv[1])
