"""Calling Google Cloud: the client factory (live or simulated) and error classification."""
