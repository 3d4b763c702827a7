"""Writes each service's Dockerfile from one template."""
