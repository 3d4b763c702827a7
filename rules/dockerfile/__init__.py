"""Dockerfile rules (D)."""
