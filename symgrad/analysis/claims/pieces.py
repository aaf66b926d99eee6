"""A one-variable difference cut into smooth pieces, and its certified ball evaluation.

Used by :mod:`symgrad.analysis.claims.extrema`.  For ``h(t)`` built by the safe parser:

* :class:`BallFn` evaluates ``h`` (or any expression in ``t``) on an Arb ball
  (a point or a whole interval) in python-flint ball arithmetic; the result
  encloses every value of ``h`` on the ball.  :func:`point_ball` encloses an
  exact number (rationals, ``pi``, radicals, ``CRootOf`` and real numbers
  SymPy writes with ``I``).
* :func:`split` finds the domain to examine (one period ``[0, P]`` when ``h``
  is periodic, verified exactly; else the whole real line), the points where
  ``h`` may fail to be smooth (zeros of ``abs`` arguments, equal arguments of
  ``max``/``min``, zeros under a root, ``asin``/``acos`` arguments of +-1), and
  proves that ``h`` is defined and continuous on the whole domain (no zero of a
  denominator or of a ``log`` argument, ``log``/root arguments positive).
  Between consecutive such points ``h`` equals one real-analytic *branch*
  (``abs``/``max``/``min`` resolved by certified signs at a rational sample).

Any step that cannot be completed exactly (``solveset`` does not return a
finite set, two points cannot be ordered, ...) raises :class:`NotApplicable`
with the reason; the caller then leaves the claim to other methods.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import sympy
from flint import arb, ctx, fmpq

from symgrad.analysis.claims.common import exact_zero, to_exp
from symgrad.core.activations import gelu, sigmoid, silu, softplus
from symgrad.numeric.arb_eval import ArbEvalError, compile_arb
from symgrad.numeric.precision_ladder import PrecisionNotReached, ladder, raise_precision

__all__ = [
    "BallFn",
    "NotApplicable",
    "Piece",
    "Split",
    "order_points",
    "point_ball",
    "real_zeros",
    "simplest_between",
    "split",
    "sympy_call",
    "to_fraction",
    "to_rational",
]

PIECE_PRECISIONS = tuple(ladder(64, 1024))
MAX_MAX_ARGS = 6


class NotApplicable(Exception):
    """The extrema method does not apply to this difference (the message says why)."""


def sympy_call(fn, *args, **kwargs):
    """``fn(*args)`` for a SymPy routine; its failure (of any kind) means "not applicable"."""
    try:
        return fn(*args, **kwargs)
    except (KeyboardInterrupt, NotApplicable):
        raise
    except Exception as exc:  # SymPy raises many types for "cannot do this"
        raise NotApplicable(f"{getattr(fn, '__name__', 'sympy')} failed "
                            f"({type(exc).__name__})") from None


#: functions that are real-analytic on the whole real line
_ENTIRE = (sympy.exp, sympy.sin, sympy.cos, sympy.atan, sympy.sinh, sympy.cosh, sympy.tanh,
           sympy.asinh, sigmoid, softplus, sympy.erf, gelu, silu)


class BallFn:
    """``expr`` (in the symbol ``t``, or constant) compiled for ball evaluation by
    :func:`symgrad.numeric.arb_eval.compile_arb`; what it cannot evaluate is
    :class:`NotApplicable`.

    >>> from symgrad.core.parsing import parse_expression, make_symbol
    >>> f = BallFn(parse_expression("x**2 - 1"), make_symbol("x"))
    >>> bool(f(arb(3), 64) == 8)
    True
    """

    def __init__(self, expr: sympy.Expr, t: sympy.Symbol | None, *, complex_: bool = False):
        self.complex = complex_
        self.variables = () if t is None else (t,)
        try:
            self.program = compile_arb(expr, self.variables, complex_=complex_)
        except ArbEvalError as exc:
            raise NotApplicable(str(exc)) from None

    def __call__(self, x, prec: int):
        try:
            return self.program(*((x,) if self.variables else ()), prec=prec)
        except ArbEvalError as exc:
            raise NotApplicable(str(exc)) from None


def point_ball(c: sympy.Expr, prec: int) -> arb:
    """A ball enclosing the real number ``c`` (which may be written with ``I``)."""
    if isinstance(c, sympy.Rational):
        with ctx.workprec(prec):
            return arb(fmpq(int(c.p), int(c.q)))
    if not c.has(sympy.I):
        return BallFn(c, None)(None, prec)
    z = BallFn(c, None, complex_=True)(None, prec)
    if not (z.imag.contains(0) and z.is_finite()):
        raise NotApplicable(f"the point {c} is not real")
    return z.real


def to_rational(q: Fraction) -> sympy.Rational:
    """A Fraction as a SymPy Rational.

    >>> to_rational(Fraction(-3, 4))
    -3/4
    """
    return sympy.Rational(q.numerator, q.denominator)


def to_fraction(b: arb) -> Fraction:
    """The exact (dyadic) value of a ball's midpoint or of an exact ball."""
    man, exp = b.mid().man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


