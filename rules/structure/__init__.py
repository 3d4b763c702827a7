"""Structure rules (S)."""
