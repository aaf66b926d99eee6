"""``symgrad.hessian``: the deep chain's Hessian in all L weights at a point, certified.

The Python side of ``symgrad hessian``: every entry of F, grad F and the Hessian to
``digits`` correct digits (Arb balls, forward over reverse mode), certified eigenvalue
enclosures, the point's class, and optionally (``small_gradient=c``, seed form) boxes
s*(1, ..., 1) ± 1/10 where ||grad F|| < c far from inf F with no stationary point.
Weights are any Python numbers (see :mod:`symgrad.numeric.inputs`; a float is its exact
binary value), a numpy array, or the command line's SPEC string.

>>> h = hessian(2, [0, 0], digits=8)
>>> h.to_json()["hessian"]
[['0', '2.5000000e-1'], ['2.5000000e-1', '0']]
>>> h.to_json()["verdict"]["class"]
'saddle'
>>> h
<HessianResult: Hessian of the seed chain, depth 2, sigmoid at weights 0, 0: saddle>
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from symgrad.analysis.stationary.chain import Region, chain_infimum, small_gradient_regions
from symgrad.analysis.stationary.landscape import MAX_HESSIAN_DEPTH, ChainHessian, chain_hessian
from symgrad.base.errors import InputError, LimitError
from symgrad.interfaces.api._values import chain_json, make_chain
from symgrad.interfaces.api.hessian_latex import hessian_latex
from symgrad.interfaces.api.point import chain_point, number_json, numbers_json, whole
from symgrad.interfaces.api.result import Result
from symgrad.numeric.inputs import exact_number
from symgrad.numeric.number_text import number_text

__all__ = ["HessianResult", "hessian"]


def _ball(text: str) -> dict:
    """A printed enclosure as a ball (an exact value has radius 0)."""
    value = number_json(text)
    return value if isinstance(value, dict) else {"mid": value, "rad": "0"}


def _infimum(chain) -> tuple[str, str]:
    """inf F as (JSON text, plain text): a decimal string, or "-inf" / "-∞"."""
    import sympy

    inf = chain_infimum(chain)
    if inf == -sympy.oo:
        return "-inf", "-∞"
    value = number_text(Fraction(int(inf.p), int(inf.q)))
    return value, value


def _short(q: Fraction) -> str:
    """A weight for a one-line summary: exact when short, else about 6 digits."""
    from symgrad.present.numbers import fraction_text

    text = number_text(q)
    return text if len(text) <= 12 else "≈" + fraction_text(q, 6)


@dataclass(frozen=True, repr=False)
class HessianResult(Result):
    """What :func:`hessian` computed: ``analysis`` (the certified Hessian and its class),
    ``regions`` (the small-gradient boxes, or None) and their threshold ``c``."""

    SCHEMA = "symgrad.hessian/1"
    FORMATS = ("text", "json", "latex")

    analysis: ChainHessian
    regions: tuple[Region, ...] | None = None
    c: Fraction | None = None

    def _small_gradient_json(self) -> dict | None:
        if self.regions is None:
            return None
        return {"c": number_text(self.c), "F_infimum": _infimum(self.analysis.chain)[0],
                "F_infimum_attained": False, "regions": [r.as_dict() for r in self.regions]}

    def json_body(self) -> dict:
        res = self.analysis
        return {
            "chain": chain_json(res.chain),
            "weights": [number_text(w) for w in res.weights],
            "biases": None if res.biases is None else [number_text(b) for b in res.biases],
            "x": None if res.x is None else number_text(res.x),
            "digits": res.digits,
            "F": number_json(res.value),
            "gradient": numbers_json(res.gradient),
            "gradient_norm": number_json(res.grad_norm),
            "hessian": numbers_json(res.hessian_text),
            "eigenvalue_enclosures": [_ball(e) for e in res.eigenvalues],
            "eigenvalue_method": res.eigen_method,
            "stationary": res.stationary,
            "stationary_set": res.stationary_set,
            "verdict": res.verdict.as_dict(),
            "notes": list(res.notes),
            "hessian_symbolic": None if res.symbolic is None else [
                [str(v) for v in row] for row in res.symbolic.tolist()],
            "small_gradient": self._small_gradient_json(),
        }

    def _point_line(self) -> str:
        res = self.analysis
        parts = [res.chain.describe(), "weights " + ", ".join(number_text(w) for w in res.weights)]
        if res.biases is not None:
            parts.append("biases " + ", ".join(number_text(b) for b in res.biases))
        if res.chain.form == "general":
            parts.append(f"x = {number_text(res.x) if res.x is not None else 1}")
        return "; ".join(parts)

    def _region_lines(self) -> list[str]:
        if self.regions is None:
            return []
        inf = _infimum(self.analysis.chain)[1]
        lines = [f"boxes with ||grad F|| < {number_text(self.c)}, F - inf F > 1/10, no "
                 f"stationary point (inf F = {inf}, approached but not attained; bounds "
                 "rounded outward):"]
        for r in self.regions:
            lines.append(f"  w = {number_text(r.center[0])}·(1, …, 1) ± "
                         f"{number_text(r.halfwidth)}: ||grad F|| ≤ {r.grad_norm_upper}, "
                         f"F - inf F ≥ {'∞' if r.gap_lower == 'inf' else r.gap_lower}: {r.verdict}")
        return lines

    def to_text(self) -> str:
        res = self.analysis
        lines = [self._point_line(), f"F = {res.value}", f"grad F = ({', '.join(res.gradient)})",
                 f"||grad F|| = {res.grad_norm}", "Hessian in the weights:"]
        width = max(len(v) for row in res.hessian_text for v in row)
        lines += ["  " + "  ".join(v.rjust(width) for v in row) for row in res.hessian_text]
        if res.eigenvalues:
            lines.append(f"eigenvalue enclosures ({res.eigen_method}): "
                         + ", ".join(res.eigenvalues))
        else:
            lines.append(f"eigenvalue enclosures: {res.eigen_method}")
        lines.append(f"class: {res.verdict.label} ({'; '.join(res.verdict.evidence)})")
        lines.append(f"stationary points of F: {res.stationary_set}")
        lines += self._region_lines()
        lines += [f"note: {n}" for n in res.notes]
        lines.append(f"note: {res.digits} significant digits, each correctly rounded "
                     "(decided by Arb balls)")
        return "\n".join(lines) + "\n"

    def to_latex(self, fragment: bool = False) -> str:
        """A standalone LaTeX document (``fragment=True``: its body, to ``\\input``): the
        symbolic Hessian entry by entry (depth <= 3), the matrix in column blocks, the class."""
        return hessian_latex(self.analysis, fragment=fragment)

    def summary(self) -> str:
        res = self.analysis
        shown = ", ".join(_short(w) for w in res.weights[:4])
        more = ", …" if len(res.weights) > 4 else ""
        return f"Hessian of the {res.chain.describe()} at weights {shown}{more}: " \
               f"{res.verdict.label}"


def hessian(depth_or_chain=None, weights=None, *, digits: int = 20, small_gradient=None,
            eigenvalues: bool = True, activation: str = "sigmoid", form: str = "seed",
            bias: bool = False, biases=None, x=None, network: object = None):
    """The chain's Hessian in the weights at ``weights``, certified to ``digits`` digits.

    ``depth_or_chain``: a depth (with ``activation``, ``form``, ``bias``) or a
    :class:`~symgrad.core.chain.Chain`, depth at most ``MAX_HESSIAN_DEPTH`` (1000).
    ``weights``/``biases``: one number, ``depth`` numbers (a list or numpy array) or a SPEC
    string such as ``"normal:0,1,seed=7"``; ``x``: the general form's input.
    ``eigenvalues=False`` skips the O(L^3) enclosures (a stationary point is then left
    undecided); ``small_gradient=c`` (> 0, seed form) adds the boxes where ||grad F|| < c.
    ``network`` (a network file, a dict of its keys or a spec) instead of a chain gives a
    :class:`~symgrad.interfaces.api.network_hessian.NetworkHessianResult`.
    """
    if network is not None:
        given = [n for n, v in (("depth_or_chain", depth_or_chain), ("weights", weights),
                                ("small_gradient", small_gradient), ("biases", biases),
                                ("x", x)) if v is not None]
        if given:
            raise InputError(f"network and {given[0]} were both given: the network file "
                             "holds the weights and data", hint="pass either a network or a chain")
        from symgrad.interfaces.api.network_hessian import network_hessian

        return network_hessian(network, digits=digits, eigenvalues=eigenvalues)
    if depth_or_chain is None or weights is None:
        raise InputError("hessian needs a depth (or chain) and weights, or network=FILE",
                         hint="e.g. hessian(3, [1, 1, 1]) or hessian(network='net.toml')")
    chain = make_chain(depth_or_chain, activation, form, bias)
    if chain.depth > MAX_HESSIAN_DEPTH:
        raise LimitError(f"depth {chain.depth} is above the Hessian cap {MAX_HESSIAN_DEPTH}",
                         hint=f"use --depth {MAX_HESSIAN_DEPTH} or less")
    digits = whole(digits, what="--digits", lo=1, hi=1000, example="--digits 20")
    if not isinstance(eigenvalues, bool):
        raise InputError(f"eigenvalues must be True or False, got {eigenvalues!r}")
    c = None
    if small_gradient is not None:
        if chain.form != "seed":
            raise InputError("--small-gradient supports the seed form only",
                             hint="drop --form/--bias")
        c = exact_number(small_gradient, what="--small-gradient")
        if c <= 0:
            raise InputError("--small-gradient must be > 0", hint="e.g. --small-gradient 1e-3")
    w, b, xq = chain_point(chain, weights, biases, x)
    res = chain_hessian(chain, w, digits=digits, biases=b, x=xq, eigenvalues=eigenvalues)
    regions = None if c is None else tuple(small_gradient_regions(chain, c))
    return HessianResult(res, regions, c)
