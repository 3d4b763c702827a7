"""Parsers, one module per file kind: they tell where and what, and never write."""
