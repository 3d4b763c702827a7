"""Plain YAML data fixer reads but never edits: CI workflows, Kubernetes manifests, Skaffold
files, Helm values. Parsed with libyaml's loader where PyYAML has it (its wheels do): the
pure-Python one took 12 s on a workflow of 60,000 lines, libyaml a fraction of it. Same
documents either way; a `yaml.YAMLError` for text that is no YAML."""

from __future__ import annotations

from functools import lru_cache

import yaml

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> object:
    return yaml.load(text, Loader=_LOADER)   # a safe loader, C or Python


def load_all(text: str) -> list[object]:
    return list(yaml.load_all(text, Loader=_LOADER))


@lru_cache(maxsize=32)
def load_cached(text: str) -> object:
    """`load`, once per text: several readers ask for the same workflow's jobs. Callers
    read the result and never change it."""
    return load(text)
