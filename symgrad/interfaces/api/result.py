"""The base of every API result: one object per command, rendered in the CLI's formats.

A result holds what a command computed.  It renders itself in each format it
supports (``render("text")``, ``render("json")``, ...), and ``to_json()`` is the JSON
document (a dict carrying its ``schema`` id, see :mod:`symgrad.base.schemas`) that
``symgrad COMMAND --format json`` prints.  ``repr()`` is a one-line summary, never the
whole payload (a depth-1000 gradient stays one line); the full data is one call away
(``to_json()``, ``render("text")``).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, repr=False)
... class Answer(Result):
...     SCHEMA = "symgrad.answer/1"
...     FORMATS = ("text", "json")
...     value: int
...     def json_body(self):
...         return {"value": self.value}
...     def to_text(self):
...         return f"the answer is {self.value}\\n"
...     def summary(self):
...         return f"answer {self.value}"
>>> Answer(42).to_json()
{'schema': 'symgrad.answer/1', 'value': 42}
>>> Answer(42)
<Answer: answer 42>
>>> Answer(42).render("text")
'the answer is 42\\n'
"""

from __future__ import annotations

import abc
import html
from typing import ClassVar

from symgrad.base.errors import InputError
from symgrad.base.output import dumps_json

__all__ = ["Result"]


class Result(abc.ABC):
    """Abstract base for result dataclasses: ``SCHEMA``, ``FORMATS``, ``json_body``, ``to_text``.

    Subclasses are ``@dataclass(frozen=True, repr=False)`` and define ``json_body()`` (the
    JSON document without ``schema``), ``to_text()`` and ``summary()`` (one line), and may
    add ``to_<format>()`` methods for the further names they list in ``FORMATS``.
    """

    SCHEMA: ClassVar[str] = ""
    FORMATS: ClassVar[tuple[str, ...]] = ("text", "json")

    @abc.abstractmethod
    def json_body(self) -> dict:
        """The JSON document without its schema key."""

    @abc.abstractmethod
    def to_text(self) -> str:
        """The text the CLI prints."""

    @abc.abstractmethod
    def summary(self) -> str:
        """One line for repr()."""

    def to_json(self) -> dict:
        """The JSON document, as ``--format json`` prints it (a dict with ``schema``)."""
        return {"schema": self.SCHEMA, **self.json_body()}

    def render(self, fmt: str = "text") -> str:
        """The result as text in format ``fmt`` (one of :attr:`FORMATS`)."""
        if fmt not in self.FORMATS:
            raise InputError(f"format '{fmt}' is not available for this result",
                             hint=f"choose one of: {', '.join(self.FORMATS)}")
        if fmt == "json":
            return dumps_json(self.to_json())
        text = getattr(self, f"to_{fmt}")()
        return text if text.endswith("\n") else text + "\n"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"

    def _repr_html_(self) -> str:
        """Jupyter: the one-line summary and the text rendering (shortened when long)."""
        text = self.to_text()
        if len(text) > 20_000:
            text = text[:20_000] + "\n... (shortened; the whole text is .render('text'))\n"
        return (f'<div class="symgrad-result"><p>{html.escape(self.summary())}</p>'
                f"<pre>{html.escape(text)}</pre></div>")
