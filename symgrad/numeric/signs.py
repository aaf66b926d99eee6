"""The sign of a constant SymPy expression, decided only when proven: :func:`decide_sign`.

The steps, in order (the first conclusive one wins):

1. **exact rational**: a Float is read as the decimal it denotes (``nsimplify``), and a
   Rational has its sign;
2. **certified ball** at ``start`` bits (:mod:`symgrad.numeric.arb_eval`): a ball on one
   side of 0 proves the sign; a non-finite ball means the value is undefined (a log of a
   negative number, a division by 0, ...);
3. **exact zero** (with ``exact=True``), because no ball can prove a value is 0:
   ``expand`` gives 0, or ``simplify`` of the ``exp`` rewrite (:func:`to_exp`) gives 0,
   or, for an algebraic number, its minimal polynomial is ``z``;
4. **certified balls at rising precision** up to ``cap`` bits
   (:func:`symgrad.numeric.precision_ladder.raise_precision`);
5. **SymPy's assumptions** (``is_positive`` / ``is_negative`` / ``is_zero``), only when
   no ball could be computed or none was conclusive.

Otherwise the sign is ``None`` (undecided): a wrong sign would be a defect, an honest
"undecided" is not.  The result carries its evidence (:class:`Evidence`: the exact
value, the deciding ball and its precision, or the zero test that succeeded);
:func:`symgrad.analysis.sign_evidence.sign_text` words it the same way for every caller.

>>> import sympy
>>> decide_sign(sympy.exp(sympy.pi * sympy.sqrt(163)) - 640320**3 - 744).sign
-1
>>> r = decide_sign(sympy.sqrt(3 + 2 * sympy.sqrt(2)) - 1 - sympy.sqrt(2))
>>> r.sign, r.method, r.evidence.kind
(0, 'exact', 'zero')
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from flint import arb

from symgrad.core.activations import sigmoid, softplus
from symgrad.numeric.arb_eval import compile_arb
from symgrad.numeric.precision_ladder import FACTOR, PrecisionNotReached, raise_precision

__all__ = ["CAP", "START", "Evidence", "SignResult", "decide_sign", "exact_zero", "to_exp"]

START, CAP = 64, 16384

EXACT, BALL, SYMBOLIC = "exact", "certified ball", "symbolic"


@dataclass(frozen=True)
class Evidence:
    """What decided (or failed to decide) a sign.

    ``kind``: ``"rational"`` (``value`` is the exact Rational), ``"ball"`` (``value`` is
    the deciding arb ball, ``prec`` its bits), ``"zero"`` (``how`` names the exact test),
    ``"assumptions"``, ``"undefined"`` (a non-finite ball), ``"unevaluable"`` (``how``
    says why), or ``"contains zero"`` (``value``, ``prec``: the ball at the cap).
    """

    kind: str
    value: object = None
    prec: int | None = None
    how: str = ""


@dataclass(frozen=True)
class SignResult:
    """``sign`` (-1, 0, 1, or None when undecided), the ``method`` and the evidence."""

    sign: int | None
    method: str
    evidence: Evidence


def to_exp(expr: sympy.Expr) -> sympy.Expr:
    """sigmoid, softplus and tanh written with exp (and nothing else rewritten:
    ``rewrite(exp)`` would also turn x**3 into exp(3 log x), valid only for x > 0).

    >>> t = sympy.Symbol("t")
    >>> to_exp(sigmoid(t) + t**3)
    t**3 + 1/(1 + exp(-t))
    """
    return expr.replace(sigmoid, lambda a: 1 / (1 + sympy.exp(-a))).replace(
        softplus, lambda a: sympy.log(1 + sympy.exp(a))).replace(
        sympy.tanh, lambda a: (sympy.exp(2 * a) - 1) / (sympy.exp(2 * a) + 1))


def exact_zero(expr: sympy.Expr) -> bool:
    """``expr`` is 0 by ``expand``, or by ``simplify`` of its ``exp`` rewrite (for any
    values of its symbols).  False means "not shown", never "nonzero".

    >>> exact_zero(sympy.log(2) + sympy.log(3) - sympy.log(6))
    True
    """
    if sympy.expand(expr) == 0:
        return True
    try:
        return sympy.simplify(to_exp(expr)) == 0
    except Exception:  # SymPy failing to simplify proves nothing: not shown to be 0
        return False


def _algebraic_zero(expr: sympy.Expr) -> bool:
    """A number built from rationals by + * and rational powers whose minimal polynomial
    is ``z``: exactly 0."""
    if expr.atoms(sympy.Function) or expr.has(sympy.pi, sympy.E) or expr.free_symbols:
        return False
    try:
        return bool(sympy.minimal_polynomial(expr, sympy.Dummy("z")).is_Symbol)
    except (NotImplementedError, ValueError, sympy.PolynomialError):
        return False


def _zero_test(expr: sympy.Expr) -> str | None:
    if exact_zero(expr):
        return "simplify"
    if _algebraic_zero(expr):
        return "minimal polynomial"
    return None


def _by_assumptions(expr: sympy.Expr) -> int | None:
    for attr, sign in (("is_zero", 0), ("is_positive", 1), ("is_negative", -1)):
        try:
            if getattr(expr, attr) is True:
                return sign
        except Exception:  # an assumption query that fails proves nothing
            continue
    return None


def _decided(b: arb) -> bool:
    return not b.is_finite() or b > 0 or b < 0


def _from_ball(b: arb, prec: int) -> SignResult:
    if not b.is_finite():
        return SignResult(None, BALL, Evidence("undefined", b, prec))
    return SignResult(1 if b > 0 else -1, BALL, Evidence("ball", b, prec))


def decide_sign(expr: sympy.Expr, *, start: int = START, cap: int = CAP,
                exact: bool = True) -> SignResult:
    """The sign of the constant ``expr`` with its evidence (see the module text).

    ``exact=False`` skips the exact-zero tests (a fast screen, e.g. for counterexamples).

    >>> decide_sign(sympy.sin(sympy.pi) + sympy.Rational(-1, 3)).evidence
    Evidence(kind='rational', value=-1/3, prec=None, how='')
    >>> decide_sign(sympy.pi - sympy.Rational(314159, 100000)).method
    'certified ball'
    """
    d = sympy.sympify(expr, strict=True)  # a SymPy object or number, never text
    if d.is_Float:
        d = sympy.nsimplify(d)
    if isinstance(d, sympy.Rational):
        return SignResult(int(sympy.sign(d)), EXACT, Evidence("rational", d))
    try:
        program = compile_arb(d)
        first = program(prec=start)
    except (ValueError, ZeroDivisionError) as exc:  # SymgradError is a ValueError
        return _unevaluable(d, str(exc))
    if _decided(first):
        return _from_ball(first, start)
    if exact:
        how = _zero_test(d)
        if how is not None:
            return SignResult(0, EXACT, Evidence("zero", how=how))
    if cap <= start:
        return _undecided(d, first, start)
    try:
        b, prec = raise_precision(lambda p: program(prec=p), _decided,
                                  min(start * FACTOR, cap), cap, what="the sign")
    except PrecisionNotReached as exc:
        return _undecided(d, exc.last, exc.prec)
    return _from_ball(b, prec)


def _undecided(d: sympy.Expr, last: arb, prec: int) -> SignResult:
    sign = _by_assumptions(d)
    if sign is not None:
        return SignResult(sign, SYMBOLIC, Evidence("assumptions"))
    return SignResult(None, BALL, Evidence("contains zero", last, prec))


def _unevaluable(d: sympy.Expr, why: str) -> SignResult:
    sign = _by_assumptions(d)
    if sign is not None:
        return SignResult(sign, SYMBOLIC, Evidence("assumptions"))
    return SignResult(None, BALL, Evidence("unevaluable", how=why))
