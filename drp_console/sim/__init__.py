"""The simulated Google Cloud: a REST server the real client libraries cannot tell from GCP."""
