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

import itertools
import time
from dataclasses import dataclass
from fractions import Fraction

import sympy
from flint import arb, ctx, fmpq

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
)
from symgrad.analysis.verdicts import Verdict
from symgrad.core.activations import sigmoid, softplus

__all__ = ["EXTREMA_BUDGET", "MAX_BOXES", "MAX_LADDER", "Outcome", "decide_extrema"]

EXTREMA_BUDGET = 20.0  # seconds of bisection and ladders (checked between steps)
MAX_BOXES = 4000  # sub-intervals examined by bisection, per claim
MAX_LADDER = 8  # highest derivative order tried at an exact critical point
RAY_ORDERS = 4  # highest derivative order in the ladder of an unbounded end
RAY_STARTS = (1, 4, 16, 64)
MAX_RAY_OPS = 300  # a derivative in a ladder larger than this is not tried
RAY_WITNESS_STEPS = 1100  # witness search at R + 2**k along an unbounded end
POINT_PRECISIONS = (64, 256, 1024, 4096)
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


def _fq(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def _point_text(c: sympy.Expr) -> str:
    if isinstance(c, sympy.Rational):
        return format_number(c)
    approx = point_ball(c, 64).mid().str(15, radius=False)
    text = safe_str(c)
    return f"{text} (≈ {approx})" if len(text) <= 40 and not c.has(sympy.CRootOf) else (
        f"≈ {approx} (an exact root)")


def _provably(e: sympy.Expr, positive: bool) -> bool:
    """SymPy's assumptions prove e > 0 (or >= 0) for its (positive) symbol."""

    def ok(f):
        return f.is_positive is True or (not positive and f.is_nonnegative is True)

    forms = dict.fromkeys([e, sympy.expand(e), to_exp(e)])
    if any(ok(f) for f in forms):
        return True
    return sympy.count_ops(e) <= 60 and ok(sympy_call(sympy.together, to_exp(e)))


_BOUNDED = {sympy.sin: (-1, 1), sympy.cos: (-1, 1), sympy.tanh: (-1, 1), sigmoid: (0, 1),
            sympy.atan: (-sympy.pi / 2, sympy.pi / 2)}


class _Claim:
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
        return "> 0" if self.strict else ">= 0"

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
            crit = [_fq(piece.sample)]  # a constant piece
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
                    failed, r = exc, _fq(Fraction(d * base * RAY_STARTS[-1]))
                hi, lo = (r, lo) if d > 0 else (hi, r)
        _Bisection(self, piece.branch, piece).run(lo, hi)
        if failed is not None:
            raise failed

    def ray_witness(self, piece: Piece, d: int) -> None:
        base = piece.sample
        f = BallFn(piece.branch, self.t)
        for k in range(RAY_WITNESS_STEPS):
            if k % 64 == 0:
                self.tick()
            p = base + d * 2**k
            with ctx.workprec(64):
                x = arb(fmpq(p.numerator, p.denominator))
            v = f(x, 64)
            if v.is_finite() and v < 0:
                self.try_point(_fq(p))

    def ray(self, piece: Piece, d: int, base: Fraction) -> sympy.Rational:
        """A start R (an exact rational in the piece) such that the claim holds beyond R.

        The proofs are tried at R = base * m for m in :data:`RAY_STARTS`; a proof that
        found nothing SymPy can prove at the first R is not tried again."""
        self.ray_witness(piece, d)
        s = sympy.Dummy("s", positive=True)
        hopeless: set[str] = set()
        for m in RAY_STARTS:
            self.tick()
            r = _fq(base * m)
            u = piece.branch.xreplace({self.t: r + d * s})
            self.check_point(r)
            for name in ("ladder", "corners", "falling"):
                if name in hopeless:
                    continue
                try:
                    state = (self.ladder(u, s, self.strict) if name == "ladder" else
                             self.corners(u, s) if name == "corners" else
                             self.falling(piece, u, s, d))
                except NotApplicable:
                    state = None
                if state is True:
                    return r
                if state is None:
                    hopeless.add(name)
            if len(hopeless) == 3:
                break
        raise NotApplicable(f"no proof of the claim for large {'' if d > 0 else '-'}{self.t}")

    def ladder(self, u: sympy.Expr, s: sympy.Symbol, strict: bool) -> bool | None:
        """Proof that u(s) >= 0 (> 0 if strict) for all s >= 0: u(0) has that sign, and
        u^(k)(0) >= 0 for 1 <= k < n with u^(n)(s) >= 0 for s > 0 (SymPy's assumptions),
        so u is increasing (or u itself is proved positive).

        True if proved; False if a derivative was proved of one sign but a value at 0
        was not (a larger start may do); None if SymPy could prove nothing."""
        if _provably(u, strict):
            return self.const_ok(u.xreplace({s: 0}), strict)
        deriv = u
        for n in range(1, RAY_ORDERS + 1):
            deriv = sympy.diff(deriv, s)
            if sympy.count_ops(deriv) > MAX_RAY_OPS:
                return None
            if _provably(deriv, False):
                return self.const_ok(u.xreplace({s: 0}), strict) and all(
                    self.const_ok(sympy.diff(u, s, k).xreplace({s: 0}), False)
                    for k in range(1, n))
        return None

    def const_ok(self, v: sympy.Expr, strict: bool) -> bool:
        sign = self.const_sign(v)
        return sign is not None and (sign > 0 or (sign == 0 and not strict))

    def falling(self, piece: Piece, u: sympy.Expr, s: sympy.Symbol, d: int) -> bool | None:
        """-u' >= 0 proved by a ladder, and the limit of u is >= 0: u >= limit.

        With a strict claim, u(0) > 0 (checked by the caller) and u real-analytic give
        u > limit: u = limit at some s would make u constant."""
        state = self.ladder(-sympy.diff(u, s), s, False)
        if state is True:
            self.limit_ok(piece.branch, sympy.oo if d > 0 else sympy.S.NegativeInfinity, piece)
        return state

    def corners(self, u: sympy.Expr, s: sympy.Symbol) -> bool | None:
        """u is affine in each bounded function (sin, cos, tanh, sigmoid, atan) of s: it is
        at least its smallest value over the corners of their ranges; prove each corner."""
        atoms = sorted((a for a in u.atoms(*_BOUNDED) if a.has(s)), key=str)
        if not atoms or len(atoms) > 4:
            return None
        b = [sympy.Dummy(f"b{i}", real=True) for i in range(len(atoms))]
        p = sympy.expand(u.xreplace(dict(zip(atoms, b))))
        if p.has(*atoms) or any(not p.is_polynomial(bi) or sympy.degree(p, bi) > 1 for bi in b):
            return None
        ranges = [_BOUNDED[a.func] for a in atoms]
        for corner in itertools.product(*ranges):
            state = self.ladder(p.xreplace(dict(zip(b, corner))), s, self.strict)
            if state is not True:
                return state
        return True


class _Bisection:
    """Certified bisection of one bounded piece ``[lo, hi]`` of a branch ``b``."""

    def __init__(self, claim: _Claim, b: sympy.Expr, piece: Piece):
        self.c, self.t, self.b, self.piece = claim, claim.t, b, piece
        self.derivs = [b, sympy.diff(b, claim.t)]
        self.fns: dict[int, BallFn] = {}
        self.critical: dict[sympy.Expr, bool] = {}
        self._zeros: list[sympy.Expr] | None = None

    def fn(self, k: int) -> BallFn:
        while len(self.derivs) <= k:
            self.derivs.append(sympy.diff(self.derivs[-1], self.t))
        if k not in self.fns:
            self.fns[k] = BallFn(self.derivs[k], self.t)
        return self.fns[k]

    def run(self, lo: sympy.Expr, hi: sympy.Expr) -> None:
        stack = [(lo, hi)]
        while stack:
            self.c.boxes += 1
            self.c.tick()
            if self.c.boxes > MAX_BOXES:
                raise NotApplicable(f"bisection needs more than {MAX_BOXES} boxes")
            a, b = stack.pop()
            stack.extend(self.box(a, b))

    def box(self, a: sympy.Expr, b: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr]]:
        a_f = to_fraction(point_ball(a, 64).upper())
        b_f = to_fraction(point_ball(b, 64).lower())
        width = max(b_f - a_f, Fraction(1, 2**4000))
        prec = min(4096, 64 + max(0, width.denominator.bit_length() - width.numerator.bit_length()))
        with ctx.workprec(prec):
            J = point_ball(a, prec).union(point_ball(b, prec))
        H, D = self.fn(0)(J, prec), self.fn(1)(J, prec)
        if D.is_finite() and H.is_finite():
            with ctx.workprec(prec):
                m = arb(J.mid())
                mvf = self.fn(0)(m, prec) + D * (J - m)  # mean-value form
                if mvf.is_finite() and mvf.overlaps(H):
                    H = H.intersection(mvf)
        if self.c.ok_ball(H):
            return []
        if D.is_finite() and (D > 0 or D < 0):
            self.c.check_point(a if D > 0 else b)  # monotone: the minimum is at an end
            return []
        sub = self.tangency(a, b, J, prec)
        if sub is not None:
            return sub
        if not a_f < b_f:
            raise NotApplicable(f"bisection stuck near {self.t} ≈ {float(a_f):.17g}")
        w3 = (b_f - a_f) / 3
        m = simplest_between(a_f + w3, b_f - w3)
        if H.is_finite() and (H.mid() < 0 or (self.c.strict and H.mid() <= 0)):
            self.c.try_point(_fq(m))  # a likely witness
        return [(a, _fq(m)), (_fq(m), b)]

    def candidates(self, a, b, J: arb) -> list[sympy.Expr]:
        lo, hi = to_fraction(J.lower()), to_fraction(J.upper())
        out = [a, b]
        if lo < hi:
            out.append(_fq(simplest_between(lo, hi)))
        with ctx.workprec(128):
            pl, ph = J.lower() / arb.pi(), J.upper() / arb.pi()
        if pl.upper() < ph.lower():  # a simple rational multiple of pi inside J
            out.append(sympy.pi * _fq(simplest_between(to_fraction(pl.upper()),
                                                       to_fraction(ph.lower()))))
        if self._zeros is None and sympy.count_ops(self.b) > 40:
            self._zeros = []
        if self._zeros is None:
            try:
                self._zeros = real_zeros(self.b, self.t, sympy.Interval(
                    self.piece.lo, self.piece.hi))
            except NotApplicable:
                self._zeros = []
        out += [z for z in self._zeros if J.contains(point_ball(z, 64))]
        return list(dict.fromkeys(out))

    def is_critical(self, q: sympy.Expr) -> bool:

        if q not in self.critical:
            v = self.fn(1)(point_ball(q, 128), 128)
            exact = False
            if v.contains(0):
                e = self.derivs[1].xreplace({self.t: q})
                exact = e == 0 if isinstance(e, sympy.Rational) else exact_zero(e)
            self.critical[q] = exact
        return self.critical[q]

    def tangency(self, a, b, J: arb, prec: int):
        """Settle the box at an exact critical point q (see the module text), or split at q."""
        for q in self.candidates(a, b, J):
            if not self.is_critical(q):
                continue
            order_sign = self.first_nonzero(q, J, prec)
            if order_sign is not None:
                for p in (a, q, b):
                    self.c.check_point(p)
                return []
            if q not in (a, b) and point_ball(a, 128) < point_ball(q, 128) < point_ball(b, 128):
                return [(a, q), (q, b)]  # narrower boxes on each side of q
        return None

    def first_nonzero(self, q, J: arb, prec: int) -> int | None:
        """Sign of the first derivative of order >= 2 that is not 0 at q, if fixed on J."""

        for k in range(2, MAX_LADDER + 1):
            at_q = self.fn(k)(point_ball(q, 128), 128)
            if at_q.contains(0):
                e = self.derivs[k].xreplace({self.t: q})
                if not (e == 0 if isinstance(e, sympy.Rational) else exact_zero(e)):
                    return None
                continue
            over = self.fn(k)(J, prec)
            return (1 if over > 0 else -1) if over.is_finite() and (over > 0 or over < 0) \
                else None
        return None


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
        q = _fq(simplest_between(mid - r, mid + r))
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


def _true_text(claim: _Claim, sp) -> str:

    t = claim.t
    where = (f"one period [0, {safe_str(sp.period)}] (it is periodic)" if sp.period is not None
             else "R")
    kinks = [p for p in sp.points if sp.period is None or p not in (0, sp.period)]
    parts = [f"{claim.side} is continuous on {where}"]
    if kinks:
        parts.append(f"smooth except at {t} = {', '.join(safe_str(p) for p in kinks[:6])}")
    ends = "the piece ends" + ("" if sp.period is not None else " and the limits at +-oo")
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
        parts.append("limits: " + ", ".join(f"{safe_str(v)} as {t} -> {e}"
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
