"""fixer's rules: one module per rule, found by scanning this package."""
