"""`fixer check --format github`: GitHub Actions workflow commands, one annotation a finding.

`::error file=P,line=L,col=C,title=CODE::message`, or `::warning ...` for a rule whose
severity is warning (`fixer rules` lists each rule's), so that GitHub shows the two apart.
GitHub reads `%`, CR and LF as escapes in the message, and also `:` and `,` in property
values, so those are percent-encoded.
"""

from __future__ import annotations

from collections.abc import Sequence

from fixer.core.errors import InputError, RuleCrash
from fixer.formats.findings import display_path
from fixer.model.rule import Finding


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, properties: dict[str, str | int], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {props}::{escape_data(message)}"


def lines(findings: Sequence[Finding], errors: Sequence[InputError], prefix: str) -> list[str]:
    """One annotation per finding at its rule's severity, then one `::error` per error
    (fixer could not read a file, or one of its rules crashed)."""
    out = [command(f.rule.severity.value,
                   {"file": display_path(prefix, f.path), "line": f.line, "col": f.column,
                    "title": f.code}, f.message)
           for f in findings]
    out += [_error(e, prefix) for e in errors]
    return out


def _error(error: InputError, prefix: str) -> str:
    """An input error at its file; a rule crash at none: it is fixer's bug, not the file's."""
    if isinstance(error, RuleCrash):
        return command("error", {"title": f"fixer: internal error in rule {error.code}"},
                       error.report_line())
    return command("error", {"file": display_path(prefix, error.path), "line": error.line,
                             "title": "fixer: input error"}, error.message)
