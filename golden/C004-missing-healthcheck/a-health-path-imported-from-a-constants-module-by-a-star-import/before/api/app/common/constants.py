"""Paths the platform probes."""
HEALTH_PATH = "/healthz"
ITEMS_PATH = "/items"
