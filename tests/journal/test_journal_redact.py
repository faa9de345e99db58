"""Secrets and token-shaped strings never reach the journal, wherever they hide."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from drp_console.journal import Journal, Redactor, read_events

CANARY = "CANARY-7f3a9c-do-not-journal"

JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "NHVaYe26MbtOYhSKkoKYdFVomg4i8ZJd8_-RU8VNbftc4TSMb4bXP3l3YlNWACwyXPGffz5aXHc6lty1Y2t4SWRqGteragsVdZufDn5BlnJl9pdR_kdVFUsra2rWKEofkZeIC4yWytE58sMIihvo9H1ScmmVwBcQP6XETqYd0aSHp1gOa9RdUPDvoXQ5oqygTqVtxaDr6wUFKrKItgBMzWIdNZ6y7O9E0DhEPTbE9rfBo6KTFsHAZnMg4k68CDp2woYIaXbmYTWcvbzIuHO7_37GT79XdIwkm95QJ7hYC9RiwrV7mesbY4PAahERJawntho0my942XheVLmGwLMBkQ"
)
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"  # noqa: E501  (a real token shape)

CASES = {
    "secret alone": (CANARY, "***"),
    "secret inside text": (f"psql password={CANARY} host=x", "psql password=*** host=x"),
    "oauth access token": ("token ya29.a0AfB_byC-1234567890abcdef_XYZ end", "token *** end"),
    "bearer header": ("Authorization: Bearer abcdef1234567890", "Authorization: ***"),
    "basic header": ("authorization: Basic dXNlcjpwYXNz", "authorization: ***"),
    "bare bearer": ("curl -H 'x: Bearer abcdefghijk123'", "curl -H 'x: Bearer ***'"),
    "private key block": (f"key:\n{PEM}done", "key:\n***\ndone"),
    "cut-off private key": ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "***"),
    "service account json": (
        '{"type": "service_account", "private_key": "-----BEGIN\\nabc"}',
        '{"type": "service_account", "private_key": "***"}',
    ),
    "jwt": (f"id token {JWT}", "id token ***"),
    "api key": ("key=AIzaSyA1234567890abcdefghijklmnopqrstuv", "key=***"),
    "harmless text": ("orders-db-replica-ew4 is RUNNABLE", "orders-db-replica-ew4 is RUNNABLE"),
    "resource url": (
        "projects/acme-prod/zones/europe-west1-b/instances/web-1",
        "projects/acme-prod/zones/europe-west1-b/instances/web-1",
    ),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_redacts_token_shapes(text: str, expected: str) -> None:
    assert Redactor([CANARY]).redact(text) == expected


def test_nested_structures_are_copied_not_mutated() -> None:
    data = {
        "args": {"instance": "orders-db", "settings": {"password": "pw-123456", "tier": "db-custom-2"}},
        "list": [CANARY, ("tuple", CANARY), {CANARY: 1}],
        "private_key": "anything at all",
        "n": 3,
        "flag": True,
        "none": None,
    }
    original = copy.deepcopy(data)
    out = Redactor([CANARY]).redact(data)
    assert data == original
    assert out == {
        "args": {"instance": "orders-db", "settings": {"password": "***", "tier": "db-custom-2"}},
        "list": ["***", ["tuple", "***"], {"***": 1}],
        "private_key": "***",
        "n": 3,
        "flag": True,
        "none": None,
    }
    assert CANARY not in json.dumps(out)


def test_short_secrets_only_as_whole_values_and_numbers() -> None:
    redactor = Redactor(["ab", "4242", "", None])  # type: ignore[list-item]
    assert redactor.redact(["ab", "cab", "4242", "x4242y", 4242, 42]) == [
        "***",
        "cab",
        "***",
        "x***y",
        "***",
        42,
    ]


def test_added_secrets_apply_from_then_on() -> None:
    redactor = Redactor()
    assert redactor.redact("later-secret-1") == "later-secret-1"
    redactor.add("later-secret-1")
    assert redactor.redact("x later-secret-1 y") == "x *** y"


def test_objects_are_made_json_before_redaction() -> None:
    class Ref:
        def to_dict(self) -> dict:
            return {"name": f"op-{CANARY}"}

    out = Redactor([CANARY]).redact({"path": Path("/tmp") / CANARY, "op": Ref()})
    assert out == {"path": "/tmp/***", "op": {"name": "op-***"}}


def test_canary_never_reaches_the_journal_file(runs_dir: Path) -> None:
    journal = Journal.create(runs_dir, "20261127T221613Z-canary-0000", Redactor([CANARY]))
    journal.write_sync(
        "run_started",
        run_id="r",
        runbook={"id": "x"},
        runbook_doc={"steps": []},
        params={"token": CANARY, "note": f"see {CANARY}"},
        secret_params=["token"],
        mode="simulate",
        scenario=None,
        project="acme-prod",
        regions=[],
        incident_start=None,
        tool_version="0",
        host="h",
        pid=1,
    )
    journal.write_sync(
        "call_intent",
        step="s",
        attempt=1,
        call="sql.instances.patch",
        request_id=None,
        args={"settings": {"userLabels": {"k": CANARY}}},
    )
    journal.write_sync("output", step="s", stream="stdout", text=f"Authorization: Bearer {CANARY}\n{JWT}")
    journal.write_sync(
        "attempt_failed",
        step="s",
        attempt=1,
        retry_in=None,
        error={"message": f"bad token ya29.{CANARY}", "code": None},
    )
    journal.close()
    raw = (runs_dir / "20261127T221613Z-canary-0000" / "journal.jsonl").read_text()
    assert CANARY not in raw and "ya29." not in raw and JWT[:40] not in raw
    assert (
        read_events(runs_dir / "20261127T221613Z-canary-0000" / "journal.jsonl")[0]["params"]["token"]
        == "***"
    )


def test_templates_under_secret_keys_survive_for_resume() -> None:
    doc = {"with": {"password": "{{ params.db_password }}", "instance": "orders-db"}}
    assert Redactor().redact(doc) == doc
