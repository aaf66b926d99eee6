"""Derivation documents built from symgrad's computation objects.

A :class:`Document` is sections of :class:`Step` objects (statement,
justification, equation, verified) rendered to standalone LaTeX, GitHub
Markdown, plain text, HTML or HTML with MathML (``doc.render("latex")``).  :func:`chain_document`
builds the derivation for any chain; :data:`STANDARD` holds the builders of
the standard set written to ``derivations/`` by ``symgrad derivations``.

>>> from symgrad.core.chain import Chain
>>> chain_document(Chain(2), [1]).render("markdown").splitlines()[0]
'# The gradient of the depth-2 sigmoid chain'
"""

from __future__ import annotations

from symgrad.interfaces.documents.gradient import EXPAND_CAP, PRINT_CAP, chain_document
from symgrad.interfaces.documents.model import FORMATS, Document, Section, Step
from symgrad.interfaces.documents.render import RENDERERS
from symgrad.interfaces.documents.standard import STANDARD, build, render_files

__all__ = [
    "EXPAND_CAP",
    "FORMATS",
    "PRINT_CAP",
    "RENDERERS",
    "STANDARD",
    "Document",
    "Section",
    "Step",
    "build",
    "chain_document",
    "render_files",
]
