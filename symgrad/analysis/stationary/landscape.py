"""The deep chain's Hessian in all L weights at a point, certified, with its class.

**Hessian.**  :func:`symgrad.numeric.hessian.chain_forward` (forward over
reverse in dual numbers over Arb balls, O(L^2) work); the precision is raised
until every entry of F, grad F and the Hessian has the requested number of
correct digits (entries that stay balls around 0 -- exact zeros not computed
exactly -- are shown with their radius and noted).

**Eigenvalues.**  Up to ``EIG_RUMP_MAX_DEPTH`` by ``acb_mat.eig`` (Rump's
method, :func:`symgrad.numeric.eigen_enclosures.eigen_enclosures`; it grows like
L^3.6: 0.7 s at L = 50, 6.5 s at 100, 80 s at 200).  Above, by congruence
(:func:`symgrad.numeric.eigen_enclosures.congruence_enclosures`, 2 arb matrix
products, about 12 s at L = 1000; float64 resolution relative to ||H||).  A
class is given only when it is sound (:func:`symgrad.analysis.stationary.rules.enclosure_verdict`):
all enclosures away from 0 (inertia), or one provably positive and one provably
negative eigenvalue (indefinite, so a saddle); otherwise "degenerate: undecided".

**Depth cap and timings** (20 digits, normal:0,1,seed=7, 2-core machine,
whole :func:`chain_hessian` / without eigenvalues): L = 50: 0.15-0.3 s /
0.01 s; L = 200: 0.4-0.8 s / 0.14 s; L = 1000: 11-24 s / 4 s (``symgrad
hessian`` end to end 16 s, 0.7 GB, 29 MB of text).
``MAX_HESSIAN_DEPTH`` = 1000: the L x L matrix itself (10^6 balls, its text,
the O(L^3) eigenvalue certification) is the limit, not the recurrence.
``MAX_HESSIAN_WORK`` = 2 * 10^7 bounds depth^2 x digits (the matrix's digits):
L = 1000 at 20 digits, L = 200 at 500, L = 141 at 1000.  Without it L = 1000 at
1000 digits ran 4 minutes and printed 1 GB of JSON.

**Stationarity** is decided exactly (:func:`_stationarity`) from the closed form
of :mod:`.chain`: dF/dw_k = 0 iff o_{k-1} = 0 or some w_i = 0 with i > k.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> r = chain_hessian(Chain(2), [Fraction(0), Fraction(0)], digits=10)
>>> r.hessian_text, r.verdict.cls
([['0', '2.500000000e-1'], ['2.500000000e-1', '0']], 'saddle')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from flint import arb, ctx

from symgrad.analysis.stationary.chain import stationary_description
from symgrad.analysis.stationary.decimals import enclosure_text, fmt
from symgrad.analysis.stationary.model import Verdict
from symgrad.analysis.stationary.rules import enclosure_verdict
from symgrad.base.errors import InputError, LimitError
from symgrad.core.chain import Chain
from symgrad.numeric.decimal_text import round_ball
from symgrad.numeric.dual import DualArbOps
from symgrad.numeric.eigen_enclosures import congruence_enclosures, eigen_enclosures
from symgrad.numeric.hessian import chain_forward
from symgrad.numeric.recurrence import evaluate_chain
from symgrad.numeric.weights import MAX_PREACTIVATION_BITS, preactivation_bits

__all__ = ["EIG_RUMP_MAX_DEPTH", "MAX_HESSIAN_DEPTH", "MAX_HESSIAN_WORK", "ChainHessian",
           "chain_hessian", "symbolic_hessian"]

MAX_HESSIAN_DEPTH = 1000
MAX_HESSIAN_WORK = 2 * 10**7
EIG_RUMP_MAX_DEPTH = 60
_MAX_TRIES = 6


def _stationarity(chain: Chain, w: Sequence[Fraction], b, x, grad: Sequence[arb],
                  outs: Sequence[arb]) -> bool | None:
    """Exact decision whether grad_w F = 0 (None: undecided), see the module doc."""
    n, tanh = chain.depth, chain.activation == "tanh"
    bias = [Fraction(v) for v in b] if b is not None else [Fraction(0)] * n
    # zero-ness of o_0..o_{L-1}: True (= 0), False (!= 0), None; `exact` when rational
    exact: Fraction | None = Fraction(1) if (chain.form == "seed" or x is None) else Fraction(x)
    irrational = False
    zero: list[bool | None] = [exact == 0]
    for i in range(n - 1):
        wi = Fraction(w[i])
        if i == 0 and chain.form == "seed":
            exact, irrational = wi, False
        elif not tanh:  # sigmoid, softplus: o_i > 0
            exact, irrational = None, False
        else:
            z_exact = None
            if exact is not None:
                z_exact = wi * exact + bias[i]
            elif wi == 0:
                z_exact = bias[i]
            if z_exact is not None:  # tanh(q) = 0 iff q = 0, irrational otherwise
                exact, irrational = (Fraction(0), False) if z_exact == 0 else (None, True)
            else:
                known = irrational or (bias[i] == 0 and zero[-1] is False)
                nonzero = known or not outs[i].contains(0)
                exact, irrational = None, False
                zero.append(False if nonzero else None)
                continue
        zero.append(exact == 0 if exact is not None else False)
    later_zero = [False] * n
    for k in range(n - 2, -1, -1):
        later_zero[k] = later_zero[k + 1] or Fraction(w[k + 1]) == 0
    parts = [True if (later_zero[k] or zero[k] is True) else
             (False if zero[k] is False else None) for k in range(n)]
    if all(p is True for p in parts):
        return True
    if any(p is False for p in parts) or any(not g.contains(0) for g in grad):
        return False
    return None


def _accurate(b: arb, digits: int) -> bool:
    """The ball is exact, or decides its value correctly rounded to ``digits`` digits."""
    return b.is_exact() or (not b.contains(0) and round_ball(b, digits) is not None)


@dataclass
class ChainHessian:
    chain: Chain
    weights: tuple[Fraction, ...]
    digits: int
    value: str
    gradient: list[str]
    grad_norm: str
    hessian_text: list[list[str]]
    eigenvalues: list[str]
    verdict: Verdict
    stationary: bool | None
    stationary_set: str
    notes: list[str] = field(default_factory=list)
    symbolic: sympy.Matrix | None = None
    biases: tuple[Fraction, ...] | None = None
    x: Fraction | None = None
    eigen_method: str = ""

    def as_dict(self) -> dict:
        from symgrad.numeric.weights import (
            number_text,  # exact at any magnitude (str of a 10,000-digit integer fails)
        )

        return {
            "depth": self.chain.depth, "activation": self.chain.activation,
            "form": self.chain.form, "bias": self.chain.bias,
            "weights": [number_text(w) for w in self.weights], "digits": self.digits,
            "biases": None if self.biases is None else [number_text(b) for b in self.biases],
            "x": None if self.x is None else number_text(self.x),
            "F": self.value, "gradient": self.gradient, "gradient_norm": self.grad_norm,
            "hessian": self.hessian_text, "eigenvalue_enclosures": self.eigenvalues,
            "eigenvalue_method": self.eigen_method,
            "stationary": self.stationary, "stationary_set": self.stationary_set,
            "verdict": self.verdict.as_dict(), "notes": self.notes,
            "hessian_symbolic": None if self.symbolic is None else [
                [str(v) for v in row] for row in self.symbolic.tolist()],
        }


def _evaluate(chain, weights, biases, x, digits):
    """(bits, F, grad, H) with every entry accurate to ``digits`` where achievable."""
    n = chain.depth
    target = digits * 3.33 + 4
    # z = w*o + b keeps ``target`` bits of *absolute* accuracy (what sigma''(z) ~ e^-|z|
    # needs) only with log2|z| on top: a bound from the inputs, refused beyond a cap
    magnitude = preactivation_bits(weights, biases=biases, x=x, form=chain.form,
                                   activation=chain.activation)
    if magnitude > MAX_PREACTIVATION_BITS:
        raise LimitError(
            f"the chain's pre-activations reach about 2^{magnitude}, beyond the Hessian's "
            f"limit of 2^{MAX_PREACTIVATION_BITS} (certifying sigma''(z) ~ e^-|z| needs "
            "log2|z| bits of working precision)",
            hint="use smaller weights, biases or input, or a shallower softplus chain")
    bits = int(target) + 32 + 4 * n.bit_length() + magnitude
    for _ in range(_MAX_TRIES):
        with ctx.workprec(bits):
            f, g, h = chain_forward(chain, weights, biases=biases, x=x)
            entries = [h[i, j] for i in range(n) for j in range(i + 1)] + g + [f]
            bad = [e for e in entries if not _accurate(e, digits)]
            if not bad:
                return bits, f, g, h
            if all(e.contains(0) for e in bad) and bits > 4 * target + 200 + magnitude:
                return bits, f, g, h  # balls around 0 that more precision does not decide
            short = [e for e in bad if not e.contains(0) and e.rel_accuracy_bits() < target]
            losses = [bits - e.rel_accuracy_bits() for e in short]
        if short and len(short) == len(bad):  # only short of digits: raise by the loss
            bits = max(bits + 32, int(target + max(losses)) + 32)
        else:  # a ball around 0, or a value at a rounding boundary: double
            bits *= 2
    return bits, f, g, h


def chain_hessian(chain: Chain, weights: Sequence[Fraction], *, digits: int = 20,
                  symbolic_max_depth: int = 3, biases: Sequence[Fraction] | None = None,
                  x: Fraction | None = None, eigenvalues: bool = True) -> ChainHessian:
    """Hessian of F in the weights at ``weights`` to ``digits`` correct digits, with its class.

    ``biases``/``x``: the general form's fixed parameters.  ``eigenvalues=False``
    skips the O(L^3) enclosures (a stationary point is then left undecided).
    """
    n = chain.depth
    if n > MAX_HESSIAN_DEPTH:
        raise LimitError(f"depth {n} is above the Hessian cap {MAX_HESSIAN_DEPTH}",
                           hint=f"use --depth {MAX_HESSIAN_DEPTH} or less")
    if len(weights) != n:
        raise InputError(f"{len(weights)} weights for depth {n}", hint=f"give {n} weights")
    if not 1 <= digits <= 1000:
        raise InputError(f"digits must be in 1..1000, got {digits}")
    if n * n * digits > MAX_HESSIAN_WORK:
        most = MAX_HESSIAN_WORK // (n * n)
        raise LimitError(f"depth {n} with {digits} digits is above the Hessian work cap "
                           f"depth^2 x digits <= {MAX_HESSIAN_WORK:.0e}",
                           hint=f"use --digits {most} or less at this depth")
    w = tuple(Fraction(v) for v in weights)
    b = None if biases is None else tuple(Fraction(v) for v in biases)
    xq = None if x is None else Fraction(x)
    bits, f, g, h = _evaluate(chain, w, b, xq, digits)
    notes = []
    with ctx.workprec(bits):
        ops = DualArbOps()
        outs = [o.val for o in evaluate_chain(chain, w, ops, biases=b, x=xq).outputs]
        stationary = _stationarity(chain, w, b, xq, g, outs)
        norm = sum((v * v for v in g), arb(0)).sqrt()
        text = [[""] * n for _ in range(n)]
        loose = 0
        for i in range(n):
            for j in range(i + 1):
                text[i][j] = text[j][i] = fmt(h[i, j], digits)
                loose += (1 if i == j else 2) * (not _accurate(h[i, j], digits))
        if loose:
            notes.append(f"{loose} Hessian entries are balls around 0 at {bits} bits (shown "
                         "with their radius): zero to within it, possibly exactly 0")
        if not eigenvalues:
            eigs, how = [], "skipped (eigenvalues=False)"
        elif n <= EIG_RUMP_MAX_DEPTH:
            eigs, how = eigen_enclosures(h)
        else:
            eigs, how = congruence_enclosures(h)
        if stationary and not eigenvalues:
            verdict = Verdict("degenerate: undecided", None, None, "none",
                              ["stationary, but the eigenvalue enclosures were skipped"])
        elif stationary:
            verdict = enclosure_verdict(eigs, how)
        elif stationary is None:
            verdict = Verdict("degenerate: undecided", None, None, "gradient",
                              ["stationarity undecided: every gradient enclosure contains 0, "
                               "but exact vanishing is not proven"])
        else:
            verdict = Verdict("not stationary", None, False, "gradient",
                              [f"not stationary: ||grad F|| = {fmt(norm, 5)}"])
        res = ChainHessian(
            chain, w, digits, fmt(f, digits), [fmt(v, digits) for v in g],
            fmt(norm, digits), text, [enclosure_text(e, digits) for e in eigs], verdict, stationary,
            stationary_description(chain)[0], notes, None, b, xq, how)
    if n <= symbolic_max_depth:
        res.symbolic = symbolic_hessian(chain)
    return res


def symbolic_hessian(chain: Chain) -> sympy.Matrix:
    """The symbolic Hessian in the weights (Jacobian of the gradient) of the nested expression."""
    expr = chain.nested_expression()
    grad = sympy.Matrix([sympy.diff(expr, w) for w in chain.weights])
    return grad.jacobian(chain.weights)


