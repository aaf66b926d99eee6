"""Sphinx configuration of symgrad's API reference (autodoc over the docstrings).

Build it with ``python -m sphinx -W --keep-going -b html docs/api OUTDIR``
(``tests/test_docs_build.py`` does, with warnings as errors).  No network:
no intersphinx, no themes beyond Sphinx's own.

The modules of the packages listed in :data:`PACKAGES` are found when the reference is
built: the line ``.. symgrad-modules:: PACKAGE`` in an ``.rst`` file becomes one
``automodule`` section per public module of PACKAGE, so a new API module appears in the
reference without editing it; ``.. symgrad-exports::`` becomes the list of the names
``symgrad`` exports, each linked to where it is documented.

symgrad's docstrings are read in ``help()`` and in the terminal as much as here, so they
write absolute values as plain text (``|dF/dw_1| <= ...``), which reST would take for
substitution references; :func:`escape_bars` turns those bars into literal ones (outside
inline literals, roles, literal blocks and doctests) as the docstrings are read.
"""

from __future__ import annotations

import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import symgrad  # noqa: E402

project = "symgrad"
author = "the symgrad developers"
copyright = "2026, the symgrad developers"
release = version = symgrad.__version__

extensions = ["sphinx.ext.autodoc"]
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_inherit_docstrings = False
# doctest examples stay as written (">>>" blocks are highlighted as Python sessions)
html_theme = "alabaster"
html_title = f"symgrad {release} API reference"
exclude_patterns = ["_build"]
suppress_warnings = ["config.cache"]

MARKER = ".. symgrad-modules::"


def public_modules(package: str) -> list[str]:
    """Dotted names of the public (no ``_``-prefixed part) modules directly in ``package``."""
    path = ROOT.joinpath(*package.split("."))
    names = [m.name for m in pkgutil.iter_modules([str(path)]) if not m.name.startswith("_")]
    return [f"{package}.{name}" for name in sorted(names)]


def automodule_section(module: str) -> str:
    return f"{module}\n{'-' * len(module)}\n\n.. automodule:: {module}\n\n"


def exports() -> str:
    """The ``symgrad.__all__`` names as a reST list linked to their documentation."""
    items = []
    for name in symgrad.__all__:
        obj = getattr(symgrad, name)
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if isinstance(module, str) and module.startswith("symgrad") and qualname:
            items.append(f"* :py:obj:`symgrad.{name} <{module}.{qualname}>`")
        else:
            items.append(f"* ``symgrad.{name}`` ({type(obj).__name__})")
    return "\n".join(items) + "\n\n"


def expand_markers(app, docname, source) -> None:
    lines = []
    for line in source[0].splitlines(keepends=True):
        if line.startswith(MARKER):
            package = line[len(MARKER):].strip()
            lines.extend(automodule_section(m) for m in public_modules(package))
        elif line.startswith(".. symgrad-exports::"):
            lines.append(exports())
        else:
            lines.append(line)
    source[0] = "".join(lines)


#: inline literals, roles and interpreted text: their bars are left alone
_LITERAL = re.compile(r"(``.+?``|:[\w:.+-]+:`[^`]*`|`[^`]*`_{0,2})")
_BAR = re.compile(r"(?<!\\)\|")


def _escape_line(line: str) -> str:
    parts = _LITERAL.split(line)
    return "".join(p if i % 2 else _BAR.sub(r"\\|", p) for i, p in enumerate(parts))


def escape_bars(lines: list[str]) -> None:
    """Escape ``|`` in prose lines of a docstring (in place), so ``|x|`` is no substitution."""
    literal_below = None  # a "::" paragraph or a directive at this indent: its block is literal
    inside = None  # the indent of the literal block being skipped
    doctest = False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            doctest = False
            continue
        if inside is not None and indent > inside:
            continue
        inside = None
        if literal_below is not None and indent > literal_below:
            inside, literal_below = literal_below, None
            continue
        literal_below = None
        doctest = doctest or stripped.startswith(">>>")
        if doctest:
            continue
        lines[i] = _escape_line(line)
        if stripped.endswith("::") or stripped.startswith(".. "):
            literal_below = indent


def process_docstring(app, what, name, obj, options, lines) -> None:
    escape_bars(lines)


def setup(app):
    app.connect("source-read", expand_markers)
    app.connect("autodoc-process-docstring", process_docstring)
