"""drp-console: run disaster-recovery runbooks against live or simulated Google Cloud."""

__version__ = "0.1.0"
