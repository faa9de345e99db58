"""runbook package."""
