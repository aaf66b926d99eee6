"""Checks on a user's text before any SymPy object exists: the first half of the parser.

:mod:`symgrad.core.parsing` turns a string into a SymPy expression; everything that can be
decided on the text and on its Python syntax tree alone lives here (standard library
only): the ASCII-only rule, the caps on length, nesting and syntax nodes, plain
identifiers, the reserved names, and the syntax that is refused outright.  The module
docstring of :mod:`symgrad.core.parsing` documents every rule.

>>> check_name("x1")
'x1'
>>> ascii_only("x \u2264 1")
Traceback (most recent call last):
...
symgrad.base.errors.SymgradError: refused: non-ASCII character '\u2264' (U+2264 LESS-THAN OR \
EQUAL TO) at column 3 (write <= instead)
"""

from __future__ import annotations

import ast
import re
import unicodedata

from symgrad.base.errors import SymgradError

__all__ = [
    "BINOP_NAMES",
    "MAX_CHARS",
    "MAX_NAME_CHARS",
    "MAX_NESTING",
    "MAX_NODES",
    "REFUSED_NODES",
    "RESERVED",
    "ascii_only",
    "check_name",
    "parse_tree",
    "precheck",
    "refuse",
    "short",
]

MAX_CHARS = 10_000
MAX_NESTING = 100
MAX_NODES = 10_000
MAX_NAME_CHARS = 64

_INFINITY = "an infinity; claims are about finite real numbers"
#: names refused as variables: SymPy gives them a meaning a real variable would hide
RESERVED: dict[str, str] = {
    "oo": _INFINITY, "inf": _INFINITY, "Inf": _INFINITY, "infinity": _INFINITY,
    "Infinity": _INFINITY, "zoo": "SymPy's complex infinity",
    "nan": "not a number", "NaN": "not a number",
    "I": "SymPy's imaginary unit; symgrad works over the reals",
    "S": "SymPy's singleton registry", "N": "SymPy's numeric evaluation",
    "Q": "SymPy's assumption predicates", "O": "SymPy's order term (big O)",
}

#: hints for non-ASCII characters people paste by accident
_ASCII_HINTS = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00b2": "**2",
                "\u00b3": "**3", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=",
                "\u03c0": "pi", "\u03c3": "sigmoid(...) for the function, or a name such as sigma",
                "\u2013": "-"}

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REFUSED_NODES: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.IfExp: "conditional expression",
    ast.BoolOp: "boolean operator",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred argument",
    ast.Dict: "dict literal",
    ast.List: "list literal",
    ast.Set: "set literal",
    ast.Tuple: "tuple",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.Slice: "slice",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Compare: "comparison",
}

BINOP_NAMES = {
    ast.FloorDiv: "operator //",
    ast.Mod: "operator %",
    ast.MatMult: "operator @",
    ast.BitXor: "operator ^ (write powers as **)",
    ast.BitAnd: "operator &",
    ast.BitOr: "operator |",
    ast.LShift: "operator <<",
    ast.RShift: "operator >>",
}

def short(text: str, n: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def refuse(what: str, hint: str | None = None) -> SymgradError:
    return SymgradError(f"refused: {what}", hint=hint)


def ascii_only(text: str) -> str:
    """Refuse the first non-ASCII character of ``text`` (no NFKC folding, ever)."""
    for i, ch in enumerate(text):
        if ord(ch) > 127:
            name = unicodedata.name(ch, "unnamed character")
            shown = f"'{ch}' " if ch.isprintable() and not unicodedata.combining(ch) else ""
            fix = _ASCII_HINTS.get(ch)
            hint = (f"write {fix} instead" if fix else
                    "symgrad reads ASCII only: letters a-z, A-Z, digits 0-9, "
                    "Greek letters by name (sigma)")
            raise refuse(f"non-ASCII character {shown}(U+{ord(ch):04X} {name}) "
                          f"at column {i + 1}", hint=hint)
    return text


def check_name(name: str) -> str:
    if len(name) > MAX_NAME_CHARS:
        raise refuse(f"name '{short(name, 20)}' longer than {MAX_NAME_CHARS} characters")
    if "__" in name:
        raise refuse(f"dunder name '{short(name, 30)}'")
    if not _IDENT.match(name):
        raise refuse(f"name '{short(name, 30)}' is not a plain ASCII identifier")
    return name


def precheck(text: object) -> str:
    if not isinstance(text, str):
        raise SymgradError(f"expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise refuse(f"input of {len(text)} characters (the cap is {MAX_CHARS})")
    if "\x00" in text:
        raise refuse("NUL character in input")
    ascii_only(text)
    if not text.strip():
        raise SymgradError("empty expression", hint="e.g. 'x**2 + y**2'")
    depth = best = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            best = max(best, depth)
        elif ch in ")]}":
            depth -= 1
    if best > MAX_NESTING:
        raise refuse(f"brackets nested {best} deep (the cap is {MAX_NESTING})")
    return text


def parse_tree(text: str) -> ast.AST:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        msg = exc.msg or "invalid syntax"
        raise SymgradError(
            f"not a valid expression: {msg} (column {exc.offset or 0})",
            hint="write e.g. x**2 + sin(y)",
        ) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise refuse("expression too complex to parse") from None
    count = 0
    for _ in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise refuse(f"expression with more than {MAX_NODES} syntax nodes")
    return tree
