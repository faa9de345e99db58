"""Runs started by an alert: Cloud Monitoring incident notifications (webhook JSON, schema 1.2),
the runbooks they trigger, and the parameters they fill."""
