"""The derivation model: a document is sections of steps, each an equation with its reason.

* :class:`Step` -- ``statement`` (prose), ``justification`` (prose: the rule that
  justifies it: chain rule, induction step, substitution, bound, ...), and
  ``equation``: a SymPy relational or expression produced by symgrad's own
  computation (never typed in), plus ``verified``: ``True``/``False`` when
  SymPy checked the step, ``None`` when the step is a definition.
* :class:`Section` -- a title, prose and steps.
* :class:`Document` -- a title, an introduction and sections, rendered by
  :mod:`symgrad.interfaces.documents.render` to standalone LaTeX (or, with
  ``fragment=True``, a LaTeX fragment to ``\\input`` into a paper), GitHub Markdown,
  plain text, HTML with MathJax or with MathML (``doc.render("latex")``; the
  renderers register themselves here, so this module does not import them), and
  shown in Jupyter through
  ``_repr_latex_``/``_repr_markdown_``/``_repr_html_``.

Prose is a string, or a tuple of strings and SymPy objects: the objects are
printed as inline math by the same printer as the equations, so that no
formula is typed into the prose by hand.  Prose is written in words: no code,
no Python names, no module paths (the formulas are the SymPy objects).

>>> import sympy
>>> x = sympy.Symbol("x")
>>> doc = Document("Demo", (Section("Square", ("The map ", x**2, "."),
...     (Step("Differentiate.", "power rule", sympy.Eq(sympy.Derivative(x**2, x), 2*x),
...           verified=True),)),))
>>> print(doc.render("text").splitlines()[0])
Demo
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Union

import sympy

from symgrad.base.errors import InputError

__all__ = ["FORMATS", "Document", "Prose", "Section", "Step", "prose_parts", "register_renderer"]

#: a prose fragment: text, or SymPy objects shown as inline math
Prose = Union[str, tuple]  # noqa: UP007  (a runtime alias; ``|`` needs Python 3.10 types)

#: output formats of :meth:`Document.render`
FORMATS = ("latex", "markdown", "text", "html", "mathml")


def prose_parts(prose: Prose) -> tuple:
    """Normalise prose to a tuple of ``str`` and ``sympy.Basic`` parts.

    >>> prose_parts("plain")
    ('plain',)
    """
    parts = (prose,) if isinstance(prose, str) else tuple(prose)
    for part in parts:
        if not isinstance(part, (str, sympy.Basic)):
            raise TypeError(f"prose parts are str or SymPy objects, got {type(part).__name__}")
    return parts


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    >>> Step("Definition.", "definition", sympy.Symbol("x")).verified is None
    True
    """

    statement: Prose
    justification: Prose
    equation: sympy.Basic | None = None
    verified: bool | None = None

    def __post_init__(self) -> None:
        prose_parts(self.statement)
        prose_parts(self.justification)
        if self.equation is not None and not isinstance(self.equation, sympy.Basic):
            raise TypeError("a step's equation is a SymPy object")


@dataclass(frozen=True)
class Section:
    """A titled group of steps with an introductory paragraph."""

    title: str
    prose: Prose = ""
    steps: tuple[Step, ...] = ()
    closing: Prose = ""


@dataclass(frozen=True)
class Document:
    """A derivation document; see the module docstring.

    >>> Document("T", ()).render("markdown").startswith("# T")
    True
    """

    title: str
    sections: tuple[Section, ...]
    introduction: Prose = ""
    notes: tuple[Prose, ...] = field(default=())

    @property
    def steps(self) -> list[Step]:
        """Every step of every section, in order."""
        return [s for sec in self.sections for s in sec.steps]

    @property
    def verified(self) -> bool:
        """False when any step that SymPy checked failed its check."""
        return all(s.verified is not False for s in self.steps)

    def equations(self) -> list[sympy.Basic]:
        """The equations of the document, in order (for round-trip checks)."""
        return [s.equation for s in self.steps if s.equation is not None]

    def render(self, fmt: str, *, fragment: bool = False) -> str:
        """Render as ``"latex"`` (standalone, pdflatex), ``"markdown"``, ``"text"``, ``"html"``
        (MathJax) or ``"mathml"`` (an HTML fragment with MathML).

        ``fragment=True`` (LaTeX only): no preamble, no ``\\documentclass`` and no
        ``\\begin{document}``, a body to ``\\input`` into a document that loads amsmath.

        >>> Document("T", ()).render("latex", fragment=True).startswith("% T")
        True
        """
        if fmt not in FORMATS or fmt not in _RENDERERS:
            raise InputError(
                f"unknown document format '{fmt}'", hint=f"choose one of: {', '.join(FORMATS)}"
            )
        if fragment:
            if fmt != "latex":
                raise InputError("--fragment applies to --format latex only",
                                 hint="add --format latex or leave out --fragment")
            return _RENDERERS["latex-fragment"](self)
        return _RENDERERS[fmt](self)

    def __str__(self) -> str:
        return self.render("text")

    def __repr__(self) -> str:
        """One line: the title and the counts (the whole text is ``str(doc)``).

        >>> Document("T", ())
        <Document 'T': 0 sections, 0 steps; the text: str(doc), LaTeX: doc.render('latex')>
        """
        title = self.title if len(self.title) <= 80 else self.title[:77] + "..."
        failed = sum(s.verified is False for s in self.steps)
        bad = f", {failed} NOT VERIFIED" if failed else ""
        return (f"<Document {title!r}: {len(self.sections)} sections, {len(self.steps)} steps"
                f"{bad}; the text: str(doc), LaTeX: doc.render('latex')>")

    def _repr_latex_(self) -> str:
        return _RENDERERS["latex-body"](self)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_html_(self) -> str:
        """Jupyter: the document with MathML formulas (as on the report page), in a
        ``<div class="symgrad-report">`` whose styles reach nothing else on the page."""
        from symgrad.present.html import scoped

        return scoped(self.render("mathml"))


#: format -> renderer, filled by :mod:`symgrad.interfaces.documents.render` (which imports
#: this module, so that the model does not import its renderers)
_RENDERERS: dict[str, Callable[[Document], str]] = {}


def register_renderer(fmt: str, renderer: Callable[[Document], str]) -> None:
    """Make ``doc.render(fmt)`` call ``renderer(doc)`` (the renderers register themselves).

    >>> register_renderer("text", _RENDERERS["text"])
    """
    _RENDERERS[fmt] = renderer
