"""Baselines: the findings a repository already had when it adopted fixer, written once
(`fixer check --write-baseline FILE`) and then left out of every report
(`fixer check --baseline FILE`), so that a check fails only on what is new.

A finding is matched by its fingerprint (rule code, service, file and subject, the file from
the root of the git work tree; no line numbers), so editing other lines of a file does not
bring its old findings back, and the folder may be checked from anywhere; a baseline written
before paths were taken from that root holds its findings by their old fingerprints
(`app.check.merged`). The file is JSON, sorted by path, code and fingerprint so that it diffs
well; each entry names its code, path and message for the person who reads it, and only the
fingerprint is compared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fixer.model.rule import Finding

VERSION = 1


class BaselineError(ValueError):
    """A baseline file fixer cannot use: `FILE: reason`."""


def document(findings: Sequence[Finding]) -> str:
    """The baseline of these findings, as text (one entry per fingerprint)."""
    entries = {f.fingerprint: {"fingerprint": f.fingerprint, "code": f.code, "path": f.path,
                               "message": f.message} for f in findings}
    ordered = sorted(entries.values(), key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    return json.dumps({"version": VERSION, "findings": ordered}, indent=2,
                      ensure_ascii=False) + "\n"


def fingerprints(text: str) -> frozenset[str]:
    """The fingerprints a baseline holds; ValueError (the reason) when it is not one."""
    data: Any = json.loads(text)
    if not isinstance(data, dict) or "findings" not in data:
        raise ValueError("not a fixer baseline (no findings list)")
    if data.get("version") != VERSION:
        raise ValueError(f"baseline version {data.get('version')!r} is not {VERSION}")
    entries = data["findings"]
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise ValueError("not a fixer baseline (each finding needs a fingerprint)")
    return frozenset(e["fingerprint"] for e in entries)


def without(findings: Sequence[Finding], known: frozenset[str]) -> list[Finding]:
    """The findings the baseline does not hold."""
    return [f for f in findings if f.fingerprint not in known]


def load(path: Path, shown: str) -> frozenset[str]:
    """The fingerprints of the baseline file; BaselineError names it as the user did."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{shown}: no such file") from None
    except OSError as exc:
        raise BaselineError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{shown}: not valid UTF-8 text") from None
    try:
        return fingerprints(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{shown}: invalid JSON: {exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{shown}: {exc}") from None


def write(path: Path, shown: str, findings: Sequence[Finding]) -> None:
    try:
        path.write_bytes(document(findings).encode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{shown}: cannot write: {exc.strerror or exc}") from None
