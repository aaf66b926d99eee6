"""``symgrad.reference``: F and the gradient to D correct digits, certified by ball arithmetic.

The Python side of ``symgrad reference``.  Weights are taken through
:mod:`symgrad.numeric.inputs`: a float is **the exact binary value it holds** (``0.1`` is
0.1000000000000000055511151231257827…), a decimal string is exact (``"0.1"`` is 1/10),
numpy arrays, ``Fraction``, ``Decimal``, mpmath and SymPy numbers work element by element,
and a string such as ``"normal:0,1,seed=7"`` is the command line's SPEC.

>>> r = reference(3, [0.5, 1.0, 2.0], digits=20)
>>> r.value("F")  # sigmoid(2 sigmoid(0.5))
'7.7641901805201723228e-1'
>>> r.to_json()["weights"]["values"][0]
{'decimal': '5e-1', 'float64': '3fe0000000000000'}
>>> r
<ReferenceResult: seed chain, depth 3, sigmoid: F and 3 partials to 20 correct digits>
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from symgrad.base.errors import InputError
from symgrad.core.chain import Chain
from symgrad.interfaces.api._values import (
    chain_json,
    input_errors,
    layer_list,
    make_chain,
    number_record,
    weights_record,
    whole_number,
)
from symgrad.interfaces.api.result import Result
from symgrad.numeric.certified import Ball, Certified, certified_values
from symgrad.numeric.flint_backend import MAX_DIGITS
from symgrad.numeric.reference import chain_point

if TYPE_CHECKING:  # pragma: no cover
    from symgrad.interfaces.api.network_reference import NetworkReferenceResult

__all__ = ["METHOD", "ReferenceResult", "reference"]

#: how every value is decided (the ``method`` of the JSON document)
METHOD = "python-flint ball arithmetic, correctly rounded"


@dataclass(frozen=True, repr=False)
class ReferenceResult(Result):
    """F and the partial derivatives of ``chain`` at exact weights, correctly rounded.

    ``values`` holds the certified balls; ``certified`` says whether the renderings show
    each enclosure (``± radius``) beside the digits.  ``weights_spec`` is the SPEC string
    the weights came from, when they came from one.
    """

    SCHEMA = "symgrad.reference/2"
    FORMATS = ("text", "json", "csv")

    chain: Chain
    digits: int
    wrt: tuple[int, ...]
    certified: bool
    weights: tuple[Fraction, ...]
    biases: tuple[Fraction, ...] | None
    x: Fraction | None
    values: Certified
    weights_spec: str | None = None
    biases_spec: str | None = None

    def balls(self) -> list[tuple[str, Ball]]:
        """(name, ball) of F and each requested partial: dF/dw_k, dF/db_k, dF/dx."""
        res = self.values
        out: list[tuple[str, Ball]] = [("F", res.value)]
        out += [(f"dF/dw{k}", res.grad_w[k - 1]) for k in self.wrt]
        if self.chain.bias:
            out += [(f"dF/db{k}", res.grad_b[k - 1]) for k in self.wrt]
        if self.chain.form == "general" and res.grad_x is not None:
            out.append(("dF/dx", res.grad_x))
        return out

    def value(self, name: str) -> str:
        """The correctly rounded digits of ``name`` (``"F"``, ``"dF/dw2"``, ...)."""
        for n, b in self.balls():
            if n == name:
                return b.mid
        raise KeyError(name)

    def rows(self) -> list[dict]:
        """One dict per value: name, value, and with ``certified`` radius and certified digits."""
        if self.certified:
            return [{"name": n, "value": b.mid, "radius": b.rad, "certified_digits": b.digits}
                    for n, b in self.balls()]
        return [{"name": n, "value": b.mid} for n, b in self.balls()]

    def method_info(self) -> dict:
        """How the values were decided: method, certified (always true), precision in bits."""
        return {"method": METHOD, "certified": True,
                "working_precision_bits": int(self.values.prec)}

    def json_body(self) -> dict:
        values = []
        for n, b in self.balls():
            row: dict = {"name": n, "value": b.mid}
            if self.certified:
                row["ball"] = {"mid": b.mid, "rad": b.rad}
                row["certified_digits"] = b.digits
            values.append(row)
        return {
            "chain": chain_json(self.chain),
            "weights": weights_record(self.weights, self.weights_spec),
            "biases": (None if self.biases is None
                       else weights_record(self.biases, self.biases_spec)),
            "x": None if self.x is None else number_record(self.x),
            "digits": self.digits,
            "wrt": list(self.wrt),
            **self.method_info(),
            "values": values,
        }

    def to_text(self) -> str:
        rows = self.rows()
        lines = [f"{self.chain.describe()}; {self.digits} correct digits; {METHOD}"]
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            extra = f"  ± {r['radius']}" if "radius" in r else ""
            lines.append(f"{r['name']:<{width}}  {r['value']}{extra}")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        rows = self.rows()
        cols = ["name", "value", "radius", "certified_digits"] if self.certified else [
            "name", "value"]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()

    def summary(self) -> str:
        return (f"{self.chain.describe()}: F and {len(self.wrt)} partials to {self.digits} "
                "correct digits")


def reference(depth_or_chain: int | Chain | None = None, weights: object = None, *,
              digits: int = 30, wrt: object = "all", certified: bool = False,
              biases: object = None, x: object = None, activation: str = "sigmoid",
              form: str = "seed", bias: bool = False,
              network: object = None) -> ReferenceResult | NetworkReferenceResult:
    """F and dF/dw_k (and dF/db_k, dF/dx) at ``weights``, correctly rounded to ``digits``.

    ``depth_or_chain`` is a depth (built with ``activation``, ``form``, ``bias``) or a
    :class:`~symgrad.core.chain.Chain`.  ``weights`` (and ``biases``) are one number, a
    sequence or array of ``depth`` numbers of any type listed in the module docstring, or a
    SPEC string.  ``wrt`` is ``"all"``, a layer number or a sequence of them.  Every
    printed digit is decided by a ball; ``certified=True`` also shows each enclosure.
    ``network`` (a network file, a dict of its keys or a spec) instead of a chain gives a
    :class:`~symgrad.interfaces.api.network_reference.NetworkReferenceResult`.

    >>> reference(2, 1, digits=10, wrt=1).value("dF/dw1")  # sigma'(1) = e/(1+e)^2
    '1.966119332e-1'
    """
    if network is not None:
        given = [n for n, v in (("a depth", depth_or_chain), ("weights", weights),
                                ("biases", biases), ("x", x)) if v is not None]
        if given or wrt != "all":
            raise InputError(f"network and {(given or ['wrt'])[0]} were both given: the "
                             "network file holds the weights and data",
                             hint="pass either a network or a chain")
        from symgrad.interfaces.api.network_reference import network_reference

        return network_reference(network, digits=digits, certified=certified)
    with input_errors():
        if depth_or_chain is None or weights is None:
            raise InputError("reference needs a depth (or Chain) and weights, or a network",
                             hint="reference(3, [0.5, 1, 2]) or reference(network='net.toml')")
        chain = make_chain(depth_or_chain, activation, form, bias)
        d = whole_number(digits, what="--digits", lo=1, hi=MAX_DIGITS, example="--digits 30")
        if not isinstance(certified, bool):
            raise InputError(f"certified must be True or False, got {certified!r}")
        ks = layer_list(wrt, chain.depth)
        w, b, xv = chain_point(chain, weights, biases, x)
        res = certified_values(chain, w, digits=d, biases=b, x=xv, wrt=list(ks))
    return ReferenceResult(
        chain=chain, digits=d, wrt=ks, certified=certified, weights=w, biases=b, x=xv,
        values=res, weights_spec=weights if isinstance(weights, str) else None,
        biases_spec=(biases if isinstance(biases, str) else "0" if b is not None and biases
                     is None else None),
    )
