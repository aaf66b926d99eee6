"""User-facing errors.

Every problem a user can cause (bad depth, malformed weights, an unknown
activation, ...) is raised as a :class:`SymgradError` (a ``ValueError``).  The
message names the problem and the fix.  It is written once, in the command
line's words; ``str(exc)`` is the Python-level reading of it (``--depth 10``
becomes ``depth=10``), and :attr:`SymgradError.cli_message` is the command
line's (the CLI prints it as one line and exits with status 2).

>>> try:
...     raise SymgradError("--depth must be >= 1, got 0", hint="pass --depth 1 or more")
... except SymgradError as exc:
...     print(exc)
...     print(exc.cli_message)
depth must be >= 1, got 0 (pass depth=1 or more)
--depth must be >= 1, got 0 (pass --depth 1 or more)

The subclasses say what kind of problem it is, so a library user can catch one kind:
:class:`InputError` (a value or combination that is not valid), :class:`LimitError`
(beyond a documented cap or budget), :class:`MissingExtraError` (an optional
dependency is not installed).
"""

from __future__ import annotations

import re

__all__ = ["InputError", "LimitError", "MissingExtraError", "SymgradError", "python_words"]

#: ``--name VALUE`` where VALUE looks like a value (a number, a placeholder in capitals,
#: a quoted word, a spec such as normal:0,1), or a bare ``--name``
_OPTION = re.compile(
    r"--([a-z][a-z0-9-]*)"
    r"(?:[ =]((?:[-+]?[0-9][^\s,;)]*(?:,[^\s;)]+)*)|[A-Z][A-Z_]*\b|'[^']*'|\"[^\"]*\""
    r"|(?:normal|uniform):[^\s;)]+))?"
)


def python_words(text: str) -> str:
    """The command line's option names in ``text`` as Python keyword arguments.

    >>> python_words("pass --depth 1 or more; drop --form/--bias; e.g. --weights normal:0,1")
    'pass depth=1 or more; drop form/bias; e.g. weights="normal:0,1"'
    """

    def repl(m: re.Match) -> str:
        name = m.group(1).replace("-", "_")
        value = m.group(2)
        if value is None:
            return name
        if value[:1] in "'\"" or value[:1].isdigit() or value[:1] in "+-":
            if "," in value or ":" in value:
                return f'{name}="{value}"'
            return f"{name}={value}"
        return f'{name}="{value}"' if ":" in value else f"{name}={value}"

    return _OPTION.sub(repl, text)


class SymgradError(ValueError):
    """An error caused by the user's input; the message names the problem and the fix.

    ``hint`` is the fix, written in the command line's words like the message;
    ``str(exc)`` reads both in Python's words (:func:`python_words`).
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        text = message if hint is None else f"{message} ({hint})"
        #: the one-line message in the command line's words (what the CLI prints)
        self.cli_message = " ".join(text.split())
        self.message = " ".join(message.split())
        self.hint = hint
        super().__init__(python_words(self.cli_message))


class InputError(SymgradError):
    """A value, a name or a combination of options that is not valid."""


class LimitError(SymgradError):
    """A request beyond a documented cap or time budget (depth, digits, size, work)."""


class MissingExtraError(SymgradError, ImportError):
    """An optional dependency is not installed; the message says how to install it."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"optional dependency '{package}' is not installed",
            hint=f"install it with: pip install 'symgrad[{extra}]'",
        )
