"""The standard derivations written to ``derivations/`` by ``symgrad derivations``.

:data:`STANDARD` maps each name to its builder; :func:`build` returns the
documents for a list of names (unknown names give a one-line error listing
the known ones) and :func:`render_files` the files of one document
(``NAME.tex`` and ``NAME.md``).  Every document is computed when it is built,
and the output is byte-identical across runs.

>>> sorted(STANDARD)[:2]
['chain-hessian', 'gradient']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..chain import Chain
from ..errors import SymgradError
from .gradient import chain_document
from .hessian import chain_hessian_document, stationary_document
from .model import Document
from .numeric import machine_epsilon_document, small_gradient_document

__all__ = ["EXTENSIONS", "STANDARD", "build", "parse_names", "render_files"]


def _gradient() -> Document:
    return chain_document(
        Chain(4), [1], symbolic_depth=True,
        title="The gradient of the deep sigmoid chain: depth 4 step by step, and every depth",
    )


#: name -> builder, in the order of the standard set
STANDARD: dict[str, Callable[[], Document]] = {
    "gradient": _gradient,
    "stationary-points": stationary_document,
    "small-gradient": small_gradient_document,
    "machine-epsilon": machine_epsilon_document,
    "chain-hessian": chain_hessian_document,
}

#: file extension -> render format
EXTENSIONS = {".tex": "latex", ".md": "markdown"}


def parse_names(spec: str | Iterable[str] | None) -> list[str]:
    """Names from ``"a,b"`` (or a list); ``None`` means all, in the standard order.

    >>> parse_names("small-gradient, gradient")
    ['gradient', 'small-gradient']
    """
    if spec is None:
        return list(STANDARD)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [s.strip() for s in items if s.strip()]
    if not names:
        raise SymgradError("no derivation named", hint=f"choose from: {', '.join(STANDARD)}")
    unknown = [n for n in names if n not in STANDARD]
    if unknown:
        raise SymgradError(f"unknown derivation '{unknown[0]}'",
                           hint=f"choose from: {', '.join(STANDARD)}")
    return [n for n in STANDARD if n in names]


def build(names: Iterable[str] | None = None) -> dict[str, Document]:
    """Build the named standard documents (all by default)."""
    return {name: STANDARD[name]() for name in parse_names(names)}


def render_files(name: str, doc: Document) -> dict[str, str]:
    """{file name: content} of one document (``NAME.tex`` and ``NAME.md``)."""
    return {name + ext: doc.render(fmt) for ext, fmt in EXTENSIONS.items()}
