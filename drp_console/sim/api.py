"""The routing table (regex -> handler) and the request every handler receives."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from drp_console.sim.errors import ApiError
from drp_console.sim.world import World


@dataclass
class Request:
    """One API call as a handler sees it, with the world locked for it."""

    world: World
    """The world (its lock is held while the handler runs)."""
    now: float
    """The simulator's clock for this call (epoch seconds)."""
    query: dict[str, str]
    """Query parameters (last value wins)."""
    body: dict[str, Any]
    """The JSON body, `{}` when there is none."""
    call: str
    """The catalog name of the call, e.g. `compute.instances.stop`."""
    request_id: str | None = field(default=None)
    """Compute's `requestId` query parameter."""

    def flag(self, name: str) -> bool:
        """A boolean query parameter (`true`/`1`)."""
        return self.query.get(name, "").lower() in ("true", "1")


Handler = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    """One entry of the routing table."""

    method: str
    """HTTP method."""
    regex: str
    """Path regex with named groups (the REST path parameters), as text."""
    call: str
    """Catalog-style call name (counted, matched by faults)."""
    handler: Handler
    """Function(request, **path_params) -> JSON-able body."""
    mutating: bool
    """Whether the call changes the world (checks requestId, 409, faults on operations)."""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """`regex` compiled, on first use (a run that calls no API compiles none)."""
        return re.compile(self.regex)


ROUTES: list[Route] = []

_SEG = r"(?P<%s>[^/]+)"


def route(method: str, path: str, call: str, mutating: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for `method path`; `{name}` in the path is a path parameter."""
    regex = re.sub(r"\{(\w+)\}", lambda m: _SEG % m.group(1), path)

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, f"^{regex}$", call, handler, mutating))
        return handler

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for a request, or a 404 (unknown path) / 405 ApiError."""
    allowed = False
    for r in ROUTES:
        m = r.pattern.match(path)
        if m:
            if r.method == method:
                return r, m.groupdict()
            allowed = True
    if allowed:
        raise ApiError(405, f"Method {method} is not allowed on {path}", "methodNotAllowed")
    raise ApiError(404, f"The simulator does not serve {method} {path}", "notFound")


def enum(value: Any, names: dict[int, str], field_name: str) -> str:
    """An enum given as a name or as its proto number, as its name."""
    if isinstance(value, bool):
        raise ApiError(400, f"Invalid value for {field_name}: {value!r}")
    if isinstance(value, int):
        if value not in names:
            raise ApiError(400, f"Invalid value for {field_name}: {value}")
        return names[value]
    if isinstance(value, str) and value in names.values():
        return value
    raise ApiError(400, f"Invalid value for {field_name}: {value!r}")


def int64(value: Any, field_name: str) -> int:
    """An int64 sent as a JSON string or number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Invalid value for {field_name}: {value!r} is not an integer") from None
