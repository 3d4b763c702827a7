"""Models and helpers shared by the storefront services."""
