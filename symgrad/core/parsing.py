"""The one safe expression parser of symgrad.

A user's string becomes a SymPy expression through an allow-list walk of
Python's :mod:`ast` (``ast.parse(text, mode="eval")``).  Allowed are

* number literals (integers and decimals, turned into exact SymPy ``Integer``/
  ``Rational`` from the literal's *decimal text*, never through a float);
* names (valid identifiers, no dunder names) which become real SymPy symbols;
  ``pi`` and ``E`` are the constants; the names in :data:`RESERVED` (SymPy's
  ``oo``, ``zoo``, ``nan``, ``I``, ``S``, ``N``, ``Q``, ``O`` and spellings of
  infinity) are refused rather than silently taken as variables;
* ``+ - * / **`` and unary ``-``/``+``;
* calls of the functions in :data:`FUNCTIONS` (positional arguments only).

The input must be ASCII.  Python's parser folds identifiers with NFKC, so a
fullwidth ``ｙ`` or a superscript in a name would silently become ``y``;
symgrad therefore checks the text itself and refuses any non-ASCII character
(naming it, its code point and its column) instead of normalising it.  Greek
letters are refused too, though NFKC leaves them alone: some of them (``ο``,
``Α``, ``Ν`` ...) cannot be told from Latin letters on screen, and one rule
is safer than a list; write ``sigma``, ``alpha`` instead.

Everything else is refused with a one-line :class:`~symgrad.base.errors.SymgradError`
that names what was refused.  Resource caps (all documented here):

* :data:`MAX_CHARS` characters of input, :data:`MAX_NESTING` levels of
  brackets / nested calls / right operands, :data:`MAX_NODES` syntax nodes;
* :data:`MAX_LITERAL_DIGITS` digits in a literal, decimal exponents up to
  :data:`MAX_LITERAL_EXP10`;
* exact numbers of at most :data:`MAX_NUMBER_BITS` bits (checked *before* a
  power is built, so ``9**9**9`` is refused without being computed);
* a symbolic power's exponent at most :data:`MAX_EXPONENT` in absolute value;
  fractional powers (roots) only of exact numbers up to :data:`MAX_ROOT_BITS`.

``eval``, ``sympify``, ``parse_expr`` and ``S(...)`` are never applied to the
user's text.

>>> parse_expression("x**2 - 3*x*y + 1.5")
x**2 - 3*x*y + 3/2
>>> parse_expression("max(0, 2.5e-3*x)")
Max(0, x/400)
>>> parse_relation("sigmoid(x) <= 1")
sigmoid(x) <= 1
>>> parse_assignments("x=1.5, y=-2")
{x: 3/2, y: -2}
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy

from symgrad.base.errors import InputError, SymgradError
from symgrad.core.activations import ACTIVATIONS, sigmoid, softplus
from symgrad.core.parse_numbers import (
    MAX_EXPONENT,
    MAX_LITERAL_DIGITS,
    MAX_LITERAL_EXP10,
    MAX_NUMBER_BITS,
    MAX_ROOT_BITS,
    check_size,
    literal,
    power,
)
from symgrad.core.parse_text import (
    BINOP_NAMES,
    MAX_CHARS,
    MAX_NESTING,
    MAX_NODES,
    REFUSED_NODES,
    RESERVED,
    ascii_only,
    check_name,
    parse_tree,
    precheck,
    refuse,
    short,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_EXPONENT",
    "MAX_LITERAL_DIGITS",
    "MAX_LITERAL_EXP10",
    "MAX_NESTING",
    "MAX_NODES",
    "MAX_NUMBER_BITS",
    "MAX_ROOT_BITS",
    "RESERVED",
    "as_expr",
    "make_symbol",
    "parse_assignments",
    "parse_expression",
    "parse_relation",
    "parse_variables",
]



def _relu(a):
    return sympy.Max(0, a)


#: name -> (builder, minimum arity, maximum arity or None for "any")
FUNCTIONS: dict[str, tuple[Callable, int, int | None]] = {
    "exp": (sympy.exp, 1, 1),
    "log": (sympy.log, 1, 2),
    "ln": (sympy.log, 1, 1),
    "sqrt": (lambda a: power(a, sympy.S.Half), 1, 1),
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "asin": (sympy.asin, 1, 1),
    "acos": (sympy.acos, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "asinh": (sympy.asinh, 1, 1),
    "sigmoid": (sigmoid, 1, 1),
    "softplus": (softplus, 1, 1),
    "relu": (_relu, 1, 1),
    "Abs": (sympy.Abs, 1, 1),
    "abs": (sympy.Abs, 1, 1),
    "Max": (sympy.Max, 1, None),
    "max": (sympy.Max, 1, None),
    "Min": (sympy.Min, 1, None),
    "min": (sympy.Min, 1, None),
}

# every other registered activation, from the registry (one entry there adds it here);
# ``relu`` keeps its historical Max(0, x) form above
FUNCTIONS.update({name: (act.func, 1, 1) for name, act in ACTIVATIONS.items()
                  if name not in FUNCTIONS})

#: constant names
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E}


_RELATIONS = {
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
}


def as_expr(value: object) -> sympy.Expr:
    """A SymPy object or a plain Python number as a SymPy expression; strings are refused.

    The one conversion of already-computed values (never user text, which goes
    through :func:`parse_expression`): no ``sympify``.

    >>> as_expr(Fraction(1, 3)), as_expr(2)
    (1/3, 2)
    """
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise sympy.SympifyError(value)
    return sympy.Float(value) if isinstance(value, float) else sympy.Rational(value)


def make_symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol symgrad uses for a variable name (real-valued).

    >>> make_symbol("x").is_real
    True
    """
    return sympy.Symbol(name, real=True)


