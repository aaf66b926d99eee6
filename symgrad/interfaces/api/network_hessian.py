"""``symgrad.hessian(network=...)``: a network's Hessian in all its parameters, certified,
with certified eigenvalue enclosures, the gradient norm and the class of the point
(``symgrad hessian --network FILE``).

The Hessian is :func:`symgrad.numeric.network_hessian.network_hessian` (forward over
reverse mode over balls, exact rationals where the values are rational); the class is
:func:`symgrad.analysis.stationary.network_point.classify_network_point` (exact inertia
or certified enclosures, the higher-order tests, a certified descent curve).

>>> r = network_hessian({"layers": [1, 1, 1], "activation": "identity", "loss": "squared",
...     "bias": False, "data": {"x": [["1"]], "y": [["1"]]},
...     "weights": {"W1": [["0"]], "W2": [["0"]]}}, digits=5)
>>> r.to_json()["verdict"]["class"], r.to_json()["hessian"][0]
('saddle', ['0', '-1.0000e+0'])
"""

from __future__ import annotations

from dataclasses import dataclass

from symgrad.analysis.stationary.network_point import NetworkPoint, classify_network_point
from symgrad.base.errors import InputError
from symgrad.interfaces.api._values import input_errors
from symgrad.interfaces.api.network_reference import describe, load_spec, network_json
from symgrad.interfaces.api.point import whole
from symgrad.interfaces.api.result import Result
from symgrad.numeric.network_hessian import network_hessian as certified_hessian

__all__ = ["NetworkHessianResult", "network_hessian"]


@dataclass(frozen=True, repr=False)
class NetworkHessianResult(Result):
    """What :func:`network_hessian` computed: ``point`` (the certified Hessian, its class)."""

    SCHEMA = "symgrad.network-hessian/1"
    FORMATS = ("text", "json")

    point: NetworkPoint

    def json_body(self) -> dict:
        p, h = self.point, self.point.hessian
        return {
            "network": network_json(h.spec), "digits": h.digits,
            "working_precision_bits": int(h.prec), "parameters": list(h.names),
            "exact": h.exact, "F": h.value.mid,
            "gradient": [b.mid if b.decided else f"0 ± {b.rad}" for b in h.gradient],
            "gradient_norm": p.grad_norm,
            "hessian": [[b.mid if b.decided else f"0 ± {b.rad}" for b in row]
                        for row in h.hessian],
            "eigenvalue_enclosures": list(p.eigenvalues), "eigenvalue_method": p.eigen_method,
            "inertia": None if p.inertia is None else dict(
                zip(("positive", "negative", "zero"), p.inertia)),
            "stationary": p.stationary, "verdict": p.verdict.as_dict(),
            "descent_curve": None if p.descent is None else p.descent.as_dict(),
            "notes": list(p.notes),
        }

    def to_text(self) -> str:
        p, h = self.point, self.point.hessian
        body = self.json_body()
        lines = [f"{describe(h.spec)}; {h.digits} correct digits",
                 f"F = {body['F']}", "gradient:"]
        width = max(len(n) for n in h.names)
        lines += [f"  {n:<{width}}  {g}" for n, g in zip(h.names, body["gradient"])]
        lines.append(f"||grad F|| = {p.grad_norm}")
        lines.append("Hessian (rows and columns in the order above):")
        cell = max(len(v) for row in body["hessian"] for v in row)
        lines += ["  " + "  ".join(v.rjust(cell) for v in row) for row in body["hessian"]]
        if p.eigenvalues:
            lines.append(f"eigenvalue enclosures ({p.eigen_method}): " + ", ".join(p.eigenvalues))
        else:
            lines.append(f"eigenvalue enclosures: {p.eigen_method}")
        lines.append(f"class: {p.verdict.label} ({'; '.join(p.verdict.evidence)})")
        if p.descent is not None:
            lines.append("descent curve: " + p.descent.describe(h.names))
        lines += [f"note: {n}" for n in p.notes]
        lines.append("note: every printed digit is correct (python-flint balls; exact "
                     "rationals where the values are rational)")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        h = self.point.hessian
        return f"Hessian of the {describe(h.spec)}: {self.point.verdict.label}"


def network_hessian(network: object, *, digits: int = 20,
                    eigenvalues: bool = True) -> NetworkHessianResult:
    """The Hessian of ``network``'s F at its weights (a file path, a dict of the file's
    keys or a :class:`~symgrad.numeric.network_file.NetworkSpec`), every entry decided to
    ``digits``, with eigenvalue enclosures and the point's class (``eigenvalues=False``:
    no enclosures, a stationary point is left undecided)."""
    with input_errors():
        spec = load_spec(network)
        d = whole(digits, what="--digits", lo=1, hi=1000, example="--digits 20")
        if not isinstance(eigenvalues, bool):
            raise InputError(f"eigenvalues must be True or False, got {eigenvalues!r}")
        h = certified_hessian(spec, digits=d)
        point = classify_network_point(h, eigenvalues=eigenvalues)
    return NetworkHessianResult(point)
