"""GitHub Actions workflows, read as data: which files are workflows, and their mapping
and jobs (parsed once per text, `yamldata.load_cached`)."""

from __future__ import annotations

import yaml

from fixer.core.lazyre import lazy_compile
from fixer.sources import yamldata

_WORKFLOW = lazy_compile(r"(^|/)\.github/workflows/[^/]+\.ya?ml$")


def is_workflow(path: str) -> bool:
    """A GitHub Actions workflow (`.github/workflows/*.yml`)."""
    return bool(_WORKFLOW.search(path))


def workflow(text: str) -> dict[object, object]:
    """The workflow's top-level mapping; empty when it is no YAML mapping."""
    try:
        data = yamldata.load_cached(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def workflow_jobs(text: str) -> list[dict[object, object]]:
    """The jobs of a GitHub Actions workflow, as mappings; none when it is no YAML."""
    jobs = workflow(text).get("jobs")
    return [job for job in jobs.values() if isinstance(job, dict)] \
        if isinstance(jobs, dict) else []