def _check_variable(name: str) -> str:
    """A name that may be a variable: a plain identifier, not reserved, no function."""
    check_name(name)
    if name in RESERVED:
        raise refuse(f"reserved name '{name}' ({RESERVED[name]})",
                      hint="choose another variable name")
    if name in FUNCTIONS or name in CONSTANTS:
        raise InputError(f"'{name}' is a function or constant, not a variable name")
    return name


def parse_variables(text: str | Sequence[str]) -> tuple[sympy.Symbol, ...]:
    """Parse a variable list such as ``"x,y"`` into symbols (no repeats).

    >>> parse_variables("x, y")
    (x, y)
    """
    names = text.split(",") if isinstance(text, str) else list(text)
    ascii_only(",".join(str(n) for n in names))
    names = [str(n).strip() for n in names if str(n).strip()]
    if not names:
        raise InputError("empty variable list", hint="e.g. --vars x,y")
    if len(names) != len(set(names)):
        raise InputError(f"repeated variable in '{short(','.join(names))}'")
    for n in names:
        _check_variable(n)
    return tuple(make_symbol(n) for n in names)


class _Builder:
    def __init__(self, source: str, variables: Sequence[str] | None) -> None:
        self.source = source
        self.allowed = None if variables is None else {str(v) for v in variables}

    def build(self, node: ast.AST, depth: int) -> sympy.Expr:
        if depth > MAX_NESTING:
            raise refuse(f"expression nested more than {MAX_NESTING} levels")
        if isinstance(node, ast.Constant):
            return literal(node, self.source)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self.binop(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = REFUSED_NODES.get(type(node), f"syntax '{type(node).__name__}'")
        raise refuse(what)

    def name(self, name: str) -> sympy.Expr:
        check_name(name)
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise refuse(f"function name '{name}' used without a call")
        _check_variable(name)
        if self.allowed is not None and name not in self.allowed:
            known = ", ".join(sorted(self.allowed)) or "none"
            raise InputError(f"unknown variable '{name}'", hint=f"known variables: {known}")
        return make_symbol(name)

    def unary(self, node: ast.UnaryOp, depth: int) -> sympy.Expr:
        if isinstance(node.op, ast.USub):
            return -self.build(node.operand, depth + 1)
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        raise refuse("operator " + ("not" if isinstance(node.op, ast.Not) else "~"))

    def binop(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        # walk the left spine iteratively, so long sums do not nest deeply
        chain: list[tuple[ast.operator, ast.AST]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and not isinstance(cur.op, ast.Pow):
            chain.append((cur.op, cur.right))
            cur = cur.left
        if isinstance(cur, ast.BinOp):  # a power at the bottom of the spine
            acc = self.pow(cur, depth + 1)
        else:
            acc = self.build(cur, depth + 1)
        for op, right in reversed(chain):
            if type(op) in BINOP_NAMES:
                raise refuse(BINOP_NAMES[type(op)])
            rhs = self.build(right, depth + 1)
            if isinstance(op, ast.Add):
                acc = acc + rhs
            elif isinstance(op, ast.Sub):
                acc = acc - rhs
            elif isinstance(op, ast.Mult):
                acc = acc * rhs
            elif isinstance(op, ast.Div):
                if rhs == 0:
                    raise InputError("division by zero in the expression")
                acc = acc / rhs
            else:  # pragma: no cover - every ast.operator is listed above
                raise refuse(f"operator {type(op).__name__}")
            acc = check_size(acc)
        return acc

    def pow(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        base = self.build(node.left, depth + 1)
        exp = self.build(node.right, depth + 1)
        if base == 0 and exp.is_number and exp.is_negative:
            raise InputError("division by zero in the expression (0 to a negative power)")
        return power(base, exp)

    def call(self, node: ast.Call, depth: int) -> sympy.Expr:
        if not isinstance(node.func, ast.Name):
            what = REFUSED_NODES.get(type(node.func), "call of a computed function")
            raise refuse(what)
        name = node.func.id
        check_name(name)
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise refuse(f"unknown function '{short(name, 30)}'", hint=f"known: {known}")
        if node.keywords:
            raise refuse(f"keyword argument in call of '{name}'")
        func, lo, hi = FUNCTIONS[name]
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = str(lo) if hi == lo else (f"{lo} or more" if hi is None else f"{lo} to {hi}")
            raise InputError(f"function '{name}' takes {want} argument(s), got {n}")
        args = [self.build(a, depth + 1) for a in node.args]
        return func(*args)


def parse_expression(text: str, *, variables: Sequence[str] | None = None) -> sympy.Expr:
    """Parse ``text`` into a SymPy expression through the allow-list.

    ``variables``: if given, the only names allowed (besides ``pi`` and ``E``);
    any other name is refused as an unknown variable.  Names become real
    symbols (:func:`make_symbol`).

    >>> parse_expression("relu(x) + abs(y)", variables=["x", "y"])
    Abs(y) + Max(0, x)
    """
    source = precheck(text)
    tree = parse_tree(source)
    assert isinstance(tree, ast.Expression)
    builder = _Builder(source.strip(), variables)
    expr = builder.build(tree.body, 0)
    if not isinstance(expr, sympy.Expr):
        raise refuse("expression that is not a number-valued formula")
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise InputError(f"expression '{short(source)}' is undefined (division by zero?)")
    return expr


def parse_relation(text: str, *, variables: Sequence[str] | None = None) -> sympy.Rel:
    """Parse a claim ``LHS op RHS`` with op one of ``== != < <= > >=``.

    The relation is returned unevaluated (``evaluate=False``), so ``x == x``
    stays an ``Eq`` object.  Chained comparisons are refused.

    >>> parse_relation("x**2 >= 0")
    x**2 >= 0
    """
    source = precheck(text)
    tree = parse_tree(source)
    assert isinstance(tree, ast.Expression)
    body = tree.body
    if not isinstance(body, ast.Compare):
        raise InputError(
            "a claim needs a relation", hint="write e.g. 'sigmoid(0) == 1/2' or 'x**2 >= 0'"
        )
    if len(body.ops) != 1:
        raise refuse("chained comparison", hint="write one relation, e.g. a <= b")
    op = type(body.ops[0])
    if op not in _RELATIONS:
        raise refuse(f"comparison operator {op.__name__}")
    builder = _Builder(source.strip(), variables)
    lhs = builder.build(body.left, 1)
    rhs = builder.build(body.comparators[0], 1)
    return _RELATIONS[op](lhs, rhs, evaluate=False)


def parse_assignments(text: str) -> dict[sympy.Symbol, sympy.Rational]:
    """Parse ``"x=1.5,y=-2"`` into ``{x: 3/2, y: -2}`` (exact rationals only).

    Each value is any constant expression of the parser that is an exact
    rational number (``1/3``, ``-2``, ``1e-9``, ``2**-3``).

    >>> parse_assignments("a=1/3")
    {a: 1/3}
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty assignment list", hint="e.g. x=1.5,y=-2")
    if len(text) > MAX_CHARS:
        raise refuse(f"input of {len(text)} characters (the cap is {MAX_CHARS})")
    ascii_only(text)
    out: dict[sympy.Symbol, sympy.Rational] = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"'{short(item)}' is not of the form name=value", hint="x=1.5")
        _check_variable(name)
        try:
            val = parse_expression(value, variables=())
        except SymgradError as exc:
            raise InputError(
                f"value of {name} ('{short(value.strip())}') does not parse: {exc.cli_message}",
                hint="give a number, e.g. x=1.5 or x=1/3",
            ) from None
        if not isinstance(val, sympy.Rational):
            raise InputError(
                f"value of {name} is not an exact rational number: {short(str(val))}"
            )
        sym = make_symbol(name)
        if sym in out:
            raise InputError(f"variable '{name}' assigned twice")
        out[sym] = val
    return out
