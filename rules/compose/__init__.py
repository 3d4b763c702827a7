"""Docker Compose rules (C)."""
