"""Port Configuration rules (P)."""
