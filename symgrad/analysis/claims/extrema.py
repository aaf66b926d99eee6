"""One-variable claims decided by the extrema of the difference.

A universal claim ``lhs REL rhs`` in one variable ``t`` is oriented as
``h(t) >= 0`` (or ``> 0``) with ``h = lhs - rhs`` or ``rhs - lhs``.
:func:`decide_extrema` decides it from where ``h`` can be smallest:

1. :func:`symgrad.analysis.claims.pieces.split` proves ``h`` defined and continuous on
   the domain (one verified period ``[0, P]`` if ``h`` is periodic, else R),
   and cuts it at the points where ``h`` may not be smooth (abs/max/min,
   roots); between them ``h`` is one real-analytic branch ``B``.
2. On each piece, **exact critical points**: the zeros of ``B'`` (exact real
   roots for polynomial numerators, else ``solveset`` when it returns a finite
   set), the piece's ends, and ``limit`` at an infinite end.  The infimum of
   ``h`` on the piece is the smallest of these values (a limit is not attained).
3. Where step 2 cannot list the critical points, **certified bisection**: on
   a bounded part, Arb balls of ``B`` and ``B'`` over sub-intervals (with the
   mean-value form): a ball of the right sign settles a box, ``B'`` of one sign
   puts the minimum at an end.  A box stuck at a tangency is settled at an
   exact critical point ``q`` (``B'(q) = 0`` decided by SymPy): if the first
   non-zero derivative ``B^(n)`` (exact zero tests up to order
   :data:`MAX_LADDER`) has one sign over the box, ``B`` is monotone on each side
   of ``q`` (Taylor), so its minimum on the box is at an end or at ``q``.  An
   unbounded end is covered by a *ladder*: with ``u(s) = B(R + s)``, if
   ``u^(k)(0) >= 0`` for ``k < n`` and SymPy's assumptions prove
   ``u^(n)(s) >= 0`` for ``s > 0`` then ``u`` is increasing; or ``-u'`` is
   shown positive that way and ``u`` decreases to a limit ``>= 0``.

Every value at a point is decided by certified balls at rising precision,
and a value that may be exactly 0 by exact arithmetic (SymPy), never by a
ball.  A FALSE verdict names a point of the domain where the claim fails
(the extremum itself, or a nearby rational) with its certified value.
Bisection and ladders stop after :data:`EXTREMA_BUDGET` seconds (checked
between steps; a SymPy call that does not return is stopped by the claim's
budget, :data:`symgrad.analysis.claims.CLAIM_BUDGET`); anything the analysis cannot
complete leaves the claim to the other methods (UNDECIDED if none).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import sympy
from flint import arb

from symgrad.analysis.claims.bisection import MAX_BOXES, MAX_LADDER, Bisection
from symgrad.analysis.claims.common import (
    ball_text,
    constant_sign,
    exact_zero,
    format_number,
    safe_str,
    to_exp,
)
from symgrad.analysis.claims.pieces import (
    BallFn,
    NotApplicable,
    Piece,
    point_ball,
    real_zeros,
    simplest_between,
    split,
    sympy_call,
    to_fraction,
    to_rational,
)
from symgrad.analysis.claims.rays import RAY_STARTS, RayProofs
from symgrad.base.verdicts import Verdict
from symgrad.core.activations import sigmoid, softplus
from symgrad.numeric.precision_ladder import ladder

__all__ = ["EXTREMA_BUDGET", "MAX_BOXES", "MAX_LADDER", "Outcome", "decide_extrema"]

EXTREMA_BUDGET = 20.0  # seconds of bisection and ladders (checked between steps)
POINT_PRECISIONS = tuple(ladder(64, 4096))
METHOD_EXACT = "extrema (exact critical points)"
METHOD_BISECT = "extrema (certified bisection)"


@dataclass
class Outcome:
    """A decided claim: verdict, method, evidence, and the witness of a FALSE one."""

    verdict: str
    method: str
    evidence: str
    witness: dict[str, str] | None = None


class _Violation(Exception):
    def __init__(self, point: sympy.Expr | None, text: str):
        super().__init__(text)
        self.point, self.text = point, text


def _point_text(c: sympy.Expr) -> str:
    if isinstance(c, sympy.Rational):
        return format_number(c)
    approx = point_ball(c, 64).mid().str(15, radius=False)
    text = safe_str(c)
    return f"{text} (≈ {approx})" if len(text) <= 40 and not c.has(sympy.CRootOf) else (
        f"≈ {approx} (an exact root)")


class _Claim(RayProofs):
    """The claim ``h(t) >= 0`` (``> 0`` if strict) and what has been decided about it."""

    def __init__(self, h: sympy.Expr, t: sympy.Symbol, strict: bool, side: str):
        self.h, self.t, self.strict, self.side = h, t, strict, side
        self.hf = BallFn(h, t)
        self.signs: dict[sympy.Expr, tuple[int, str]] = {}
        self.lowest: tuple[arb, sympy.Expr, str] | None = None
        self.boxes = 0
        self.methods: list[str] = []
        self.limits: list[tuple[sympy.Expr, sympy.Expr]] = []
        self.deadline = time.monotonic() + EXTREMA_BUDGET

    def tick(self) -> None:
        """Stop (not applicable) once :data:`EXTREMA_BUDGET` has run out."""
        if time.monotonic() > self.deadline:
            raise NotApplicable(f"the extrema analysis ran out of its {EXTREMA_BUDGET:g} s "
                                "budget")

    @property
    def need(self) -> str:
        return "> 0" if self.strict else "≥ 0"

    def ok_sign(self, sign: int) -> bool:
        return sign > 0 or (sign == 0 and not self.strict)

    def ok_ball(self, b: arb) -> bool:
        return bool(b.is_finite() and (b > 0 or (not self.strict and b >= 0)))

    # -- values at exact points ---------------------------------------------------------
    def _exact_sign(self, c: sympy.Expr) -> int | None:
        """The sign of ``h(c)`` by exact arithmetic if SymPy can tell (0 included)."""

        v = self.h.xreplace({self.t: c})
        if isinstance(v, sympy.Rational):
            return int(sympy.sign(v))
        if isinstance(c, sympy.CRootOf):
            if self.h.is_polynomial(self.t):  # h(c) = 0 iff c's minimal polynomial divides h
                hp = sympy.PurePoly(self.h, self.t)
                return 0 if hp.rem(c.poly).is_zero else None
            return None
        return 0 if exact_zero(v) else None

    def point_sign(self, c: sympy.Expr) -> tuple[int | None, str]:
        """Sign of ``h(c)`` and its evidence: balls, exact when it may be 0."""
        if c in self.signs:
            return self.signs[c]
        out: tuple[int | None, str] = (None, "undecided")
        v = self.h.xreplace({self.t: c})
        if isinstance(v, sympy.Rational):  # exact, e.g. at a rational point of a polynomial

            out = (int(sympy.sign(v)), f"{self.side} = {format_number(v)} exactly")
            self._note_low(point_ball(v, 64), c, out[1])
            self.signs[c] = out
            return out
        for n, prec in enumerate(POINT_PRECISIONS):
            v = self.hf(point_ball(c, prec), prec)
            if not v.is_finite():
                raise NotApplicable(f"lhs - rhs is not finite at {c}")
            if v > 0 or v < 0:
                out = (1 if v > 0 else -1, f"{self.side} in [{ball_text(v)}] (certified, "
                       f"{prec} bits)")
                self._note_low(v, c, out[1])
                break
            if n == 0:
                s = self._exact_sign(c)
                if s is not None:
                    out = (s, f"{self.side} = 0 exactly" if s == 0 else
                           f"{self.side} has exact sign {s}")
                    if s == 0:
                        self._note_low(arb(0), c, out[1])
                    break
            out = (None, f"{self.side} in [{ball_text(v)}] contains 0")
        self.signs[c] = out
        return out

    def _note_low(self, v: arb, c: sympy.Expr, text: str) -> None:
        if self.lowest is None or v.mid() < self.lowest[0].mid():
            self.lowest = (v, c, text)

    def try_point(self, c: sympy.Expr) -> None:
        """:meth:`check_point` where an undecided value is no obstacle (a witness hunt)."""
        try:
            self.check_point(c)
        except NotApplicable:
            pass

    def check_point(self, c: sympy.Expr) -> None:
        """Raise :class:`_Violation` if the claim fails at ``c``; NotApplicable if undecided."""
        sign, text = self.point_sign(c)
        if sign is None:
            raise NotApplicable(f"at {self.t} = {_point_text(c)}: {text}")
        if not self.ok_sign(sign):
            raise _Violation(c, text)

    def const_sign(self, v: sympy.Expr) -> int | None:

        return constant_sign(v, precisions=POINT_PRECISIONS)[0]

    # -- step 2: exact critical points --------------------------------------------------
    def exact_piece(self, piece: Piece) -> None:
        t, b = self.t, piece.branch
        db = sympy.diff(b, t)
        interval = sympy.Interval.open(piece.lo, piece.hi)
        if sympy.expand(db) == 0:
            crit = [to_rational(piece.sample)]  # a constant piece
        else:
            crit = real_zeros(db, t, interval)
        ends = [e for e in (piece.lo, piece.hi) if not e.is_infinite]
        for c in crit + ends:
            self.check_point(c)
        for end in (e for e in (piece.lo, piece.hi) if e.is_infinite):
            self.limit_ok(b, end, witness_from=piece)

    def limit_ok(self, b: sympy.Expr, end: sympy.Expr, witness_from: Piece) -> None:

        lim = sympy_call(sympy.limit, to_exp(b) if b.has(sigmoid, softplus) else b, self.t, end)
        self.limits.append((end, lim))
        if lim is sympy.oo:
            return
        if lim is sympy.S.NegativeInfinity:
            sign = -1
        elif lim.is_number and lim.is_finite and lim.is_real:
            sign = self.const_sign(lim)
        else:
            raise NotApplicable(f"the limit at {end} is {lim}")
        if sign is None:
            raise NotApplicable(f"cannot decide the sign of the limit {lim} at {end}")
        if sign < 0:
            self.ray_witness(witness_from, 1 if end is sympy.oo else -1)
            raise _Violation(None, f"{self.side} tends to {lim} < 0 at {end}")

    # -- step 3: certified bisection ----------------------------------------------------
    def bisect_piece(self, piece: Piece) -> None:
        """Bisection of the bounded part; ladders beyond R on an unbounded side.

        If no ladder works, the bounded part is still bisected (it may hold a
        witness of FALSE) before giving up."""
        lo, hi = piece.lo, piece.hi
        failed: NotApplicable | None = None
        for d in (1, -1):
            if (hi if d > 0 else lo).is_infinite:
                near = piece.lo if d > 0 else piece.hi
                base = 1 if near.is_infinite else max(
                    1, d * int(to_fraction(point_ball(near, 64).mid())) + 2)
                try:
                    r = self.ray(piece, d, Fraction(d * base))
                except NotApplicable as exc:
                    failed, r = exc, to_rational(Fraction(d * base * RAY_STARTS[-1]))
                hi, lo = (r, lo) if d > 0 else (hi, r)
        Bisection(self, piece.branch, piece).run(lo, hi)
        if failed is not None:
            raise failed


def _witness(claim: _Claim, v: _Violation) -> tuple[dict[str, str] | None, str]:
    """A short witness point: the exact point if short, else a certified nearby rational."""

    t = claim.t
    if v.point is None:
        return None, v.text
    c, text = v.point, v.text
    if isinstance(c, sympy.Rational) or (len(safe_str(c)) <= 30 and not c.has(sympy.CRootOf)):
        return {str(t): safe_str(c)}, f"at {t} = {_point_text(c)}: {text}"
    mid = to_fraction(point_ball(c, 256))
    for k in range(1, 40):
        r = Fraction(1, 10**k)
        q = to_rational(simplest_between(mid - r, mid + r))
        sign, qtext = claim.point_sign(q)
        if sign is not None and not claim.ok_sign(sign):
            return {str(t): safe_str(q)}, f"at {t} = {_point_text(q)}: {qtext}"
    return {str(t): _point_text(c)}, f"at {t} = {_point_text(c)}: {text}"


def _run(h: sympy.Expr, t: sympy.Symbol, strict: bool, side: str) -> tuple[Outcome | None, str]:
    try:
        claim = _Claim(h, t, strict, side)
        sp = split(h, t)
        for piece in sp.pieces:
            claim.methods.append(METHOD_EXACT)
            try:
                claim.exact_piece(piece)
            except NotApplicable:
                claim.methods[-1] = METHOD_BISECT
                claim.bisect_piece(piece)
    except _Violation as v:
        try:
            witness, text = _witness(claim, v)
        except NotApplicable:  # the point cannot be shown more simply: say it as it is
            witness, text = None, v.text
        method = claim.methods[-1] if claim.methods else METHOD_EXACT
        return Outcome(Verdict.FALSE.word, method, f"{text} (the claim needs {side} {claim.need})",
                       witness), ""
    except NotApplicable as exc:
        return None, str(exc)
    method = METHOD_BISECT if METHOD_BISECT in claim.methods else METHOD_EXACT
    return Outcome(Verdict.TRUE.word, method, _true_text(claim, sp)), ""


def _limit_text(v: sympy.Expr) -> str:
    """A limit or its point in plain notation: ``∞`` / ``-∞`` for SymPy's ``oo`` / ``-oo``."""
    return {sympy.oo: "∞", -sympy.oo: "-∞"}.get(v, None) or safe_str(v)


