"""The check and fix loops (`run`), the verdict on each fix (`verify`) and suppressions.

The engine runs the rules it is handed; it never imports rules/.
"""

from fixer.engine.run import (
    AppliedFix,
    CheckResult,
    FailedFix,
    FixResult,
    allowed,
    check,
    fix,
)

__all__ = ["AppliedFix", "CheckResult", "FailedFix", "FixResult", "allowed", "check", "fix"]
