"""Health Endpoints rules (H)."""
