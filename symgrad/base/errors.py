"""User-facing errors.

Every problem a user can cause (bad depth, malformed weights, an unknown
activation, ...) is raised as :class:`SymgradError`.  The CLI prints its
message as a single line and exits with status 2; library users catch it like
any other exception.

>>> try:
...     raise SymgradError("depth must be >= 1, got 0", hint="pass --depth 1 or more")
... except SymgradError as exc:
...     print(exc)
depth must be >= 1, got 0 (pass --depth 1 or more)
"""

from __future__ import annotations

__all__ = ["MissingExtraError", "SymgradError"]


class SymgradError(ValueError):
    """An error caused by the user's input; the message names the problem and the fix."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        text = message if hint is None else f"{message} ({hint})"
        super().__init__(" ".join(text.split()))  # always one line


class MissingExtraError(SymgradError):
    """An optional dependency is not installed; the message says how to install it."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"optional dependency '{package}' is not installed",
            hint=f"install it with: pip install 'symgrad[{extra}]'",
        )
