"""Imports rules (I)."""
