"""Healthchecks: whether a service has one, the probe it runs, the app's health route, rewrites."""
