"""Jupyter display by class, without an upward import.

Result types of the lower layers (a derivation in :mod:`symgrad.core`, a certified
ball in :mod:`symgrad.numeric`) answer Jupyter's ``_repr_html_``/``_repr_latex_`` by
asking :func:`render`, which dispatches on the class (its MRO) to a renderer that
the presentation layer registered with :func:`register` (SymPy's printers dispatch
the same way, ``_print_<Class>``).  The lower layers therefore never import the
presentation layer; the top-level package wires it in with :func:`add_loader`, one
loader per layer, run on the first display of an object of that layer, so importing
symgrad costs nothing and showing a core object loads no numeric module.

A type with no renderer returns ``None``, and Jupyter falls back to the next
representation (``__repr__``).

>>> class Point:
...     def _repr_html_(self):
...         return render(self, "html")
>>> @register(Point, "html")
... def _point(p):
...     return "<b>point</b>"
>>> Point()._repr_html_()
'<b>point</b>'
>>> render(3, "html") is None
True
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["add_loader", "register", "render"]

_RENDERERS: dict[tuple[type, str], Callable[[object], str]] = {}
_LOADERS: dict[str, Callable[[], object]] = {}


def register(cls: type, kind: str) -> Callable[[Callable], Callable]:
    """Decorator: the renderer of ``cls`` for ``kind`` ("html" or "latex")."""
    def decorate(fn: Callable) -> Callable:
        _RENDERERS[(cls, kind)] = fn
        return fn
    return decorate


def add_loader(package: str, load: Callable[[], object]) -> None:
    """Run ``load`` (it imports, and so registers, renderers) before displaying an object
    whose class is defined in ``package`` (a module name prefix such as ``symgrad.core``)."""
    _LOADERS[package] = load


def render(obj: object, kind: str) -> str | None:
    """The registered ``kind`` rendering of ``obj``, or ``None`` when no class has one."""
    for klass in type(obj).__mro__:
        for package in [p for p in _LOADERS if klass.__module__.startswith(p + ".")]:
            _LOADERS.pop(package)()
        fn = _RENDERERS.get((klass, kind))
        if fn is not None:
            return fn(obj)
    return None
