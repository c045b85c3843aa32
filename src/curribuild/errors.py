"""Error hierarchy: anything a user can cause is a ``UserError`` with findings.

The CLI turns these into readable reports and an exit status, never a traceback.
"""

from __future__ import annotations

from curribuild.findings import Finding


class UserError(Exception):
    """A problem with the user's input or invocation, carrying located findings."""

    exit_code = 1

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.findings = findings or []


class UsageError(UserError):
    """Wrong invocation: unknown option value, missing file (exit status 2)."""

    exit_code = 2


class InfeasiblePlan(UserError):
    """The needs cannot be met by any schedule (exit status 1)."""