def simplest_between(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    """The rational with the smallest denominator (then numerator) strictly inside (lo, hi).

    ``None`` stands for an infinite end.

    >>> simplest_between(Fraction(7, 10), Fraction(4, 5)), simplest_between(None, Fraction(-3))
    (Fraction(3, 4), Fraction(-4, 1))
    """
    if lo is None or hi is None:
        if lo is None and hi is None:
            return Fraction(0)
        if lo is None:
            return Fraction(0) if hi > 0 else Fraction(math.ceil(hi) - 1)
        return Fraction(0) if lo < 0 else Fraction(math.floor(lo) + 1)
    if not lo < hi:
        raise ValueError("empty interval")
    if lo < 0 < hi:
        return Fraction(0)
    if hi <= 0:
        return -simplest_between(-hi, -lo)
    p1, p0, q1, q0 = 1, 0, 0, 1  # x = (p1*y + p0) / (q1*y + q0)
    a, b = lo, hi
    while True:
        fl = math.floor(a)
        if fl + 1 < b:
            k = fl + 1
            return Fraction(p1 * k + p0, q1 * k + q0)
        p1, p0, q1, q0 = p1 * fl + p0, p1, q1 * fl + q0, q1
        if a == fl:  # y in (0, b - fl): y = 1/z with z > 1/(b - fl)
            k = math.floor(1 / (b - fl)) + 1
            return Fraction(p1 * k + p0, q1 * k + q0)
        a, b = 1 / (b - fl), 1 / (a - fl)


@dataclass
class Piece:
    """An open interval (lo, hi) of the domain on which ``h`` equals ``branch``."""

    lo: sympy.Expr  # an exact number, or -oo
    hi: sympy.Expr  # an exact number, or oo
    sample: Fraction
    branch: sympy.Expr


@dataclass
class Split:
    domain: sympy.Interval
    period: sympy.Expr | None
    points: list[sympy.Expr]  # the ends of the pieces inside the domain, sorted
    pieces: list[Piece]


def _conditions(h: sympy.Expr, t: sympy.Symbol):
    """(kink expressions, forbidden-zero expressions, must-be-positive, must-be-in-(-1,1))."""
    kinks, forbidden, positive, unit = [], [], [], []
    for node in sympy.preorder_traversal(h):
        if not node.has(t) or node.is_Atom or isinstance(node, (sympy.Add, sympy.Mul)):
            continue
        if isinstance(node, sympy.Abs):
            kinks.append(node.args[0])
        elif isinstance(node, (sympy.Max, sympy.Min)):
            if len(node.args) > MAX_MAX_ARGS:
                raise NotApplicable(f"{node.func} of more than {MAX_MAX_ARGS} arguments")
            kinks.extend(a - b for a, b in itertools.combinations(node.args, 2))
        elif isinstance(node, sympy.Pow):
            b, e = node.args
            if e.has(t):
                if not (b.has(t) or b.is_positive):
                    raise NotApplicable(f"power of the non-positive base {b}")
                if b.has(t):
                    forbidden.append(b)
                    positive.append(b)
            elif isinstance(e, sympy.Integer):
                if e < 0:
                    forbidden.append(b)
            elif isinstance(e, sympy.Rational) and e > 0:
                kinks.append(b)
                positive.append(b)
            else:
                forbidden.append(b)
                positive.append(b)
        elif isinstance(node, sympy.log):
            forbidden.append(node.args[0])
            positive.append(node.args[0])
        elif isinstance(node, sympy.tan):
            forbidden.append(sympy.cos(node.args[0]))
        elif isinstance(node, (sympy.asin, sympy.acos)):
            kinks.extend([node.args[0] - 1, node.args[0] + 1])
            unit.append(node.args[0])
        elif node.func not in _ENTIRE:
            raise NotApplicable(f"the function '{node.func}' is not supported")
    return kinks, forbidden, positive, unit


def real_zeros(expr: sympy.Expr, t: sympy.Symbol, domain: sympy.Set) -> list[sympy.Expr]:
    """All zeros of ``expr`` in ``domain`` as exact numbers (or NotApplicable)."""
    if not expr.has(t):
        if expr.is_zero:
            raise NotApplicable(f"{expr} is identically zero")
        return []
    num, _den = sympy.fraction(sympy.together(expr))
    if num.is_polynomial(t) and all(c.is_Rational for c in sympy.Poly(num, t).coeffs()):
        # exact and complete; roots outside the domain are kept unless certainly outside
        # (an extra point of the real line is harmless, a missing one is not)
        return [r for r in sympy_call(sympy.Poly(num, t).real_roots)
                if not _certainly_outside(r, domain)]
    for form in dict.fromkeys([expr, to_exp(expr)]):
        sol = sympy_call(sympy.solveset, form, t, domain)
        if sol is sympy.S.EmptySet:
            return []
        if isinstance(sol, sympy.FiniteSet):
            return list(sol.args)
    raise NotApplicable(f"the zeros of {_short(expr)} are not a finite set SymPy can list")


def _certainly_outside(r: sympy.Expr, domain: sympy.Set) -> bool:
    if domain is sympy.S.Reals:
        return False
    b = point_ball(r, 128)
    lo, hi = domain.inf, domain.sup
    return bool((not lo.is_infinite and b < point_ball(lo, 128))
                or (not hi.is_infinite and b > point_ball(hi, 128)))


def _short(expr: sympy.Basic, n: int = 60) -> str:
    text = str(expr)
    return text if len(text) <= n else text[: n - 3] + "..."


def order_points(points: list[sympy.Expr]) -> list[sympy.Expr]:
    """Distinct exact real numbers, sorted by certified comparison (equal ones merged)."""

    pts = list(dict.fromkeys(points))
    balls = {p: point_ball(p, 128) for p in pts}
    pts.sort(key=lambda p: float(balls[p].mid()))
    out: list[sympy.Expr] = []
    for p in pts:
        if out and not _separated(out[-1], p):
            if exact_zero(p - out[-1]):
                continue
            raise NotApplicable(f"cannot order the points {out[-1]} and {p}")
        out.append(p)
    return out


def _separated(a: sympy.Expr, b: sympy.Expr) -> bool:
    for prec in PIECE_PRECISIONS:
        ba, bb = point_ball(a, prec), point_ball(b, prec)
        if ba < bb:
            return True
        if bb < ba:
            raise NotApplicable("points out of order")
    return False


def _maybe_periodic(e: sympy.Expr, t: sympy.Symbol) -> bool:
    """False when ``t`` occurs outside every trig function whose argument is linear in ``t``
    or itself of this kind (then ``h`` is not tried for periodicity, which can be slow)."""
    if not e.has(t):
        return True
    if isinstance(e, (sympy.sin, sympy.cos, sympy.tan)):
        a = e.args[0]
        return (a.is_polynomial(t) and sympy.degree(a, t) == 1) or _maybe_periodic(a, t)
    if e == t:
        return False
    return all(_maybe_periodic(a, t) for a in e.args)


def _period(h: sympy.Expr, t: sympy.Symbol) -> sympy.Expr | None:
    """A verified period of ``h`` (not necessarily the smallest), or None."""

    if not h.has(sympy.sin, sympy.cos, sympy.tan) or not _maybe_periodic(h, t):
        return None
    flat = h.replace(lambda e: isinstance(e, (sympy.Abs, sympy.Max, sympy.Min)),
                     lambda e: sympy.Add(*e.args))
    for cand in (h, flat):
        try:
            p = sympy.periodicity(cand, t)
        except (KeyboardInterrupt, NotApplicable):
            raise
        except Exception:
            p = None
        if p is not None and p.is_positive and p.is_finite and not p.has(t):
            if exact_zero(h.xreplace({t: t + p}) - h):
                return p
    return None


def _sign_at(expr: sympy.Expr, t: sympy.Symbol, q: Fraction) -> int:
    f = BallFn(expr, t)
    try:
        v, _ = raise_precision(lambda prec: f(arb(fmpq(q.numerator, q.denominator)), prec),
                               lambda v: v > 0 or v < 0, PIECE_PRECISIONS[0],
                               PIECE_PRECISIONS[-1])
    except PrecisionNotReached:
        raise NotApplicable(f"cannot decide the sign of {expr} at {q}") from None
    return 1 if v > 0 else -1


def _resolve(h: sympy.Expr, t: sympy.Symbol, q: Fraction) -> sympy.Expr:
    """``h`` with every abs/max/min replaced by the argument it equals near ``q``."""
    memo: dict[sympy.Basic, sympy.Basic] = {}

    def go(e):
        if e in memo:
            return memo[e]
        if not e.has(sympy.Abs, sympy.Max, sympy.Min) or not e.args:
            out = e
        elif isinstance(e, sympy.Abs):
            a = go(e.args[0])
            out = a if _sign_at(a, t, q) > 0 else -a
        elif isinstance(e, (sympy.Max, sympy.Min)):
            args = [go(a) for a in e.args]
            out = _winner(args, t, q, isinstance(e, sympy.Max))
        else:
            out = e.func(*[go(a) for a in e.args])
        memo[e] = out
        return out

    return go(h)


def _winner(args, t, q, biggest: bool):
    for i, a in enumerate(args):
        if all(_sign_at((a - b) if biggest else (b - a), t, q) > 0
               for j, b in enumerate(args) if j != i):
            return a
    raise NotApplicable("no strict winner of max/min")  # pragma: no cover - ties are kinks


def _sample(lo: sympy.Expr, hi: sympy.Expr) -> Fraction:
    """The simplest rational strictly between two ordered points (or infinite ends)."""
    for prec in PIECE_PRECISIONS:
        lo_f = None if lo.is_infinite else to_fraction(point_ball(lo, prec).upper())
        hi_f = None if hi.is_infinite else to_fraction(point_ball(hi, prec).lower())
        if lo_f is None or hi_f is None or lo_f < hi_f:
            return simplest_between(lo_f, hi_f)
    raise NotApplicable(f"no rational found between {lo} and {hi}")


def split(h: sympy.Expr, t: sympy.Symbol) -> Split:
    """Cut the domain into pieces on which ``h`` is one real-analytic branch."""
    period = _period(h, t)
    domain = sympy.Interval(0, period) if period is not None else sympy.S.Reals
    kinks, forbidden, positive, unit = _conditions(h, t)
    for f in forbidden:
        bad = real_zeros(f, t, domain)
        if bad:
            raise NotApplicable(f"lhs - rhs is undefined at {t} = {bad[0]}")
    pts = [z for k in kinks for z in real_zeros(k, t, domain)]
    if period is not None:
        pts += [sympy.S.Zero, period]
    pts = order_points(pts)
    ends = pts if period is not None else [sympy.S.NegativeInfinity, *pts, sympy.S.Infinity]
    pieces = []
    for lo, hi in itertools.pairwise(ends):
        q = _sample(lo, hi)
        for p in positive:
            if _sign_at(p, t, q) < 0:
                raise NotApplicable(f"lhs - rhs is undefined near {t} = {q}")
        for u in unit:
            if _sign_at(1 - u**2, t, q) < 0:
                raise NotApplicable(f"lhs - rhs is undefined near {t} = {q}")
        pieces.append(Piece(lo, hi, q, _resolve(h, t, q)))
    return Split(domain, period, pts, pieces)