def _true_text(claim: _Claim, sp) -> str:

    t = claim.t
    where = (f"one period [0, {safe_str(sp.period)}] (it is periodic)" if sp.period is not None
             else "ℝ")
    kinks = [p for p in sp.points if sp.period is None or p not in (0, sp.period)]
    parts = [f"{claim.side} is continuous on {where}"]
    if kinks:
        parts.append(f"smooth except at {t} = {', '.join(safe_str(p) for p in kinks[:6])}")
    ends = "the piece ends" + ("" if sp.period is not None else " and the limits at ±∞")
    if METHOD_BISECT not in claim.methods:
        parts.append(f"on each piece its infimum is among the exact critical points and {ends}")
    else:
        parts.append(f"certified bisection of the bounded part ({claim.boxes} box(es), exact "
                     "derivative tests at tangency points), derivative ladders for large |x|"
                     + (f", exact critical points and {ends} elsewhere"
                        if METHOD_EXACT in claim.methods else ""))
    if claim.lowest is not None:
        _, c, text = claim.lowest
        parts.append(f"smallest value met at {t} = {_point_text(c)}: {text}")
    if claim.limits:
        parts.append("limits: " + ", ".join(f"{_limit_text(v)} as {t} → {_limit_text(e)}"
                                            for e, v in dict(claim.limits).items()))
    return "; ".join(parts) + f", so {claim.side} {claim.need} everywhere"


def decide_extrema(h: sympy.Expr, t: sympy.Symbol, *, strict: bool, side: str = "lhs - rhs"
                   ) -> tuple[Outcome | None, str]:
    """Decide ``h(t) > 0`` (``strict``) or ``h(t) >= 0`` for all real ``t``.

    Returns ``(outcome, "")`` when decided, else ``(None, reason)``.

    >>> from symgrad.core.parsing import parse_expression, make_symbol
    >>> x = make_symbol("x")
    >>> out, _ = decide_extrema(parse_expression("x**4 - x**3 + 27/256"), x, strict=True)
    >>> out.verdict, out.witness
    ('FALSE', {'x': '3/4'})
    """
    return _run(h, t, strict, side)
