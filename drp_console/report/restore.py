"""What a run restored from, in words: a Cloud SQL backup run (its start and finish) or a point
in time, as the journal recorded it."""

from __future__ import annotations

from datetime import UTC, datetime

from drp_console.journal.timing import parse_ts
from drp_console.report.coerce import as_dict
from drp_console.report.moments import Moments, utc_text


def _short(at: datetime, reference: datetime) -> str:
    """`02:09:00 UTC` on the reference's UTC day, else the full UTC text."""
    at, reference = at.astimezone(UTC), reference.astimezone(UTC)
    return at.strftime("%H:%M:%S UTC") if at.date() == reference.date() else utc_text(at)


def describe(point: dict, at: datetime, backup_runs: dict[str, dict], when: Moments
             ) -> tuple[str, str]:
    """(restored_from, what the RPO is measured from) for the run's restore point (as
    `RunState.restore_point` holds it) whose `at` is `at`. A backup is named by its start (the
    moment its data is from, the time the console records) and, when a call result in the
    journal showed the backup run (`RunState.backup_runs`), its finish."""
    local = "" if when.utc_only else f" ({when.local_text(at)})"
    step = point.get("step")
    if point.get("kind") == "switchover":
        text = (f"the primary's data as of the switchover by step {step} ({utc_text(at)}{local}): "
                "Cloud SQL applies every change to the replica before roles reverse")
        return text, f"the switchover ({utc_text(at)}; no change is lost)"
    if point.get("kind") == "replica_lag":
        lag = point.get("lag_seconds")
        text = (f"the replica's data as of {utc_text(at)}{local}: replication lag {lag:g} s "
                f"(Cloud Monitoring replica_lag) when step {step} promoted it")
        return text, f"the replica's last applied change ({utc_text(at)}, lag {lag:g} s)"
    if point.get("kind") != "backup":
        return (f"the point in time {utc_text(at)}{local}, restored by step {step}",
                f"the point in time restored ({utc_text(at)})")
    run_id = point.get("backup_run_id")
    name = f"backup run {run_id}" if run_id not in (None, "") else "a backup run"
    record = as_dict(backup_runs.get(str(run_id))) if run_id not in (None, "") else {}
    started, ended = parse_ts(record.get("startTime")), parse_ts(record.get("endTime"))
    finish = (f"finished {_short(ended, at)}" if ended is not None
              else "its finish time is not in the journal")
    if started is not None and started != at:
        text = (f"{name} (started {utc_text(started)}, {finish}), restored as of "
                f"{utc_text(at)}{local} by step {step}")
    else:
        text = (f"{name}, started {utc_text(at)}{local}, {finish}, restored by step {step}; "
                "Cloud SQL restores a backup's data as of its start")
    return text, f"the start of {name} ({utc_text(at)})"
