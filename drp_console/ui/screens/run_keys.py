"""The run screen's keys, and the key bar that shows them all in words."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingType

RUN_KEYS: list[BindingType] = [
    Binding("enter", "complete", "Done", show=True, priority=True),
    Binding("space", "complete", "Done", show=False, priority=True),
    Binding("x", "tick", "Tick"),
    Binding("a", "approve", "Approve"),
    Binding("d", "decide", "Decide"),
    Binding("r", "retry", "Retry"),
    Binding("s", "skip", "Skip"),
    Binding("u", "resolve", "Resolve"),
    Binding("n", "note", "Note"),
    Binding("m", "milestone", "Milestone"),
    Binding("p", "pause", "Pause"),
    Binding("R", "report", "Report"),
    Binding("q", "quit_run", "Quit"),
    Binding("T", "take_over", "Take over", show=False),
]
"""Every key of the run screen; enter/space are the screen's wherever the focus is (no widget
may eat them). T (a joiner takes a silent driver's run over) is offered in the header when it
applies, not in the key bar."""


WATCHER_ACTIONS = frozenset({"report", "quit_run"})
"""What a watcher (read only: `drp watch`) may do on the run screen."""


def key_bar(bindings: Sequence[BindingType], paused: bool = False, watching: bool = False) -> str:
    """Every key of the screen in words, clickable; it wraps rather than hiding keys at 80x24.
    While the run is paused the pause key says `unpause`; a watcher sees only the keys it may use."""
    shown = []
    for b in bindings:
        if watching and isinstance(b, Binding) and b.action not in WATCHER_ACTIONS:
            continue
        if isinstance(b, Binding) and b.show:
            key = "⏎" if b.key == "enter" else b.key
            words = "Unpause" if paused and b.action == "pause" else b.description
            shown.append(f"[@click=screen.{b.action}][b]{key}[/b]\u00a0{words.lower()}[/]")
    return "  ".join(shown)
