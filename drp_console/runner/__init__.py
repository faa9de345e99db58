"""The composition root: opens one run (runbook, simulator or live clients, journal, lock), builds
its engine with the hooks it needs, and drives it headless. The CLI and the console use it; the
engine never imports it (nor the simulator or the report it wires in)."""
