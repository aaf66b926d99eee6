"""Find and classify every stationary point of an expression (``symgrad classify``).

Path selection (reported in :attr:`Analysis.path`):

1. expressions with Max/Min/Abs: :mod:`.nonsmooth` (several variables: Clarke
   subdifferential over the selections of the Max/Min arguments);
2. polynomials within the exact budget (:func:`.solve.exact_eligible`):
   exact points, exact inertia, higher-order tests;
3. everything else: the numeric path in the search box (required), with
   Krawczyk-certified roots and certified eigenvalue enclosures.

>>> a = analyse("x**4 + y**4")
>>> [(p.coords, p.verdict.label) for p in a.points]
[(('0', '0'), 'local minimum (strict)')]
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import sympy
from flint import arb_mat

from symgrad.analysis.stationary.algebraic import AlgebraicPoint, field_charpoly
from symgrad.analysis.stationary.budget import EXACT_TIME_BUDGET, run_with_budget
from symgrad.analysis.stationary.classify import (
    eigen_enclosures,
    higher_order_1d,
    inertia_from_signs,
    numeric_verdict,
    splitting_verdict,
    verdict_from_inertia,
)
from symgrad.analysis.stationary.evaluate import arb_eval, flint_prec
from symgrad.analysis.stationary.model import Analysis, Family, StationaryPoint, Verdict, parse_box
from symgrad.analysis.stationary.numeric import DEFAULT_STARTS, krawczyk, newton_search
from symgrad.analysis.stationary.polysign import factor_sign
from symgrad.analysis.stationary.solve import ExactFamily, exact_eligible, solve_exact
from symgrad.base.errors import SymgradError
from symgrad.base.output import format_bound
from symgrad.core.parsing import parse_expression, parse_variables
from symgrad.numeric.decimal_text import ball_text, printed_radius

__all__ = ["MAX_DIGITS", "analyse", "decimal_value", "exact_sign", "fmt"]

MAX_DIGITS = 1000


def fmt(ball, digits: int) -> str:
    """Decimal string of a ball: its value correctly rounded to ``digits`` significant
    digits (fewer when the ball decides fewer: every printed digit is correct).

    A ball that contains 0 (a value zero up to rounding) is shown as ``0 ± r`` with its
    radius rounded up.
    """
    if ball.is_zero():
        return "0"
    if ball.contains(0):
        return "0 ± " + printed_radius(ball, "0")
    return ball_text(ball, digits)


def decimal_value(text: str) -> float:
    """A float for sorting a decimal string from :func:`fmt` ('0 ± r' counts as 0)."""
    return 0.0 if text.startswith("0 ±") else float(text)


def _bits(digits: int) -> int:
    return int(digits * 3.33) + 40


def exact_sign(e: sympy.Expr) -> int | None:
    """Sign of a constant SymPy number, exactly, or None when it cannot be decided."""
    e = sympy.nsimplify(e) if e.is_Float else e
    if e.is_Rational:
        return int(sympy.sign(e))
    if e.is_zero:
        return 0
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    try:
        if sympy.minimal_polynomial(e, sympy.Dummy("z")).is_Symbol:
            return 0
    except (NotImplementedError, ValueError, sympy.PolynomialError):
        return None
    for bits in (64, 256, 1024):
        with flint_prec(bits):
            try:
                v = arb_eval(e, {})
            except SymgradError:
                return None
        if v > 0:
            return 1
        if v < 0:
            return -1
    return None


def _exact_point(f, variables, hess, point: AlgebraicPoint, digits) -> StationaryPoint:
    gens = tuple(variables)
    bits = _bits(digits)
    hp = [[point.substitute(sympy.Poly(h, *gens, domain="QQ")) for h in row]
          for row in hess.tolist()]
    coeffs = field_charpoly(point, hp)
    inertia = inertia_from_signs([point.sign(c) for c in coeffs])
    verdict = verdict_from_inertia(inertia, method="exact inertia (Descartes on the charpoly)")
    if verdict.cls == "degenerate: undecided":
        if len(gens) == 1:
            x = gens[0]

            def sign_k(k: int) -> int:
                return point.sign(point.substitute(sympy.Poly(sympy.diff(f, x, k), x,
                                                              domain="QQ")))

            verdict = higher_order_1d(sign_k)
        elif point.is_rational():
            vals = point.exact_coords()
            hmat = sympy.Matrix([[point.element(e) for e in row] for row in hp])
            verdict = splitting_verdict(f, gens, vals, hmat, inertia)
        else:
            verdict.evidence.append("higher-order test is implemented for rational points only")
    with flint_prec(bits):
        hb = arb_mat([[point.ball(e, bits) for e in row] for row in hp])
        eigs, _ = eigen_enclosures(hb)
    return StationaryPoint(
        kind="exact",
        coords=tuple(fmt(point.ball(c, bits), digits) for c in point.coords),
        exact=point.exact_coords(),
        certified=True,
        radius=None,
        value=fmt(point.ball(point.substitute(sympy.Poly(f, *gens, domain="QQ")), bits), digits),
        verdict=verdict,
        hessian=[[fmt(e, digits) for e in row] for row in hb.tolist()],
        hessian_exact=sympy.Matrix([[point.element(e) for e in row] for row in hp]),
        eigenvalues=[e.str(digits) for e in eigs],
        inertia=inertia,
        extra={"charpoly_coefficients": [str(point.element(c)) for c in coeffs]},
    )


def _global_sign_verdict(f, variables, fam: ExactFamily) -> Verdict | None:
    """f - v for the family's value v factored into factors of fixed sign, or None.

    If f - v = c * prod(p_j**m_j) with each p_j**m_j >= 0 everywhere, then f >= v
    (c > 0) or f <= v (c < 0) on all of R^n, with equality on the family: every
    point of the family is a non-strict (global) minimum or maximum.
    """
    value = sympy.simplify(f.subs(fam.solution))
    if value.free_symbols & set(variables):
        return None
    found = factor_sign(f - value, variables)
    if found is None:
        return None
    sign, shown = found
    cls = "local minimum" if sign > 0 else "local maximum"
    rel = ">=" if sign > 0 else "<="
    return Verdict(cls, False, True, "global sign of f - f(family) by factorisation", [
        f"f - ({value}) = {shown}: every factor has a fixed sign",
        f"f {rel} {value} on all of R^n with equality on the family: non-strict "
        f"(global) {'minimum' if sign > 0 else 'maximum'} at every point"])


def _family(f, variables, hess, fam: ExactFamily) -> Family:
    free = fam.free
    eqs = tuple(f"{k} = {v}" for k, v in fam.solution.items())
    desc = (", ".join(eqs) if eqs else "every point") + (
        f" (free: {', '.join(map(str, free))})" if free else "")
    latex = ", ".join(f"{sympy.latex(k)} = {sympy.latex(v)}" for k, v in fam.solution.items())
    dim = len(free)
    if not fam.solution:
        v = Verdict("constant", None, True, "gradient identically zero",
                    ["f is constant: every point is a non-strict local minimum and maximum"])
        return Family(desc, eqs, dim, v, latex)
    by_sign = _global_sign_verdict(f, variables, fam)
    if by_sign is not None:
        return Family(desc, eqs, dim, by_sign, latex)
    hs = hess.subs(fam.solution)
    method = "Morse-Bott test (Hessian constant along the family)"
    if hs.free_symbols & set(variables):
        v = Verdict("degenerate: undecided", None, True, method,
                    ["the Hessian varies along the family; no uniform verdict is derived"])
        return Family(desc, eqs, dim, v, latex)
    lam = sympy.Dummy("lam")
    coeffs = list(reversed(hs.charpoly(lam).all_coeffs()))
    signs = [exact_sign(c) for c in coeffs]
    if None in signs:
        v = Verdict("degenerate: undecided", None, True, method, ["undecidable sign"])
        return Family(desc, eqs, dim, v, latex)
    pos, neg, zero = inertia_from_signs(signs)
    ev = [f"Hessian on the family: {pos} positive, {neg} negative, {zero} zero eigenvalue(s)",
          f"family dimension {dim}"]
    smooth = all(e.is_polynomial(*free) for e in fam.solution.values())
    if pos and neg:
        v = Verdict("saddle", None, True, method, [*ev, "indefinite Hessian at every point"])
    elif zero == dim and smooth:
        cls = "local minimum" if pos or not neg else "local maximum"
        v = Verdict(cls, False, True, method, [
            *ev, "kernel = tangent space of the family (Morse-Bott): non-strict extremum "
            "at every point"])
    else:
        v = Verdict("degenerate: undecided", None, True, method,
                    [*ev, "more zero eigenvalues than the family's dimension"])
    return Family(desc, eqs, dim, v, latex)


def _dyadic(x) -> Fraction:
    man, exp = (int(t) for t in x.man_exp())
    return Fraction(man) * Fraction(2) ** exp


def _printed_radius(enc, coords: Sequence[str]) -> Fraction:
    """The largest distance from a printed coordinate to the far end of its enclosure: the
    root lies within +/- this of the *printed* point (midpoint rounding included)."""
    worst = Fraction(0)
    for e, text in zip(enc, coords, strict=True):
        shown = Fraction(0) if text.startswith("0 ±") else Fraction(Decimal(text))
        worst = max(worst, abs(shown - _dyadic(e.mid())) + _dyadic(e.rad()))
    return worst


def _numeric_points(f, variables, grad, hess, box, digits, starts) -> list[StationaryPoint]:
    h_rows = hess.tolist()
    roots = newton_search(grad, h_rows, variables, box, digits=digits, starts=starts)
    out = []
    bits = _bits(digits)
    for r in roots:
        ok, enc = krawczyk(grad, h_rows, variables, r, digits=digits)
        with flint_prec(bits):
            env = dict(zip(variables, enc))
            hb = arb_mat([[arb_eval(h, env) for h in row] for row in h_rows])
            value = arb_eval(f, env)
            if ok:
                eigs, how = eigen_enclosures(hb)
                verdict = numeric_verdict(eigs, how)
                if len(variables) == 1 and verdict.cls == "degenerate: undecided":
                    verdict.evidence.append("f''(p) enclosure contains 0")
            else:
                eigs = []
                verdict = Verdict("degenerate: undecided", None, None, "none",
                                  ["root not certified (Krawczyk test failed): no verdict"])
            coords = tuple(fmt(e, digits) for e in enc)
            radius = _printed_radius(enc, coords) if ok else None
            out.append(StationaryPoint(
                kind="numeric", coords=coords, exact=None,
                certified=ok, radius=None if radius is None else format_bound(radius, "upper", 3),
                value=fmt(value, digits), verdict=verdict,
                hessian=[[fmt(e, digits) for e in row] for row in hb.tolist()],
                eigenvalues=[e.str(digits) for e in eigs] or None))
    return out


def _in_box(point: AlgebraicPoint, names, box) -> bool:
    from flint import fmpq, fmpq_poly

    for c, n in zip(point.coords, names):
        lo, hi = box[n]
        for bound, want in ((lo, 1), (hi, -1)):
            d = c - fmpq_poly([fmpq(int(bound.p), int(bound.q))])
            if point.sign(d) * want < 0:
                return False
    return True


def analyse(expr: str | sympy.Expr, variables: Sequence[str] | str | None = None, *,
            box: str | dict | None = None, digits: int = 20, method: str = "auto",
            starts: int = DEFAULT_STARTS,
            time_budget: float = EXACT_TIME_BUDGET) -> Analysis:
    """Stationary points of ``expr`` with their classes (see module doc).

    The exact solver gets ``time_budget`` seconds (:mod:`.budget`); past that the
    numeric path is taken (it needs ``box``) and the result says why.
    """
    if not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymgradError(f"--digits must be in 1..{MAX_DIGITS}, got {digits}")
    if method not in ("auto", "exact", "numeric"):
        raise SymgradError(f"unknown method '{method}'", hint="auto, exact or numeric")
    syms = None if variables is None else parse_variables(variables)
    if isinstance(expr, str):
        expr = parse_expression(expr, variables=None if syms is None else [str(s) for s in syms])
    if syms is None:
        syms = tuple(sorted(expr.free_symbols, key=str))
    if not syms:
        raise SymgradError("the expression has no variables", hint="e.g. 'x**2 + y**2'")
    extra = expr.free_symbols - set(syms)
    if extra:
        raise SymgradError(f"unknown variable '{sorted(map(str, extra))[0]}'",
                           hint="list every variable in --vars")
    names = [str(s) for s in syms]
    bx = box if isinstance(box, dict) or box is None else parse_box(box, names)
    if expr.has(sympy.Max, sympy.Min, sympy.Abs):
        from symgrad.analysis.stationary.nonsmooth import analyse_nonsmooth, analyse_nonsmooth_multi

        if len(syms) != 1:
            done, res = run_with_budget(
                lambda: analyse_nonsmooth_multi(expr, syms, box=bx, digits=digits), (),
                seconds=time_budget)
            if not done:
                raise SymgradError(f"the non-smooth analysis did not finish within the time "
                                   f"budget of {time_budget:g} s",
                                   hint="use fewer Max/Min/Abs terms or raise --time-budget")
            return res
        return analyse_nonsmooth(expr, syms[0], box=bx, digits=digits)
    grad = tuple(sympy.diff(expr, v) for v in syms)
    hess = sympy.Matrix(grad).jacobian(syms)
    ok, reason = exact_eligible(expr, syms) if method != "numeric" else (False, "--method numeric")
    if method == "exact" and not ok:
        raise SymgradError(f"no exact path: {reason}", hint="use --method numeric with --box")
    if ok:
        done, sol = run_with_budget(solve_exact, (expr, syms), seconds=time_budget)
        if not done:
            ok = False
            reason = (f"the exact solver did not finish within the time budget of "
                      f"{time_budget:g} s")
            if method == "exact":
                raise SymgradError(reason, hint="use --method numeric with --box")
    if ok:
        res = Analysis(expr, syms, grad, hess, f"exact: {sol.method}", digits, bx)
        res.notes.append(f"exact path: {reason}")
        for p in sol.points:
            if bx is not None and not _in_box(p, names, bx):
                continue
            res.points.append(_exact_point(expr, syms, hess, p, digits))
        for fam in sol.families:
            res.families.append(_family(expr, syms, hess, fam))
        for tup in sol.other_points:
            res.notes.append(f"further exact stationary point (not classified): {tup}")
        if bx is not None:
            res.notes.append("points outside the box are left out; families are not clipped")
    else:
        if bx is None:
            raise SymgradError(f"this expression needs the numeric path ({reason}), which "
                               "needs a search box", hint="pass --box lo,hi")
        res = Analysis(expr, syms, grad, hess, "numeric: seeded Newton + Krawczyk", digits, bx)
        res.notes.append(f"numeric path: {reason}; {starts} seeded Newton starts in the box "
                         "(the search is not exhaustive)")
        res.points.extend(_numeric_points(expr, syms, grad, hess, bx, digits, starts))
    res.points.sort(key=lambda p: [decimal_value(c) for c in p.coords])
    res.notes.append(f"decimals: {digits} significant digits, certified to within one unit in "
                     "the last place (arb)")
    return res
